/**
 * The interface of a float64 kernel pair. A module of its own, below both the reference (which picks
 * a pair) and impl/fast (which provides one), so neither imports the other's types.
 */
import type { ConvGeometry } from './resolve';

/** The kernel pair the reference runs; swappable so a faster exact path can be verified against the direct one. */
export interface Kernels {
  /** `out`, when given, may be used for the result (it has the output's length); a kernel may ignore it. */
  conv(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, out?: Float64Array): Float64Array;
  convTranspose(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, out?: Float64Array): Float64Array;
}
