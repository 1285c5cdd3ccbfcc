/**
 * Hostile use, second round (issue 21, items 1, 3, 4, 5): verdicts that were given without being
 * earned. One regression test per attack; each failed on the code before its fix.
 *   1. a module adapter answering the host's IPC channel itself (adapters/verdicts/*.cjs);
 *   3. an implementation throwing fast-check's precondition marker to turn failures into skips;
 *   4. an empty --shard share reported CONFORMANT ("0 passed") in verify and gate;
 *   5. `judge` CONFORMANT on a folder holding 1 of the 358 outputs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { runReference } from '../../../impl/reference';
import type { ConvTransposeAttributes, Tensor } from '../../../impl/types';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';
import { defaultFixturesDir } from '../../fixtures/paths';
import { loadManifest } from '../../fixtures/read';
import { gateExitCode, runGate } from '../../gate/gate';
import { judgeDirectory } from '../../judge/judge';
import { judgeTestTree } from '../../judge/judgeTests';
import type { VerifyReport } from '../../report/report';
import { REPORT_SCHEMA } from '../../report/reportSchema';
import { verifyTarget, type VerifyOptions } from '../run';

const root = path.resolve(__dirname, '../../..');
const adapters = path.join(__dirname, 'adapters', 'verdicts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-verdicts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function convspec(args: string[], timeout = 120_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const quiet = { log: () => undefined };
const failedClause = (r: VerifyReport, id: string) => r.clauses.find((c) => c.id === id)?.status === 'failed';
const errorsOf = (r: VerifyReport) => r.clauses.flatMap((c) => [c.error ?? '', ...(c.cases ?? []).map((k) => k.error ?? '')]).join('\n');

// --- 1. a module adapter answering the host's channel itself ------------------------------------

describe('1. a module adapter cannot answer for the host', () => {
  const robustness: VerifyOptions = { ...quiet, clauses: ['robustness.inputs.unchanged', 'robustness.calls.repeatable'], runs: 5, timeoutMs: 5000 };

  it('process.on("message") + process.send: a modified input and a reused output buffer still fail', async () => {
    const file = path.join(adapters, 'answersChannel.cjs');
    const mutates = await verifyTarget({ kind: 'module', path: file, exportName: 'mutates' }, robustness);
    expect(mutates.summary.conformant).toBe(false);
    expect(errorsOf(mutates)).toMatch(/modified its input X/);
    const reuses = await verifyTarget({ kind: 'module', path: file, exportName: 'reuses' }, { ...robustness, clauses: ['robustness.calls.repeatable'] });
    expect(reuses.summary.conformant).toBe(false);
    expect(errorsOf(reuses)).toMatch(/reused the output buffer/);
  });

  it('a reply forged onto the host\'s file descriptors is refused as a protocol failure, never taken as a result', async () => {
    const file = path.join(adapters, 'rawFrame.cjs');
    const mutates = await verifyTarget({ kind: 'module', path: file, exportName: 'mutates' }, { ...robustness, clauses: ['robustness.inputs.unchanged'] });
    expect(mutates.summary.conformant).toBe(false);
    expect(failedClause(mutates, 'robustness.inputs.unchanged')).toBe(true);
    expect(errorsOf(mutates)).toMatch(/does not carry the host's MAC/);
    const reuses = await verifyTarget({ kind: 'module', path: file, exportName: 'reuses' }, { ...robustness, clauses: ['robustness.calls.repeatable'] });
    expect(reuses.summary.conformant).toBe(false);
    expect(failedClause(reuses, 'robustness.calls.repeatable')).toBe(true);
  });

  it('a getter swapped onto x.data after writing into it does not hide the write', async () => {
    const r = await verifyTarget({ kind: 'module', path: path.join(adapters, 'swapsData.cjs') }, { ...robustness, clauses: ['robustness.inputs.unchanged'] });
    expect(r.summary.conformant).toBe(false);
    expect(errorsOf(r)).toMatch(/modified its input X/);
  });

  it('an honest module still passes the robustness clauses (the hardening takes nothing it needs)', async () => {
    const r = await verifyTarget({ kind: 'module', path: path.join(__dirname, 'adapters', 'reference.cjs') }, robustness);
    expect(r.summary.conformant, errorsOf(r)).toBe(true);
  });
});

// --- 3. fast-check's precondition marker thrown by the implementation ---------------------------

const MARKER = Symbol.for('fast-check/PreconditionFailure');
/** An Error that fast-check would take for a failed `fc.pre`: it carries the public marker. */
const marked = (message: string) => Object.assign(new Error(message), { footprint: MARKER });
/** The reference's float32 result (a fresh tensor). */
const refConv = (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes): Tensor => runReference('Conv', x, w, b, a).y;

describe('3. an implementation cannot turn its failures into skipped runs', () => {
  const clauses = ['conv.numeric.withinBound', 'fixtures.ort/conv_1d'];
  const options: VerifyOptions = { ...quiet, clauses, runs: 10 };

  it('an Error carrying the precondition marker is a failure of the clause and of the fixture case', async () => {
    // Dilation not implemented, and hidden: instead of declaring it, the adapter throws the marker,
    // which used to make every dilated case a skipped run and the target CONFORMANT.
    const dilated = (a: ConvTransposeAttributes) => (a.dilations ?? []).some((d) => d > 1);
    const hides: ImplementationWithSupports = {
      name: 'hides its missing dilation behind the precondition marker',
      conv: (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes) => {
        if (dilated(a)) throw marked('dilations not implemented');
        return refConv(x, w, b, a);
      },
    };
    const r = await verifyTarget({ kind: 'implementation', implementation: hides }, options);
    expect(r.summary.conformant).toBe(false);
    expect(failedClause(r, 'conv.numeric.withinBound')).toBe(true);
    expect(failedClause(r, 'fixtures.ort')).toBe(true);
    expect(r.clauses.find((c) => c.id === 'conv.numeric.withinBound')!.error).toMatch(/dilations not implemented.*precondition marker/);
    expect(errorsOf(r)).toMatch(/fixtures\.ort\/conv_1d|dilations not implemented/);
    // Nothing was counted as outside the declared support.
    expect(r.summary.coverage.casesUnsupported).toBe(0);
  });

  it('a result whose data getter throws the marker on the clause\'s read is a failure too', async () => {
    const sly = (y: Tensor): Tensor => {
      let reads = 0;
      // The guard reads `data` once to check the tensor; the clause's own read throws.
      return { dims: y.dims, get data() {
        if (reads++ > 0) throw marked('gone');
        return y.data;
      } } as Tensor;
    };
    const impl: ImplementationWithSupports = {
      name: 'data getter throws the marker',
      // Wrong on dilated cases (one element off), and the wrong result hides behind the marker.
      conv: (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes) => {
        const y = refConv(x, w, b, a);
        if (!(a.dilations ?? []).some((d) => d > 1)) return y;
        y.data[0] += 1;
        return sly(y);
      },
    };
    const r = await verifyTarget({ kind: 'implementation', implementation: impl }, { ...options, clauses: ['conv.numeric.withinBound'] });
    expect(r.summary.conformant).toBe(false);
    expect(failedClause(r, 'conv.numeric.withinBound')).toBe(true);
  });

  it('convspec\'s own skips still skip: a declaration leaving out ConvTranspose makes its cases unsupported, not failed', async () => {
    const r = await verifyTarget({ kind: 'implementation', implementation: { name: 'reference, 1-D only', conv: refConv, supports: { ranks: [1] } } }, { ...options, clauses: ['conv.numeric.withinBound'] });
    expect(r.summary.conformant).toBe(true);
    expect(r.summary.coverage.casesUnsupported).toBeGreaterThan(0);
  });
});

// --- 4. an empty share ------------------------------------------------------------------------

/** A target that throws on every call: nothing it is asked can pass. */
const alwaysThrows = path.join(adapters, 'alwaysThrows.cjs');

describe('4. an empty --shard share is "nothing selected", never CONFORMANT', () => {
  it('verify: the report says nothingSelected, not conformant; the JSON is valid against the schema', async () => {
    for (const o of [{ shard: { index: 999999, count: 999999 } }, { clauses: ['conv.size.formula'], shard: { index: 2, count: 2 } }]) {
      const r = await verifyTarget({ kind: 'module', path: alwaysThrows }, { ...quiet, runs: 3, ...o });
      expect(r.summary.conformant).toBe(false);
      expect(r.summary.nothingSelected).toBe(true);
      expect(r.summary.notConformantBecause).toMatch(/nothing selected/);
      expect(r.clauses).toEqual([]);
      expect(new Ajv({ strict: false }).validate(REPORT_SCHEMA, JSON.parse(JSON.stringify(r)))).toBe(true);
    }
  });

  it('verify CLI: exit 3 and "NOTHING SELECTED" on the terminal and in --json', () => {
    const json = path.join(tmp, 'empty-share.json');
    const r = convspec(['verify', alwaysThrows, '--shard', '999999/999999', '--json', json, '--no-progress']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/NOTHING SELECTED/);
    expect(r.stdout).not.toMatch(/^CONFORMANT/m);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.summary).toMatchObject({ conformant: false, nothingSelected: true });
    const two = convspec(['verify', alwaysThrows, '--clause', 'conv.size.formula', '--shard', '2/2', '--no-progress']);
    expect(two.code, two.stdout + two.stderr).toBe(3);
    // The share that holds the clause still judges it: the target fails it.
    const one = convspec(['verify', alwaysThrows, '--clause', 'conv.size.formula', '--shard', '1/2', '--runs', '3', '--no-progress']);
    expect(one.code, one.stdout + one.stderr).toBe(1);
  });

  it('gate: an empty share is no verdict (exit 3, step NOTHING SELECTED); the shards still combine', async () => {
    const verify = { ...quiet, clauses: ['conv.size.formula'], runs: 3 };
    const target = { kind: 'module' as const, path: alwaysThrows };
    const empty = await runGate({ targets: [target], verify: { ...verify, shard: { index: 2, count: 2 } }, fixtures: false });
    expect(empty.steps.map((s) => s.status)).toEqual(['empty', 'empty']);
    expect(empty.exitCode).toBe(3);
    // The other share holds the clause and fails the target: combined, the verdict is its.
    const full = await runGate({ targets: [target], verify: { ...verify, shard: { index: 1, count: 2 } }, fixtures: false });
    expect(full.exitCode).toBe(1);
    // With fixtures integrity in the share, the empty target step still keeps the gate from passing.
    const withFixtures = await runGate({ targets: [target], verify: { ...verify, shard: { index: 2, count: 2 } }, selfCheck: false });
    expect(withFixtures.steps.map((s) => s.status)).toEqual(['passed', 'empty']);
    expect(withFixtures.exitCode).toBe(3);
    // A reference target: shard 1 passes, shard 2 is empty; a failure or an error anywhere still wins.
    expect(gateExitCode([{ kind: 'verify', status: 'empty' }, { kind: 'verify', status: 'failed' }])).toBe(1);
    expect(gateExitCode([{ kind: 'verify', status: 'empty' }, { kind: 'verify', status: 'error' }])).toBe(2);
    expect(gateExitCode([{ kind: 'fixtures', status: 'empty' }, { kind: 'verify', status: 'passed' }])).toBe(0);
  });

  it('gate CLI: --shard 999999/999999 exits 3 with "NOTHING SELECTED", not PASSED', () => {
    const r = convspec(['gate', alwaysThrows, '--shard', '999999/999999']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/gate: NOTHING SELECTED/);
    expect(r.stdout).not.toMatch(/gate: PASSED/);
  });
});

// --- 5. judge on a folder with 1 of the outputs ------------------------------------------------

describe('5. judge earns its verdict: outputs not written count against the supported share', () => {
  const manifest = loadManifest();
  const dir = path.join(tmp, 'one-output');
  const entry = manifest.cases.find((c) => c.id === 'conv_1d')!;
  const out = path.join(dir, entry.files.y.path);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.copyFileSync(path.join(defaultFixturesDir(), entry.files.y.path), out);

  it('one output of the fixtures is NOT CONFORMANT by default (exit 1, saying why); --min-supported or --clause accept it', () => {
    const r = convspec(['judge', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`NOT CONFORMANT \\(only 1 of the ${manifest.cases.length} selected cases had an output`));
    expect(r.stdout).toMatch(/--min-supported/);
    expect(convspec(['judge', dir, '--min-supported', '0%']).code).toBe(0);
    expect(convspec(['judge', dir, '--clause', 'fixtures.ort/conv_1d']).code).toBe(0);
    expect(convspec(['judge', dir, '--min-supported', '101%']).code).toBe(2);
  });

  it('the library says the same: summary.coverage counts the missing outputs, minSupported accepts them', async () => {
    const r = await judgeDirectory(dir);
    expect(r.summary.conformant).toBe(false);
    expect(r.summary.coverage).toMatchObject({ casesJudged: 1, casesUnsupported: manifest.cases.length - 1 });
    expect(r.summary.notConformantBecause).toMatch(/not run: no output file/);
    expect((await judgeDirectory(dir, { minSupported: 0 })).summary.conformant).toBe(true);
  });

  const onnxTests = '/usr/share/libonnx-testdata/data';
  it.skipIf(!fs.existsSync(onnxTests))('ONNX test folders: one output of many written elsewhere is NOT CONFORMANT; the suite\'s own audit still is', async () => {
    const rel = path.join('node', 'test_basic_conv_with_padding', 'test_data_set_0', 'output_0.pb');
    const outputs = path.join(tmp, 'onnx-outputs');
    fs.mkdirSync(path.dirname(path.join(outputs, rel)), { recursive: true });
    fs.copyFileSync(path.join(onnxTests, rel), path.join(outputs, rel));
    const one = await judgeTestTree(outputs, { testsDir: onnxTests });
    expect(one.summary.cases.passed).toBe(1);
    expect(one.summary.conformant).toBe(false);
    expect(one.summary.notConformantBecause).toMatch(/only 1 of the \d+ selected cases had an output/);
    // Tests that are not convolution were never the implementation's to run: they do not count.
    const audit = await judgeTestTree(onnxTests);
    expect(audit.summary.conformant).toBe(true);
    expect(audit.summary.coverage.casesUnsupported).toBe(0);
  });
});
