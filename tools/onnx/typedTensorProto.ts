/**
 * ONNX TensorProto files of every element type of Conv and ConvTranspose: FLOAT (1), FLOAT16 (10),
 * DOUBLE (11), BFLOAT16 (16). FLOAT goes through tensorProto.ts unchanged; the others are read from
 * raw_data (little-endian) or from their typed field (FLOAT16/BFLOAT16: one bit pattern per
 * int32_data entry; DOUBLE: double_data), and written with raw_data as onnx.numpy_helper does.
 */
import { onnx } from 'onnx-proto';
import { bytesToStorage, DTYPE_FORMATS, DTYPES, storageToBytes, type DType } from '../../impl/dtype';
import type { AnyTensor } from '../../impl/types';
import { checkProtobufBounds, ProtobufBoundsError } from './protobufBounds';
import { decodeTensor, encodeTensor, FLOAT, inlineShape, TensorProtoError } from './tensorProto';

const DTYPE_BY_ONNX = new Map<number, DType>(DTYPES.map((d) => [DTYPE_FORMATS[d].onnxType, d]));

/** A TensorProto of any of the four types as an AnyTensor (dtype absent for FLOAT). */
export function decodeAnyTensor(bytes: Uint8Array, source: string): AnyTensor & { name: string } {
  let message: onnx.TensorProto;
  try {
    checkProtobufBounds(bytes, 'TensorProto', source);
    message = onnx.TensorProto.decode(bytes);
  } catch (e) {
    if (e instanceof ProtobufBoundsError) throw new TensorProtoError(source, e.detail);
    throw new TensorProtoError(source, `not a valid TensorProto protobuf (${(e as Error).message})`);
  }
  if (message.dataType === FLOAT) return decodeTensor(bytes, source);
  const dtype = DTYPE_BY_ONNX.get(message.dataType);
  if (!dtype) {
    const typeName = onnx.TensorProto.DataType[message.dataType] ?? 'unknown';
    throw new TensorProtoError(source, `data_type is ${message.dataType} (${typeName}); only FLOAT (1), FLOAT16 (10), DOUBLE (11) and BFLOAT16 (16) are supported`);
  }
  const { dims, count } = inlineShape(message, source);
  const size = DTYPE_FORMATS[dtype].bytes;
  const raw = message.rawData;
  const typed = dtype === 'float64' ? message.doubleData : message.int32Data;
  const field = dtype === 'float64' ? 'double_data' : 'int32_data';
  const hasRaw = raw !== undefined && raw.length > 0;
  if (hasRaw && typed.length > 0) throw new TensorProtoError(source, `both raw_data and ${field} are set`);
  let data;
  if (hasRaw) {
    if (raw.length !== count * size) throw new TensorProtoError(source, `raw_data has ${raw.length} bytes, dims ${JSON.stringify(dims)} need ${count * size} (${count} ${dtype} values)`);
    data = bytesToStorage(dtype, raw);
  } else {
    if (typed.length !== count) throw new TensorProtoError(source, `${field} has ${typed.length} values, dims ${JSON.stringify(dims)} need ${count}`);
    if (dtype !== 'float64' && !typed.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffff)) {
      throw new TensorProtoError(source, `${field} of a ${dtype} tensor must hold 16-bit patterns (0 … 65535)`);
    }
    data = dtype === 'float64' ? Float64Array.from(typed) : Uint16Array.from(typed);
  }
  return { dims, data, dtype, name: message.name } as AnyTensor & { name: string };
}

/** Serialises a tensor of any of the four types (raw_data, little-endian). */
export function encodeAnyTensor(t: AnyTensor, name: string): Uint8Array {
  if (t.dtype === undefined || t.dtype === 'float32') return encodeTensor({ dims: t.dims, data: t.data as Float32Array }, name);
  const message = onnx.TensorProto.create({ dims: [...t.dims], dataType: DTYPE_FORMATS[t.dtype].onnxType, name, rawData: storageToBytes(t.dtype, t.data) });
  return onnx.TensorProto.encode(message).finish();
}
