/**
 * Plan: the verdict near float32 overflow (SPEC.md, Tolerance, "Overflow"). Where |b| + Σ|x||w|
 * reaches the overflow threshold, a correct summation order can overflow while another does not:
 * x = [a, a, −a], W = [1, 1, 1] with a = 1.5·2¹²⁷ has the finite value a, but summed left to right in
 * float32 a + a is already +∞; pairwise sums of [a, a, −a, −a] can give +∞ + −∞ = NaN. Such a
 * non-finite result is admissible there, and only there; a finite result is still judged by the bound
 * (a wrong finite value still fails); far from overflow a spurious ∞ still fails.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../impl/types';
import { findMismatch } from '../framework/compare';
import { expectedWithBound, PRECISION_PROFILES } from '../tolerance';

const a = 1.5 * 2 ** 127;
const t = (data: number[]): Tensor => ({ dims: [1, 1, data.length], data: Float32Array.from(data) });
const result = (v: number): Tensor => ({ dims: [1, 1, 1], data: Float32Array.of(v) });

/** Left-to-right float32 sum of the products of a 1-output Conv. */
function leftToRight(x: Tensor, w: Tensor): number {
  let acc = 0;
  for (let i = 0; i < x.data.length; i++) acc = Math.fround(acc + Math.fround(x.data[i] * w.data[i]));
  return acc;
}

describe('near float32 overflow', () => {
  const x = t([a, a, -a]);
  const w = t([1, 1, 1]);
  const e = expectedWithBound('Conv', x, w, undefined, {});

  it('the exact value is finite, yet a correct left-to-right float32 order overflows', () => {
    expect(e.y64[0]).toBe(a);
    expect(leftToRight(x, w)).toBe(Infinity);
    expect(e.mayOverflow?.[0]).toBe(1);
  });

  it('accepts +∞, −∞ and NaN there, and the right finite value', () => {
    for (const v of [Infinity, -Infinity, NaN, a]) expect(findMismatch(result(v), e), String(v)).toBeUndefined();
  });

  it('still judges a finite result by the bound there', () => {
    expect(findMismatch(result(-a), e)?.kind).toBe('value');
  });

  it('pairwise order: [a, a, −a, −a] sums to 0, and (a + a) + (−a + −a) = ∞ − ∞ = NaN is admissible', () => {
    const x4 = t([a, a, -a, -a]);
    const e4 = expectedWithBound('Conv', x4, t([1, 1, 1, 1]), undefined, {});
    expect(e4.y64[0]).toBe(0);
    expect(Math.fround(a + a) + Math.fround(-a - a)).toBeNaN();
    expect(findMismatch(result(NaN), e4)).toBeUndefined();
    expect(findMismatch(result(1e30), e4)).toBeUndefined(); // within γ₅·4a ≈ 3·10³²
    expect(findMismatch(result(1e34), e4)?.kind).toBe('value');
  });

  it('far from overflow a non-finite result still fails, and no mask is built', () => {
    const small = expectedWithBound('Conv', t([1e30, 1e30, -1e30]), w, undefined, {});
    expect(small.mayOverflow).toBeUndefined();
    expect(findMismatch(result(Infinity), small)?.kind).toBe('value');
  });

  it('the threshold follows the accumulation format: float16 overflows at 65504', () => {
    const e16 = expectedWithBound('Conv', t([40000, 40000, -40000]), w, undefined, {}, PRECISION_PROFILES.float16);
    expect(e16.mayOverflow?.[0]).toBe(1);
    expect(findMismatch(result(Infinity), e16)).toBeUndefined();
    const e32 = expectedWithBound('Conv', t([40000, 40000, -40000]), w, undefined, {});
    expect(e32.mayOverflow).toBeUndefined();
  });
});
