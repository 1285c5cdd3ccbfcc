/**
 * Plan: outside evidence for the element-type conversions. The ONNX backend node tests for Cast
 * (ONNX 1.12, onnx/backend/test/data/node; Debian package libonnx-testdata, licence Expat, © ONNX
 * Project Contributors) hold float16, float64 and bfloat16 tensors that ONNX's own numpy code
 * produced. Read with tools/onnx/typedTensorProto.ts, they must agree with impl/dtype.ts:
 * float64 → float16 and float32 → float16 pattern for pattern (round to nearest even), float16 →
 * float64/float32 and bfloat16 → float32 value for value. ONNX 1.12's float32 → bfloat16 case was made
 * by truncation (its output is the top 16 bits of each float32), so it is checked as that and not as
 * a rounding oracle. No public float16 Conv data is in that package or on the npm registry here (the
 * Conv cases are float32 only); WebNN's WPT vectors are not packaged. Skipped when the package is
 * missing (`apt-get install libonnx-testdata`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { bfloat16Value, bytesToStorage, float16Bits, float16Value } from '../../../impl/dtype';
import { decodeAnyTensor, encodeAnyTensor } from '../typedTensorProto';

const root = '/usr/share/libonnx-testdata/data/node';
const missing = !existsSync(join(root, 'test_cast_DOUBLE_to_FLOAT16'));
if (missing) console.warn('ONNX Cast data test skipped: libonnx-testdata is not installed');

const file = (test: string, name: string) => readFileSync(join(root, test, 'test_data_set_0', name));
const read = (test: string, name: string) => decodeAnyTensor(file(test, name), `${test}/${name}`);
/** ONNX 1.12 stored bfloat16 tensors as UINT16 (data_type 4) bit patterns. */
const uint16Patterns = (test: string, name: string) => {
  const m = onnx.TensorProto.decode(file(test, name));
  expect(m.dataType).toBe(onnx.TensorProto.DataType.UINT16);
  return Array.from(bytesToStorage('float16', m.rawData));
};

describe.skipIf(missing && !process.env.CI)('ONNX 1.12 Cast test data agrees with impl/dtype.ts', () => {
  it('float64 → float16 and float32 → float16: the same bit patterns', () => {
    for (const test of ['test_cast_DOUBLE_to_FLOAT16', 'test_cast_FLOAT_to_FLOAT16']) {
      const x = read(test, 'input_0.pb');
      const y = read(test, 'output_0.pb');
      expect(y.dtype).toBe('float16');
      expect(Array.from(x.data, (v) => float16Bits(v))).toEqual(Array.from(y.data));
    }
  });

  it('float16 → float64 / float32 and bfloat16 → float32: the same values', () => {
    for (const test of ['test_cast_FLOAT16_to_DOUBLE', 'test_cast_FLOAT16_to_FLOAT']) {
      const x = read(test, 'input_0.pb');
      expect(x.dtype).toBe('float16');
      expect(Array.from(x.data, float16Value)).toEqual(Array.from(read(test, 'output_0.pb').data));
    }
    const bf = uint16Patterns('test_cast_BFLOAT16_to_FLOAT', 'input_0.pb');
    expect(bf.map(bfloat16Value)).toEqual(Array.from(read('test_cast_BFLOAT16_to_FLOAT', 'output_0.pb').data));
  });

  it('float32 → bfloat16 in ONNX 1.12 is truncation, not a rounding oracle', () => {
    const x = read('test_cast_FLOAT_to_BFLOAT16', 'input_0.pb');
    const top16 = Array.from(new Uint32Array(Float32Array.from(x.data).buffer), (b) => b >>> 16);
    expect(uint16Patterns('test_cast_FLOAT_to_BFLOAT16', 'output_0.pb')).toEqual(top16);
  });

  it('typed TensorProtos survive a write and a read', () => {
    const y = read('test_cast_DOUBLE_to_FLOAT16', 'output_0.pb');
    const back = decodeAnyTensor(encodeAnyTensor(y, 'y'), 'y');
    expect(back.dtype).toBe('float16');
    expect(Array.from(back.data)).toEqual(Array.from(y.data));
    const d = read('test_cast_DOUBLE_to_FLOAT16', 'input_0.pb');
    expect(Array.from(decodeAnyTensor(encodeAnyTensor(d, 'd'), 'd').data)).toEqual(Array.from(d.data));
  });
});
