/**
 * Findings (issue 23) on the fault catalogue: every mutant built from a fault model gets a finding
 * consistent with that model; every multi-bug mutant gets one finding per bug, each with a
 * counterexample that the bug alone reproduces; an uncatalogued bug is said to fit nothing; correct
 * variants get none. A few clauses only, so the file stays quick on a shared machine.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../../impl/types';
import { faultModel } from '../../../../spec/faults/models';
import { modelFits } from '../../../../spec/faults/consistent';
import { catalogue, goodVariants } from '../../../faults/catalogue';
import { multiBugMutants } from '../../../faults/multiBug';
import { tensorFromData, type Finding } from '../../../report/finding';
import { verifyTarget } from '../../run';
import type { ImplementationWithSupports } from '../../../../spec/framework/subject';

const CLAUSES = ['conv.numeric.withinBound', 'convT.numeric.withinBound', 'conv.size.formula', 'convT.size.formula', 'conv.size.autoPad', 'convT.size.autoPad', 'convT.size.outputShape'];

async function findingsOf(impl: ImplementationWithSupports, clauses = CLAUSES) {
  const report = await verifyTarget({ kind: 'implementation', implementation: impl }, { clauses, log: () => undefined });
  return report;
}

/** The counterexample as tensors, and what `impl` answers on it. */
function replay(f: Finding, impl: ImplementationWithSupports) {
  const c = f.counterexample!;
  const x = tensorFromData(c.x, 'x');
  const w = tensorFromData(c.w, 'w');
  const b = c.b ? tensorFromData(c.b, 'b') : undefined;
  const attrs = c.attrs as never;
  const actual = (c.op === 'Conv' ? impl.conv!(x, w, b, attrs) : impl.convTranspose!(x, w, b, attrs)) as Tensor;
  return { kase: { op: c.op, x, w, b, attrs }, actual };
}

describe('findings: single-bug mutants carrying a fault model', () => {
  const carrying = catalogue.filter((e) => e.fault);
  it('covers every fault model of the catalogue', async () => {
    const { faultModels } = await import('../../../../spec/faults/models');
    expect(new Set(carrying.map((e) => e.fault))).toEqual(new Set(faultModels.map((m) => m.id)));
  });
  for (const entry of carrying) {
    it(`${entry.id} gets a finding consistent with ${entry.fault}`, async () => {
      const report = await findingsOf(entry.impl);
      const findings = report.findings ?? [];
      expect(findings.length).toBeGreaterThan(0);
      const fits = findings.filter((f) => f.consistentWith.includes(entry.fault!));
      expect(fits.length, JSON.stringify(findings.map((f) => [f.trigger, f.consistentWith]))).toBeGreaterThan(0);
      // Every failing clause is explained by some finding.
      for (const c of report.clauses.filter((k) => k.status === 'failed')) expect(findings.some((f) => f.clauses.includes(c.id))).toBe(true);
    }, 60_000);
  }
});

describe('findings: multi-bug mutants get one finding per bug', () => {
  for (const entry of multiBugMutants) {
    it(`${entry.id}: ${entry.faults!.join(' + ')}`, async () => {
      const findings = (await findingsOf(entry.impl)).findings ?? [];
      const summary = JSON.stringify(findings.map((f) => [f.trigger, f.consistentWith]));
      expect(findings.length, summary).toBe(entry.faults!.length);
      // A one-to-one match of bugs to findings, each finding's counterexample reproduced by its bug alone.
      const used = new Set<string>();
      for (const fault of entry.faults!) {
        const match = findings.find((f) => !used.has(f.id) && f.counterexample && (() => {
          const { kase, actual } = replay(f, entry.impl);
          return modelFits(faultModel(fault), kase, actual);
        })());
        expect(match, `${fault} in ${summary}`).toBeDefined();
        used.add(match!.id);
      }
    }, 60_000);
  }
});

describe('findings: what fits nothing, and what passes', () => {
  it('an uncatalogued bug (batch and channel axes of X exchanged) is consistent with no fault model', async () => {
    const entry = catalogue.find((e) => e.id === 'batch-items-mixed')!;
    const findings = (await findingsOf(entry.impl, ['conv.numeric.withinBound'])).findings ?? [];
    expect(findings.length).toBe(1);
    expect(findings[0].consistentWith).toEqual([]);
    expect(findings[0].trigger).toContain('batch > 1');
  }, 60_000);
  for (const entry of goodVariants.filter((e) => ['reference', 'float32-accumulation', 'pairwise-gather-float32', 'winograd-float32'].includes(e.id))) {
    it(`correct variant ${entry.id}: no finding`, async () => {
      const report = await findingsOf(entry.impl, ['conv.numeric.withinBound', 'convT.numeric.withinBound']);
      expect(report.summary.conformant).toBe(true);
      expect(report.findings).toEqual([]);
    }, 60_000);
  }
});
