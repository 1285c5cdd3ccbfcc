/**
 * Judging results of any element type (spec/properties/dtypes.ts). A typed case travels through the
 * subject like any other (ctx.call skips types the subject does not declare); its result is read by
 * its own dtype, checked to be of the inputs' type, decoded exactly and compared element by element.
 */
import { decodeValues, isDType, isStorageOf, roundTo, storageName, type DType } from '../../../impl/dtype';
import type { AnyTensor, ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import type { ClauseContext } from '../../framework/clause';
import { elementRatio, MismatchError, unravel, windowAround, type Mismatch } from '../../framework/compare';
import type { TypedExpected } from '../../dtypeTolerance';
import type { Expected } from '../../tolerance';

/**
 * ctx.call for tensors of any type. The subject channel is typed for float32 (impl/types.ts keeps
 * `Implementation` unchanged); what travels is the tensor as given, dtype and all.
 */
export async function callTyped(ctx: ClauseContext, op: OpName, x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes): Promise<unknown> {
  return ctx.call(op, x as Tensor, w as Tensor, b as Tensor | undefined, attrs);
}

/** Throws a MismatchError unless `y` is a tensor of `dtype` with exactly these dims; returns it typed. */
export function assertTypedResult(y: unknown, dtype: DType, dims: readonly number[], what = 'output'): AnyTensor {
  const t = y as { dims?: unknown; data?: unknown; dtype?: unknown } | null;
  const got = t && typeof t === 'object' ? (t.dtype ?? 'float32') : undefined;
  if (got !== dtype) {
    const said = t && typeof t === 'object' && t.dtype === undefined ? 'no dtype (float32)' : `dtype ${JSON.stringify(got)}`;
    throw new MismatchError({ kind: 'type', message: `result has ${said}; the inputs are ${dtype}, so the output must be ${dtype} too` }, what);
  }
  if (!isDType(got) || !isStorageOf(dtype, t!.data)) {
    throw new MismatchError({ kind: 'type', message: `result is ${dtype} but its data is not a ${storageName(dtype)}` }, what);
  }
  const r = t as AnyTensor;
  const ok = Array.isArray(r.dims) && r.dims.length === dims.length && r.dims.every((d, i) => d === dims[i]);
  if (!ok) throw new MismatchError({ kind: 'dims', message: `dims ${JSON.stringify(r.dims)}, expected ${JSON.stringify(dims)}` }, what);
  const n = dims.reduce((p, d) => p * d, 1);
  if (r.data.length !== n) throw new MismatchError({ kind: 'length', message: `data.length ${r.data.length}, expected ${n}` }, what);
  return r;
}

/**
 * elementRatio for a result of type T: an infinite element is admissible only where the reference
 * rounded to T overflows (compare.ts's rule, with T's rounding instead of float32's).
 */
export function typedElementRatio(dtype: DType, actual: number, expected: number, bound: number): number {
  if (Number.isFinite(expected) && !Number.isNaN(actual) && !Number.isFinite(actual)) return roundTo(dtype, expected) === actual ? 0 : Infinity;
  return elementRatio(actual, expected, bound);
}

/** Undefined when every element of `actual` (already checked by assertTypedResult) is within its bound. */
export function findTypedMismatch(actual: AnyTensor, expected: TypedExpected | (Expected & { dtype: DType })): Mismatch | undefined {
  const dtype = expected.dtype;
  const values = decodeValues(dtype, actual.data);
  let worst = -1;
  let worstRatio = 1;
  let badCount = 0;
  for (let i = 0; i < values.length; i++) {
    const r = typedElementRatio(dtype, values[i], expected.y64[i], expected.bound[i]);
    if (r > 1) {
      badCount++;
      if (r > worstRatio || worst < 0) {
        worstRatio = r;
        worst = i;
      }
    }
  }
  if (worst < 0) return undefined;
  const index = unravel(worst, expected.dims);
  // windowAround reads data[i] as numbers: the decoded values serve.
  const window = windowAround({ dims: actual.dims, data: values as unknown as Float32Array }, expected, worst);
  const w = { flat: worst, index, actual: values[worst], expected: expected.y64[worst], bound: expected.bound[worst], ratio: worstRatio };
  return {
    kind: 'value',
    message: `${badCount} ${dtype} element(s) outside the bound; worst [${index.join(', ')}]: actual ${w.actual}, expected ${w.expected}, |error| ${Math.abs(w.actual - w.expected).toExponential(3)} > bound ${w.bound.toExponential(3)} (${Number.isFinite(worstRatio) ? worstRatio.toPrecision(3) : '∞'}×)`,
    worst: w,
    badCount,
    window,
  };
}

export function assertTypedWithinBound(actual: AnyTensor, expected: TypedExpected | (Expected & { dtype: DType }), what = 'output'): void {
  const m = findTypedMismatch(actual, expected);
  if (m) throw new MismatchError(m, what);
}
