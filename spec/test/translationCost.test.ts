/**
 * Plan: the translation clauses (SPEC "Structure", spec/properties/structure.ts) lengthen the shifted
 * axis by d(k − 1) + 2s + p_b so that some outputs lie away from the borders. On scale and edge
 * cases (dilations in the hundreds, pads to match) that lengthening multiplied a case past the limits
 * it was drawn within — a false alarm by timeout on TensorFlow.js's CPU backend at `--runs 5x --seed
 * 17`. Drawn through the clauses' own arbitraries under a run's scale limits, every lengthened case
 * stays within twice the limits its shape was drawn within (or the small tier's budget), and the case of that
 * run, rebuilt here, gives up channels rather than size.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { reachOf } from '../arbitraries/reach';
import { REALISTIC_MAC_BUDGET } from '../arbitraries/realistic';
import { edgeLimits, referenceScaleLimits, scaleLimits, scaleTier } from '../arbitraries/scaleTier';
import type { ConvShape } from '../arbitraries/shape';
import { clauseById } from '../clauses';
import { withinCostOf } from '../properties/structure';

describe('translation keeps the lengthened case within the limits it was drawn for', () => {
  const saved = scaleTier.current;
  afterAll(() => {
    scaleTier.current = saved;
  });

  for (const id of ['conv.structure.translation', 'convT.structure.translation']) {
    it(`${id}: 400 draws at --scale-macs 2^25 --scale-elements 2^19 cost at most twice the limits their shapes are drawn within`, () => {
      const run = scaleLimits(2 ** 25, 2 ** 19);
      scaleTier.current = run;
      // What the clause's shapes are drawn within: the reference clauses' share of the run, or the edge cases' limits.
      const reference = referenceScaleLimits(run);
      const edges = edgeLimits(run);
      const limits = { maxMacs: Math.max(reference.maxMacs, edges.maxMacs), maxTensorElements: Math.max(reference.maxTensorElements, edges.maxTensorElements) };
      const clause = clauseById(id)!;
      const draws = fc.sample(clause.arbitrary, { numRuns: 400, seed: 17 }) as { shape: ConvShape }[];
      const worst = draws.map(({ shape }) => reachOf(shape)).reduce((a, r) => ({ macs: Math.max(a.macs, r.macs), largest: Math.max(a.largest, r.largestTensor) }), { macs: 0, largest: 0 });
      expect(worst.macs).toBeLessThanOrEqual(Math.max(2 * limits.maxMacs, REALISTIC_MAC_BUDGET));
      expect(worst.largest).toBeLessThanOrEqual(Math.max(2 * limits.maxTensorElements, REALISTIC_MAC_BUDGET));
    });
  }

  it("the 5x run's case (k = 63, d = 128, s = 7, p_b = 7936, 1024 output channels) keeps its geometry and halves its channels", () => {
    const drawn: ConvShape = {
      op: 'Conv', batch: 1, channels: { group: 1, inPerGroup: 1, outPerGroup: 1024 }, bias: true, explicit: true,
      axes: [{ i: 12, k: 63, s: 7, d: 128, pb: 7936, pe: 0, op: 0 }],
    };
    const a = drawn.axes[0];
    const lengthened: ConvShape = { ...drawn, axes: [{ ...a, i: a.i + a.d * (a.k - 1) + 1 + 2 * a.s + a.pb }] };
    expect(reachOf(lengthened).macs).toBeGreaterThan(2 ** 27);
    const fitted = withinCostOf(lengthened, drawn);
    expect(fitted.axes).toEqual(lengthened.axes);
    expect(reachOf(fitted).macs).toBeLessThanOrEqual(Math.max(2 * reachOf(drawn).macs, REALISTIC_MAC_BUDGET));
    expect(fitted.channels.outPerGroup).toBeLessThan(1024);
    expect(fitted.channels.outPerGroup).toBeGreaterThanOrEqual(1);
  });
});
