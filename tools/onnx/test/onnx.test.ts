/**
 * Plan: TensorProto round trip (dims, values, little-endian raw_data, NaN/±Infinity kept bit-exact);
 * strict decoding refuses each malformed input with the source named; float_data is accepted; the
 * model builder writes attributes verbatim (only those given, sorted by name) and opset 22, reads
 * back the same, and refuses values with no ONNX encoding.
 */
import { describe, expect, it } from 'vitest';
import { onnx } from 'onnx-proto';
import { buildModel, describeModel, ModelBuildError, OPSET } from '../model';
import { decodeTensor, encodeTensor, float32ToBytes, TensorProtoError } from '../tensorProto';

describe('TensorProto codec', () => {
  it('round-trips dims and every float32 bit pattern, with raw_data in little-endian order', () => {
    const data = Float32Array.from([1.5, -0, NaN, Infinity, -Infinity, 1e-45, -3.4028234663852886e38, 0.1]);
    const bytes = encodeTensor({ dims: [2, 4], data }, 'X');
    const t = decodeTensor(bytes, 'x.pb');
    expect(t.dims).toEqual([2, 4]);
    expect(t.name).toBe('X');
    expect(new Uint32Array(t.data.buffer)).toEqual(new Uint32Array(data.buffer));
    expect(Array.from(float32ToBytes(Float32Array.of(1)))).toEqual([0, 0, 0x80, 0x3f]);
    const msg = onnx.TensorProto.decode(bytes);
    expect(msg.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
  });

  it('accepts float_data instead of raw_data', () => {
    const bytes = onnx.TensorProto.encode({ dims: [3], dataType: 1, floatData: [1, 2, 3] }).finish();
    expect(Array.from(decodeTensor(bytes, 'f.pb').data)).toEqual([1, 2, 3]);
  });

  const refuse = (bytes: Uint8Array, pattern: RegExp) => {
    expect(() => decodeTensor(bytes, 'bad.pb')).toThrow(TensorProtoError);
    expect(() => decodeTensor(bytes, 'bad.pb')).toThrow(/^bad\.pb: /);
    expect(() => decodeTensor(bytes, 'bad.pb')).toThrow(pattern);
  };

  it('refuses truncated and malformed bytes, wrong types, bad dims and wrong lengths', () => {
    const good = encodeTensor({ dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, 'X');
    refuse(good.subarray(0, good.length - 3), /not a valid TensorProto|raw_data has/);
    refuse(Uint8Array.of(0xff, 0xff, 0xff), /not a valid TensorProto/);
    refuse(onnx.TensorProto.encode({ dims: [1], dataType: 11, doubleData: [1] }).finish(), /data_type is 11 \(DOUBLE\)/);
    refuse(onnx.TensorProto.encode({ dims: [2], dataType: 1, floatData: [1, 2, 3] }).finish(), /float_data has 3 values/);
    refuse(onnx.TensorProto.encode({ dims: [-1], dataType: 1 }).finish(), /dims\[0\] = -1/);
    refuse(onnx.TensorProto.encode({ dims: [3], dataType: 1, rawData: new Uint8Array(8) }).finish(), /raw_data has 8 bytes/);
    refuse(onnx.TensorProto.encode({ dims: [1], dataType: 1, rawData: new Uint8Array(4), floatData: [1] }).finish(), /both raw_data and float_data/);
    refuse(onnx.TensorProto.encode({ dims: [1], dataType: 1, dataLocation: 1 }).finish(), /external data/);
  });
});

describe('one-node model', () => {
  it('writes only the given attributes, in name order, with opset 22 and the bias input when present', () => {
    const bytes = buildModel({ op: 'ConvTranspose', attrs: { strides: [2, 1], auto_pad: 'SAME_LOWER', group: 2, pads: undefined }, xDims: [1, 2, 3, 3], wDims: [2, 1, 3, 3], bDims: [2] });
    const m = describeModel(bytes, 'm.onnx');
    expect(m).toEqual({ opset: OPSET, op: 'ConvTranspose', inputs: ['X', 'W', 'B'], attrs: { auto_pad: 'SAME_LOWER', group: 2, strides: [2, 1] } });
    const decoded = onnx.ModelProto.decode(bytes);
    expect(decoded.graph!.node![0].attribute!.map((a) => a.name)).toEqual(['auto_pad', 'group', 'strides']);
    expect(describeModel(buildModel({ op: 'Conv', attrs: {}, xDims: [1, 1, 3], wDims: [1, 1, 2] }), 'c.onnx').inputs).toEqual(['X', 'W']);
  });

  it('is deterministic: the same spec gives the same bytes', () => {
    const spec = { op: 'Conv' as const, attrs: { pads: [1, 0, 0, 1], dilations: [2, 2] }, xDims: [1, 1, 5, 5], wDims: [1, 1, 2, 2] };
    expect(Buffer.from(buildModel(spec)).equals(Buffer.from(buildModel({ ...spec, attrs: { dilations: [2, 2], pads: [1, 0, 0, 1] } })))).toBe(true);
  });

  it('refuses attribute values that have no ONNX encoding, naming the attribute', () => {
    expect(() => buildModel({ op: 'Conv', attrs: { strides: [1.5] }, xDims: [1, 1, 3], wDims: [1, 1, 1] })).toThrow(ModelBuildError);
    expect(() => buildModel({ op: 'Conv', attrs: { group: { n: 1 } }, xDims: [1, 1, 3], wDims: [1, 1, 1] })).toThrow(/attribute group/);
  });

  it('declares the opset asked for, and W/B as constant initializers when given (X the only graph input)', () => {
    const w = { dims: [1, 1, 2], data: Float32Array.of(0.5, -2) };
    const b = { dims: [1], data: Float32Array.of(3) };
    const bytes = buildModel({ op: 'Conv', attrs: {}, xDims: [1, 1, 3], wDims: w.dims, bDims: b.dims, opset: 21, constants: { w, b } });
    expect(describeModel(bytes, 'c.onnx')).toMatchObject({ opset: 21, inputs: ['X', 'W', 'B'] });
    const graph = onnx.ModelProto.decode(bytes).graph!;
    expect(graph.input!.map((i) => i.name)).toEqual(['X']);
    expect(graph.initializer!.map((t) => t.name)).toEqual(['W', 'B']);
    expect(decodeTensor(onnx.TensorProto.encode(graph.initializer![0]).finish(), 'W').data).toEqual(w.data);
  });

  it('describeModel refuses bytes that are not a one-node model, naming the file', () => {
    expect(() => describeModel(Uint8Array.of(0xff, 0xff), 'junk.onnx')).toThrow(/^junk\.onnx: not a valid ONNX ModelProto/);
    expect(() => describeModel(onnx.ModelProto.encode({ graph: { node: [] } }).finish(), 'empty.onnx')).toThrow(/one-node graph, found 0/);
  });
});
