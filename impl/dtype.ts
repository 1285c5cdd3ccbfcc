/**
 * The ONNX element types of Conv and ConvTranspose (float16, bfloat16, float, double) as data: their
 * formats, and conversion between float64 values and each type's storage. float16 and bfloat16 are
 * stored as their bit patterns in a Uint16Array (Node 20 has no Float16Array), float32 in a
 * Float32Array, float64 in a Float64Array.
 *
 * Every conversion to a narrower type rounds once, to nearest with ties to even, straight from the
 * float64 value (never through float32: two roundings could differ from one), with gradual underflow
 * and overflow to ±∞ exactly as IEEE 754 binary formats do.
 */
import type { DType } from './types';

export type { DType } from './types';

export const DTYPES: readonly DType[] = ['float16', 'bfloat16', 'float32', 'float64'];

export interface DTypeFormat {
  dtype: DType;
  /** Significand precision p in bits (the implicit bit included). */
  precision: number;
  /** Largest unbiased exponent of a finite number (also the exponent bias). */
  emax: number;
  /** Unit roundoff 2^−p: the largest relative error of one rounding to nearest (normal range). */
  u: number;
  /** Smallest positive normal number, 2^(1−emax). */
  minNormal: number;
  /** Smallest positive subnormal number, 2^(1−emax−(p−1)): the spacing of the subnormal range. */
  minSubnormal: number;
  /** Largest finite number, (2 − 2^(1−p))·2^emax. */
  maxFinite: number;
  /** Bytes per element in storage and on the wire. */
  bytes: number;
  /** ONNX TensorProto.DataType code. */
  onnxType: number;
}

function format(dtype: DType, precision: number, emax: number, bytes: number, onnxType: number): DTypeFormat {
  return {
    dtype, precision, emax, bytes, onnxType,
    u: 2 ** -precision,
    minNormal: 2 ** (1 - emax),
    minSubnormal: 2 ** (1 - emax - (precision - 1)),
    maxFinite: (2 - 2 ** (1 - precision)) * 2 ** emax,
  };
}

export const DTYPE_FORMATS: Record<DType, DTypeFormat> = {
  float16: format('float16', 11, 15, 2, 10),
  bfloat16: format('bfloat16', 8, 127, 2, 16),
  float32: format('float32', 24, 127, 4, 1),
  float64: format('float64', 53, 1023, 8, 11),
};

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && (DTYPES as readonly string[]).includes(v);
}

/** Round half to even of a non-negative float64 t below 2^52 (t − ⌊t⌋ is then exact). */
function roundHalfEven(t: number): number {
  const f = Math.floor(t);
  const r = t - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The exponent e with 2^e ≤ a < 2^(e+1), for a positive finite a (log2 alone can be off by one near powers of two). */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/**
 * Bit pattern of v rounded to a 16-bit binary format with `precision` significand bits and exponent
 * bias `emax` (float16: 11, 15; bfloat16: 8, 127). NaN becomes the quiet NaN with the top fraction
 * bit set; the sign of zero is kept.
 */
function toBits16(v: number, precision: number, emax: number): number {
  const fractionBits = precision - 1;
  const infBits = ((2 * emax + 1) << fractionBits) & 0x7fff;
  if (Number.isNaN(v)) return infBits | (1 << (fractionBits - 1));
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | infBits;
  const emin = 1 - emax;
  if (a < 2 ** emin) {
    // Subnormal range: a fixed quantum 2^(emin − fractionBits). Scaling by a power of two is exact.
    // A result of 2^fractionBits is the smallest normal's pattern, as the bit layout makes it.
    return sign | roundHalfEven(a * 2 ** (fractionBits - emin));
  }
  const e = exponentOf(a);
  if (e > emax) return sign | infBits;
  // Significand in [2^fractionBits, 2^precision]; 2^precision carries into the exponent by itself.
  const m = roundHalfEven(a * 2 ** (fractionBits - e));
  const bits = ((e + emax) << fractionBits) + (m - (1 << fractionBits));
  return sign | (bits >= infBits ? infBits : bits);
}

/** The value of a 16-bit pattern of the given format (exact in float64). */
function fromBits16(bits: number, precision: number, emax: number): number {
  const fractionBits = precision - 1;
  const sign = bits & 0x8000 ? -1 : 1;
  const expField = (bits & 0x7fff) >> fractionBits;
  const fraction = bits & ((1 << fractionBits) - 1);
  if (expField === 2 * emax + 1) return fraction ? NaN : sign * Infinity;
  if (expField === 0) return sign * fraction * 2 ** (1 - emax - fractionBits);
  return sign * (2 ** fractionBits + fraction) * 2 ** (expField - emax - fractionBits);
}

export const float16Bits = (v: number): number => toBits16(v, 11, 15);
export const float16Value = (bits: number): number => fromBits16(bits, 11, 15);
export const bfloat16Bits = (v: number): number => toBits16(v, 8, 127);
export const bfloat16Value = (bits: number): number => fromBits16(bits, 8, 127);

/** v rounded once to the type, as a float64 value. */
export function roundTo(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float16': return float16Value(float16Bits(v));
    case 'bfloat16': return bfloat16Value(bfloat16Bits(v));
    case 'float32': return Math.fround(v);
    case 'float64': return v;
  }
}

/** The storage array of a type. */
export type DTypeArray = Uint16Array | Float32Array | Float64Array;

/** Values rounded once to the type, in its storage (bit patterns for float16/bfloat16). */
export function encodeValues(dtype: DType, values: ArrayLike<number>): DTypeArray {
  const n = values.length;
  switch (dtype) {
    case 'float16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = float16Bits(values[i]);
      return out;
    }
    case 'bfloat16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = bfloat16Bits(values[i]);
      return out;
    }
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
  }
}

/** The stored values as float64 (exact for every type). */
export function decodeValues(dtype: DType, data: ArrayLike<number>): Float64Array {
  const n = data.length;
  const out = new Float64Array(n);
  if (dtype === 'float16') for (let i = 0; i < n; i++) out[i] = float16Value(data[i]);
  else if (dtype === 'bfloat16') for (let i = 0; i < n; i++) out[i] = bfloat16Value(data[i]);
  else out.set(data);
  return out;
}

/** Is `data` the storage array of `dtype`? */
export function isStorageOf(dtype: DType, data: unknown): boolean {
  if (dtype === 'float16' || dtype === 'bfloat16') return data instanceof Uint16Array;
  return dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
}

/** The name of the storage array a type needs (for error messages). */
export function storageName(dtype: DType): string {
  return dtype === 'float32' ? 'Float32Array' : dtype === 'float64' ? 'Float64Array' : `Uint16Array (${dtype} bit patterns)`;
}

/**
 * The spacing of the type's numbers at magnitude a (finite, ≥ 0): 2^(e − p + 1) for 2^e ≤ a < 2^(e+1)
 * in the normal range, the subnormal spacing below it. It never decreases with a, so half of ulp(A)
 * bounds the rounding error of every real of magnitude at most A.
 */
export function ulp(dtype: DType, a: number): number {
  const f = DTYPE_FORMATS[dtype];
  if (a < f.minNormal) return f.minSubnormal;
  return 2 ** (Math.min(exponentOf(a), f.emax) - f.precision + 1);
}

/**
 * Little-endian bytes of stored data (whatever the host order). A Node Buffer, typed as the
 * Uint8Array it is, so that the public types name nothing from @types/node.
 */
export function storageToBytes(dtype: DType, data: DTypeArray): Uint8Array {
  const size = DTYPE_FORMATS[dtype].bytes;
  const out = Buffer.alloc(data.length * size);
  for (let i = 0; i < data.length; i++) {
    if (size === 2) out.writeUInt16LE(data[i], i * 2);
    else if (size === 4) out.writeFloatLE(data[i], i * 4);
    else out.writeDoubleLE(data[i], i * 8);
  }
  return out;
}

/** Stored data from little-endian bytes; the byte length must be a multiple of the element size (checked by callers). */
export function bytesToStorage(dtype: DType, bytes: Uint8Array): DTypeArray {
  const size = DTYPE_FORMATS[dtype].bytes;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.floor(bytes.byteLength / size);
  const out = size === 2 ? new Uint16Array(n) : size === 4 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = size === 2 ? view.readUInt16LE(i * 2) : size === 4 ? view.readFloatLE(i * 4) : view.readDoubleLE(i * 8);
  return out;
}
