/**
 * The precision profile (spec/framework/precision.ts) and the heat-map slice (compare.ts): the
 * histogram's median agrees with the exact median of the ratios to within one bin, the maximum is
 * exact, exact and non-finite ratios are counted apart, merging summaries equals counting once, and
 * findMismatch feeds the recorder every element it judges. The slice goes through the worst element.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMismatch, sliceAround, unravel } from '../framework/compare';
import { BINS_PER_DECADE, mergePrecision, RatioHistogram, withPrecision } from '../framework/precision';
import type { Expected } from '../tolerance';

// One bin width, plus rounding slack of 10^x.
const BIN_FACTOR = 10 ** (1 / BINS_PER_DECADE) * (1 + 1e-12);

function exactMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

describe('RatioHistogram', () => {
  it('median within one bin of the exact median, max exact, zeros and ∞ apart', () => {
    const ratio = fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 8, arbitrary: fc.double({ min: 1e-12, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
    );
    fc.assert(
      fc.property(fc.array(ratio, { minLength: 1, maxLength: 200 }), fc.nat({ max: 3 }), (values, infinite) => {
        const h = new RatioHistogram();
        for (const v of values) h.add(v);
        for (let i = 0; i < infinite; i++) h.add(Infinity);
        const s = h.summary();
        const all = [...values, ...new Array<number>(infinite).fill(Infinity)];
        expect(s.elements).toBe(all.length);
        expect(s.exact).toBe(values.filter((v) => v === 0).length);
        expect(s.infinite).toBe(infinite);
        expect(s.max).toBe(Math.max(...all));
        const m = exactMedian(all);
        if (m === 0 || !Number.isFinite(m)) expect(s.median).toBe(m);
        else {
          // Log-linear interpolation inside the bin that holds the median rank: within one bin width.
          expect(s.median).toBeGreaterThanOrEqual(m / BIN_FACTOR);
          expect(s.median).toBeLessThanOrEqual(m * BIN_FACTOR);
        }
      }),
      { seed: 20261128, numRuns: 100 },
    );
  });

  it('merging summaries counts the same as counting once', () => {
    const a = new RatioHistogram();
    const b = new RatioHistogram();
    const both = new RatioHistogram();
    [0.5, 0, 3e-7, 2, Infinity].forEach((v) => (a.add(v), both.add(v)));
    [1e-3, 0.25, 0].forEach((v) => (b.add(v), both.add(v)));
    expect(mergePrecision([a.summary(), undefined, b.summary()])).toEqual(both.summary());
    expect(mergePrecision([undefined])).toBeUndefined();
  });
});

function expectedOf(y64: number[], bound: number[], dims: number[]): Expected {
  return { y64: Float64Array.from(y64), bound: Float64Array.from(bound), dims, geometry: undefined as never };
}

describe('findMismatch feeds the recorder; the slice holds the worst element', () => {
  it('every judged element is counted, inside withPrecision only', async () => {
    const dims = [1, 2, 3, 4];
    const n = 24;
    const y = Array.from({ length: n }, (_, i) => i / 7);
    const actual = { dims, data: Float32Array.from(y) };
    const exp = expectedOf(y, new Array(n).fill(1e-6), dims);
    const { precision } = await withPrecision(async () => findMismatch(actual, exp));
    expect(precision!.elements).toBe(n);
    expect(precision!.max).toBeLessThanOrEqual(1);
    const outside = await withPrecision(async () => undefined);
    expect(outside.precision).toBeUndefined();
  });

  it('2-D, 1-D and 3-D outputs: the slice passes through the worst element, at most 32 × 32', () => {
    for (const dims of [[1, 2, 40, 50], [2, 3, 70], [1, 1, 3, 4, 5]]) {
      const n = dims.reduce((a, b) => a * b, 1);
      const worst = Math.floor(n * 0.77);
      const y = Array.from({ length: n }, (_, i) => Math.sin(i));
      const data = Float32Array.from(y);
      data[worst] += 1;
      const m = findMismatch({ dims, data }, expectedOf(y, new Array(n).fill(1e-6), dims))!;
      const s = m.slice!;
      const idx = unravel(worst, dims);
      const spatial = dims.length - 2;
      const plane = spatial >= 2 ? 2 : 1;
      expect(s.fixed).toEqual(idx.slice(0, dims.length - plane));
      expect(s.rows).toBeLessThanOrEqual(32);
      expect(s.cols).toBeLessThanOrEqual(32);
      const r = plane === 2 ? idx[dims.length - 2] - s.rowStart : 0;
      const c = idx[dims.length - 1] - s.colStart;
      expect(r).toBeGreaterThanOrEqual(0);
      expect(c).toBeGreaterThanOrEqual(0);
      expect(s.actual[r * s.cols + c]).toBe(data[worst]);
      expect(s.expected[r * s.cols + c]).toBe(y[worst]);
      expect(sliceAround({ dims, data }, expectedOf(y, new Array(n).fill(1e-6), dims), worst)).toEqual(s);
    }
  });
});
