/**
 * Plan: the arbitraries draw only valid, bounded configurations, built by construction. For many
 * draws of each operator's shape: attribute resolution accepts it, resolves the output size the
 * SPEC.md formula gives, the configuration stays within the documented bounds, and the tensors have
 * the dims the case says. Exact and dyadic data modes keep their promised value sets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolve } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { buildCase, channelCounts, convShape, outputSpatialOf } from '../arbitraries/cases';
import { fillData } from '../arbitraries/data';

describe('arbitraries', () => {
  for (const op of ['Conv', 'ConvTranspose'] as OpName[]) {
    it(`${op} shapes are valid, bounded, and their output sizes match the formula`, () => {
      fc.assert(
        fc.property(convShape(op), fc.integer(), (s, seed) => {
          const c = buildCase(s, seed);
          const g = resolve(op, c.x.dims, c.w.dims, c.attrs, c.b?.dims);
          expect(g.outputSpatial).toEqual(outputSpatialOf(s));
          expect(g.outputSpatial.every((o) => o >= 1)).toBe(true);
          expect(s.axes.length).toBeGreaterThanOrEqual(1);
          expect(s.axes.length).toBeLessThanOrEqual(3);
          expect(s.batch).toBeLessThanOrEqual(2);
          for (const a of s.axes) {
            expect([a.k, a.s, a.d].every((v) => v >= 1 && v <= 3)).toBe(true);
            expect(a.pb >= 0 && a.pb <= 2 && a.pe >= 0 && a.pe <= 2).toBe(true);
            expect(a.op).toBeLessThan(a.s);
          }
          const { c: cin, m } = channelCounts(s);
          expect(c.x.dims[1]).toBe(cin);
          expect(g.outChannels).toBe(m);
          expect(c.x.data.length).toBe(c.x.dims.reduce((p, v) => p * v, 1));
        }),
        { seed: 1, numRuns: 300 },
      );
    });
  }

  it('groups with more than one channel per group on each side are drawn', () => {
    const samples = fc.sample(convShape('Conv'), { seed: 2, numRuns: 300 });
    expect(samples.some((s) => s.channels.group > 1 && s.channels.inPerGroup > 1 && s.channels.outPerGroup > 1)).toBe(true);
    expect(samples.some((s) => s.axes.some((a) => a.pb !== a.pe))).toBe(true);
  });

  it('exact data are integers in [−3, 3]; dyadic data lie on the 2^−10 grid in [−2, 2]', () => {
    const exact = fillData(2000, 7, { mode: 'exact' });
    expect(exact.every((v) => Number.isInteger(v) && Math.abs(v) <= 3)).toBe(true);
    const dyadic = fillData(2000, 7, { mode: 'dyadic' });
    expect(dyadic.every((v) => Number.isInteger(v * 1024) && Math.abs(v) <= 2)).toBe(true);
    const nonZero = fillData(2000, 7, { nonZero: true });
    expect(nonZero.every((v) => Math.abs(v) >= 0.25)).toBe(true);
  });
});
