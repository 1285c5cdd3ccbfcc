/**
 * Tensor data for clauses. Two modes:
 * - `float`: float32 values uniform in [−2, 2) with full random mantissas, so rounding happens and a
 *   kernel is (with probability 1) not symmetric under a flip or a transpose of its axes;
 * - `exact`: small integers in [−3, 3]; with the bounded sizes of the arbitraries every partial sum
 *   of every summation order is an integer far below 2^24, so float32 arithmetic is exact.
 * - `dyadic`: multiples of 2^−10 in [−2, 2], so that α·x₁ + x₂ with α ∈ {±½, ±1, ±2} is exact in
 *   float32 (the linearity clauses need an exact combined input).
 * `nonZero` keeps every value away from 0 (|v| ≥ 1/4 in float mode, ≥ 1 in exact mode): the
 * non-finite clauses need every product with a poisoned element to be computed as non-zero·∞.
 */
import fc from 'fast-check';
import { product } from '../../impl/resolve';
import type { Tensor } from '../../impl/types';
import { mulberry32 } from './random';

export type DataMode = 'float' | 'exact' | 'dyadic';

export interface DataOptions {
  /** Default 'float'. */
  mode?: DataMode;
  /** Default false. */
  nonZero?: boolean;
}

/** Fills `n` values from `seed` in the given mode. */
export function fillData(n: number, seed: number, options: DataOptions = {}): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  const exact = options.mode === 'exact';
  for (let i = 0; i < n; i++) {
    let v: number;
    if (options.mode === 'dyadic') {
      v = (Math.floor(next() * 4097) - 2048) / 1024;
      if (options.nonZero && v === 0) v = 1 / 1024;
    } else if (exact) {
      v = options.nonZero ? (1 + Math.floor(next() * 3)) * (next() < 0.5 ? -1 : 1) : Math.floor(next() * 7) - 3;
    } else {
      v = next() * 4 - 2;
      if (options.nonZero && Math.abs(v) < 0.25) v = v < 0 ? v - 0.25 : v + 0.25;
    }
    out[i] = v;
  }
  return out;
}

/** A tensor of the given dims filled from `seed`. */
export function makeTensor(dims: readonly number[], seed: number, options: DataOptions = {}): Tensor {
  return { dims: [...dims], data: fillData(product(dims), seed, options) };
}

/** Seeds for tensor data: any 32-bit integer (shrinks towards 0, which is as good a seed as any). */
export const dataSeed = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0x7fffffff });
