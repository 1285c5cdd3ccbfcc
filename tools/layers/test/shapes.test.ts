/**
 * Shape propagation (tools/layers/shapes.ts) against what ONNX Runtime actually computes: a graph
 * built here chains the ops `--layers-from` covers (ceil_mode and SAME pooling, Pad, Resize, Transpose,
 * Split, Concat, the Shape → Gather → Concat → Reshape chain of a dynamic batch, Unsqueeze, Slice,
 * ReduceMean, ConvTranspose, broadcasting Add, GlobalAveragePool), with a Conv reading each
 * intermediate tensor. Every Conv's X and Y are made graph outputs, the model is run in
 * onnxruntime-node, and the dims ORT returns are the expected values.
 */
import { onnx } from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelLayers } from '../modelLayers';

const AttrType = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: AttrType.INTS, ints: v });
const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: AttrType.INT, i: v });
const str = (name: string, v: string): onnx.IAttributeProto => ({ name, type: AttrType.STRING, s: new TextEncoder().encode(v) });
const i64 = (name: string, v: number[]): onnx.ITensorProto => ({ name, dims: [v.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: v });
const f32 = (name: string, dims: number[], fill = (i: number) => Math.sin(i + 1)): onnx.ITensorProto => {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from({ length: n }, (_, i) => fill(i)) };
};

const nodes: onnx.INodeProto[] = [];
const inits: onnx.ITensorProto[] = [];
const convs: string[] = [];
const node = (opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []) => nodes.push({ name: `${opType}_${nodes.length}`, opType, input, output, attribute });
/** A Conv reading `x` (C channels), rank `r` spatial dims, so propagation must know x's dims. */
function convOn(x: string, c: number, r = 2, extra: onnx.IAttributeProto[] = [], m = 3, k = 1) {
  const w = `w_${convs.length}`;
  inits.push(f32(w, [m, c, ...Array(r).fill(k)]));
  node('Conv', [x, w], [`y_${convs.length}`], extra);
  convs.push(x);
}

// X [1, 4, 9, 11]
node('MaxPool', ['X'], ['p1'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), int('ceil_mode', 1)]);
convOn('p1', 4);
inits.push(i64('pads', [0, 0, 1, 0, 0, 0, 2, 3]));
node('Pad', ['p1', 'pads'], ['p2']);
convOn('p2', 4, 2, [ints('pads', [1, 1, 1, 1])], 3, 3);
inits.push({ name: 'scales', dims: [4], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [1, 1, 1.5, 2] });
node('Resize', ['p2', '', 'scales'], ['p3'], [str('mode', 'nearest')]);
convOn('p3', 4, 2, [ints('strides', [2, 3])], 3, 2);
node('Transpose', ['p3'], ['p4'], [ints('perm', [0, 1, 3, 2])]);
convOn('p4', 4);
inits.push(i64('split', [10, 8]));
node('Split', ['p4', 'split'], ['s1', 's2'], [int('axis', 2)]);
convOn('s2', 4);
node('Concat', ['s1', 's1'], ['p5'], [int('axis', 1)]);
convOn('p5', 8, 2, [int('group', 2)]);
inits[inits.length - 1] = f32(inits[inits.length - 1].name!, [4, 4, 1, 1]);
node('AveragePool', ['p5'], ['p6'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), str('auto_pad', 'SAME_UPPER')]);
convOn('p6', 8);
node('Shape', ['p6'], ['sh']);
inits.push(i64('first2', [0, 1]), i64('minus1', [-1]));
node('Gather', ['sh', 'first2'], ['g']);
node('Concat', ['g', 'minus1'], ['shp'], [int('axis', 0)]);
node('Reshape', ['p6', 'shp'], ['p7']);
convOn('p7', 8, 1, [ints('pads', [1, 1])], 3, 3);
inits.push(i64('axes2', [2]), i64('st', [0]), i64('en', [-5]), i64('ax3', [3]));
node('Unsqueeze', ['p7', 'axes2'], ['p8']);
node('Slice', ['p8', 'st', 'en', 'ax3'], ['p9']);
convOn('p9', 8);
node('ReduceMean', ['p6'], ['p10'], [ints('axes', [2]), int('keepdims', 1)]);
convOn('p10', 8);
inits.push(f32('wt', [4, 2, 3, 3]), f32('bias4', [1, 2, 1, 1]));
node('ConvTranspose', ['p1', 'wt'], ['ct'], [ints('strides', [2, 2]), ints('output_padding', [1, 1])]);
node('Add', ['ct', 'bias4'], ['p11']);
convOn('p11', 2, 2, [ints('dilations', [2, 2])], 3, 3);
node('GlobalAveragePool', ['p2'], ['p12']);
convOn('p12', 4);

const value = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
const model: onnx.IModelProto = {
  irVersion: 8,
  opsetImport: [{ domain: '', version: 13 }],
  graph: {
    name: 'propagation',
    node: nodes,
    initializer: inits,
    input: [{ name: 'X', type: { tensorType: { elemType: 1, shape: { dim: [1, 4, 9, 11].map((d) => ({ dimValue: d })) } } } }],
    // Every Conv's input and output, so ORT reports their dims.
    output: [...new Set(convs)].map(value).concat(convs.map((_, i) => value(`y_${i}`)), [value('ct')]),
  },
};

describe('shape propagation agrees with ONNX Runtime', () => {
  it('gives every Conv the X and Y dims ORT computes', async () => {
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-shapes-')), 'model.onnx');
    fs.writeFileSync(file, bytes);
    const session = await ortNode.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    const x = new ortNode.Tensor('float32', Float32Array.from({ length: 4 * 9 * 11 }, (_, i) => Math.cos(i)), [1, 4, 9, 11]);
    const out = await session.run({ X: x });
    await session.release();
    const m = readModelLayers(file);
    expect(m.unresolved).toEqual([]);
    const conv = m.layers.filter((l) => l.op === 'Conv');
    expect(conv).toHaveLength(convs.length);
    conv.forEach((l, i) => {
      expect({ x: l.xName, dims: l.x }).toEqual({ x: convs[i], dims: out[convs[i]].dims.map(Number) });
      expect(l.y).toEqual(out[`y_${i}`].dims.map(Number));
    });
    const ct = m.layers.find((l) => l.op === 'ConvTranspose')!;
    expect({ x: ct.x, y: ct.y }).toEqual({ x: out.p1.dims.map(Number), y: out.ct.dims.map(Number) });
    // ceil_mode rounds 9 → 5 (floor would give 4); the reshape target came from Shape by value.
    expect(m.layers[0].x).toEqual([1, 4, 5, 6]);
    expect(m.layers.find((l) => l.xName === 'p7')!.x).toEqual([1, 8, 30]);
  });
});
