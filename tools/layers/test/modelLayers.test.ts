/**
 * readModelLayers on a real exported model (data/tinynet.onnx, PyTorch 1.13, exportTinyNet.py) and on
 * copies of it changed with onnx-proto: weights moved to an external file, the file gone, weights as
 * graph inputs, a location leaving the folder, an op shape propagation does not cover, symbolic input
 * sizes fixed by --input-shape, weights computed by a node, another element type, a layer too large.
 * The expected shapes come from PyTorch (data/tinynet.shapes.json, recorded by the export script's
 * forward hooks), never from convspec.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ModelLayersError, parseInputShape, readModelLayers, type ModelLayers } from '../modelLayers';

const data = path.join(__dirname, 'data');
const MODEL = path.join(data, 'tinynet.onnx');
const torchShapes = JSON.parse(fs.readFileSync(path.join(data, 'tinynet.shapes.json'), 'utf8')) as {
  layers: { module: string; op: string; x: number[]; w: number[]; bias: boolean; y: number[] }[];
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-layers-'));

const load = (): onnx.ModelProto => onnx.ModelProto.decode(fs.readFileSync(MODEL));
let serial = 0;
/** Writes a changed copy of the model into a folder of its own; returns the model path. */
function save(m: onnx.IModelProto, files: Record<string, Uint8Array> = {}): string {
  const dir = path.join(tmp, `m${serial++}`);
  fs.mkdirSync(dir);
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish());
  return file;
}

/** The model with every float initializer moved to one external file, as onnx.save_model(save_as_external_data=True) lays it out. */
function externalCopy(location = 'tinynet.data'): { model: onnx.ModelProto; bytes: Uint8Array } {
  const m = load();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of m.graph!.initializer as onnx.TensorProto[]) {
    const raw = t.rawData;
    chunks.push(raw);
    t.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = new Uint8Array();
    offset += raw.length;
  }
  return { model: m, bytes: Buffer.concat(chunks) };
}

const summary = (m: ModelLayers) => m.layers.map((l) => ({ op: l.op, x: l.x, w: l.w.dims, bias: l.b !== undefined, y: l.y }));
const expected = torchShapes.layers.map(({ op, x, w, bias, y }) => ({ op, x, w, bias, y }));

describe('readModelLayers on a real exported PyTorch model', () => {
  const m = readModelLayers(MODEL);

  it('resolves every Conv and ConvTranspose node with the shapes PyTorch saw', () => {
    expect(m.nodes).toBe(9);
    expect(m.unresolved).toEqual([]);
    // Node order is PyTorch's execution order; X of the 1-D head comes through Shape → Slice → Concat → Reshape.
    expect(summary(m)).toEqual(expected);
    expect(m.layers.map((l) => l.name)).toEqual(['stem-conv', 'res1-conv', 'res2-conv', 'dw-conv', 'pw-conv', 'grouped-conv', 'up-convtranspose', 'up2-convtranspose', 'head-conv']);
    expect(m.notes.join(' ')).toContain("symbolic batch dims taken as 1: graph input 'image' (batch)");
  });

  it("uses the model's own weights, bit for bit, and its attributes exactly as in the node", () => {
    const model = load();
    const inits = new Map((model.graph!.initializer as onnx.TensorProto[]).map((t) => [t.name, t]));
    for (const l of m.layers) {
      const node = (model.graph!.node as onnx.NodeProto[])[l.index];
      const w = inits.get(node.input[1])!;
      expect(Buffer.from(l.w.data.buffer, l.w.data.byteOffset, l.w.data.byteLength).equals(Buffer.from(w.rawData))).toBe(true);
      if (node.input[2]) expect(Buffer.from(l.b!.data.buffer).equals(Buffer.from(inits.get(node.input[2])!.rawData))).toBe(true);
      expect(l.wSeeded).toBe(false);
      expect(l.wOrigin).toBe(`initializer '${node.input[1]}'`);
      expect(Object.keys(l.attrs).sort()).toEqual(node.attribute.map((a) => a.name).sort());
    }
    const up = m.layers.find((l) => l.name === 'up-convtranspose')!;
    expect(up.attrs).toEqual({ dilations: [1, 1], group: 1, kernel_shape: [3, 3], output_padding: [1, 1], pads: [1, 1, 1, 1], strides: [2, 2] });
    expect(up.description).toContain("ConvTranspose node '/up/ConvTranspose': X 1×32×8×8 (shape propagation), W 32×8×3×3 (initializer 'up.weight')");
  });

  it('gives identical layers when the weights are external data', () => {
    const { model, bytes } = externalCopy();
    const e = readModelLayers(save(model, { 'tinynet.data': bytes }));
    expect(e.unresolved).toEqual([]);
    expect(summary(e)).toEqual(expected);
    e.layers.forEach((l, i) => {
      expect(l.w.data).toEqual(m.layers[i].w.data);
      expect(l.b?.data).toEqual(m.layers[i].b?.data);
      expect(l.wOrigin).toContain('(external data "tinynet.data")');
    });
  });

  it('seeds the weights, and says why, when the external file is missing', () => {
    const e = readModelLayers(save(externalCopy().model));
    expect(e.unresolved).toEqual([]);
    expect(summary(e)).toEqual(expected);
    for (const l of e.layers) {
      expect(l.wSeeded).toBe(true);
      expect(l.wOrigin).toMatch(/^seeded — external data file .*tinynet\.data is missing$/);
    }
    expect(e.notes.join(' ')).toContain('9 layer(s) run with seeded weights');
    // Deterministic: the same seed gives the same weights.
    expect(readModelLayers(save(externalCopy().model)).layers[0].w.data).toEqual(e.layers[0].w.data);
  });

  it('seeds weights that are graph inputs with a shape, and leaves a W of unknown shape unresolved', () => {
    const model = load();
    const g = model.graph as onnx.GraphProto;
    g.initializer = (g.initializer as onnx.TensorProto[]).filter((t) => t.name !== 'stem.weight' && t.name !== 'head.weight');
    g.input.push({ name: 'stem.weight', type: { tensorType: { elemType: 1, shape: { dim: [16, 3, 3, 3].map((d) => ({ dimValue: d })) } } } });
    g.input.push({ name: 'head.weight', type: { tensorType: { elemType: 1 } } });
    const e = readModelLayers(save(model));
    expect(e.layers[0].wOrigin).toBe("seeded — 'stem.weight' is a graph input with no initializer");
    expect(e.layers[0].w.dims).toEqual([16, 3, 3, 3]);
    expect(e.layers).toHaveLength(8);
    expect(e.unresolved).toEqual([{ node: '/head/Conv', index: 25, op: 'Conv', reason: "W 'head.weight' is a graph input with no initializer, and its shape is unknown (graph input 'head.weight' declares no shape)" }]);
  });

  it("refuses an external location outside the model's folder", () => {
    for (const location of ['../x.data', '/etc/passwd', 'a/../../x.data']) {
      const { model, bytes } = externalCopy(location);
      const e = readModelLayers(save(model, { 'x.data': bytes }));
      expect(e.layers).toEqual([]);
      expect(e.unresolved[0].reason).toContain(`external data location ${JSON.stringify(location)} is not a relative path inside the model's folder`);
    }
    // A symbolic link inside the folder that leads out of it is refused too.
    const { model, bytes } = externalCopy('link.data');
    fs.writeFileSync(path.join(tmp, 'outside.data'), bytes);
    const file = save(model);
    fs.symlinkSync(path.join(tmp, 'outside.data'), path.join(path.dirname(file), 'link.data'));
    expect(readModelLayers(file).unresolved[0].reason).toContain("leads out of the model's folder");
  });

  it('lists the nodes behind an op shape propagation does not cover, with the node named', () => {
    const model = load();
    const relu = (model.graph!.node as onnx.NodeProto[]).find((n) => n.name === '/Relu')!;
    relu.opType = 'Hardmax';
    const e = readModelLayers(save(model));
    expect(e.layers.map((l) => l.name)).toEqual(['stem-conv']);
    expect(e.unresolved[0]).toEqual({
      node: '/res1/Conv', index: 3, op: 'Conv',
      reason: "shape of X '/pool/MaxPool_output_0' unknown: produced by node '/Relu' (Hardmax), which shape propagation does not cover; give --input-shape or a model with value_info",
    });
    expect(e.unresolved).toHaveLength(8);
    // The model's own value_info for the tensor after the uncovered op lets propagation go on (batch symbolic → 1).
    (model.graph as onnx.GraphProto).valueInfo.push({ name: '/pool/MaxPool_output_0', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, ...[16, 8, 8].map((d) => ({ dimValue: d }))] } } } });
    const rescued = readModelLayers(save(model));
    expect(rescued.unresolved).toEqual([]);
    expect(summary(rescued)).toEqual(expected);
    expect(rescued.layers[1].xOrigin).toBe('value_info');
  });

  it('takes --input-shape for graph inputs of symbolic size, and refuses a name the graph lacks', () => {
    const model = load();
    (model.graph as onnx.GraphProto).input[0].type!.tensorType!.shape!.dim = ['batch', 3, 'height', 'width'].map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
    const file = save(model);
    const none = readModelLayers(file);
    expect(none.layers).toEqual([]);
    expect(none.unresolved[0].reason).toBe("shape of X 'image' unknown: graph input 'image' has dims [1, 3, height, width] with symbolic or missing sizes; give --input-shape or a model with value_info");
    expect(summary(readModelLayers(file, { inputShapes: [parseInputShape('1x3x32x32')] }))).toEqual(expected);
    const big = readModelLayers(file, { inputShapes: [parseInputShape('image=2x3x64x48')] });
    expect(big.layers[0].x).toEqual([2, 3, 64, 48]);
    expect(big.layers[0].xOrigin).toBe('--input-shape');
    expect(big.layers.at(-1)!.x).toEqual([2, 4, 64 * 48]);
    expect(() => readModelLayers(file, { inputShapes: [parseInputShape('input=1x3x32x32')] })).toThrow(/has no graph input "input"; its graph inputs are "image"/);
    expect(() => parseInputShape('image=1x3xAx4')).toThrow(ModelLayersError);
    expect(() => parseInputShape('0x3')).toThrow(/positive integer dims/);
  });

  it('names the node that computes W, follows Identity, and refuses other element types', () => {
    const model = load();
    const g = model.graph as onnx.GraphProto;
    const inits = g.initializer as onnx.TensorProto[];
    inits.find((t) => t.name === 'stem.weight')!.name = 'stem.weight.raw';
    g.node.unshift({ name: 'negw', opType: 'Neg', input: ['stem.weight.raw'], output: ['stem.weight'] });
    inits.find((t) => t.name === 'res1.weight')!.name = 'res1.weight.raw';
    g.node.unshift({ name: 'idw', opType: 'Identity', input: ['res1.weight.raw'], output: ['res1.weight'] });
    const res2 = inits.find((t) => t.name === 'res2.weight')!;
    res2.dataType = onnx.TensorProto.DataType.FLOAT16;
    res2.rawData = res2.rawData.slice(0, res2.rawData.length / 2);
    const e = readModelLayers(save(model));
    const reason = (node: string) => e.unresolved.find((u) => u.node === node)?.reason;
    expect(reason('/stem/Conv')).toBe("W is computed by node 'negw' (Neg), not an initializer");
    expect(reason('/res2/Conv')).toBe("W (initializer 'res2.weight') has element type FLOAT16 (convspec's layer run is float32)");
    expect(e.layers.find((l) => l.node === '/res1/Conv')!.wOrigin).toBe("initializer 'res1.weight.raw' through Identity 'idw'");
  });

  it('lists a layer too large for the reference with its message, without allocating it', () => {
    const model = load();
    (model.graph as onnx.GraphProto).input[0].type!.tensorType!.shape!.dim = ['batch', 3, 'h', 'w'].map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
    const e = readModelLayers(save(model), { inputShapes: [parseInputShape('1x3x100000x100000')] });
    expect(e.unresolved[0].node).toBe('/stem/Conv');
    expect(e.unresolved[0].reason).toMatch(/^the reference refuses this layer \(X \[1,3,100000,100000\].*\): .*elements/);
  });

  it('turns a malformed node before a conv into a reason, never a crash', () => {
    const model = load();
    const g = model.graph as onnx.GraphProto;
    // A Transpose with a perm out of range between the pooling and the residual block.
    const pool = g.node.findIndex((n) => n.name === '/pool/MaxPool');
    g.node.splice(pool + 1, 0, { name: 'bad_perm', opType: 'Transpose', input: ['/pool/MaxPool_output_0'], output: ['t'], attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 7, 2, 3] }] });
    (g.node.find((n) => n.name === '/res1/Conv') as onnx.NodeProto).input[0] = 't';
    const e = readModelLayers(save(model));
    expect(e.unresolved.find((u) => u.node === '/res1/Conv')!.reason).toBe("shape of X 't' unknown: node 'bad_perm' (Transpose): its attributes or inputs give an invalid shape [1, ?, 8, 8]; give --input-shape or a model with value_info");
  });

  it('says that Conv nodes inside If/Loop/Scan bodies are not searched', () => {
    const model = load();
    const g = model.graph as onnx.GraphProto;
    const body: onnx.IGraphProto = { name: 'then', node: [{ opType: 'Conv', input: ['image', 'stem.weight'], output: ['t'] }], output: [{ name: 't' }] };
    g.node.push({ name: 'branch', opType: 'If', input: ['cond'], output: ['chosen'], attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: body }] });
    const e = readModelLayers(save(model));
    expect(e.nodes).toBe(9);
    expect(e.notes).toContain('1 Conv/ConvTranspose node(s) inside If/Loop/Scan subgraphs are not searched');
  });

  it('refuses what is not a model, naming the file', () => {
    const bad = path.join(tmp, 'bad.onnx');
    fs.writeFileSync(bad, Buffer.from([0x3a, 0x10, 0x01])); // a graph field cut short
    expect(() => readModelLayers(bad)).toThrow(new RegExp(`${bad}: not a valid ONNX ModelProto protobuf`));
    expect(() => readModelLayers(path.join(tmp, 'none.onnx'))).toThrow(/none\.onnx: cannot read the model \(ENOENT\)/);
    expect(() => readModelLayers(tmp)).toThrow(/the model is a folder, not a regular file/);
  });
});
