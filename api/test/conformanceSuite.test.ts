/**
 * Plan: the units describeConformance registers are `convspec verify` cut into tests. Checked here
 * without a nested test run (installed.test.ts runs one): the units cover every clause and every
 * fixture case once; on a broken implementation each unit reaches the verdict, counterexample and
 * path that verifyTarget reports for the same options; the replay line, fed back through the
 * environment, selects that one clause and reproduces the failure; declared support skips; the
 * CLI's argument errors are refused the same way; a module target runs isolated and gets a CLI
 * replay line too.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reference, referenceConv, referenceConvTranspose } from '../../impl/reference';
import type { Implementation } from '../../impl/types';
import { allClauses } from '../../spec/clauses';
import { loadManifest } from '../../tools/fixtures/read';
import { defaultFixturesDir } from '../../tools/fixtures/paths';
import { isEnumerated } from '../../spec/framework/enumerated';
import { planConformance, suiteTitle, VERDICT_UNIT, type ConformanceOptions, type ConformanceTarget, type UnitOutcome } from '../../tools/verify/conformanceSuite';
import { verifyTarget, VerifyArgumentError } from '../verify';

/** ConvTranspose off by 0.5 in its last element; Conv correct. */
const broken: Implementation = {
  name: 'off-by-half',
  conv: (x, w, b, a) => referenceConv(x, w, b, a).y,
  convTranspose(x, w, b, a) {
    const { y } = referenceConvTranspose(x, w, b, a);
    const data = Float32Array.from(y.data);
    data[data.length - 1] += 0.5;
    return { dims: y.dims, data };
  },
};

async function runAll(target: ConformanceTarget, options: ConformanceOptions): Promise<Map<string, UnitOutcome>> {
  const plan = await planConformance(target, { env: {}, ...options }, 'npx vitest run t.test.ts');
  await plan.open();
  const out = new Map<string, UnitOutcome>();
  try {
    for (const u of plan.units) out.set(u.name, await u.run());
  } finally {
    await plan.close();
  }
  return out;
}

describe('describeConformance units', () => {
  it('cover every property clause once and every fixture case once, in families by source and op', async () => {
    const plan = await planConformance(reference, { env: {} });
    const names = plan.units.map((u) => u.name);
    expect(new Set(names).size).toBe(names.length);
    // Property clauses, then listed clauses other than the fixtures (network.layers) as one test each.
    const propertyIds = allClauses.filter((c) => !isEnumerated(c)).map((c) => c.id);
    const listedIds = allClauses.filter((c) => isEnumerated(c) && c.id !== 'fixtures.ort').map((c) => c.id);
    expect(plan.units.filter((u) => u.id !== 'fixtures.ort').map((u) => u.id)).toEqual([...propertyIds, ...listedIds, VERDICT_UNIT]);
    const families = plan.units.filter((u) => u.id === 'fixtures.ort').map((u) => u.name);
    const cases = loadManifest(defaultFixturesDir()).cases;
    const expected = [...new Set(cases.map((c) => `${c.source} ${c.op}`))].map((f) => {
      const n = cases.filter((c) => `${c.source} ${c.op}` === f).length;
      return `fixtures.ort: ${f} (${n} case${n === 1 ? '' : 's'})`;
    });
    expect(families.sort()).toEqual(expected.sort());
    expect([suiteTitle(reference), suiteTitle({ kind: 'module', path: './my conv.js' }), suiteTitle({ kind: 'ort' })]).toEqual([
      `convspec conformance: ${reference.name}`, "convspec conformance: './my conv.js'", 'convspec conformance: the bundled ONNX Runtime adapter',
    ]);
  });

  it('reach the verdicts, counterexamples and paths that verifyTarget reports for the same options', async () => {
    const options = { clauses: ['convT.numeric.withinBound', 'conv.size.formula', 'convT.structure.linearInput', 'fixtures.ort/onnx_*'], seed: 99, depth: 0.5 };
    const units = await runAll(broken, options);
    // describeConformance draws no scale-tier cases (tools/verify/conformanceSuite.ts): the same options for verify are scale off.
    const report = await verifyTarget({ kind: 'implementation', implementation: broken }, { ...options, scaleMacs: 0 });
    const byClause = new Map<string, UnitOutcome[]>();
    for (const [name, o] of units) if (name !== VERDICT_UNIT) byClause.set(name.split(':')[0], [...(byClause.get(name.split(':')[0]) ?? []), o]);
    expect([...byClause.keys()].sort()).toEqual(report.clauses.map((c) => c.id).sort());
    for (const c of report.clauses) {
      const outcomes = byClause.get(c.id)!;
      if (c.cases) {
        expect(outcomes.flatMap((o) => o.result.cases!.map((k) => `${k.id} ${k.status}`)).sort(), c.id).toEqual(c.cases.map((k) => `${k.id} ${k.status}`).sort());
      } else {
        const [o] = outcomes;
        expect([o.status, o.result.numRuns, o.result.path, o.result.counterexample], c.id).toEqual([c.status, c.numRuns, c.path, c.counterexample]);
      }
    }
    expect(report.clauses.filter((c) => c.status === 'failed').map((c) => c.id).sort()).toEqual(['convT.numeric.withinBound', 'convT.structure.linearInput', 'fixtures.ort']);
  });

  it("a failure's message has the counterexample, the window and a replay line that reproduces it alone", async () => {
    const units = await runAll(broken, { clauses: ['convT.numeric.withinBound', 'conv.size.formula'] });
    const failed = [...units.values()].find((o) => o.status === 'failed')!;
    expect(failed.message).toContain('counterexample: {');
    expect(failed.message).toMatch(/index +actual +expected +bound/);
    const replay = /replay: (.*) npx vitest run t\.test\.ts/.exec(failed.message)?.[1];
    expect(replay).toMatch(/^CONVSPEC_CLAUSE=convT\.numeric\.withinBound CONVSPEC_SEED=20261128 CONVSPEC_PATH=\S+$/);
    const env = Object.fromEntries(replay!.split(' ').map((kv) => kv.split('=') as [string, string]));
    const again = await runAll(broken, { clauses: ['conv.size.formula'], env });
    expect([...again.keys()].map((k) => k.split(':')[0])).toEqual(['convT.numeric.withinBound', 'convspec verdict']);
    const [o] = again.values();
    expect([o.status, o.result.counterexample]).toEqual(['failed', failed.result.counterexample]);
  });

  it('cases outside the declared support are unsupported, with the reason; the verdict fails when nothing that calls the implementation passed', async () => {
    const convOnly: Implementation = { name: 'conv only', conv: (x, w, b, a) => referenceConv(x, w, b, a).y };
    const units = await runAll(convOnly, { clauses: ['conv.size.formula', 'convT.size.formula'] });
    expect([...units.values()].map((o) => [o.status, o.message])).toEqual([['passed', ''], ['unsupported', 'outside the declared support: op ConvTranspose'], ['passed', '']]);
    const none = await runAll(convOnly, { clauses: ['convT.size.formula', 'dilation.hdc.values'] });
    expect([...none.values()].map((o) => o.status)).toEqual(['unsupported', 'passed', 'failed']);
    expect(none.get(VERDICT_UNIT)!.message).toMatch(/^not conformant: no clause or case that calls the implementation passed/);
  });

  it('options the CLI refuses are refused: a filter matching nothing, a path without exactly one clause, a bad environment', async () => {
    await expect(planConformance(reference, { env: {}, clauses: ['no.such.clause'] })).rejects.toThrow(VerifyArgumentError);
    await expect(planConformance(reference, { env: { CONVSPEC_PATH: '0' }, clauses: ['conv.size.*'] })).rejects.toThrow(/exactly one property clause/);
    await expect(planConformance(reference, { env: { CONVSPEC_SEED: 'x' } })).rejects.toThrow(/CONVSPEC_SEED=x is not a number/);
    await expect(planConformance(null as unknown as Implementation)).rejects.toThrow(/needs a VerifyTarget or an Implementation/);
  });

  it('a module target runs isolated, and its replay lines include the CLI command', async () => {
    const file = path.join(__dirname, '../../tools/verify/test/adapters/broken.cjs');
    const units = await runAll({ kind: 'module', path: file, exportName: 'mutatesInput' }, { clauses: ['robustness.inputs.unchanged'] });
    const [o] = units.values();
    expect(o.status).toBe('failed');
    expect(o.message).toContain(`or: npx convspec verify ${file} --export mutatesInput --clause robustness.inputs.unchanged --seed 20261128`);
  });
});
