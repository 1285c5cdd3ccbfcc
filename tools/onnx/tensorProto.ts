/**
 * ONNX TensorProto files (the `input_0.pb` / `output_0.pb` of the ONNX backend-test layout), float32
 * only. Encoding uses `raw_data` little-endian bytes, as onnx.numpy_helper.from_array does, so Python
 * users read the files with numpy_helper.to_array. Decoding is strict: anything that is not a dense
 * float32 tensor whose element count matches its dims is refused with an error naming the source.
 */
import { onnx } from 'onnx-proto';
import type { Tensor } from '../../impl/types';

/** TensorProto.DataType.FLOAT */
export const FLOAT = 1;

/** Thrown for any TensorProto that cannot be read as a float32 tensor; `source` names the file. */
export class TensorProtoError extends Error {
  override readonly name = 'TensorProtoError';
  constructor(readonly source: string, detail: string) {
    super(`${source}: ${detail}`);
  }
}

/** Little-endian bytes of a Float32Array, independent of the host byte order. */
export function float32ToBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return bytes;
}

function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Serialises a float32 tensor as an ONNX TensorProto (dims, data_type FLOAT, name, raw_data). */
export function encodeTensor(t: Tensor, name: string): Uint8Array {
  const message = onnx.TensorProto.create({
    dims: [...t.dims],
    dataType: FLOAT,
    name,
    rawData: float32ToBytes(t.data),
  });
  return onnx.TensorProto.encode(message).finish();
}

/** An int64 from protobufjs (number or Long) as a safe non-negative integer, else undefined. */
function toDim(d: unknown): number | undefined {
  const n = typeof d === 'number' ? d : d !== null && typeof d === 'object' ? Number(String(d)) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export interface DecodedTensor extends Tensor {
  /** The TensorProto's name field ('' when absent). */
  name: string;
}

/**
 * Parses an ONNX TensorProto holding a dense float32 tensor. Accepts raw_data or float_data (not both,
 * not external data). Throws TensorProtoError naming `source` for a truncated or malformed protobuf, a
 * data type other than FLOAT, a negative or non-integer dim, or a data length that does not match dims.
 */
export function decodeTensor(bytes: Uint8Array, source: string): DecodedTensor {
  let message: onnx.TensorProto;
  try {
    message = onnx.TensorProto.decode(bytes);
  } catch (e) {
    throw new TensorProtoError(source, `not a valid TensorProto protobuf (${(e as Error).message})`);
  }
  return tensorFromMessage(message, source);
}

/**
 * The checks every element type shares: data stored inline (not external, not segmented) and dims
 * that are non-negative integers with a safe element count. Throws TensorProtoError naming `source`.
 */
export function inlineShape(message: onnx.TensorProto, source: string): { dims: number[]; count: number } {
  if (message.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || message.externalData.length > 0) {
    throw new TensorProtoError(source, 'external data is not supported; the tensor must be stored inline');
  }
  if (message.segment) throw new TensorProtoError(source, 'segmented tensors are not supported');
  const dims: number[] = [];
  message.dims.forEach((d, i) => {
    const n = toDim(d);
    if (n === undefined) throw new TensorProtoError(source, `dims[${i}] = ${String(d)} is not a non-negative integer`);
    dims.push(n);
  });
  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new TensorProtoError(source, `dims ${JSON.stringify(dims)} describe too many elements`);
  return { dims, count };
}

/** The checks and conversion of decodeTensor on an already decoded TensorProto (e.g. a model's initializer). */
export function tensorFromMessage(message: onnx.TensorProto, source: string): DecodedTensor {
  if (message.dataType !== FLOAT) {
    const typeName = onnx.TensorProto.DataType[message.dataType] ?? 'unknown';
    throw new TensorProtoError(source, `data_type is ${message.dataType} (${typeName}); only FLOAT (1) is supported`);
  }
  const { dims, count } = inlineShape(message, source);
  const raw = message.rawData;
  const hasRaw = raw !== undefined && raw.length > 0;
  const hasFloat = message.floatData.length > 0;
  if (hasRaw && hasFloat) throw new TensorProtoError(source, 'both raw_data and float_data are set');
  let data: Float32Array;
  if (hasRaw) {
    if (raw.length !== count * 4) {
      throw new TensorProtoError(source, `raw_data has ${raw.length} bytes, dims ${JSON.stringify(dims)} need ${count * 4} (${count} float32 values)`);
    }
    data = bytesToFloat32(raw);
  } else {
    if (message.floatData.length !== count) {
      throw new TensorProtoError(source, `float_data has ${message.floatData.length} values, dims ${JSON.stringify(dims)} need ${count}`);
    }
    data = Float32Array.from(message.floatData);
  }
  return { dims, data, name: message.name };
}
