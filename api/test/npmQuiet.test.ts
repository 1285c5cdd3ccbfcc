/**
 * npm in this repository stays quiet and never fetches onnxruntime-node's CUDA libraries: the project
 * `.npmrc` holds only keys npm knows (an unknown one makes npm 11 warn on every npm and npx command),
 * and it runs no dependency's install script, which is what keeps a fresh clone's `npm ci` off
 * api.nuget.org. And the README's Node version tells the truth about the dependencies' engines.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closure } from './consumerProject';

const repo = path.resolve(__dirname, '../..');
// npm's own range library (here through onnxruntime-node → global-agent); it ships no types.
const semver = createRequire(__filename)('semver') as { intersects(a: string, b: string): boolean };

/** The environment without npm's exported config (npm_config_*), so only the repository's own .npmrc speaks. */
function ownConfigEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) && !/^(VITEST|CONVSPEC_|NODE_OPTIONS$)/.test(k)));
}

describe('npm in the repository', () => {
  it('`npx convspec --version` prints the version and not one npm warning', () => {
    const r = spawnSync('npx', ['--offline', 'convspec', '--version'], { cwd: repo, env: ownConfigEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version);
    expect(r.status).toBe(0);
  });

  it("runs no dependency's install script (onnxruntime-node's would download CUDA libraries on Linux x64)", () => {
    const r = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: repo, env: ownConfigEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('true');
  });

  it("every runtime dependency whose engines rule out Node 20 is named in the README's Node paragraph", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; engines: { node: string } };
    const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));
    const excluding = Object.entries(closure(lock, pkg.dependencies))
      .filter(([, e]) => !e.optional && typeof (e.engines as { node?: string } | undefined)?.node === 'string')
      .filter(([, e]) => !semver.intersects((e.engines as { node: string }).node, '>=20.0.0 <21.0.0'))
      .map(([at, e]) => ({ name: at.replace(/^.*node_modules\//, ''), node: (e.engines as { node: string }).node }));
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const nodeParagraph = readme.split(/\n\n/).find((p) => p.startsWith('Node.js 20 or newer')) ?? '';
    expect(pkg.engines.node).toBe('>=20');
    for (const dep of excluding) {
      expect(nodeParagraph, `${dep.name} declares node ${dep.node}`).toContain(dep.name);
      expect(nodeParagraph).toContain(`node ${dep.node.replace(/>=\s*/, '>= ')}`);
    }
    // Today that is vega-lite (>=22); the test must see it, or it checks nothing.
    expect(excluding.map((d) => d.name)).toContain('vega-lite');
  });
});
