/**
 * A model's initializers as tensors: float32 data stored inline (tensorProto.ts) or in an external
 * file (ONNX external data: `location`, `offset`, `length` keys, the path relative to the model's
 * folder), and the values of small integer or float constants (shapes, scales, pads) that shape
 * propagation needs.
 *
 * External files are read defensively: the location must be a relative path that stays inside the
 * model's folder (no `..`, no absolute path, no symbolic link leading out), the file must be a regular
 * file, and the byte range is checked against the dims before a byte is read (readRegularFileRange).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import type { Tensor } from '../../impl/types';
import { readRegularFileRange } from '../io/files';
import { FLOAT, inlineShape, tensorFromMessage } from './tensorProto';

/** Why an initializer's values cannot be had: the file is not there ('missing') or is refused ('refused'). */
export class InitializerError extends Error {
  override readonly name = 'InitializerError';
  constructor(readonly kind: 'missing' | 'refused', message: string) {
    super(message);
  }
}

const DataType = onnx.TensorProto.DataType;
export const typeName = (t: number): string => DataType[t] ?? `type ${t}`;

const isExternal = (t: onnx.TensorProto) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;

/** The dims of an initializer (inline or external), checked as inlineShape checks them. */
export function initializerDims(t: onnx.TensorProto, source: string): number[] {
  return inlineShape(isExternal(t) ? onnx.TensorProto.create({ dims: t.dims, dataType: t.dataType }) : t, source).dims;
}

const int64 = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)));

/** The `location`, `offset`, `length` of an external tensor, checked; the file's path inside `modelDir`. */
function externalRange(t: onnx.TensorProto, modelDir: string, count: number, source: string): { file: string; offset: number; length: number } {
  const keys = new Map(t.externalData.map((e) => [e.key, e.value ?? '']));
  const location = keys.get('location');
  if (!location) throw new InitializerError('refused', `${source}: external data without a location key`);
  // The ONNX rule: a path relative to the model's folder, never leaving it.
  if (path.isAbsolute(location) || location.split(/[\\/]/).includes('..')) {
    throw new InitializerError('refused', `${source}: external data location ${JSON.stringify(location)} is not a relative path inside the model's folder (absolute paths and '..' are refused)`);
  }
  const file = path.join(modelDir, location);
  const want = count * 4;
  const parse = (key: string, dflt: number | undefined): number | undefined => {
    const v = keys.get(key);
    if (v === undefined) return dflt;
    const n = /^\d{1,15}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw new InitializerError('refused', `${source}: external data ${key} ${JSON.stringify(v)} is not a non-negative integer`);
    return n;
  };
  const offset = parse('offset', 0)!;
  const length = parse('length', undefined) ?? want;
  if (length !== want) throw new InitializerError('refused', `${source}: external data length ${length} bytes, dims need ${want} (${count} float32 values)`);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InitializerError('missing', `${source}: external data file ${file} is missing`);
    throw new InitializerError('refused', `${source}: external data file ${file} cannot be read (${code ?? (e as Error).message})`);
  }
  // A symbolic link inside the folder may still point out of it.
  const root = fs.realpathSync(modelDir);
  if (!real.startsWith(root + path.sep)) throw new InitializerError('refused', `${source}: external data file ${file} leads out of the model's folder (to ${real})`);
  return { file, offset, length };
}

/**
 * The float32 tensor of an initializer (or a Constant's value), inline or external. Throws
 * InitializerError: 'missing' when an external file is absent, 'refused' for anything else
 * (another element type, malformed data, a location outside the model's folder).
 */
export function initializerTensor(t: onnx.TensorProto, modelDir: string, source: string): Tensor {
  if (t.dataType !== FLOAT) throw new InitializerError('refused', `${source}: element type ${typeName(t.dataType)} (convspec's layer run is float32)`);
  try {
    if (!isExternal(t)) {
      const d = tensorFromMessage(t, source);
      return { dims: d.dims, data: d.data };
    }
    const dims = initializerDims(t, source);
    const count = dims.reduce((a, b) => a * b, 1);
    const { file, offset, length } = externalRange(t, modelDir, count, source);
    const bytes = readRegularFileRange(file, offset, length, 'the external data file');
    const inline = onnx.TensorProto.create({ dims, dataType: FLOAT, rawData: bytes });
    return { dims, data: tensorFromMessage(inline, source).data };
  } catch (e) {
    if (e instanceof InitializerError) throw e;
    throw new InitializerError('refused', (e as Error).message);
  }
}

/** Largest constant whose values shape propagation reads (shape vectors, scales, pads are tiny). */
export const MAX_CONSTANT_VALUES = 4096;

/**
 * The values of a small inline constant of an integer or float type (INT64, INT32, FLOAT, DOUBLE), as
 * numbers; undefined for anything else (external, larger than MAX_CONSTANT_VALUES, another type).
 */
export function constantValues(t: onnx.TensorProto): { dims: number[]; values: number[] } | undefined {
  if (isExternal(t) || t.externalData.length > 0) return undefined;
  let dims: number[];
  try {
    dims = inlineShape(t, 'constant').dims;
  } catch {
    return undefined;
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_CONSTANT_VALUES) return undefined;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const read = (size: number, get: (v: DataView, i: number) => number, field: ArrayLike<unknown>): number[] | undefined => {
    if (view) return raw!.length === count * size ? Array.from({ length: count }, (_, i) => get(view, i * size)) : undefined;
    return field.length === count ? Array.from(field, int64) : undefined;
  };
  let values: number[] | undefined;
  if (t.dataType === DataType.INT64) values = read(8, (v, o) => Number(v.getBigInt64(o, true)), t.int64Data);
  else if (t.dataType === DataType.INT32) values = read(4, (v, o) => v.getInt32(o, true), t.int32Data);
  else if (t.dataType === DataType.FLOAT) values = read(4, (v, o) => v.getFloat32(o, true), t.floatData);
  else if (t.dataType === DataType.DOUBLE) values = read(8, (v, o) => v.getFloat64(o, true), t.doubleData);
  return values && values.every(Number.isFinite) ? { dims, values } : undefined;
}
