/**
 * TypeScript adapters load with convspec's own pinned TypeScript, whatever TypeScript the user's
 * project has: here the project's node_modules/typescript is 7.x's package shape (its main entry
 * only exports the version: 7.x has no JavaScript compiler API), which broke ts-node with
 * "Cannot read properties of undefined (reading 'fileExists')". The CLI runs in that project as a
 * user runs it, on a .ts adapter that imports a second .ts file with ESM syntax, type-only imports,
 * an enum and `satisfies`.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'bin/convspec.js');
let project: string;

/** The files of typescript@7.0.2's package that `require('typescript')` reaches (copied from its tarball). */
function installTypeScript7(dir: string): void {
  const ts = path.join(dir, 'node_modules/typescript');
  fs.mkdirSync(path.join(ts, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(ts, 'package.json'), JSON.stringify({
    name: 'typescript', version: '7.0.2', type: 'module', bin: { tsc: './bin/tsc' },
    exports: { './package.json': './package.json', '.': './lib/version.cjs' },
  }));
  fs.writeFileSync(path.join(ts, 'lib/version.cjs'), 'const { version } = require("../package.json");\nexports.version = version;\nexports.versionMajorMinor = "7.0";\n');
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|CONVSPEC_|NODE_OPTIONS$)/.test(k)));
    execFile(process.execPath, [cli, ...args], { cwd: project, env: { ...env, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-ts-adapter-'));
  installTypeScript7(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-kernel', private: true, devDependencies: { typescript: '^7.0.2' } }));
  const referenceJs = JSON.stringify(path.join(repo, 'dist/impl/reference.js'));
  fs.writeFileSync(path.join(project, 'kernel.ts'), [
    `import type { Implementation } from ${JSON.stringify(path.join(repo, 'impl/types'))};`,
    `import { reference } from ${referenceJs};`,
    'export enum Layout { NCHW = 1 }',
    'export const kernel = { conv: reference.conv, convTranspose: reference.convTranspose } satisfies Partial<Implementation>;',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(project, 'adapter.ts'), [
    `import type { ImplementationWithSupports } from ${JSON.stringify(path.join(repo, 'spec/framework/subject'))};`,
    "import { kernel, Layout } from './kernel';",
    'const adapter: ImplementationWithSupports = { name: `reference in TypeScript (layout ${Layout.NCHW})`, ...kernel };',
    'export default adapter;',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(project, 'bad.ts'), 'const ok = 1;\nconst broken: = 2;\nexport default { name: "x", conv: () => ok };\n');
});

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe('.ts adapters in a project whose own TypeScript is 7.x', () => {
  it('a .ts adapter importing another .ts file is verified CONFORMANT', async () => {
    const r = await run(['verify', 'adapter.ts', '--clause', 'conv.size.formula', '--clause', 'fixtures.ort/conv_1d', '--clause', 'fixtures.ort/convtranspose_1d']);
    expect(r.stderr).not.toMatch(/fileExists|could not be loaded/);
    expect(r.stdout, r.stderr).toContain('reference in TypeScript (layout 1)');
    expect(r.stdout).toMatch(/^fixtures\.ort +numeric +passed +2\/2 ok/m);
    expect(r.stdout).toMatch(/^CONFORMANT: 2 passed, 0 failed/m);
    expect(r.code).toBe(0);
  }, 60_000);

  it('a syntax error exits 2 naming the file, line and column', async () => {
    const r = await run(['verify', 'bad.ts', '--clause', 'conv.size.formula']);
    expect(r.stderr).toMatch(/bad\.ts:2:15: Type expected/);
    expect(r.code).toBe(2);
  }, 60_000);
});
