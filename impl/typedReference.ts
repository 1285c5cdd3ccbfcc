/**
 * The reference for tensors of any element type (impl/dtype.ts): X, W and B must share one type
 * (ONNX's T); the stored values are decoded exactly to float64, the float64 kernels run on them, and
 * the result is rounded once to that type. The float32 path (impl/reference.ts) is the same
 * computation; this module only adds the decoding and the one rounding for the other types.
 */
import { decodeValues, encodeValues, isDType, isStorageOf, storageName, type DType } from './dtype';
import { ConvSpecError, show } from './errors';
import { fastKernels } from './fast';
import { product, resolveConv, resolveConvTranspose, type ConvGeometry, type ResolveOptions } from './resolve';
import type { AnyTensor, ConvTransposeAttributes, OpName, Tensor } from './types';

/** The type of a tensor: its `dtype`, float32 when absent. */
export const dtypeOf = (t: { dtype?: DType }): DType => t.dtype ?? 'float32';

/** Does `t` carry a dtype other than float32 (so it needs the typed path)? */
export function isTypedTensor(t: unknown): boolean {
  if (t === null || typeof t !== 'object') return false;
  const dtype = (t as { dtype?: unknown }).dtype;
  return dtype !== undefined && dtype !== 'float32';
}

/** A tensor of `dtype` holding `values` rounded once to that type. */
export function typedTensor(dtype: DType, dims: readonly number[], values: ArrayLike<number>): AnyTensor {
  const data = encodeValues(dtype, values);
  return dtype === 'float32' ? { dims: [...dims], data: data as Float32Array } : ({ dims: [...dims], data, dtype } as AnyTensor);
}

/** The exact float64 values of a tensor's elements. */
export function valuesOf(t: AnyTensor): Float64Array {
  return decodeValues(dtypeOf(t), t.data);
}

function checkTyped(name: string, t: unknown): AnyTensor {
  if (t === null || typeof t !== 'object') throw new ConvSpecError('TENSOR_TYPE', `${name} must be a tensor {dims, data, dtype?}, got ${show(t)}`);
  const { dims, data, dtype = 'float32' } = t as { dims?: unknown; data?: unknown; dtype?: unknown };
  if (!isDType(dtype)) throw new ConvSpecError('TENSOR_TYPE', `${name}.dtype must be one of float16, bfloat16, float32, float64, got ${show(dtype)}`);
  if (!Array.isArray(dims)) throw new ConvSpecError('TENSOR_TYPE', `${name}.dims must be an array, got ${show(dims)}`);
  if (!isStorageOf(dtype, data)) {
    const kind = data === null || data === undefined ? String(data) : (data as object).constructor?.name ?? typeof data;
    throw new ConvSpecError('TENSOR_TYPE', `${name} is ${dtype}: its data must be a ${storageName(dtype)}, got ${kind}`);
  }
  return t as AnyTensor;
}

export interface TypedInputs {
  dtype: DType;
  geometry: ConvGeometry;
  x: Float64Array;
  w: Float64Array;
  b: Float64Array | undefined;
}

/** Validates X, W, B (one shared type; data of that type's storage) and the attributes; decodes the data. */
export function prepareTyped(op: OpName, x: unknown, w: unknown, b: unknown, attrs: unknown, options?: ResolveOptions): TypedInputs {
  const xt = checkTyped('X', x);
  const wt = checkTyped('W', w);
  const bt = b === undefined || b === null ? undefined : checkTyped('B', b);
  const dtype = dtypeOf(xt);
  for (const [name, t] of [['W', wt], ['B', bt]] as const) {
    if (t && dtypeOf(t) !== dtype) {
      throw new ConvSpecError('TENSOR_TYPE', `X is ${dtype} but ${name} is ${dtypeOf(t)}: ${op} takes one element type T for X, W and B`);
    }
  }
  const resolver = op === 'Conv' ? resolveConv : resolveConvTranspose;
  const geometry = resolver(xt.dims, wt.dims, attrs ?? {}, bt?.dims, options);
  for (const [name, t] of [['X', xt], ['W', wt], ['B', bt]] as const) {
    if (t && t.data.length !== product(t.dims)) {
      throw new ConvSpecError('DATA_LENGTH', `${name} has dims ${show([...t.dims])} (${product(t.dims)} elements) but data.length is ${t.data.length}`);
    }
  }
  return { dtype, geometry, x: valuesOf(xt), w: valuesOf(wt), b: bt && valuesOf(bt) };
}

export interface TypedReferenceResult {
  /** The result rounded once to the inputs' type. */
  y: AnyTensor;
  /** The float64 result before rounding. */
  y64: Float64Array;
  dtype: DType;
  geometry: ConvGeometry;
}

/** The reference on tensors of any one type: float64 accumulation, one rounding to that type. */
export function runTypedReference(op: OpName, x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes, options?: ResolveOptions): TypedReferenceResult {
  const p = prepareTyped(op, x, w, b, attrs, options);
  const run = op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose;
  const y64 = run(p.geometry, p.x, p.w, p.b);
  return { y: typedTensor(p.dtype, p.geometry.outputDims, y64), y64, dtype: p.dtype, geometry: p.geometry };
}

/** Narrows a tensor known to be float32 (no dtype, or 'float32'). */
export const asFloat32 = (t: AnyTensor): Tensor => t as Tensor;
