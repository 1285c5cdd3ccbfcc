/**
 * The package as users get it: `npm pack`, then an offline `npm ci` of the tarball into a fresh
 * project (consumerProject.ts), then the CLI through npx, every subpath through require and import,
 * the types through tsc, and describeConformance inside that project's own vitest run. A file left
 * out of `files`, a broken `exports` entry or a dev-only dependency used at run time fails here.
 * One pack and one install serve every test (npm test has built dist/ just before).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installConsumer, pack, type PackResult } from './consumerProject';

const repo = path.resolve(__dirname, '../..');
const devDeps = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  return { vitest: pkg.devDependencies.vitest, 'fast-check': pkg.dependencies['fast-check'] };
})();

let work: string;
let consumer: string;
let packed: PackResult;

/** The child's environment: none of the parent vitest's variables, no convspec replay variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|CONVSPEC_|NODE_OPTIONS$|TEST$)/.test(k)));
}

/** Runs a command in the consumer project (or `cwd`); resolves when it ends (several run at once: see describe.concurrent). */
function runIn(cmd: string, args: string[], cwd: string = consumer, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...cleanEnv(), NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-installed-'));
  consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  packed = pack(repo, work);
  installConsumer(repo, consumer, packed, devDeps);
  for (const f of fs.readdirSync(path.join(__dirname, 'consumer'))) fs.copyFileSync(path.join(__dirname, 'consumer', f), path.join(consumer, f));
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds what the CLI and the entry points load, and no sources, tests, source maps or development tools', () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      'bin/convspec.js', 'package.json', 'README.md', 'spec/SPEC.md', 'spec/AMBIGUITIES.md', 'fixtures/manifest.json',
      'dist/impl/index.js', 'dist/impl/index.d.ts', 'dist/tools/cli/main.js', 'dist/tools/adapters/onnxruntime.js',
      'dist/api/verify.js', 'dist/api/verify.d.ts', 'dist/api/arbitraries.js', 'dist/api/arbitraries.d.ts',
      'dist/api/tolerance.js', 'dist/api/tolerance.d.ts', 'dist/api/vitest.mjs', 'dist/api/vitest.d.mts',
      // The bundled targets' files (tools/targets/registry.ts): tfjs-cpu's module, the Python --cmd programs.
      'dist/tools/adapters/tfjs.js', 'dist/tools/adapters/tfjsWasm.js', 'dist/tools/adapters/ortWebWasm.js', 'dist/tools/adapters/ortOptimized.js',
      'tools/adapters/python/convspec_numpy.py', 'tools/adapters/python/convspec_torch.py', 'tools/adapters/python/protocol.py', 'tools/adapters/python/geometry.py',
      // `convspec init`'s skeletons.
      'skeletons/js/conv-adapter.mjs', 'skeletons/js/conformance.test.mjs', 'skeletons/ts/conv-adapter.ts', 'skeletons/ts/conformance.test.ts',
      'skeletons/python/conv_adapter.py', 'skeletons/cmd/conv-adapter-cmd.mjs', 'skeletons/ci/convspec-ci.yml',
    ]) expect(files, needed).toContain(needed);
    const unwanted = files.filter((f) =>
      /\.map$/.test(f) || (/\.[mc]?ts$/.test(f) && !/\.d\.[mc]?ts$/.test(f) && !f.startsWith('skeletons/')) || /(^|\/)test\//.test(f) || (/\.test\./.test(f) && !f.startsWith('skeletons/')) ||
      /^dist\/tools\/(bench|conformance|faults)/.test(f) || f.startsWith('node_modules/'));
    expect(unwanted).toEqual([]);
    // Every fixture case the manifest lists is there, with every file it names.
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'fixtures/manifest.json'), 'utf8')) as { cases: { id: string; files: Record<string, { path: string }> }[] };
    const missing = manifest.cases.flatMap((c) => Object.values(c.files).map((f) => `fixtures/${f.path}`)).filter((f) => !files.includes(f));
    expect(missing).toEqual([]);
  });

  it('every relative require, import and type import inside it resolves to a file inside it', () => {
    const files = new Set(packed.files.map((f) => f.path));
    const unresolved: string[] = [];
    for (const f of files) {
      const isTypes = /\.d\.m?ts$/.test(f);
      if (!isTypes && !/\.m?js$/.test(f)) continue;
      // Skeletons import their siblings as `convspec init` lays them out in the user's folder (checked below).
      if (f.startsWith('skeletons/')) continue;
      const text = fs.readFileSync(path.join(consumer, 'node_modules/convspec', f), 'utf8');
      // Only real module references: require("./x") in CommonJS; import/export … from "./x" at a line start in ESM and .d.ts.
      const refs = [...text.matchAll(/require\("(\.\.?\/[^"]+)"\)|^(?:import|export)\b[^;]*?\bfrom ['"](\.\.?\/[^'"]+)['"]|import\(["'](\.\.?\/[^'"]+)["']\)/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const ref of refs) {
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), ref));
        const candidates = isTypes
          ? [`${base}.d.ts`, base.replace(/\.js$/, '.d.ts'), base.replace(/\.mjs$/, '.d.mts'), `${base}/index.d.ts`]
          : [base, `${base}.js`, `${base}/index.js`];
        if (!candidates.some((c) => files.has(c))) unresolved.push(`${f} → ${ref}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});

// The checks below only read the installed project and write their own files: they run concurrently.
describe.concurrent('installed into a fresh project', () => {
  it('the CLI runs through npx and its bin link: a module adapter (isolated, as a user runs it) and the bundled ONNX Runtime adapter', async () => {
    const [mod, ort] = await Promise.all([
      runIn('npx', ['--offline', 'convspec', 'verify', './broken.cjs', '--clause', 'conv.size.formula', '--clause', 'fixtures.ort/onnx_convtranspose_1d']),
      runIn(path.join(consumer, 'node_modules/.bin/convspec'), ['verify', '--clause', 'fixtures.ort/onnx_convtranspose_1d']),
    ]);
    // The broken module passes the Conv clause and fails the ConvTranspose fixture.
    expect(mod.stdout, mod.stderr).toMatch(/conv\.size\.formula +shape +passed/);
    expect(mod.stdout).toContain('NOT CONFORMANT');
    expect(mod.code).toBe(1);
    expect(ort.stdout, ort.stderr).toMatch(/onnxruntime-node 1\.\d+/);
    expect(ort.stdout).toContain('CONFORMANT');
    expect(ort.code).toBe(0);
  });

  it('a TypeScript adapter runs from the installed package, transpiled by convspec\'s own typescript dependency', async () => {
    const r = await runIn('npx', ['--offline', 'convspec', 'verify', './impl.ts', '--clause', 'conv.size.formula', '--clause', 'fixtures.ort/onnx_convtranspose_1d']);
    expect(r.stdout, r.stderr).toContain('reference from TypeScript');
    expect(r.stdout).toMatch(/^CONFORMANT: 2 passed, 0 failed/m);
    expect(r.code).toBe(0);
  });

  it('every subpath works from require and from import, exporting exactly the names the README lists', async () => {
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    // The table of "Use convspec from code": | `subpath` … | values | types |
    const documented: Record<string, string[]> = {};
    for (const m of readme.matchAll(/^\| `(convspec(?:\/[a-z]+)?)`[^|]*\| ([^|]+) \|/gm)) {
      documented[m[1]] = [...m[2].matchAll(/`([A-Za-z0-9_]+)`/g)].map((n) => n[1]).sort();
    }
    expect(Object.keys(documented).sort()).toEqual(['convspec', 'convspec/arbitraries', 'convspec/tolerance', 'convspec/verify', 'convspec/vitest']);

    const [cjs, esm] = await Promise.all([runIn(process.execPath, ['require.cjs']), runIn(process.execPath, ['import.mjs'])]);
    expect(cjs.stderr).toBe('');
    expect(esm.stderr).toBe('');
    const fromRequire = JSON.parse(cjs.stdout);
    const fromImport = JSON.parse(esm.stdout);
    expect(fromImport.linked).toBe(true);
    // convspec/vitest is ESM only (vitest cannot be required): require() is refused by the exports map.
    expect(fromRequire.vitestByRequire).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    for (const [subpath, names] of Object.entries(documented)) {
      if (subpath !== 'convspec/vitest') expect(fromRequire.names[subpath], `require('${subpath}')`).toEqual(names);
      expect(fromImport.names[subpath], `import '${subpath}'`).toEqual(names);
    }
    for (const r of [fromRequire, fromImport]) {
      expect(r.verify).toEqual({ conformant: true, clauses: ['conv.size.formula passed'], schema: true });
      expect(r.valid).toEqual({ drawn: 20, withinBound: 20, perturbedCaught: 20 });
      // Each invalid-input class is rejected by the reference with exactly its own code.
      for (const [key, got] of Object.entries(r.codes as Record<string, string[]>)) expect(got, key).toEqual([key.split(' ')[1]]);
      expect(Object.keys(r.codes).length).toBeGreaterThan(30);
    }
  });

  it('the types check from a CommonJS and an ESM TypeScript consumer (node16 resolution), standing alone: no @types/node, no skipLibCheck', async () => {
    // consumer/tsconfig.json: "types": [] and "skipLibCheck": false, so every .d.ts the five subpaths
    // reach is checked, and a global of @types/node (Buffer, NodeJS.*) is an error. @types/node is
    // in this project all the same (protobufjs 6 depends on it), so the program's file list must
    // show that no import reached it, nor playwright-core's types (which need it).
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    const r = await runIn(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles']);
    const files = r.stdout.split('\n').filter((l) => l.startsWith('/')).map((f) => path.relative(consumer, f));
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('/') && l.trim() !== '').join('\n') + r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(files).toContain('impl.ts');
    for (const entry of ['impl/index.d.ts', 'api/verify.d.ts', 'api/arbitraries.d.ts', 'api/tolerance.d.ts', 'api/vitest.d.mts']) {
      expect(files).toContain(`node_modules/convspec/dist/${entry}`);
    }
    expect(files.filter((f) => /node_modules\/(@types\/node|playwright-core)\//.test(f))).toEqual([]);
  });

  it("describeConformance passes a correct implementation and fails a broken one in the project's own vitest run", async () => {
    const r = await runIn(path.join(consumer, 'node_modules/.bin/vitest'), ['run', '--reporter=json', '--outputFile=vitest.json']);
    const results = JSON.parse(fs.readFileSync(path.join(consumer, 'vitest.json'), 'utf8')) as {
      testResults: { name: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
    };
    const byFile = (file: string) => {
      const f = results.testResults.find((t) => path.basename(t.name) === file);
      if (!f) throw new Error(`${file} did not run:\n${r.stdout}\n${r.stderr}`);
      // Clause tests by id; fixture families by their name without the case count.
      const key = (title: string) => (title.startsWith('fixtures.ort:') ? title.replace(/ \(\d+ cases?\)$/, '') : title.split(':')[0]);
      return Object.fromEntries(f.assertionResults.map((a) => [key(a.title), a]));
    };
    const correct = byFile('correct.test.mjs');
    expect(Object.fromEntries(Object.entries(correct).map(([k, a]) => [k, a.status]))).toEqual({
      'conv.size.formula': 'passed',
      'convT.numeric.withinBound': 'passed',
      'fixtures.ort: onnx-backend Conv': 'passed',
      'fixtures.ort: onnx-backend ConvTranspose': 'passed',
      'convT.size.formula': 'passed',
      'convspec verdict': 'passed',
    });
    const broken = byFile('broken.test.mjs');
    expect(Object.fromEntries(Object.entries(broken).map(([k, a]) => [k, a.status]))).toEqual({
      'conv.size.formula': 'passed',
      'convT.numeric.withinBound': 'failed',
      'fixtures.ort: onnx-backend Conv': 'passed',
      'fixtures.ort: onnx-backend ConvTranspose': 'failed',
      'convspec verdict': 'passed',
    });
    const message = broken['convT.numeric.withinBound'].failureMessages.join('\n');
    expect(message).toContain('counterexample: {');
    expect(message).toMatch(/index +actual +expected +bound/);
    expect(message).toContain('<-- outside');
    expect(message).toMatch(/replay: CONVSPEC_CLAUSE=convT\.numeric\.withinBound CONVSPEC_SEED=20261128 CONVSPEC_PATH=\S+ npx vitest run broken\.test\.mjs/);
    expect(r.code).toBe(1);
  });

  // `convspec init`'s skeletons (skeletons/, tools/cli/commands/init.ts) as a user gets them: written by
  // the installed CLI into a project that has convspec, each verified on the validation clauses (every
  // invalid-input class), both numeric clauses and the ONNX backend fixtures; the JavaScript one also in
  // vitest, and the TypeScript one through tsc.
  it('`convspec init js|ts|python|cmd` writes adapters that are CONFORMANT, never replacing a file', async () => {
    const project = path.join(work, 'skeleton-project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"skeleton-project","private":true,"type":"module"}\n');
    fs.symlinkSync(path.join(consumer, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    const cli = path.join(project, 'node_modules/.bin/convspec');
    for (const kind of ['js', 'ts', 'python', 'cmd']) {
      const r = await runIn(cli, ['init', kind, kind], project);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`npx convspec verify`);
    }
    const again = await runIn(cli, ['init', 'js', 'js'], project);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('never replaces a file');
    const clauses = ['--clause', '*.validation.*', '--clause', '*.numeric.withinBound', '--clause', 'fixtures.ort/onnx_*', '--runs', '20', '--scale-macs', '2^20', '--scale-elements', '2^16'];
    const targets: Record<string, string[]> = {
      js: ['./js/conv-adapter.mjs'],
      ts: ['./ts/conv-adapter.ts'],
      python: ['--cmd', 'python3 python/conv_adapter.py'],
      cmd: ['--cmd', 'node cmd/conv-adapter-cmd.mjs'],
    };
    const hasNumpy = (await runIn('python3', ['-c', 'import numpy'], project)).code === 0;
    const runs = await Promise.all(Object.entries(targets).filter(([k]) => k !== 'python' || hasNumpy || process.env.CI).map(async ([kind, target]) => [kind, await runIn(cli, ['verify', ...target, ...clauses], project)] as const));
    for (const [kind, r] of runs) {
      expect(r.stdout, `${kind}: ${r.stderr}`).toMatch(/^CONFORMANT: 5 passed, 0 failed, 0 unsupported; cases \d+ passed, 0 failed, 0 unsupported$/m);
      expect(r.code, kind).toBe(0);
    }
    const vitest = await runIn(path.join(project, 'node_modules/.bin/vitest'), ['run', 'js/conformance.test.mjs'], project, { CONVSPEC_CLAUSE: 'conv.validation.*,convT.numeric.withinBound' });
    expect(vitest.stdout + vitest.stderr, 'vitest').toMatch(/Tests +\d+ passed/);
    expect(vitest.code).toBe(0);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', types: [], noEmit: true }, files: ['ts/conv-adapter.ts'],
    }));
    const tsc = await runIn(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, 400_000);

  // Bundled targets find their runtime packages in the user's project (tools/adapters/runtimePackages.ts).
  it('`targets` and `verify --target ort` run from the installed tarball through npx', async () => {
    const [targets, ort] = await Promise.all([
      // --no-probe: the browser probe (starting Chromium, ~4 s of CPU) decides only the browser targets'
      // lines, which this test does not read; tools/targets/test/targets.test.ts covers the probe.
      runIn('npx', ['--offline', 'convspec', 'targets', '--no-probe']),
      runIn('npx', ['--offline', 'convspec', 'verify', '--target', 'ort', '--clause', 'fixtures.ort/onnx_convtranspose_1d']),
    ]);
    expect(targets.code, targets.stderr).toBe(0);
    expect(targets.stdout).toMatch(/^ort +node +available +onnxruntime-node 1\.30\.0$/m);
    expect(ort.stdout, ort.stderr).toMatch(/^CONFORMANT: 1 passed/m);
    expect(ort.code).toBe(0);
  });

  it('a runtime missing from the project gets the exact install line; installed in the project, the target runs', async () => {
    const pin = (name: string) => `${name}@${(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies[name]}`;
    const missing = await runIn(path.join(consumer, 'node_modules/.bin/convspec'), ['verify', '--target', 'tfjs-cpu', '--clause', 'conv.size.formula']);
    expect(missing.stderr).toContain(`install them in your project with \`npm i -D ${pin('@tensorflow/tfjs-core')} ${pin('@tensorflow/tfjs-backend-cpu')}\``);
    expect(missing.code).toBe(2);
    // Another project with the tfjs packages (linked from this repository's node_modules: no network),
    // running the consumer's convspec by path: convspec's own lookup cannot see them, the project's can.
    const project = path.join(work, 'tfjs-project');
    fs.mkdirSync(path.join(project, 'node_modules', '@tensorflow'), { recursive: true });
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"tfjs-project","private":true}\n');
    for (const p of ['tfjs-core', 'tfjs-backend-cpu']) fs.symlinkSync(path.join(repo, 'node_modules', '@tensorflow', p), path.join(project, 'node_modules', '@tensorflow', p), 'dir');
    const inProject = (args: string[]) => runIn(path.join(consumer, 'node_modules/.bin/convspec'), args, project);
    const [targets, tfjs] = await Promise.all([inProject(['targets', '--no-probe']), inProject(['verify', '--target', 'tfjs-cpu', '--clause', 'conv.size.formula'])]);
    expect(targets.stdout).toMatch(/^tfjs-cpu +node +available +@tensorflow\/tfjs-core 4\.22\.0, @tensorflow\/tfjs-backend-cpu 4\.22\.0$/m);
    expect(tfjs.stdout, tfjs.stderr).toMatch(/^CONFORMANT: 1 passed/m);
    expect(tfjs.code).toBe(0);
  });
});
