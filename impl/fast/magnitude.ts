/**
 * The magnitude run of the tolerance model, Σ|x||w| + |b| per output element, on an already
 * resolved geometry: the fast kernels on |x|, |W|, |b|. Meant to replace the second full reference
 * run in spec/tolerance.ts expectedWithBound, which re-validates, copies through
 * Float32Array.map(Math.abs) (a callback per element) and rounds a float32 result nobody reads.
 * Absolute values of float32 data are exact, so the result is the same function as the reference
 * run on |x|, |W|, |b| (NaN stays NaN, ±∞ becomes +∞), up to float64 summation order.
 */
import type { ConvGeometry } from '../resolve';
import { convFast } from './conv';
import { convTransposeFast } from './convTranspose';

/** |v| element-wise, in a plain loop (several times faster than TypedArray.map with a callback). */
function absolute(v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]);
  return out;
}

/**
 * Σ_{c,κ} |x|·|w| + |b| for every output element of `g` (Conv or ConvTranspose), float64, in the
 * layout of the reference's y64. `g` must come from impl/resolve for these dims (not re-checked).
 */
export function magnitudeRun(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): Float64Array {
  const run = g.op === 'Conv' ? convFast : convTransposeFast;
  return run(g, absolute(x), absolute(w), b && absolute(b));
}
