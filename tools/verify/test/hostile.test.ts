/**
 * Hostile and careless input, one regression test per attack (adapters in adapters/hostile*.cjs):
 * every attack ends with its documented exit code or verdict, within bounded time, with a report where
 * one was asked for, and with no user file replaced or deleted. Runs use few cases and short limits.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGate } from '../../gate/gate';
import { defaultFixturesDir } from '../../fixtures/paths';
import { verifyTarget, type VerifyOptions } from '../run';
import type { VerifyReport } from '../../report/report';

const root = path.resolve(__dirname, '../../..');
const adapters = path.join(__dirname, 'adapters');
const hostile = path.join(adapters, 'hostile.cjs');
const program = path.join(adapters, 'hostile-program.cjs');
const reference = path.join(adapters, 'reference.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const quiet = { log: () => undefined };
const few: VerifyOptions = { ...quiet, clauses: ['robustness.output.dims', 'conv.size.formula', 'dilation.coverage.receptiveField', 'fixtures.ort/conv_1d'], runs: 5, timeoutMs: 5000 };

function convspec(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const failedWith = (r: VerifyReport, pattern: RegExp) =>
  r.clauses.some((c) => c.status === 'failed' && (pattern.test(c.error ?? '') || (c.cases ?? []).some((k) => pattern.test(k.error ?? ''))));

describe('a verdict is earned', () => {
  it('an adapter declaring no rank or no op is NOT conformant, though the clauses that never call it pass', async () => {
    for (const name of ['supportsNoRank', 'supportsNoOp']) {
      const r = await verifyTarget({ kind: 'module', path: hostile, exportName: name }, few);
      expect(r.clauses.find((c) => c.id === 'dilation.coverage.receptiveField')?.status, name).toBe('passed');
      expect(r.summary.conformant, name).toBe(false);
      expect(r.summary.notConformantBecause).toMatch(/no clause or case that calls the implementation passed/);
      expect(r.summary.coverage.casesJudged).toBe(0);
      expect(r.summary.coverage.casesUnsupported).toBeGreaterThan(0);
    }
  });

  it('gate fails such an adapter, and --min-supported fails one whose support is too narrow', async () => {
    const none = await runGate({ targets: [{ kind: 'module', path: hostile, exportName: 'supportsNoRank' }], verify: few, selfCheck: false, fixtures: false });
    expect(none.exitCode).toBe(1);
    const convOnly = { kind: 'implementation' as const, implementation: { ...require(reference), supports: { ops: ['Conv' as const] } } };
    const loose = await verifyTarget(convOnly, few);
    expect(loose.summary.conformant).toBe(true);
    expect(loose.summary.coverage.supportedFraction).toBeLessThan(1);
    const strict = await verifyTarget(convOnly, { ...few, minSupported: 0.99 });
    expect(strict.summary.conformant).toBe(false);
    expect(strict.summary.notConformantBecause).toMatch(/inside the declared support/);
  });

  it('patching Float32Array.prototype.slice does not hide a modified input or a reused output buffer', async () => {
    const mutates = await verifyTarget({ kind: 'module', path: hostile, exportName: 'patchedSliceMutates' }, few);
    expect(mutates.summary.conformant).toBe(false);
    expect(failedWith(mutates, /modified its input X/)).toBe(true);
    const reuses = await verifyTarget({ kind: 'module', path: hostile, exportName: 'patchedSliceReuses' }, { ...few, clauses: ['robustness.calls.repeatable'] });
    expect(reuses.summary.conformant).toBe(false);
    expect(failedWith(reuses, /reused the output buffer/)).toBe(true);
  });

  it('an input whose dims are changed in place is a contract failure', async () => {
    const r = await verifyTarget({ kind: 'module', path: hostile, exportName: 'reshapesInput' }, few);
    expect(failedWith(r, /changed the dims of its input W in place/)).toBe(true);
  });

  it('an adapter cannot reach the judge through node:inspector: its wrong answers fail', async () => {
    const lines: string[] = [];
    const r = await verifyTarget({ kind: 'module', path: hostile, exportName: 'inspectorHijack' }, { ...few, log: (l) => lines.push(l) });
    expect(r.summary.conformant).toBe(false);
    expect(lines.some((l) => /^inspector: (?!yes)/.test(l))).toBe(true);
  });
});

describe('crashes and hangs stay inside the adapter', () => {
  it('a target that hangs on every call ends within about 3 time limits, saying so once', async () => {
    const t0 = Date.now();
    const r = await verifyTarget({ kind: 'module', path: hostile, exportName: 'hangsAlways' }, { ...few, clauses: ['robustness.**', 'conv.numeric.*', 'fixtures.ort/conv_*'], timeoutMs: 400 });
    const ms = Date.now() - t0;
    expect(r.summary.conformant).toBe(false);
    expect(r.summary.abandoned).toMatch(/the implementation hangs/);
    // Exactly three calls waited out their time limit; every later one was refused at once.
    const faults = r.clauses.flatMap((c) => [...(c.faults ?? []), ...(c.cases ?? []).flatMap((k) => k.faults ?? [])]);
    expect(faults.filter((f) => /^no result within/.test(f.message))).toHaveLength(3);
    expect(ms).toBeLessThan(60_000);
  });

  it('a timed-out call of the bundled ONNX Runtime adapter kills its process, not convspec', async () => {
    const r = await verifyTarget({ kind: 'ort' }, { ...quiet, clauses: ['fixtures.ort/sweep_00*'], timeoutMs: 1 });
    expect(r.summary.conformant).toBe(false);
    expect(failedWith(r, /timeout|not run/)).toBe(true);
  });

  it('an answer line without a newline is a protocol failure, bounded in memory; stderr floods are cut', async () => {
    const r = await verifyTarget({ kind: 'cmd', command: `node ${JSON.stringify(program)} --answer-without-newline` }, { ...few, clauses: ['fixtures.ort/conv_1d'] });
    expect(failedWith(r, /longer than \d+ bytes/)).toBe(true);
    const lines: string[] = [];
    const flood = await verifyTarget({ kind: 'cmd', command: `node ${JSON.stringify(program)} --stderr-flood` }, { ...few, clauses: ['fixtures.ort/conv_1d'], timeoutMs: 30_000, log: (l) => lines.push(l) });
    expect(flood.summary.conformant).toBe(true);
    expect(lines.some((l) => /more bytes of this line not shown/.test(l))).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(70_000);
  });

  it('a module printing 8 MB per call without a newline is verified normally', async () => {
    const r = await verifyTarget({ kind: 'module', path: hostile, exportName: 'floodsStdout' }, { ...few, clauses: ['fixtures.ort/conv_1d', 'fixtures.ort/conv_bias'], timeoutMs: 30_000 });
    expect(r.summary.conformant).toBe(true);
  });
});

describe('exit codes and refusals before the run', () => {
  it('malformed declarations exit 2: precision "toString", supports as a string or an array over --cmd', () => {
    const a = convspec(['verify', hostile, '--export', 'precisionToString', '--clause', 'conv.size.formula']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/supports\.precision must be one of/);
    for (const f of ['--supports-string', '--supports-array']) {
      const r = convspec(['verify', '--cmd', `node ${JSON.stringify(program)} ${f}`, '--clause', 'conv.size.formula']);
      expect(r.code, f).toBe(2);
      expect(r.stderr).toMatch(/supports must be an object/);
    }
  });

  it('bad numbers and paths exit 2: --timeout above 2³¹−1, --path ../../etc, a huge shard, /dev/zero as a module', () => {
    for (const args of [['--timeout', String(2 ** 31)], ['--path', '../../etc', '--clause', 'conv.size.formula'], ['--shard', '1/99999999999999999999'], ['--runs', '99999999x']]) {
      const r = convspec(['verify', reference, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const z = convspec(['verify', '/dev/zero'], {}, 20_000);
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/not a regular file/);
  });

  it('a program that never answers describe: --start-timeout ends it early, exit 2', () => {
    const r = convspec(['verify', '--cmd', `node ${JSON.stringify(program)} --silent`, '--start-timeout', '500', '--clause', 'conv.size.formula']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did not answer describe within 500 ms/);
    expect(r.ms).toBeLessThan(15_000);
  });

  it('report paths are refused before the run: a folder, the same file twice, a place under /proc', () => {
    const dir = path.join(tmp, 'a-folder');
    fs.mkdirSync(dir);
    const r1 = convspec(['verify', reference, '--clause', 'conv.size.formula', '--json', dir]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/is a folder/);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.readdirSync(tmp).filter((e) => e.includes('.tmp-'))).toEqual([]);
    const same = path.join(tmp, 'same.xml');
    const r2 = convspec(['verify', reference, '--clause', 'conv.size.formula', '--json', same, '--junit', same]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/name the same file/);
    const r3 = convspec(['verify', reference, '--clause', 'conv.size.formula', '--json', '/proc/convspec-test/report.json'], {}, 20_000);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/cannot create files in \/proc/);
  });

  it('fixtures whose sha256 no longer matches, or that vanish mid-run, exit 2 (not the implementation\'s fault)', () => {
    const copy = path.join(tmp, 'fixtures-copy');
    fs.cpSync(defaultFixturesDir(), copy, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8'));
    const victim = path.join(copy, manifest.cases[0].files.y.path);
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(victim, bytes);
    const tampered = convspec(['verify', reference, '--fixtures-dir', copy, '--clause', `fixtures.ort/${manifest.cases[0].id}`]);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/sha256/);
    const doomed = path.join(tmp, 'fixtures-doomed');
    fs.cpSync(defaultFixturesDir(), doomed, { recursive: true });
    const vanished = convspec(['verify', hostile, '--export', 'deletesFixtures', '--fixtures-dir', doomed, '--clause', 'fixtures.ort/conv_*'], { CONVSPEC_TEST_DOOMED: doomed });
    expect(vanished.code).toBe(2);
    expect(vanished.stderr).toMatch(/fixtures changed or vanished/);
  });
});

describe('writing never destroys', () => {
  it('--json into a symbolic link writes the file it points to and keeps the link', () => {
    const target = path.join(tmp, 'real.json');
    const link = path.join(tmp, 'link.json');
    fs.writeFileSync(target, 'old');
    fs.symlinkSync(target, link);
    const r = convspec(['verify', reference, '--clause', 'conv.size.formula', '--runs', '3', '--json', link]);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(target, 'utf8')).schema).toBe('convspec-verify-report');
  });

  it('--json into a FIFO is written in place (the FIFO stays); /dev/null stays a device; /dev/full exits 2', async () => {
    const fifo = path.join(tmp, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader on the FIFO, as `--json >(jq .)` would have, open before convspec starts: a
    // non-blocking open for reading succeeds at once and counts as a reader (a `cat` started in the
    // background may not have reached its open yet, and convspec refuses a FIFO nobody reads).
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const child = spawn(process.execPath, [path.join(root, 'bin/convspec.js'), 'verify', reference, '--clause', 'conv.size.formula', '--runs', '3', '--json', fifo], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    const deadline = Date.now() + 60_000;
    // Read until the writer has come and gone: 0 bytes once it closed (or before it opened), EAGAIN while it is open.
    for (;;) {
      let n = -1;
      try {
        n = fs.readSync(reader, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      if (n > 0) chunks.push(Buffer.from(buf.subarray(0, n)));
      else if (n === 0 && code !== undefined) break;
      if (Date.now() > deadline) break;
      if (n <= 0) await new Promise((r) => setTimeout(r, 20));
    }
    fs.closeSync(reader);
    expect(await exited).toBe(0);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8')).schema).toBe('convspec-verify-report');
    const n = convspec(['verify', reference, '--clause', 'conv.size.formula', '--runs', '3', '--json', '/dev/null']);
    expect(n.code).toBe(0);
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
    if (fs.existsSync('/dev/full')) {
      const f = convspec(['verify', reference, '--clause', 'conv.size.formula', '--runs', '3', '--json', '/dev/full']);
      expect(f.code).toBe(2);
      expect(f.stderr).toMatch(/ENOSPC/);
      expect(fs.statSync('/dev/full').isCharacterDevice()).toBe(true);
    }
  });

  it('judge does not block on a FIFO output_0.pb: that case fails, naming the FIFO', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(defaultFixturesDir(), 'manifest.json'), 'utf8'));
    const first = manifest.cases[0];
    const outDir = path.join(tmp, 'judge-outputs');
    const file = path.join(outDir, first.files.y.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('mkfifo', [file]);
    const r = convspec(['judge', outDir, '--clause', `fixtures.ort/${first.id}`], {}, 20_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/a FIFO, not a regular file/);
  });

  it('judge refuses an output far larger than its dims imply, before decoding it', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(defaultFixturesDir(), 'manifest.json'), 'utf8'));
    const first = manifest.cases[0];
    const outDir = path.join(tmp, 'judge-big');
    const file = path.join(outDir, first.files.y.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // A TensorProto of repeated dims fields (tag 1, varint 1), 4 MB of them.
    fs.writeFileSync(file, Buffer.alloc(4 << 20, Buffer.from([0x08, 0x01])));
    const r = convspec(['judge', outDir, '--clause', `fixtures.ort/${first.id}`], {}, 20_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/more than the .* it can be/);
  });
});

describe('--jobs', () => {
  it('the report is the same for 1 and 3 jobs: verdicts, counterexamples, replay lines, case order', async () => {
    const broken = path.join(adapters, 'broken.cjs');
    const opts: VerifyOptions = { ...quiet, clauses: ['robustness.output.dims', 'conv.size.formula', 'convT.size.formula', 'fixtures.ort/conv_*', 'fixtures.ort/convtranspose_1d'], runs: 6, timeoutMs: 5000 };
    const strip = (r: VerifyReport) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'durationMs' || k === 'startedAt' ? undefined : v)));
    const one = await verifyTarget({ kind: 'module', path: broken, exportName: 'mutatesInput' }, { ...opts, jobs: 1 });
    const three = await verifyTarget({ kind: 'module', path: broken, exportName: 'mutatesInput' }, { ...opts, jobs: 3 });
    expect(one.summary.conformant).toBe(false);
    expect(strip(three)).toEqual(strip(one));
  });
});
