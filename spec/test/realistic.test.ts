/**
 * Plan: the realistic tier (spec/arbitraries/realistic.ts) draws only valid configurations, within its
 * multiply-add budget unless channels and kernel alone exceed it, and it reaches every shape condition
 * SPEC.md says it reaches — the ones the small tier never reaches (blocks of channels with a
 * remainder, depthwise with many channels and a multiplier, 1×1 with many channels, kernels ≥ 5 at
 * stride 2, odd batch ≥ 5, last axis ≥ 32, dilation ≥ 64, reductions ≥ 1000, 16+ groups), and 3-D with
 * depth ≥ 8 (which the small tier reaches too).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolve, type ConvGeometry } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { buildCase, convShape, outputSpatialOf, type ConvShape } from '../arbitraries/cases';
import { fitBudget, multiplyAdds, realisticShape, REALISTIC_MAC_BUDGET } from '../arbitraries/realistic';

const CONDITIONS: Record<string, (s: ConvShape, g: ConvGeometry) => boolean> = {
  'C/g ≥ 16, not a multiple of 8': (s) => s.channels.inPerGroup >= 16 && s.channels.inPerGroup % 8 !== 0,
  'M ≥ 16, not a multiple of 8, group 1': (s, g) => g.group === 1 && g.outChannels >= 16 && g.outChannels % 8 !== 0,
  'depthwise, C ≥ 16, multiplier > 1': (s, g) => g.group === g.inChannels && g.inChannels >= 16 && s.channels.outPerGroup > 1,
  '1×1, stride 1, C and M ≥ 16': (s, g) => s.axes.every((a) => a.k === 1 && a.s === 1) && g.inChannels >= 16 && g.outChannels >= 16 && g.group === 1,
  'kernel ≥ 5 at stride 2': (s) => s.axes.some((a) => a.k >= 5 && a.s === 2),
  'batch ≥ 4, odd': (s) => s.batch >= 5 && s.batch % 2 === 1,
  'last axis output ≥ 32': (_s, g) => g.outputSpatial[g.rank - 1] >= 32,
  'dilation ≥ 64': (s) => s.axes.some((a) => a.d >= 64),
  '3-D, depth ≥ 8': (_s, g) => g.rank === 3 && Math.max(g.inputSpatial[0], g.outputSpatial[0]) >= 8,
  'reduction C/g·Πk ≥ 1000': (s) => s.channels.inPerGroup * s.axes.reduce((p, a) => p * a.k, 1) >= 1000,
  'group ≥ 16, not depthwise': (s) => s.channels.group >= 16 && s.channels.inPerGroup > 1,
};

describe('the realistic tier', () => {
  for (const op of ['Conv', 'ConvTranspose'] as OpName[]) {
    it(`${op}: every shape is valid and within the budget, unless channels and kernel alone exceed it`, () => {
      fc.assert(
        fc.property(realisticShape(op), fc.integer(), (s, seed) => {
          const c = buildCase(s, seed);
          const g = resolve(op, c.x.dims, c.w.dims, c.attrs, c.b?.dims);
          expect(g.outputSpatial).toEqual(outputSpatialOf(s));
          expect(g.outputSpatial.every((o) => o >= 1)).toBe(true);
          for (const a of s.axes) expect(a.op).toBeLessThan(a.s);
          if (multiplyAdds(s) > REALISTIC_MAC_BUDGET) {
            // Over budget only at batch 1 with every axis at its minimum: the shrinking could go no further.
            expect(s.batch).toBe(1);
            expect(multiplyAdds(fitBudget(s, 1))).toBe(multiplyAdds(s));
          }
        }),
        { seed: 1, numRuns: 300 },
      );
    });

    it(`${op}: reaches every shape condition it is built for, which the small tier never reaches`, () => {
      const hits = (shapes: ConvShape[]) =>
        Object.fromEntries(
          Object.entries(CONDITIONS).map(([name, cond]) => [
            name,
            shapes.filter((s) => {
              const c = buildCase(s, 1);
              return cond(s, resolve(op, c.x.dims, c.w.dims, c.attrs, c.b?.dims));
            }).length,
          ]),
        );
      const realistic = hits(fc.sample(realisticShape(op), { seed: 2, numRuns: 600 }));
      const small = hits(fc.sample(convShape(op), { seed: 2, numRuns: 600 }));
      for (const [name, n] of Object.entries(realistic)) {
        if (op === 'ConvTranspose' && name === 'dilation ≥ 64') continue; // reached too, checked for Conv
        expect(n, `realistic tier: ${name}`).toBeGreaterThanOrEqual(3);
        // Long 3-D depth axes also come from the small tier (dilation 3 plus extra length); the others never do.
        if (name !== '3-D, depth ≥ 8') expect(small[name], `small tier: ${name}`).toBe(0);
      }
    });
  }

  it('fitBudget shortens axes first, then the batch, and keeps channels, groups and kernels', () => {
    const s: ConvShape = {
      op: 'Conv', batch: 4, channels: { group: 1, inPerGroup: 64, outPerGroup: 64 }, bias: false, explicit: false,
      axes: [{ i: 40, k: 3, s: 1, d: 1, pb: 1, pe: 1, op: 0 }],
    };
    const f = fitBudget(s, 100_000); // 4·64·o·64·3 ≤ 100 000 once o ≤ 2: the axis alone suffices
    expect(multiplyAdds(f)).toBeLessThanOrEqual(100_000);
    expect(f.channels).toEqual(s.channels);
    expect(f.axes[0].k).toBe(3);
    expect(f.batch).toBe(4);
    expect(f.axes[0].i).toBeLessThan(40);
    const g = fitBudget(s, 40_000); // o = 1 gives 4·12 288: the batch must go down too
    expect(g.axes[0].i).toBe(1);
    expect(g.batch).toBe(3);
    expect(multiplyAdds(g)).toBeLessThanOrEqual(40_000);
  });
});
