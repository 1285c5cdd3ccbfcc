/**
 * verifyTarget against real misbehaving adapters (tools/verify/test/adapters): the reference passes
 * through every loading path (CommonJS, ESM, TypeScript, in-process, --cmd), and each kind of
 * misbehaviour — hang, crash, non-Error throw, wrong type, reused buffer, modified input, a dying or
 * hanging program — ends as a reported failure of the affected clause while the run goes on and the
 * unaffected cases pass. Short time limits and a few cases keep this file within seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import { verifyTarget, selectUnits, parseShard, VerifyArgumentError, type VerifyOptions } from '../run';
import { TargetError } from '../../hosts/loadModule';
import { openTarget } from '../openTarget';
import type { VerifyReport } from '../../report/report';
import { allClauses } from '../../../spec/clauses';

const here = path.join(__dirname, 'adapters');
const broken = path.join(here, 'broken.cjs');
const quiet = { log: () => undefined };
/** One random-case clause over both ops, one Conv fixture and one ConvTranspose fixture. */
const small: VerifyOptions = {
  ...quiet,
  clauses: ['robustness.output.dims', 'fixtures.ort/conv_1d', 'fixtures.ort/convtranspose_1d'],
  runs: 8,
  timeoutMs: 1500,
};

const byId = (r: VerifyReport, id: string) => {
  for (const c of r.clauses) {
    if (c.id === id) return c;
    const k = c.cases?.find((x) => x.id === id);
    if (k) return k;
  }
  throw new Error(`no ${id} in the report`);
};

function expectConvPassesConvTFails(r: VerifyReport, reason: RegExp): void {
  expect(byId(r, 'fixtures.ort/conv_1d').status).toBe('passed');
  const t = byId(r, 'fixtures.ort/convtranspose_1d');
  expect(t.status).toBe('failed');
  expect(t.error).toMatch(reason);
  const dims = byId(r, 'robustness.output.dims');
  expect(dims.status).toBe('failed');
  expect(dims.error).toMatch(reason);
  expect(r.summary.conformant).toBe(false);
}

describe('verify accepts correct implementations through every loading path', () => {
  it('CommonJS module, ESM module and TypeScript module of the reference: conformant', async () => {
    for (const file of ['reference.cjs', 'reference.mjs', 'reference-ts.ts']) {
      const r = await verifyTarget({ kind: 'module', path: path.join(here, file) }, small);
      expect(r.summary.conformant, `${file}: ${JSON.stringify(r.clauses.map((c) => [c.id, c.status, c.error]))}`).toBe(true);
      expect(r.summary.clauses.passed).toBe(2);
    }
  });

  it('an Implementation object in process, and the reference over the --cmd protocol: conformant', async () => {
    const inProcess = await verifyTarget({ kind: 'implementation', implementation: reference }, small);
    expect(inProcess.summary.conformant).toBe(true);
    const cmd = await verifyTarget({ kind: 'cmd', command: `node ${JSON.stringify(path.join(here, 'program.cjs'))}` }, small);
    expect(cmd.summary.conformant).toBe(true);
    expect(cmd.target.name).toBe('reference over the protocol');
  });
});

describe('every misbehaviour becomes a reported failure and the run goes on', () => {
  const cases: [string, RegExp][] = [
    ['hang', /timeout/],
    ['neverResolves', /timeout/],
    ['exits', /crash/],
    ['asyncCrash', /crash.*asynchronous boom|asynchronous boom/],
    ['throwsString', /non-error-throw|not an Error/],
    ['wrongType', /wrong-type|not a Float32Array/],
    ['mutatesInput', /modified its input X/],
  ];
  it.each(cases)('%s: ConvTranspose cases fail with the reason, Conv cases still pass', async (name, reason) => {
    // A short limit only where the adapter hangs: elsewhere a loaded machine must not turn a slow pass into a timeout.
    const r = await verifyTarget({ kind: 'module', path: broken, exportName: name }, { ...small, timeoutMs: reason.source === 'timeout' ? 600 : 10_000 });
    expectConvPassesConvTFails(r, reason);
  });

  it('a reused output buffer fails robustness.calls.repeatable, in a worker and in process', async () => {
    const opts = { ...small, clauses: ['robustness.calls.repeatable'] };
    const inWorker = await verifyTarget({ kind: 'module', path: broken, exportName: 'reusedBuffer' }, opts);
    expect(inWorker.clauses[0].status).toBe('failed');
    expect(inWorker.clauses[0].error).toMatch(/reused the output buffer/);
    const impl = require(broken).reusedBuffer;
    const inProcess = await verifyTarget({ kind: 'implementation', implementation: impl }, opts);
    expect(inProcess.clauses[0].status).toBe('failed');
    expect(inProcess.clauses[0].error).toMatch(/first result, re-read after a second call/);
  });

  it('a hang is reported with the case that hung and a seed-only replay command', async () => {
    const r = await verifyTarget({ kind: 'module', path: broken, exportName: 'hang' }, { ...small, clauses: ['robustness.output.dims'], timeoutMs: 600 });
    const c = byId(r, 'robustness.output.dims') as VerifyReport['clauses'][number];
    expect(c.counterexample).toMatch(/^ConvTranspose /);
    expect(c.replay).toMatch(/--clause robustness\.output\.dims --seed \d+/);
    expect(c.replay).not.toMatch(/--path/);
    expect(c.faults?.[0].kind).toBe('timeout');
  });

  it('in process, a ConvTranspose promise that never settles fails at the time limit', async () => {
    const impl = require(broken).neverResolves;
    const r = await verifyTarget({ kind: 'implementation', implementation: impl }, { ...small, timeoutMs: 600 });
    expectConvPassesConvTFails(r, /timeout/);
  });

  it('concurrent calls on one guarded worker subject are queued: each gets its own answer', async () => {
    const subject = await openTarget({ kind: 'module', path: path.join(here, 'reference.cjs') }, { timeoutMs: 5000, log: () => undefined });
    const x = (v: number) => ({ dims: [1, 1, 3], data: Float32Array.from([v, v, v]) });
    const w = { dims: [1, 1, 1], data: Float32Array.from([2]) };
    const ys = await Promise.all([1, 2, 3, 4].map((v) => subject.run('Conv', x(v), w, undefined, {})));
    expect(ys.map((y) => Array.from(y.data))).toEqual([[2, 2, 2], [4, 4, 4], [6, 6, 6], [8, 8, 8]]);
    await subject.close();
  });

  it('after three listed cases in a row hang, the rest of the clause fails without calling the adapter again', async () => {
    const r = await verifyTarget({ kind: 'module', path: broken, exportName: 'hang' }, { ...small, clauses: ['fixtures.ort/convtranspose_*'], timeoutMs: 600 });
    const cases = r.clauses[0].cases!;
    expect(cases.length).toBeGreaterThan(10);
    expect(cases.every((c) => c.status === 'failed')).toBe(true);
    expect(cases.slice(0, 3).every((c) => /timeout/.test(c.error!))).toBe(true);
    expect(cases.slice(3).every((c) => /^not run: the adapter hung or crashed/.test(c.error!))).toBe(true);
  });

  it('a --cmd program that dies mid-run is restarted: one case fails with the exit, later cases pass', async () => {
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-')), 'died');
    const command = `node ${JSON.stringify(path.join(here, 'program.cjs'))} --die-once ${JSON.stringify(marker)}`;
    const r = await verifyTarget({ kind: 'cmd', command }, { ...small, clauses: ['fixtures.ort/conv_1d', 'fixtures.ort/conv_3d', 'fixtures.ort/conv_batch', 'fixtures.ort/conv_bias', 'fixtures.ort/conv_valid'] });
    const statuses = r.clauses[0].cases!.map((c) => c.status);
    expect(statuses).toEqual(['passed', 'passed', 'failed', 'passed', 'passed']);
    expect(r.clauses[0].cases![2].error).toMatch(/crash: the program exited with code 7/);
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('a --cmd program that hangs is killed and restarted; one that writes garbage is restarted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-'));
    const prog = `node ${JSON.stringify(path.join(here, 'program.cjs'))}`;
    const five = ['fixtures.ort/conv_1d', 'fixtures.ort/conv_3d', 'fixtures.ort/conv_batch', 'fixtures.ort/conv_bias', 'fixtures.ort/conv_valid'];
    const hung = await verifyTarget({ kind: 'cmd', command: `${prog} --hang-once ${JSON.stringify(path.join(dir, 'hung'))}` }, { ...small, clauses: five, timeoutMs: 800 });
    expect(hung.clauses[0].cases!.map((c) => c.status)).toEqual(['passed', 'passed', 'failed', 'passed', 'passed']);
    expect(hung.clauses[0].cases![2].error).toMatch(/timeout/);
    const garbage = await verifyTarget({ kind: 'cmd', command: `${prog} --garbage` }, { ...small, clauses: five.slice(0, 3) });
    expect(garbage.clauses[0].cases!.map((c) => c.status)).toEqual(['passed', 'failed', 'passed']);
    expect(garbage.clauses[0].cases![1].error).toMatch(/protocol: .*not JSON/);
  });
});

describe('declared support', () => {
  it('cases outside the declared ops are unsupported, never failures (module and --cmd describe)', async () => {
    const mod = await verifyTarget({ kind: 'module', path: broken, exportName: 'convOnly' }, small);
    expect(byId(mod, 'fixtures.ort/convtranspose_1d').status).toBe('unsupported');
    expect(byId(mod, 'fixtures.ort/conv_1d').status).toBe('passed');
    expect(mod.summary.conformant).toBe(true);
    const cmd = await verifyTarget({ kind: 'cmd', command: `node ${JSON.stringify(path.join(here, 'program.cjs'))} --conv-only` }, small);
    expect(cmd.target.supports.ops).toEqual(['Conv']);
    expect(byId(cmd, 'fixtures.ort/convtranspose_1d').status).toBe('unsupported');
  });

  it('a describe answered with an error means "supports everything"', async () => {
    const r = await verifyTarget({ kind: 'cmd', command: `node ${JSON.stringify(path.join(here, 'program.cjs'))} --no-describe` }, small);
    expect(r.target.supports).toEqual({});
    expect(r.summary.conformant).toBe(true);
  });

  it('nothing verified when every selected case is outside the support: not conformant', async () => {
    const r = await verifyTarget({ kind: 'module', path: broken, exportName: 'convOnly' }, { ...small, clauses: ['fixtures.ort/convtranspose_1d'] });
    expect(r.summary.clauses.passed).toBe(0);
    expect(r.summary.conformant).toBe(false);
  });
});

describe('unusable targets and arguments are rejected before anything runs', () => {
  it('missing module, no Implementation export, malformed supports, a command that cannot start', async () => {
    await expect(verifyTarget({ kind: 'module', path: path.join(here, 'nope.cjs') }, small)).rejects.toThrow(TargetError);
    await expect(verifyTarget({ kind: 'module', path: broken, exportName: 'missing' }, small)).rejects.toThrow(/no export named missing/);
    await expect(verifyTarget({ kind: 'module', path: broken, exportName: 'badSupports' }, small)).rejects.toThrow(/supports\.ranks/);
    await expect(verifyTarget({ kind: 'cmd', command: 'convspec-no-such-program-xyz' }, small)).rejects.toThrow(/exited with code 127/);
  });

  it('a filter matching nothing, a bad shard, --path without a single clause', async () => {
    await expect(verifyTarget({ kind: 'implementation', implementation: reference }, { ...small, clauses: ['no.such.clause'] })).rejects.toThrow(VerifyArgumentError);
    expect(() => parseShard('3/2')).toThrow(VerifyArgumentError);
    expect(() => parseShard('0/2')).toThrow(VerifyArgumentError);
    await expect(verifyTarget({ kind: 'implementation', implementation: reference }, { ...small, path: '0:1' })).rejects.toThrow(/exactly one/);
  });
});

describe('shards', () => {
  it('shards 1/3, 2/3, 3/3 partition the selected clauses and cases, and are stable', async () => {
    const ids = async (shard?: { index: number; count: number }) => {
      const s = await selectUnits(allClauses, [], shard);
      return [...s.property.map((c) => c.id), ...s.enumerated.flatMap((e) => e.cases.map((c) => `${e.clause.id}/${c.name}`))];
    };
    const all = await ids();
    const parts = [await ids({ index: 1, count: 3 }), await ids({ index: 2, count: 3 }), await ids({ index: 3, count: 3 })];
    expect(parts.flat().sort()).toEqual([...all].sort());
    expect(new Set(parts.flat()).size).toBe(all.length);
    for (const p of parts) expect(p.length).toBeGreaterThan(all.length / 3 - 3);
    expect(await ids({ index: 2, count: 3 })).toEqual(parts[1]);
  });

  it('an empty share (more shards than selected clauses) is "nothing selected", no verdict; a non-empty one runs its clause', async () => {
    const one = { ...small, clauses: ['robustness.output.dims'] };
    const empty = await verifyTarget({ kind: 'implementation', implementation: reference }, { ...one, shard: { index: 2, count: 2 } });
    expect(empty.clauses).toEqual([]);
    expect(empty.summary.conformant).toBe(false);
    expect(empty.summary.nothingSelected).toBe(true);
    const full = await verifyTarget({ kind: 'implementation', implementation: reference }, { ...one, shard: { index: 1, count: 2 } });
    expect(full.clauses.map((c) => c.id)).toEqual(['robustness.output.dims']);
  });
});
