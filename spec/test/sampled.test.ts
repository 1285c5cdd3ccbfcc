/**
 * Sampled judging (spec/framework/sampled.ts): its reference and bound at single points agree with
 * the full reference (expectedWithBound) — compared, not copied; its verdict equals full judging on
 * medium cases; a single wrong element at each boundary class is found on large outputs; correct
 * float32 results in other summation orders pass at scale.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runReference } from '../../impl/reference';
import type { Tensor } from '../../impl/types';
import { buildCase, valueShape, type ConvShape, type OpCase } from '../arbitraries/cases';
import { findMismatch } from '../framework/compare';
import { defineClause } from '../framework/clause';
import { runClause } from '../framework/runClause';
import { subjectFromImplementation } from '../framework/subject';
import { reference } from '../../impl/reference';
import { caseSeed, findSampledMismatch, MIN_SAMPLES, pointReference, samplePositions, sampleSize } from '../framework/sampled';
import { expectedWithBound, profileFor, productsPerOutput, type PrecisionProfile } from '../tolerance';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const float32Loops = require('./adapters/float32Loops.cjs');

const float32 = profileFor('float32');
const transform = profileFor('float32', 'transform');

/** The float32 rounding of the float64 reference: a correct float32 result (|fl(y) − y| ≤ u|y|). */
function rounded(c: OpCase): Tensor {
  const r = runReference(c.op, c.x, c.w, c.b, c.attrs);
  return { dims: r.geometry.outputDims, data: Float32Array.from(r.y64) };
}

const MEDIUM = 24;
const mediumCases = (op: 'Conv' | 'ConvTranspose', seed: number) => fc.sample(fc.tuple(valueShape(op), fc.integer({ min: 0, max: 1e6 })).map(([s, d]) => buildCase(s, d)), { seed, numRuns: MEDIUM });

describe('the reference at chosen points', () => {
  for (const op of ['Conv', 'ConvTranspose'] as const) {
    for (const profile of [float32, transform] as PrecisionProfile[]) {
      it(`${op}, ${profile.algorithm ?? 'direct'}: value and bound at every position agree with expectedWithBound`, () => {
        for (const c of mediumCases(op, 7)) {
          const full = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, profile, { keepMagnitude: true });
          const ref = pointReference(c.op, c.x, c.w, c.b, c.attrs, profile);
          const n = productsPerOutput(full.geometry);
          for (let f = 0; f < full.y64.length; f++) {
            const p = ref.at(f);
            // Two float64 sums of the same products in other orders: equal up to float64 rounding.
            expect(Math.abs(p.y - full.y64[f])).toBeLessThanOrEqual(4 * (n + 2) * 2 ** -53 * full.magnitude![f] + 1e-300);
            // The full bound sums |x||w| in float32 and inflates it, so it is at least the exact bound and
            // at most ~(1 + 4(n+2)u) above it; the point bound is the exact one to float64 rounding.
            expect(p.bound).toBeLessThanOrEqual(full.bound[f] * (1 + 1e-12));
            expect(p.bound).toBeGreaterThanOrEqual(full.bound[f] * (1 - 8 * (n + 2) * 2 ** -24));
            expect(p.mayOverflow).toBe(full.mayOverflow?.[f] === 1);
          }
        }
      });
    }
  }
});

describe('sampled verdicts equal full verdicts on medium cases', () => {
  for (const op of ['Conv', 'ConvTranspose'] as const) {
    it(`${op}: a correct result passes both; one element pushed out of its bound fails both at the same element`, () => {
      let compared = 0;
      for (const c of mediumCases(op, 11)) {
        const y = rounded(c);
        expect(findMismatch(y, expectedWithBound(c.op, c.x, c.w, c.b, c.attrs))).toBeUndefined();
        expect(findSampledMismatch(y, c.op, c.x, c.w, c.b, c.attrs, float32)).toBeUndefined();
        // Spoil one sampled element (on outputs up to MIN_SAMPLES the sample is every element).
        const positions = samplePositions(y.dims, caseSeed(c.x, c.w), MIN_SAMPLES);
        if (y.data.length <= MIN_SAMPLES) expect(positions.length).toBe(y.data.length);
        const at = positions[Math.floor(positions.length / 2)];
        const full = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs);
        const bad = { dims: y.dims, data: Float32Array.from(y.data) };
        bad.data[at] = full.y64[at] + 4 * full.bound[at] + 1e-3;
        const mFull = findMismatch(bad, full);
        const mSampled = findSampledMismatch(bad, c.op, c.x, c.w, c.b, c.attrs, float32);
        expect(mFull?.worst?.flat).toBe(at);
        expect(mSampled?.worst?.flat).toBe(at);
        expect(mSampled!.worst!.ratio).toBeCloseTo(mFull!.worst!.ratio, 3);
        // The window is the full judge's window: real reference values, not only the sampled ones.
        expect(mSampled!.window!.map((r) => r.index)).toEqual(mFull!.window!.map((r) => r.index));
        mSampled!.window!.forEach((r, i) => expect(r.expected).toBeCloseTo(mFull!.window![i].expected, 9));
        compared++;
      }
      expect(compared).toBe(MEDIUM);
    });
  }
});

/** A large case of the given shape with its correct float32 result (from the float64 reference). */
function large(shape: ConvShape, seed = 5): { c: OpCase; y: Tensor } {
  const c = buildCase(shape, seed);
  return { c, y: rounded(c) };
}
const axis = (i: number, k = 1, pb = 0, pe = 0) => ({ i, k, s: 1, d: 1, pb, pe, op: 0 });
const ch = (inPerGroup: number, outPerGroup: number) => ({ group: 1, inPerGroup, outPerGroup });

/** Judges `y` with element `at` replaced by a value far outside its bound; returns the worst flat index found. */
function spoilAndJudge(c: OpCase, y: Tensor, at: number, value?: number): number | undefined {
  const kept = y.data[at];
  y.data[at] = value ?? kept + 0.5;
  try {
    return findSampledMismatch(y, c.op, c.x, c.w, c.b, c.attrs, float32)?.worst?.flat;
  } finally {
    y.data[at] = kept;
  }
}

describe('a single wrong element at each boundary class is found', () => {
  it('flat index 2^24 and its neighbours (a tensor of more than 2^24 elements)', () => {
    // Four planes of 2²² + 3: flat 2²⁴ lies at 2²² − 9 of plane 3, no boundary of any axis.
    const { c, y } = large({ op: 'Conv', batch: 1, channels: ch(1, 4), axes: [axis(2 ** 22 + 3)], bias: true, explicit: true });
    expect(findSampledMismatch(y, c.op, c.x, c.w, c.b, c.attrs, float32)).toBeUndefined();
    for (const at of [2 ** 24 - 1, 2 ** 24, 2 ** 24 + 1]) expect(spoilAndJudge(c, y, at)).toBe(at);
  });

  it('the planes either side of N·M = 65 535', () => {
    const { c, y } = large({ op: 'Conv', batch: 2, channels: ch(1, 32769), axes: [axis(3)], bias: true, explicit: true });
    const plane = 3;
    for (const p of [65534, 65535, 65536]) {
      expect(spoilAndJudge(c, y, p * plane)).toBe(p * plane);
      expect(spoilAndJudge(c, y, p * plane + plane - 1)).toBe(p * plane + plane - 1);
    }
  });

  it('tile edges in the flat index and the borders and corners of a large plane', () => {
    const { c, y } = large({ op: 'ConvTranspose', batch: 1, channels: ch(2, 2), axes: [axis(300, 3), axis(300, 3)], bias: false, explicit: true });
    const W = y.dims[3];
    const plane = y.dims[2] * W;
    for (const at of [63, 64, 255, 256, 4096, 65536, 0, W - 1, plane - W, plane - 1, plane, 2 * plane - 1]) expect(spoilAndJudge(c, y, at)).toBe(at);
  });

  it('a wrong column at a tile boundary of an axis (a tail-tile bug)', () => {
    const { c, y } = large({ op: 'Conv', batch: 1, channels: ch(3, 2), axes: [axis(200, 3, 1, 1), axis(600, 3, 1, 1)], bias: true, explicit: true });
    const [, M, H, W] = y.dims;
    for (const col of [256, 512]) {
      const bad = { dims: y.dims, data: Float32Array.from(y.data) };
      for (let p = 0; p < M * H; p++) bad.data[p * W + col] += 0.5;
      expect(findSampledMismatch(bad, c.op, c.x, c.w, c.b, c.attrs, float32)?.worst?.index[3]).toBe(col);
    }
  });

  it('garbage anywhere (NaN, ∞, a huge value) is found by the whole-output scan', () => {
    const { c, y } = large({ op: 'Conv', batch: 1, channels: ch(1, 1), axes: [axis(2 ** 20 + 3)], bias: false, explicit: true });
    const at = 654_321; // no boundary of any class: only the whole-output scan reaches it
    for (const v of [NaN, Infinity, -Infinity, 1e30]) expect(spoilAndJudge(c, y, at, v)).toBe(at);
  });

  it('the failure names the worst element with a real window and slice', () => {
    const { c, y } = large({ op: 'Conv', batch: 1, channels: ch(2, 2), axes: [axis(300, 3), axis(300, 3)], bias: true, explicit: true });
    const bad = { dims: y.dims, data: Float32Array.from(y.data) };
    bad.data[4096] += 1;
    const m = findSampledMismatch(bad, c.op, c.x, c.w, c.b, c.attrs, float32)!;
    expect(m.message).toMatch(/sampled judging/);
    const full = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs);
    expect(m.window!.length).toBe(7);
    for (const r of m.window!) {
      const f = r.index.reduce((s, v, a) => s * y.dims[a] + v, 0);
      expect(r.expected).toBeCloseTo(full.y64[f], 9);
    }
    expect(m.slice!.expected.length).toBe(32 * 32);
    const s = m.slice!;
    expect(s.expected[0]).toBeCloseTo(full.y64[(s.fixed[0] * y.dims[1] + s.fixed[1]) * y.dims[2] * y.dims[3] + s.rowStart * y.dims[3] + s.colStart], 9);
  });
});

describe('no false alarm at scale', () => {
  const shapes: ConvShape[] = [
    { op: 'Conv', batch: 1, channels: ch(520, 8), axes: [axis(16, 3, 1, 1), axis(16, 3, 1, 1)], bias: true, explicit: true },
    { op: 'ConvTranspose', batch: 1, channels: ch(1040, 4), axes: [axis(8, 2), axis(8, 2)], bias: true, explicit: true },
    { op: 'Conv', batch: 1, channels: ch(1, 2), axes: [axis(260, 3, 1, 1), axis(260, 3, 1, 1)], bias: true, explicit: true },
    { op: 'ConvTranspose', batch: 2, channels: ch(1, 32769), axes: [axis(3)], bias: true, explicit: true },
    { op: 'Conv', batch: 1, channels: { group: 1, inPerGroup: 4100, outPerGroup: 1 }, axes: [axis(40, 5)], bias: false, explicit: true },
  ];
  for (const s of shapes) {
    it(`${s.op} ${JSON.stringify(s.channels)} ${s.axes.map((a) => a.i).join('×')}: the rounded reference and float32 loops pass`, () => {
      const c = buildCase(s, 9);
      expect(findSampledMismatch(rounded(c), c.op, c.x, c.w, c.b, c.attrs, float32)).toBeUndefined();
      const loops = (c.op === 'Conv' ? float32Loops.conv : float32Loops.convTranspose)(c.x, c.w, c.b, c.attrs) as Tensor;
      expect(findSampledMismatch(loops, c.op, c.x, c.w, c.b, c.attrs, float32)).toBeUndefined();
    });
  }
});

describe('the report counts what sampled judging judged', () => {
  it('runClause: cases sampled, elements judged and output elements per clause; the precision profile counts only judged elements', async () => {
    const c = buildCase({ op: 'Conv', batch: 1, channels: ch(1, 1), axes: [axis(40000, 3)], bias: true, explicit: true }, 4);
    const y = rounded(c);
    const judged = samplePositions(y.dims, caseSeed(c.x, c.w), sampleSize(3)).length;
    expect(judged).toBeLessThan(y.data.length);
    const clause = defineClause({
      id: 'test.sampled.tally', title: 'sampled judging, counted', category: 'numeric', ops: ['Conv'], arbitrary: fc.constant(null), runs: 3,
      async check() {
        expect(findSampledMismatch(y, c.op, c.x, c.w, c.b, c.attrs, float32)).toBeUndefined();
      },
    });
    const outcome = await runClause(clause, subjectFromImplementation(reference));
    expect(outcome.status).toBe('passed');
    expect(outcome.sampled).toEqual({ cases: 3, judgedElements: 3 * judged, outputElements: 3 * y.data.length });
    expect(outcome.precision?.elements).toBe(3 * judged);
  });
});
