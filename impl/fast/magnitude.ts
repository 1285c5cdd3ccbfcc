/**
 * The tolerance model's magnitude run, Σ|x||w| + |b| per output element (spec/tolerance.ts), on an
 * already resolved geometry. Two entry points:
 * - magnitudeRun: the fast kernels on |x|, |W|, |b| alone;
 * - withMagnitude: the result and its magnitude in one pass, sharing index tables, im2col blocks
 *   and the finiteness scan; only the products are done twice (the packed block is made absolute
 *   in place after the first product).
 * Meant to replace the second full reference run in expectedWithBound, which re-validates, copies
 * through Float32Array.map(Math.abs) (a callback per element) and rounds a float32 result nobody
 * reads. Absolute values of float32 data are exact, so this is the same function as the reference
 * run on |x|, |W|, |b| (NaN stays NaN, ±∞ becomes +∞), up to float64 summation order.
 */
import type { ConvGeometry } from '../resolve';
import { convFast, convFastWithMagnitude, type WithMagnitude } from './conv';
import { absolute } from './elementwise';
import { convTransposeFast, convTransposeFastWithMagnitude } from './convTranspose';

export type { WithMagnitude } from './conv';

/**
 * Σ_{c,κ} |x|·|w| + |b| for every output element of `g` (Conv or ConvTranspose), float64, in the
 * layout of the reference's y64. `g` must come from impl/resolve for these dims (not re-checked).
 */
export function magnitudeRun(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): Float64Array {
  const run = g.op === 'Conv' ? convFast : convTransposeFast;
  return run(g, absolute(x), absolute(w), b && absolute(b));
}

/**
 * The float64 result (as the reference's y64) and its magnitude Σ|x||w| + |b|, in one pass. `g`
 * must come from impl/resolve for these dims (not re-checked).
 */
export function withMagnitude(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): { y: Float64Array; magnitude: Float64Array } {
  const r: WithMagnitude = (g.op === 'Conv' ? convFastWithMagnitude : convTransposeFastWithMagnitude)(g, x, w, b);
  return { y: r.y, magnitude: r.magnitude as Float64Array };
}
