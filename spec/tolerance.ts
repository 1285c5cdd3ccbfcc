/**
 * The tolerance model (spec/SPEC.md, section "Tolerance"). Per output element:
 *
 *   |ŷ − y| ≤ γ_{n+1} · (|b| + Σ|x||w|) + (n+1)·η,    γ_n = n·u / (1 − n·u)
 *
 * y is the float64 reference, n the number of products that can feed the element (an upper bound:
 * (C/group)·Πk), u the unit roundoff of the declared precision profile, and η the smallest normal
 * number of that format: the absolute term covers flush-to-zero of subnormal intermediates, which GPU
 * kernels do. This is Higham's bound for any summation order, so it holds for direct, GEMM, Winograd-
 * free and tree-reduction kernels alike; the magnitude Σ|x||w| is the reference run on |x|, |W|, |b|.
 * Nothing here is a global rtol/atol, and nothing is stored: the bound is computed from the case.
 */
import { runReference } from '../impl/reference';
import { product, type ConvGeometry } from '../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../impl/types';

export interface PrecisionProfile {
  name: 'float32' | 'tf32' | 'float16' | 'bfloat16' | 'exact';
  /** Unit roundoff of the accumulation. */
  u: number;
  /** Smallest normal number of the format (absolute floor per operation). */
  eta: number;
}

export const PRECISION_PROFILES: Record<PrecisionProfile['name'], PrecisionProfile> = {
  /** IEEE float32 accumulation: u = 2^-24. */
  float32: { name: 'float32', u: 2 ** -24, eta: 2 ** -126 },
  /** TF32 tensor cores (10-bit mantissa inputs): u = 2^-11. */
  tf32: { name: 'tf32', u: 2 ** -11, eta: 2 ** -126 },
  /** float16 accumulation: u = 2^-11, smallest normal 2^-14. */
  float16: { name: 'float16', u: 2 ** -11, eta: 2 ** -14 },
  /** bfloat16 accumulation: u = 2^-8. */
  bfloat16: { name: 'bfloat16', u: 2 ** -8, eta: 2 ** -126 },
  /** Exact mode: small-integer inputs whose every partial sum is exact in float32; equality required. */
  exact: { name: 'exact', u: 0, eta: 0 },
};

export function gamma(n: number, u: number): number {
  const nu = n * u;
  if (nu >= 1) return Infinity;
  return nu / (1 - nu);
}

/** Upper bound on the number of products feeding one output element. */
export function productsPerOutput(g: ConvGeometry): number {
  return (g.inChannels / g.group) * product(g.kernel);
}

export interface Expected {
  /** Float64 reference result. */
  y64: Float64Array;
  /** Per-element admissible absolute error. */
  bound: Float64Array;
  dims: number[];
  geometry: ConvGeometry;
  /** |b| + Σ|x||w| per element (the reference run on |x|, |W|, |b|), when known. */
  magnitude?: Float64Array;
}

/**
 * The per-element bound γ_{n+1}·magnitude + (n+1)·η for `n` products per element: the same formula
 * as expectedWithBound, for clauses that compute the exact value another way (e.g. C·x).
 */
export function boundFromMagnitude(magnitude: ArrayLike<number>, n: number, profile: PrecisionProfile = PRECISION_PROFILES.float32): Float64Array {
  const g = gamma(n + 1, profile.u);
  const floor = (n + 1) * profile.eta;
  const bound = new Float64Array(magnitude.length);
  for (let i = 0; i < bound.length; i++) bound[i] = g * magnitude[i] + floor;
  return bound;
}

const absTensor = (t: Tensor): Tensor => ({ dims: t.dims, data: t.data.map(Math.abs) });

/**
 * Runs the reference on (x, w, b) and on (|x|, |w|, |b|) and returns the expected result with its
 * per-element bound. Non-finite magnitudes give an infinite bound: such elements are judged by the
 * non-finite rule in compare.ts instead.
 */
export function expectedWithBound(
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes,
  profile: PrecisionProfile = PRECISION_PROFILES.float32,
): Expected {
  const main = runReference(op, x, w, b, attrs);
  const mag = runReference(op, absTensor(x), absTensor(w), b && absTensor(b), attrs);
  const bound = boundFromMagnitude(mag.y64, productsPerOutput(main.geometry), profile);
  return { y64: main.y64, bound, dims: main.geometry.outputDims, geometry: main.geometry, magnitude: mag.y64 };
}
