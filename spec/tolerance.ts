/**
 * The tolerance model (spec/SPEC.md, section "Tolerance"). Per output element:
 *
 *   |ŷ − y| ≤ γ_{n+1} · (|b| + Σ|x||w|) + (n+1)·η,    γ_n = n·u / (1 − n·u)
 *
 * y is the float64 reference, n the number of products that can feed the element (an upper bound:
 * (C/group)·Πk), u the unit roundoff of the declared precision profile, and η the smallest normal
 * number of that format: the absolute term covers flush-to-zero of subnormal intermediates, which GPU
 * kernels do. This is Higham's bound for any summation order, so it holds for direct, GEMM, Winograd-
 * free and tree-reduction kernels alike; the magnitude Σ|x||w| is that of the reference run on |x|,
 * |W|, |b| (computed in the same pass as the result, as a tight upper bound: see expectedWithBound).
 * Nothing here is a global rtol/atol, and nothing is stored: the bound is computed from the case.
 *
 * Transform algorithms (FFT, Winograd) do not sum the direct products, so Higham's bound does not
 * cover them. A subject that declares `algorithm: 'transform'` gets, on top, the normwise term of
 * `transformTerm` (SPEC.md, "Transform algorithms"); the default ('direct') bound is unchanged.
 */
import { withMagnitude } from '../impl/fast';
import { prepare } from '../impl/reference';
import { product, type ConvGeometry } from '../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../impl/types';

/**
 * How outputs are computed. 'direct': each output is a sum of its products in some order (direct
 * loops, im2col/GEMM, tree reductions) — Higham's componentwise bound. 'transform': FFT or Winograd,
 * judged with the extra normwise term of transformTerm.
 */
export type Algorithm = 'direct' | 'transform';

export interface PrecisionProfile {
  name: 'float32' | 'tf32' | 'float16' | 'bfloat16' | 'exact';
  /** Unit roundoff of the accumulation. */
  u: number;
  /** Smallest normal number of the format (absolute floor per operation). */
  eta: number;
  /** Largest finite number of the accumulation format: partial sums beyond it overflow. */
  max: number;
  /** Absent means 'direct'. */
  algorithm?: Algorithm;
}

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export const PRECISION_PROFILES: Record<PrecisionProfile['name'], PrecisionProfile> = {
  /** IEEE float32 accumulation: u = 2^-24. */
  float32: { name: 'float32', u: 2 ** -24, eta: 2 ** -126, max: FLOAT32_MAX },
  /** TF32 tensor cores (10-bit mantissa inputs): u = 2^-11. */
  tf32: { name: 'tf32', u: 2 ** -11, eta: 2 ** -126, max: FLOAT32_MAX },
  /** float16 accumulation: u = 2^-11, smallest normal 2^-14. */
  float16: { name: 'float16', u: 2 ** -11, eta: 2 ** -14, max: 65504 },
  /** bfloat16 accumulation: u = 2^-8. */
  bfloat16: { name: 'bfloat16', u: 2 ** -8, eta: 2 ** -126, max: 3.3895313892515355e38 },
  /** Exact mode: small-integer inputs whose every partial sum is exact in float32; equality required. */
  exact: { name: 'exact', u: 0, eta: 0, max: FLOAT32_MAX },
};

/**
 * The profile a subject is judged with: its declared precision (default float32) and algorithm
 * (default 'direct', which leaves the profile exactly as in PRECISION_PROFILES).
 */
export function profileFor(precision: PrecisionProfile['name'] = 'float32', algorithm: Algorithm = 'direct'): PrecisionProfile {
  const base = PRECISION_PROFILES[precision];
  return algorithm === 'direct' ? base : { ...base, algorithm };
}

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
  /**
   * 1 where some correct summation order may overflow the accumulation format (overflowMask);
   * absent when none may. There a non-finite result is admissible (compare.ts elementRatio).
   */
  mayOverflow?: Uint8Array;
}

/**
 * Where a correct summation order may overflow: every partial sum of every order is at most
 * (1 + γ_{n+1})·(|b| + Σ|x||w|) in magnitude, so below the format's largest finite value no order
 * overflows; at or above it, one may (to +∞, to −∞, or both, giving NaN). Undefined when no element
 * is there (the usual case).
 */
export function overflowMask(magnitude: ArrayLike<number>, n: number, profile: PrecisionProfile): Uint8Array | undefined {
  const limit = profile.max / (1 + gamma(n + 1, profile.u));
  let mask: Uint8Array | undefined;
  for (let i = 0; i < magnitude.length; i++) {
    if (magnitude[i] >= limit) (mask ??= new Uint8Array(magnitude.length))[i] = 1;
  }
  return mask;
}

/**
 * overflowMask and boundFromMagnitude in one loop over a Float64Array, the bound written over the
 * magnitude. One monomorphic pass: the two generic loops over ArrayLike cost about 0.3 ms each per
 * 200 000 elements, a third of a depthwise convolution's whole bound pass.
 */
function boundInPlace(magnitude: Float64Array, n: number, profile: PrecisionProfile): { bound: Float64Array; mayOverflow: Uint8Array | undefined } {
  const g = gamma(n + 1, profile.u);
  const floor = (n + 1) * profile.eta;
  const limit = profile.max / (1 + gamma(n + 1, profile.u));
  let mayOverflow: Uint8Array | undefined;
  for (let i = 0; i < magnitude.length; i++) {
    const m = magnitude[i];
    if (m >= limit) (mayOverflow ??= new Uint8Array(magnitude.length))[i] = 1;
    magnitude[i] = g * m + floor;
  }
  return { bound: magnitude, mayOverflow };
}

/**
 * The per-element bound γ_{n+1}·magnitude + (n+1)·η for `n` products per element: the same formula
 * as expectedWithBound, for clauses that compute the exact value another way (e.g. C·x).
 */
export function boundFromMagnitude(
  magnitude: ArrayLike<number>,
  n: number,
  profile: PrecisionProfile = PRECISION_PROFILES.float32,
  /** Where to write the bound; may be `magnitude` itself (in place). Default: a new array. */
  into?: Float64Array,
): Float64Array {
  const g = gamma(n + 1, profile.u);
  const floor = (n + 1) * profile.eta;
  const bound = into ?? new Float64Array(magnitude.length);
  for (let i = 0; i < bound.length; i++) bound[i] = g * magnitude[i] + floor;
  return bound;
}

/**
 * log₂ of the largest transform a correct FFT kernel may use for this case, rounded up: per axis
 * twice the longest sequence it could transform (padded or zero-inserted input, s·i + o + effective
 * kernel + both pads, enough for a linear rather than circular convolution). Generous on purpose:
 * it enters the bound only through a logarithm.
 */
export function transformLog2Size(g: ConvGeometry): number {
  let bits = 0;
  for (let a = 0; a < g.rank; a++) {
    const eff = g.dilations[a] * (g.kernel[a] - 1) + 1;
    const len = g.strides[a] * g.inputSpatial[a] + g.outputSpatial[a] + eff + Math.abs(g.padsBegin[a]) + Math.abs(g.padsEnd[a]);
    bits += Math.ceil(Math.log2(2 * len));
  }
  return bits;
}

/**
 * The constant κ of the transform term: κ = 20·L + 6^r·(C/g + 13), L = transformLog2Size, r the
 * spatial rank. First-order error analyses, constants rounded up (SPEC.md, "Transform algorithms"):
 * - radix-2 float32 FFT correlation: ≤ (2·7.1·L + 5.3·L + 2.9 + C/g)·u·Σ_c‖x_c‖₂‖w_c‖₁ — Higham
 *   §24.1 (normwise, per stage 7.1u) for the input and inverse transforms, 5.3·L·u·‖w‖₁ componentwise
 *   for the kernel transform, the complex products and the channel sum;
 * - Winograd F(2,3)^r (tile of 4^r inputs d): ≤ 3^r·(C/g + 13)·u·Σ_c‖d_c‖₁‖w_c‖₁, and
 *   ‖d_c‖₁ ≤ 2^r·‖x_c‖₂.
 */
export function transformConstant(g: ConvGeometry): number {
  return 20 * transformLog2Size(g) + 6 ** g.rank * (g.inChannels / g.group + 13);
}

/**
 * The extra normwise bound of a transform algorithm, per output element [n, m, …]:
 *
 *   κ · (u · Σ_{c ∈ group of m} ‖x[n, c, ·]‖₂ · ‖W_{m,c}‖₁ + η),
 *
 * W_{m,c} being the kernel slice that connects input channel c to output channel m (Conv
 * W[m, c, ·], ConvTranspose W[c, m mod M/g, ·]) and κ = transformConstant. The same for every
 * element of the output channel: transform rounding errors are spread over the whole channel, so an
 * output whose own Σ|x||w| is tiny (zeros, bias only, cancellation) still carries them.
 */
export function transformTerm(g: ConvGeometry, x: Tensor, w: Tensor, profile: PrecisionProfile = PRECISION_PROFILES.float32): Float64Array {
  const outSize = product(g.outputSpatial);
  const perChannel = transformChannelTerms(g, x, w, profile);
  const term = new Float64Array(g.batch * g.outChannels * outSize);
  for (let p = 0; p < perChannel.length; p++) term.fill(perChannel[p], p * outSize, (p + 1) * outSize);
  return term;
}

/**
 * transformTerm's one value per output plane [n, m] (it is the same on every element of a plane), in
 * [N, M] order: what sampled judging (spec/framework/sampled.ts) needs without an output-sized array.
 */
export function transformChannelTerms(g: ConvGeometry, x: Tensor, w: Tensor, profile: PrecisionProfile = PRECISION_PROFILES.float32): Float64Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSize = product(g.inputSpatial);
  const kSize = product(g.kernel);
  const kappa = transformConstant(g);
  const xNorm2 = new Float64Array(g.batch * g.inChannels);
  for (let i = 0; i < xNorm2.length; i++) {
    let s = 0;
    for (let p = 0; p < inSize; p++) s += x.data[i * inSize + p] ** 2;
    xNorm2[i] = Math.sqrt(s);
  }
  // ‖W slice‖₁ by its position in W: Conv [M, C/g, k…], ConvTranspose [C, M/g, k…].
  const wNorm1 = new Float64Array(w.data.length / kSize);
  for (let i = 0; i < wNorm1.length; i++) {
    let s = 0;
    for (let p = 0; p < kSize; p++) s += Math.abs(w.data[i * kSize + p]);
    wNorm1[i] = s;
  }
  const term = new Float64Array(g.batch * g.outChannels);
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const grp = Math.floor(m / mg);
      let s = 0;
      for (let c = 0; c < cg; c++) {
        const wi = g.op === 'Conv' ? m * cg + c : (grp * cg + c) * mg + (m - grp * mg);
        s += xNorm2[n * g.inChannels + grp * cg + c] * wNorm1[wi];
      }
      // A non-finite input spreads through a transform to the whole channel: no finite bound there.
      term[n * g.outChannels + m] = Number.isFinite(s) ? kappa * (profile.u * s + profile.eta) : Infinity;
    }
  }
  return term;
}

/**
 * Adds transformTerm to `bound` (in place, and returns it) when the profile's algorithm is
 * 'transform'; a no-op otherwise. For clauses that compute the exact value another way (C·x, the
 * four steps, a matrix product) and so build the bound with boundFromMagnitude.
 */
export function addTransformTerm(
  bound: Float64Array,
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes,
  profile: PrecisionProfile,
): Float64Array {
  if (profile.algorithm !== 'transform') return bound;
  const extra = transformTerm(prepare(op, x, w, b, attrs), x, w, profile);
  for (let i = 0; i < bound.length; i++) bound[i] += extra[i];
  return bound;
}

/**
 * Runs the reference on (x, w, b) and returns the expected result with its per-element bound (plus
 * transformTerm when the profile's algorithm is 'transform'). The magnitude |b| + Σ|x||w| comes from
 * the same pass as the result (impl/fast withMagnitude: shared index tables, one sweep). For float32
 * data it is summed in float32 and then inflated so that it is never below the exact float64
 * magnitude and at most a factor 1 + ~4γ(2⁻²⁴) above it: a slightly larger bound, never a smaller
 * one. Non-finite magnitudes give an infinite or NaN bound: such elements are judged by the
 * non-finite rule in compare.ts instead.
 */
export function expectedWithBound(
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes,
  profile: PrecisionProfile = PRECISION_PROFILES.float32,
  /** keepMagnitude: also return |b| + Σ|x||w| (costs one more array). Default false: the bound is written over it. */
  options: { keepMagnitude?: boolean } = {},
): Expected {
  const geometry = prepare(op, x, w, b, attrs);
  const { y: y64, magnitude } = withMagnitude(geometry, x.data, w.data, b?.data);
  const n = productsPerOutput(geometry);
  // In place unless asked for: on memory-bound shapes (depthwise) a second output-sized array costs
  // as much as the magnitude products themselves.
  const { bound, mayOverflow } = options.keepMagnitude
    ? { bound: boundFromMagnitude(magnitude, n, profile), mayOverflow: overflowMask(magnitude, n, profile) }
    : boundInPlace(magnitude, n, profile);
  if (profile.algorithm === 'transform') {
    const extra = transformTerm(geometry, x, w, profile);
    for (let i = 0; i < bound.length; i++) bound[i] += extra[i];
  }
  return { y64, bound, dims: geometry.outputDims, geometry, magnitude: options.keepMagnitude ? magnitude : undefined, mayOverflow };
}
