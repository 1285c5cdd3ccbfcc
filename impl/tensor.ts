import { ConvSpecError, show } from './errors';
import { product } from './resolve';
import type { Tensor } from './types';

/** Checks that `t` is a dense float32 tensor whose data length is the product of its dims. */
export function checkTensor(name: string, t: unknown): Tensor {
  if (t === null || typeof t !== 'object') throw new ConvSpecError('TENSOR_TYPE', `${name} must be a tensor {dims, data}, got ${show(t)}`);
  const { dims, data } = t as Partial<Tensor>;
  if (!Array.isArray(dims)) throw new ConvSpecError('TENSOR_TYPE', `${name}.dims must be an array, got ${show(dims)}`);
  if (!(data instanceof Float32Array)) {
    const kind = data === null || data === undefined ? String(data) : (data as object).constructor?.name ?? typeof data;
    throw new ConvSpecError('TENSOR_TYPE', `${name}.data must be a Float32Array, got ${kind}`);
  }
  return t as Tensor;
}

/** Throws DATA_LENGTH unless data.length equals the product of the (already validated) dims. */
export function checkDataLength(name: string, t: Tensor): void {
  const want = product(t.dims);
  if (t.data.length !== want) {
    throw new ConvSpecError('DATA_LENGTH', `${name} has dims ${show([...t.dims])} (${want} elements) but data.length is ${t.data.length}`);
  }
}

export function tensor(dims: readonly number[], data?: ArrayLike<number>): Tensor {
  const n = product(dims);
  const out = new Float32Array(n);
  if (data) {
    if (data.length !== n) throw new ConvSpecError('DATA_LENGTH', `dims ${show([...dims])} need ${n} values, got ${data.length}`);
    out.set(data);
  }
  return { dims: [...dims], data: out };
}
