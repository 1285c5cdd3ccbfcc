/**
 * Plan: check the dilation combinatorics against the seed's worked examples and Wang et al.'s HDC
 * examples. Every expected value below was worked out by hand from the definitions (Minkowski sums
 * of the tap sets {0, r, …, (K−1)r} and the HDC recurrence), written in the comments, not printed
 * from the code. Then: argument validation gives ConvSpecError codes, never a crash or a huge array.
 */
import { describe, expect, it } from 'vitest';
import { hdcSatisfied, hdcValues, holes1D, receptiveField, usageCounts1D, usageCounts2D } from '../dilation';
import { ConvSpecError } from '../errors';

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const range = (a: number, b: number, step = 1) => Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ConvSpecError) return e.code;
    throw e;
  }
  return undefined;
}

describe('usage counts (hand-checked)', () => {
  it('K=3, rates [1,2,5]: extent 1+2·8 = 17, no holes, counts from {0,1,2}⊕{0,2,4}⊕{0,5,10}', () => {
    // {0,1,2}⊕{0,2,4} = [1,1,2,1,2,1,1] on 0…6; adding shifts 0, 5, 10 of that row:
    // 0:1 1:1 2:2 3:1 4:2 5:1+1 6:1+1 7:2 8:1 9:2 10:1+1 11:1+1 12:2 13:1 14:2 15:1 16:1
    expect(receptiveField(3, [1, 2, 5])).toBe(17);
    expect(usageCounts1D(3, [1, 2, 5])).toEqual([1, 1, 2, 1, 2, 2, 2, 2, 1, 2, 2, 2, 2, 1, 2, 1, 1]);
    expect(holes1D(3, [1, 2, 5])).toEqual([]);
  });

  it('K=3, rates [1,2,9]: extent 25, holes at 7, 8, 16, 17 (blocks 0–6, 9–15, 18–24 are reached)', () => {
    expect(receptiveField(3, [1, 2, 9])).toBe(25);
    expect(holes1D(3, [1, 2, 9])).toEqual([7, 8, 16, 17]);
  });

  it('K=3, rates [2,2,2]: extent 13, only the 7 even offsets reached, with trinomial counts 1 3 6 7 6 3 1', () => {
    // (1 + x² + x⁴)³: the coefficients of (1+y+y²)³ = 1,3,6,7,6,3,1 placed on even offsets.
    const c = usageCounts1D(3, [2, 2, 2]);
    expect(c).toEqual([1, 0, 3, 0, 6, 0, 7, 0, 6, 0, 3, 0, 1]);
    expect(c.filter((v) => v > 0)).toHaveLength(7);
    expect(holes1D(3, [2, 2, 2])).toEqual([1, 3, 5, 7, 9, 11]);
  });

  it('K=3, rates [1,2,3]: 13 offsets, no holes; the 2-D field is a 13×13 grid with no zero cell', () => {
    // [1,1,2,1,2,1,1] shifted by 0, 3, 6: 1 1 2 2 3 3 3 3 3 2 2 1 1 (sums to 27 = 3³)
    expect(usageCounts1D(3, [1, 2, 3])).toEqual([1, 1, 2, 2, 3, 3, 3, 3, 3, 2, 2, 1, 1]);
    const g = usageCounts2D(3, [1, 2, 3]);
    expect(g).toHaveLength(13);
    expect(g.every((row) => row.length === 13 && row.every((v) => v > 0))).toBe(true);
    expect(g[6][6]).toBe(9); // 3·3
    expect(g[0][12]).toBe(1);
  });

  it('three undilated 3×3 layers see a 7×7 field: counts (1+x+x²)³ per axis, 49 at the centre, 729 paths', () => {
    expect(usageCounts1D(3, [1, 1, 1])).toEqual([1, 3, 6, 7, 6, 3, 1]);
    const g = usageCounts2D(3, [1, 1, 1]);
    expect(g.map((r) => r.length)).toEqual([7, 7, 7, 7, 7, 7, 7]);
    expect(g[3][3]).toBe(49);
    expect(g[0][0]).toBe(1);
    expect(g[0][3]).toBe(7);
    expect(sum(g.map(sum))).toBe(729); // 3^6 paths in 2-D
  });

  it('sawtooth [1,2,3,1,2,3] is hole-free over 1+2·12 = 25 offsets; [2,4,8] reaches only the 15 even offsets of 29', () => {
    expect(receptiveField(3, [1, 2, 3, 1, 2, 3])).toBe(25);
    expect(holes1D(3, [1, 2, 3, 1, 2, 3])).toEqual([]);
    expect(receptiveField(3, [2, 4, 8])).toBe(29);
    // {0,2,4}⊕{0,4,8} = every even offset 0…12; ⊕{0,8,16} = every even offset 0…28.
    expect(holes1D(3, [2, 4, 8])).toEqual(range(1, 27, 2));
  });

  it('a single layer: rate 1 fills K offsets, rate r leaves r−1 holes between taps; K = 1 is the identity', () => {
    expect(usageCounts1D(5, [1])).toEqual([1, 1, 1, 1, 1]);
    expect(usageCounts1D(2, [3])).toEqual([1, 0, 0, 1]);
    expect(usageCounts1D(1, [7, 9])).toEqual([1]);
  });

  it('the layer order does not change the counts (convolution commutes), and counts sum to K^n', () => {
    expect(usageCounts1D(3, [5, 1, 2])).toEqual(usageCounts1D(3, [1, 2, 5]));
    expect(sum(usageCounts1D(4, [1, 3, 2]))).toBe(64);
  });
});

describe('HDC rule (Wang et al. 2018), hand-computed', () => {
  it('[1,2,5], K=3: M₃=5, M₂=max(5−4, 5−6, 2)=2, M₁=max(0, 0, 1)=1; M₂ ≤ 3 holds', () => {
    expect(hdcValues(3, [1, 2, 5])).toEqual([1, 2, 5]);
    expect(hdcSatisfied(3, [1, 2, 5])).toBe(true);
  });

  it('[1,2,9], K=3: M₂=max(9−4, 9−14, 2)=5 > 3, fails (and the stack has holes)', () => {
    expect(hdcValues(3, [1, 2, 9])).toEqual([3, 5, 9]);
    expect(hdcSatisfied(3, [1, 2, 9])).toBe(false);
  });

  it('only sufficient: [1,3,1], K=3 is hole-free yet rejected (M₂=max(1−6, 1+4, 3)=5)', () => {
    expect(holes1D(3, [1, 3, 1])).toEqual([]);
    expect(hdcValues(3, [1, 3, 1])[1]).toBe(5);
    expect(hdcSatisfied(3, [1, 3, 1])).toBe(false);
  });

  it('assumes r₁ = 1: with r₁ = 2, [2,2] passes (M₂ = 2 ≤ 3) though every odd offset is a hole; same for [2,2,2]', () => {
    expect(hdcSatisfied(3, [2, 2])).toBe(true);
    expect(holes1D(3, [2, 2])).toEqual([1, 3, 5, 7]);
    expect(hdcValues(3, [2, 2, 2])).toEqual([2, 2, 2]);
    expect(hdcSatisfied(3, [2, 2, 2])).toBe(true);
  });

  it('K = 2 breaks sufficiency even with r₁ = 1: [1,1,4] has M₂ = max(4−2, 4−6, 1) = 2 ≤ 2, yet {0,1,2}⊕{0,4} misses 3', () => {
    expect(hdcValues(2, [1, 1, 4])).toEqual([1, 2, 4]);
    expect(hdcSatisfied(2, [1, 1, 4])).toBe(true);
    expect(holes1D(2, [1, 1, 4])).toEqual([3]);
  });

  it('with r₁ = 1 and K = 3…5, every stack of 2–4 layers with rates 1…6 that meets M₂ ≤ K is hole-free (exhaustive)', () => {
    const stacks: number[][] = [[1]];
    for (let len = 2; len <= 4; len++) {
      for (const s of stacks.filter((t) => t.length === len - 1)) for (let r = 1; r <= 6; r++) stacks.push([...s, r]);
    }
    let accepted = 0;
    for (let k = 3; k <= 5; k++) {
      for (const r of stacks.filter((t) => t.length >= 2)) {
        if (!hdcSatisfied(k, r)) continue;
        accepted++;
        expect(holes1D(k, r), `K=${k} rates [${r}]`).toEqual([]);
      }
    }
    expect(accepted).toBeGreaterThan(100); // the loop really exercised the rule
  });

  it('[1,2,3] and the sawtooth pass; a single layer passes vacuously', () => {
    expect(hdcSatisfied(3, [1, 2, 3])).toBe(true); // M₂ = max(3−4, 3−2, 2) = 2
    expect(hdcSatisfied(3, [1, 2, 3, 1, 2, 3])).toBe(true);
    expect(hdcSatisfied(3, [1])).toBe(true);
  });
});

describe('invalid arguments give ConvSpecError codes, never a crash or a huge allocation', () => {
  it('kernel and rates must be integers ≥ 1 and rates non-empty', () => {
    expect(codeOf(() => usageCounts1D(0, [1]))).toBe('NOT_POSITIVE');
    expect(codeOf(() => usageCounts1D(2.5, [1]))).toBe('NOT_AN_INTEGER');
    expect(codeOf(() => usageCounts1D(3, [1, 0]))).toBe('NOT_POSITIVE');
    expect(codeOf(() => usageCounts1D(3, [1, Number.NaN]))).toBe('NOT_AN_INTEGER');
    expect(codeOf(() => holes1D(3, [Infinity]))).toBe('NOT_AN_INTEGER');
    expect(codeOf(() => receptiveField(3, []))).toBe('ATTRIBUTE_LENGTH');
    expect(codeOf(() => hdcValues(3, 'abc' as unknown as number[]))).toBe('NOT_AN_INTEGER');
    expect(codeOf(() => hdcSatisfied(-1, [1]))).toBe('NOT_POSITIVE');
  });

  it('absurd sizes are refused with SIZE_LIMIT before allocating', () => {
    expect(codeOf(() => usageCounts1D(3, [2 ** 40]))).toBe('SIZE_LIMIT');
    expect(codeOf(() => receptiveField(2 ** 30, [1]))).toBe('SIZE_LIMIT');
    expect(codeOf(() => usageCounts2D(3, [5000]))).toBe('SIZE_LIMIT'); // 10001² cells
    expect(codeOf(() => usageCounts1D(2, new Array(60).fill(1)))).toBe('SIZE_LIMIT'); // 2^60 paths
    expect(codeOf(() => usageCounts1D(2, new Array(5000).fill(1)))).toBe('SIZE_LIMIT');
  });
});
