/**
 * Plan: the element-type additions to the verifier's edges. The --cmd protocol's optional `dtype`
 * (float16/bfloat16 bit patterns and float64 as little-endian bytes; float32 lines unchanged), its
 * strict decoding (unknown dtype, wrong byte count), the guard's acceptance of a result whose data is
 * the storage of its declared dtype (and refusal otherwise), and the checks of the new `supports`
 * fields.
 */
import { describe, expect, it } from 'vitest';
import { typedTensor } from '../../../impl/typedReference';
import type { AnyTensor } from '../../../impl/types';
import { tensorProblem } from '../guard';
import { computeRequestLine, decodeWireTensor, encodeWireTensor, ProtocolError } from '../protocol';
import { sanitizeSupports, SupportsError } from '../supports';

describe('the protocol carries every element type', () => {
  it('float16, bfloat16 and float64 round-trip with their dtype; float32 stays as it was', () => {
    for (const dtype of ['float16', 'bfloat16', 'float64'] as const) {
      const t = typedTensor(dtype, [1, 3], [1, -0.333, 65504]);
      const wire = encodeWireTensor(t);
      expect(wire.dtype).toBe(dtype);
      expect(Buffer.from(wire.data, 'base64').length).toBe(3 * (dtype === 'float64' ? 8 : 2));
      const back = decodeWireTensor(wire) as unknown as AnyTensor;
      expect(back.dtype).toBe(dtype);
      expect(Array.from(back.data)).toEqual(Array.from(t.data));
    }
    expect(encodeWireTensor(typedTensor('float16', [1], [1])).data).toBe(Buffer.from([0x00, 0x3c]).toString('base64'));
    const f32 = encodeWireTensor({ dims: [1], data: Float32Array.from([1]) });
    expect(f32).toEqual({ dims: [1], data: Buffer.from([0, 0, 0x80, 0x3f]).toString('base64') });
    const req = JSON.parse(computeRequestLine(3, 'Conv', typedTensor('float64', [1, 1, 1], [2]), typedTensor('float64', [1, 1, 1], [3]), undefined, {}));
    expect(req.x.dtype).toBe('float64');
  });

  it('refuses an unknown dtype or a byte count that does not fit it', () => {
    const two = Buffer.from([0, 0x3c, 0, 0x3c]).toString('base64');
    expect(() => decodeWireTensor({ dims: [2], data: two, dtype: 'int8' })).toThrow(ProtocolError);
    expect(() => decodeWireTensor({ dims: [1], data: two, dtype: 'float16' })).toThrow(/4 bytes; dims \[1\] need 2 \(float16\)/);
    expect(() => decodeWireTensor({ dims: [2], data: two, dtype: 'float64' })).toThrow(/need 16 \(float64\)/);
  });
});

describe('the guard accepts a result of its declared dtype', () => {
  it('checks the storage against the dtype', () => {
    expect(tensorProblem(typedTensor('float16', [2], [1, 2]))).toBeUndefined();
    expect(tensorProblem(typedTensor('float64', [2], [1, 2]))).toBeUndefined();
    expect(tensorProblem({ dims: [2], data: new Float32Array(2), dtype: 'float16' })).toMatch(/not a Uint16Array/);
    expect(tensorProblem({ dims: [2], data: new Uint16Array(2) })).toMatch(/not a Float32Array/);
    expect(tensorProblem({ dims: [2], data: new Uint16Array(2), dtype: 'half' })).toMatch(/result.dtype is "half"/);
    expect(tensorProblem({ dims: [3], data: new Float64Array(2), dtype: 'float64' })).toMatch(/not the product/);
  });
});

describe('supports: the element-type fields', () => {
  it('are checked and kept', () => {
    expect(sanitizeSupports({ dtypes: ['float16', 'float32'], flushToZero: true, precisionByDtype: { float16: 'float16' } })).toMatchObject({ dtypes: ['float16', 'float32'], flushToZero: true, precisionByDtype: { float16: 'float16' } });
    expect(() => sanitizeSupports({ dtypes: ['int8'] })).toThrow(SupportsError);
    expect(() => sanitizeSupports({ dtypes: [] })).toThrow(/at least one/);
    expect(() => sanitizeSupports({ flushToZero: 'yes' })).toThrow(/flushToZero/);
    expect(() => sanitizeSupports({ precisionByDtype: { float16: 'half' } })).toThrow(/precisionByDtype/);
  });
});
