/**
 * Runtime packages are looked up in the user's project first, then beside convspec, and a missing one
 * is named with the exact install line at the tested versions (tools/adapters/runtimePackages.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRuntime, installLine, RuntimeMissingError, requireRuntime, testedVersion } from '../runtimePackages';

const repo = path.resolve(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-runtimes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A project folder with a fake `name` package at `version` whose main exports { from: 'project' }. */
function projectWith(name: string, version: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'project-'));
  const pkg = path.join(dir, 'node_modules', name);
  fs.mkdirSync(pkg, { recursive: true });
  // An exports map without ./package.json, as onnxruntime-web has: the lookup must not depend on it.
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, version, main: 'index.js', exports: { '.': './index.js' } }));
  fs.writeFileSync(path.join(pkg, 'index.js'), "module.exports = { from: 'project' };\n");
  fs.mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
  return dir;
}

describe('runtime packages', () => {
  it("the user's project (the working folder or a parent) wins over convspec's own node_modules", () => {
    const project = projectWith('onnxruntime-web', '9.9.9');
    for (const cwd of [project, path.join(project, 'src', 'deep')]) {
      const found = findRuntime('onnxruntime-web', cwd);
      expect(found).toMatchObject({ version: '9.9.9', fromProject: true, dir: path.join(project, 'node_modules', 'onnxruntime-web') });
    }
    expect(requireRuntime<{ from: string }>('onnxruntime-web', project).module).toEqual({ from: 'project' });
  });

  it("without it in the project, convspec's location is used", () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    const found = findRuntime('onnxruntime-web', empty);
    expect(found).toMatchObject({ fromProject: false, dir: path.join(repo, 'node_modules', 'onnxruntime-web'), version: testedVersion('onnxruntime-web') });
  });

  it('found nowhere: the error is the install line with the tested versions', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    expect(findRuntime('@tensorflow/tfjs-no-such-backend', empty)).toBeUndefined();
    expect(() => requireRuntime('@tensorflow/tfjs-no-such-backend', empty)).toThrow(RuntimeMissingError);
    const tested = (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
    expect(installLine(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'])).toBe(
      `npm i -D @tensorflow/tfjs-core@${tested['@tensorflow/tfjs-core']} @tensorflow/tfjs-backend-wasm@${tested['@tensorflow/tfjs-backend-wasm']}`);
    expect(new RuntimeMissingError(['onnxruntime-web']).message).toBe(
      `npm package not installed: onnxruntime-web; install it in your project with \`npm i -D onnxruntime-web@${tested['onnxruntime-web']}\``);
  });
});
