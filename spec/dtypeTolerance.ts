/**
 * The precision model for tensors of every element type (spec/SPEC.md, Tolerance, "Element types").
 * float32 tensors keep the model of spec/tolerance.ts unchanged; this module is the model for
 * float16, bfloat16 and float64 tensors (and gives the same structure for float32 when asked).
 *
 * An output element is computed in two steps: the n products and the bias are accumulated in the
 * implementation's accumulation precision (its declared profile), and the sum s is stored in the
 * tensor's type T. The inputs are numbers of T exactly (they arrive as T), so
 *
 *   |ŷ − y| ≤ E_acc + E_store
 *   E_acc   = γ_{n+1}(u_a)·(|b| + Σ|x||w|) + n·σ_a  [+ (n+1)·η_a with flush-to-zero]
 *   E_store = ½·ulp_T(|y| + E_acc)                  [+ η_T with flush-to-zero]
 *
 * u_a, η_a, σ_a: unit roundoff, smallest normal and smallest subnormal of the accumulation format;
 * ulp_T the spacing of T at that magnitude (the subnormal spacing below T's smallest normal).
 * Without flush-to-zero, gradual underflow makes every addition exact when its result is subnormal
 * and a product's absolute error at most σ_a/2 (Higham §2.1, the model with underflow), so σ_a, not
 * η_a, is the absolute term: a float16 output near zero is judged in its own ULPs.
 */
import { DTYPE_FORMATS, roundTo, ulp, type DType } from '../impl/dtype';
import { withMagnitude } from '../impl/fast';
import { prepareTyped } from '../impl/typedReference';
import type { AnyTensor, ConvTransposeAttributes, OpName } from '../impl/types';
import type { Supports } from './framework/subject';
import { gamma, productsPerOutput, transformTerm, type Algorithm, type Expected, type PrecisionProfile } from './tolerance';

export type AccumulationName = PrecisionProfile['name'] | 'float64';

export interface Accumulation {
  name: AccumulationName;
  /** Unit roundoff. */
  u: number;
  /** Smallest normal number of the format (the flush-to-zero allowance per operation). */
  eta: number;
  /** Smallest subnormal number (gradual underflow: a product's error is at most half of it). */
  sigma: number;
}

/** The accumulation formats: TF32 has float32's range, so its η and σ are float32's. */
export const ACCUMULATIONS: Record<AccumulationName, Accumulation> = {
  float64: { name: 'float64', u: 2 ** -53, eta: 2 ** -1022, sigma: 2 ** -1074 },
  float32: { name: 'float32', u: 2 ** -24, eta: 2 ** -126, sigma: 2 ** -149 },
  tf32: { name: 'tf32', u: 2 ** -11, eta: 2 ** -126, sigma: 2 ** -149 },
  float16: { name: 'float16', u: 2 ** -11, eta: 2 ** -14, sigma: 2 ** -24 },
  bfloat16: { name: 'bfloat16', u: 2 ** -8, eta: 2 ** -126, sigma: 2 ** -133 },
  exact: { name: 'exact', u: 0, eta: 0, sigma: 0 },
};

/** What a typed output is judged with. */
export interface DTypeProfile {
  dtype: DType;
  accumulation: Accumulation;
  flushToZero: boolean;
  algorithm: Algorithm;
}

/**
 * The accumulation an implementation declares for tensors of `dtype`: `precisionByDtype[dtype]`
 * when given; float64 tensors otherwise float64 (a float64 kernel that sums in float32 must say so);
 * float16, bfloat16 and float32 tensors otherwise `precision`, default float32 (the common practice
 * of float32 accumulation for half-precision tensors).
 */
export function accumulationFor(supports: Supports, dtype: DType): AccumulationName {
  const declared = supports.precisionByDtype?.[dtype];
  if (declared) return declared;
  if (dtype === 'float64') return 'float64';
  return supports.precision ?? 'float32';
}

export function dtypeProfileFor(supports: Supports, dtype: DType): DTypeProfile {
  return {
    dtype,
    accumulation: ACCUMULATIONS[accumulationFor(supports, dtype)],
    flushToZero: supports.flushToZero === true,
    algorithm: supports.algorithm ?? 'direct',
  };
}

/**
 * The per-element bound of the module comment, written into `bound` (which may be `magnitude`
 * itself). `y` is the float64 reference.
 */
export function typedBound(y: ArrayLike<number>, magnitude: ArrayLike<number>, n: number, profile: DTypeProfile, into?: Float64Array): Float64Array {
  const acc = profile.accumulation;
  const out = profile.dtype;
  const g = gamma(n + 1, acc.u);
  const accFloor = n * acc.sigma + (profile.flushToZero ? (n + 1) * acc.eta : 0);
  const storeFloor = profile.flushToZero ? DTYPE_FORMATS[out].minNormal : 0;
  const bound = into ?? new Float64Array(y.length);
  for (let i = 0; i < bound.length; i++) {
    const eAcc = g * magnitude[i] + accFloor;
    const reach = Math.abs(y[i]) + eAcc;
    // ulp stops growing at T's largest binade; a non-finite magnitude keeps its ∞ or NaN, so the
    // element is judged by the non-finite rule (spec/framework/compare.ts).
    const eStore = Number.isFinite(reach) ? ulp(out, reach) / 2 : reach;
    bound[i] = eAcc + eStore + storeFloor;
  }
  return bound;
}

export interface TypedExpected extends Expected {
  dtype: DType;
  /** |b| + Σ|x||w| per element (kept: the exact-integer clause needs it). */
  magnitude: Float64Array;
}

/**
 * The float64 reference of a typed case (inputs decoded exactly), with the bound of `profile` (plus
 * spec/tolerance.ts transformTerm, at the accumulation's u and η, when the algorithm is 'transform').
 */
export function typedExpectedWithBound(op: OpName, x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes, profile: DTypeProfile): TypedExpected {
  const p = prepareTyped(op, x, w, b, attrs);
  const { y: y64, magnitude } = withMagnitude(p.geometry, p.x, p.w, p.b);
  const bound = typedBound(y64, magnitude, productsPerOutput(p.geometry), profile);
  if (profile.algorithm === 'transform') {
    const asProfile: PrecisionProfile = { name: 'float32', u: profile.accumulation.u, eta: profile.accumulation.eta };
    const extra = transformTerm(p.geometry, { dims: x.dims, data: p.x as unknown as Float32Array }, { dims: w.dims, data: p.w as unknown as Float32Array }, asProfile);
    for (let i = 0; i < bound.length; i++) bound[i] += extra[i];
  }
  return { y64, bound, dims: p.geometry.outputDims, geometry: p.geometry, magnitude, dtype: p.dtype };
}

/** The bound of WebNN's WPT conv2d rule for comparison: kW·kH·(C/groups)·2 ULPs of T at the reference value. */
export function wptBound(dtype: DType, y: number, productsPerOutput: number): number {
  return 2 * productsPerOutput * ulp(dtype, Math.abs(roundTo(dtype, y)));
}
