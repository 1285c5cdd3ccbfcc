/**
 * The user's own layers (`--layers-from MODEL.onnx`): every Conv and ConvTranspose node of the main
 * graph of a real ONNX model, with its attributes exactly as in the node (no defaults filled in), its
 * weights and bias from the model's initializers (inline or external data, through Identity and
 * Constant nodes), and the dims of its input X from the model's declared shapes or from forward shape
 * propagation (shapes.ts). Each node is either a resolved layer or an unresolved entry with the reason.
 *
 * Missing weights (an external file that is absent, W as a graph input with no initializer) still make
 * a layer: its weights are seeded with the node's W shape and the layer says so. X values are always
 * seeded (`layerInput`), deterministically from the seed and the layer's name, so every run judges
 * the same data. Subgraphs (If / Loop / Scan bodies) are not searched; their Conv nodes are counted in
 * a note.
 *
 * Sizes: the reference's resolve (with its default caps) checks every layer before any tensor of it is
 * allocated, so a layer too large to run is unresolved with the reference's message, never a crash.
 */
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { resolve } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { makeTensor } from '../../spec/arbitraries/data';
import { CASE_NAME } from '../../spec/framework/caseId';
import { hashSeed } from '../fixtures/prng';
import { readRegularFile } from '../io/files';
import { terminalSafe } from '../terminal/terminalText';
import { nodeAttributes } from '../onnx/backendTest';
import { constantValues, initializerDims, initializerTensor, InitializerError, typeName } from '../onnx/initializer';
import { checkProtobufBounds, ProtobufBoundsError } from '../onnx/protobufBounds';
import { FLOAT } from '../onnx/tensorProto';
import { nodeLabel, propagateShapes, type KnownTensor } from './shapes';

/** Largest model file read (protobuf messages are limited to 2 GiB; larger models keep weights external). */
export const MAX_LAYERS_MODEL_BYTES = 2 ** 30;

/** The model or the options cannot be used at all (the CLI exits 2 with this message). */
export class ModelLayersError extends Error {
  override readonly name = 'ModelLayersError';
}

/** `--input-shape [NAME=]1x3x224x224`. */
export interface InputShape {
  name?: string;
  dims: number[];
}

export interface ModelLayer {
  /** Case name (CASE_NAME grammar), unique in the model. */
  name: string;
  /** The node's name, or `<op>_<index>` when it has none. */
  node: string;
  /** Position of the node in the graph. */
  index: number;
  op: OpName;
  /** Attributes exactly as in the node. */
  attrs: ConvTransposeAttributes;
  /** X's tensor name, dims and where the dims came from. */
  xName: string;
  x: number[];
  xOrigin: string;
  w: Tensor;
  wOrigin: string;
  /** True when W's values are seeded (the model's weights are missing). */
  wSeeded: boolean;
  b?: Tensor;
  bOrigin?: string;
  /** Output dims (the reference's resolve). */
  y: number[];
  /** One line naming the layer: op, dims, attributes, weights' origin. */
  description: string;
}

export interface UnresolvedLayer {
  node: string;
  index: number;
  op: string;
  reason: string;
}

export interface ModelLayers {
  /** The model file as given. */
  model: string;
  /** Conv and ConvTranspose nodes of the main graph. */
  nodes: number;
  layers: ModelLayer[];
  unresolved: UnresolvedLayer[];
  /** What was assumed or left out (batch sizes taken as 1, subgraphs not searched, …). */
  notes: string[];
}

export interface ReadLayersOptions {
  inputShapes?: InputShape[];
  /** Seed of the seeded weights. Default 0. */
  seed?: number;
}

/** Parses `--input-shape [NAME=]1x3x224x224` (a name may hold any character but the last '='). */
export function parseInputShape(text: string): InputShape {
  const eq = text.lastIndexOf('=');
  const name = eq >= 0 ? text.slice(0, eq) : undefined;
  const spec = eq >= 0 ? text.slice(eq + 1) : text;
  const parts = spec.trim().split(/[x×,]/);
  const dims = parts.map((p) => (/^\d{1,10}$/.test(p.trim()) ? Number(p.trim()) : NaN));
  if (name === '' || dims.length === 0 || !dims.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= 2 ** 31 - 1)) {
    throw new ModelLayersError(`--input-shape ${JSON.stringify(text)} must be [NAME=]DIMS with positive integer dims separated by x, e.g. image=1x3x224x224`);
  }
  return name === undefined ? { dims } : { name, dims };
}

function decodeModel(bytes: Uint8Array, file: string): onnx.ModelProto {
  try {
    // Bounded before decoding: ten million empty nodes in 20 MB would cost minutes and gigabytes.
    checkProtobufBounds(bytes, 'ModelProto', file);
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    if (e instanceof ProtobufBoundsError) throw new ModelLayersError(e.message);
    throw new ModelLayersError(`${file}: not a valid ONNX ModelProto protobuf (${(e as Error).message})`);
  }
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number(String(v)));

/** Dims of a ValueInfo: numbers, or the dim_param name / '?' for unknown ones; undefined without a shape. */
function declaredDims(vi: onnx.IValueInfoProto | undefined): (number | string)[] | undefined {
  const shape = vi?.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0 ? num(d.dimValue) : d.dimParam || '?'));
}

/** Case names: lowercase, runs of other characters as '-', unique (a suffix -2, -3, … where needed). */
export function caseNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let base = n.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '');
    if (!CASE_NAME.test(base)) base = `node-${base}`.replace(/-+$/, '');
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}-${k}`;
    used.add(name);
    return name;
  });
}

/** Conv / ConvTranspose nodes inside If, Loop and Scan bodies (not searched; counted for a note). */
function subgraphConvs(nodes: onnx.INodeProto[], depth = 0): number {
  if (depth > 64) return 0;
  let n = 0;
  for (const node of nodes) {
    for (const a of node.attribute ?? []) {
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        const inner = g.node ?? [];
        n += inner.filter((k) => k.opType === 'Conv' || k.opType === 'ConvTranspose').length + subgraphConvs(inner, depth + 1);
      }
    }
  }
  return n;
}

/** Where a weight's values come from, before any is read. */
type WeightSource =
  | { kind: 'tensor'; proto: onnx.TensorProto; via: string }
  | { kind: 'input'; name: string; dims?: number[] }
  | { kind: 'unresolved'; reason: string };

/**
 * Reads `file` and resolves every Conv / ConvTranspose node of its main graph. Throws ModelLayersError
 * when the model cannot be read or an --input-shape names no graph input; every problem of a single
 * node is that node's unresolved reason instead.
 */
export function readModelLayers(file: string, options: ReadLayersOptions = {}): ModelLayers {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_LAYERS_MODEL_BYTES, 'the model');
  } catch (e) {
    throw new ModelLayersError(`${(e as Error).message}${/more than/.test((e as Error).message) ? ' (store the weights as external data)' : ''}`);
  }
  const model = decodeModel(bytes, file);
  const graph = model.graph;
  if (!graph) throw new ModelLayersError(`${file}: the model has no graph`);
  const modelDir = path.dirname(path.resolve(file));
  const seed = options.seed ?? 0;
  const notes: string[] = [];
  const opsetValue = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const opset = opsetValue === undefined || opsetValue === null ? 22 : num(opsetValue);
  const nodes = graph.node as onnx.NodeProto[];

  const inits = new Map<string, onnx.TensorProto>();
  for (const t of graph.initializer as onnx.TensorProto[]) inits.set(t.name, t);
  const inputs = (graph.input as onnx.ValueInfoProto[]).filter((i) => !inits.has(i.name));
  const valueInfo = new Map<string, onnx.ValueInfoProto>();
  for (const vi of [...(graph.valueInfo as onnx.ValueInfoProto[]), ...(graph.output as onnx.ValueInfoProto[]), ...inputs]) valueInfo.set(vi.name, vi);

  // --input-shape: by name, or the one input that is not an initializer.
  const overrides = new Map<string, number[]>();
  for (const s of options.inputShapes ?? []) {
    const names = inputs.map((i) => i.name);
    const listed = names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : 'none';
    let name = s.name;
    if (name === undefined) {
      if (names.length !== 1) throw new ModelLayersError(`--input-shape ${s.dims.join('x')} needs a NAME=: ${file} has ${names.length} graph inputs (${listed})`);
      name = names[0];
    }
    if (!names.includes(name)) throw new ModelLayersError(`--input-shape ${name}=…: ${file} has no graph input ${JSON.stringify(name)}; its graph inputs are ${listed}`);
    if (overrides.has(name)) throw new ModelLayersError(`--input-shape gives graph input ${JSON.stringify(name)} twice`);
    overrides.set(name, s.dims);
  }

  // What is known before propagation: initializers (dims, small values) and graph inputs.
  const start = new Map<string, KnownTensor>();
  const why = new Map<string, string>();
  for (const [name, t] of inits) {
    try {
      start.set(name, { dims: initializerDims(t, name), ...(constantValues(t) ?? {}) });
    } catch (e) {
      why.set(name, `initializer '${name}' has unusable dims (${(e as Error).message})`);
    }
  }
  const substituted: string[] = [];
  for (const input of inputs) {
    const given = overrides.get(input.name);
    if (given) {
      start.set(input.name, { dims: given });
      continue;
    }
    const dims = declaredDims(input);
    if (!dims) {
      why.set(input.name, `graph input '${input.name}' declares no shape`);
      continue;
    }
    // A symbolic batch is the usual export (dynamic_axes): 1 is as good a batch as any for a layer.
    if (dims.length >= 3 && typeof dims[0] === 'string') {
      substituted.push(`'${input.name}' (${dims[0]})`);
      dims[0] = 1;
    }
    if (dims.every((d) => typeof d === 'number')) start.set(input.name, { dims: dims as number[] });
    else why.set(input.name, `graph input '${input.name}' has dims [${dims.join(', ')}] with symbolic or missing sizes`);
  }
  if (substituted.length > 0) notes.push(`symbolic batch dims taken as 1: graph input ${substituted.join(', ')}`);
  // Shapes the model states (value_info, graph outputs); a symbolic first dim there is the batch too.
  const declared = new Map<string, number[]>();
  for (const vi of [...(graph.valueInfo as onnx.ValueInfoProto[]), ...(graph.output as onnx.ValueInfoProto[])]) {
    const dims = declaredDims(vi);
    if (!dims || dims.length === 0) continue;
    if (dims.length >= 3 && typeof dims[0] === 'string') dims[0] = 1;
    if (dims.every((d) => typeof d === 'number')) declared.set(vi.name, dims as number[]);
  }
  // With an --input-shape the model's own statements describe other input sizes: propagation wins then.
  const prefer = overrides.size > 0;
  const prop = propagateShapes(nodes, start, why, declared, opset, prefer);

  const producer = new Map<string, { node: onnx.NodeProto; index: number }>();
  nodes.forEach((node, index) => node.output.forEach((o) => o && producer.set(o, { node, index })));
  const graphInputs = new Set(inputs.map((i) => i.name));

  /** W or B: an initializer or a Constant's tensor (through Identity), a graph input, or the node computing it. */
  const weightSource = (name: string, role: string): WeightSource => {
    let via = '';
    let current = name;
    for (let hops = 0; hops < 64; hops++) {
      const init = inits.get(current);
      if (init) return { kind: 'tensor', proto: init, via: `initializer '${current}'${via}` };
      if (graphInputs.has(current)) return { kind: 'input', name: current, dims: prop.known.get(current)?.dims };
      const p = producer.get(current);
      if (!p) return { kind: 'unresolved', reason: `${role} '${current}' is neither an initializer, a graph input nor the output of a node` };
      if (p.node.opType === 'Identity' && p.node.input[0]) {
        via += ` through Identity '${p.node.name || current}'`;
        current = p.node.input[0];
        continue;
      }
      if (p.node.opType === 'Constant') {
        const a = (p.node.attribute as onnx.AttributeProto[]).find((x) => x.name === 'value');
        if (a?.t) return { kind: 'tensor', proto: a.t as onnx.TensorProto, via: `Constant node '${p.node.name || current}'${via}` };
        return { kind: 'unresolved', reason: `${role} comes from ${nodeLabel(p.node, p.index)} without a tensor value` };
      }
      return { kind: 'unresolved', reason: `${role} is computed by ${nodeLabel(p.node, p.index)}, not an initializer` };
    }
    return { kind: 'unresolved', reason: `${role} '${name}' goes through more than 64 Identity nodes` };
  };

  const convs = nodes.map((node, index) => ({ node, index })).filter(({ node }) => (node.opType === 'Conv' || node.opType === 'ConvTranspose') && (!node.domain || node.domain === 'ai.onnx'));
  const labels = convs.map(({ node, index }) => node.name || `${node.opType.toLowerCase()}_${index}`);
  const names = caseNames(labels);
  const layers: ModelLayer[] = [];
  const unresolved: UnresolvedLayer[] = [];
  const resolveNode = (node: onnx.NodeProto, index: number, k: number): void => {
    const op = node.opType as OpName;
    const label = labels[k];
    const fail = (reason: string): void => void unresolved.push({ node: label, index, op, reason });
    const [xName, wName, bName] = [node.input[0], node.input[1], node.input[2] || undefined];
    if (!xName || !wName) return fail(`it has ${node.input.length} inputs; ${op} needs X and W`);
    let attrs: ConvTransposeAttributes;
    try {
      attrs = nodeAttributes(node, file);
    } catch (e) {
      return fail((e as Error).message.replace(`${file}: `, ''));
    }
    const xType = valueInfo.get(xName)?.type?.tensorType?.elemType;
    if (xType !== undefined && xType !== null && xType !== 0 && xType !== FLOAT) return fail(`X '${xName}' has element type ${typeName(xType)} (convspec's layer run is float32)`);
    const xKnown = prop.known.get(xName);
    if (!xKnown) return fail(`shape of X '${xName}' unknown: ${prop.why.get(xName) ?? 'no node produces it'}; give --input-shape or a model with value_info`);
    const x = xKnown.dims;
    const xOrigin = overrides.has(xName) ? '--input-shape' : graphInputs.has(xName) ? 'graph input' : prop.origin.get(xName) === 'declared' ? 'value_info' : 'shape propagation';

    // Dims of W and B first: the layer is checked by resolve before any data is read or drawn.
    const sources: { role: 'W' | 'B'; src: WeightSource; dims?: number[] }[] = [];
    for (const [role, name] of [['W', wName], ...(bName ? [['B', bName]] : [])] as ['W' | 'B', string][]) {
      const src = weightSource(name, role);
      if (src.kind === 'unresolved') return fail(src.reason);
      if (src.kind === 'tensor' && src.proto.dataType !== FLOAT) return fail(`${role} (${src.via}) has element type ${typeName(src.proto.dataType)} (convspec's layer run is float32)`);
      let dims: number[] | undefined;
      try {
        dims = src.kind === 'tensor' ? initializerDims(src.proto, src.via) : src.dims;
      } catch (e) {
        return fail((e as Error).message);
      }
      if (!dims) return fail(`${role} '${name}' is a graph input with no initializer, and its shape is unknown (${prop.why.get(name) ?? 'not declared'})`);
      sources.push({ role, src, dims });
    }
    const wDims = sources[0].dims!;
    const bDims = sources[1]?.dims;
    let y: number[];
    try {
      y = resolve(op, x, wDims, attrs, bDims).outputDims;
    } catch (e) {
      return fail(`the reference refuses this layer (X ${JSON.stringify(x)}, W ${JSON.stringify(wDims)}${bDims ? `, B ${JSON.stringify(bDims)}` : ''}): ${(e as Error).message}`);
    }
    const tensors: { t: Tensor; origin: string; seeded: boolean }[] = [];
    for (const { role, src, dims } of sources) {
      const seeded = (why: string) => ({ t: makeTensor(dims!, hashSeed(seed, `${names[k]}/${role}`)), origin: `seeded — ${why}`, seeded: true });
      if (src.kind === 'input') {
        tensors.push(seeded(`'${src.name}' is a graph input with no initializer`));
        continue;
      }
      if (src.kind !== 'tensor') continue;
      try {
        const t = initializerTensor(src.proto, modelDir, `${src.via}`);
        const ext = src.proto.externalData.find((e) => e.key === 'location')?.value;
        tensors.push({ t, origin: `${src.via}${ext ? ` (external data ${JSON.stringify(ext)})` : ''}`, seeded: false });
      } catch (e) {
        if (e instanceof InitializerError && e.kind === 'missing') tensors.push(seeded(e.message.replace(/^[^:]*: /, '')));
        else return fail((e as Error).message);
      }
    }
    const [w, b] = tensors;
    const attrText = Object.keys(attrs).length > 0 ? JSON.stringify(attrs) : 'no attributes';
    const description =
      `${op} node '${label}': X ${x.join('×')} (${xOrigin}), W ${wDims.join('×')} (${w.origin})` +
      `${b ? `, B ${bDims!.join('×')} (${b.origin})` : ', no bias'}, ${attrText} → Y ${y.join('×')}`;
    layers.push({
      name: names[k], node: label, index, op, attrs, xName, x, xOrigin,
      w: w.t, wOrigin: w.origin, wSeeded: w.seeded,
      ...(b ? { b: b.t, bOrigin: b.origin } : {}),
      y, description,
    });
  };
  convs.forEach(({ node, index }, k) => {
    try {
      resolveNode(node, index, k);
    } catch (e) {
      // A malformed node the checks above did not foresee is that node's reason, never a crash.
      unresolved.push({ node: labels[k], index, op: node.opType, reason: `cannot be read: ${(e as Error).message}` });
    }
  });
  const hidden = subgraphConvs(nodes);
  if (hidden > 0) notes.push(`${hidden} Conv/ConvTranspose node(s) inside If/Loop/Scan subgraphs are not searched`);
  const seededCount = layers.filter((l) => l.wSeeded).length;
  if (seededCount > 0) notes.push(`${seededCount} layer(s) run with seeded weights: the model's own are missing`);
  return { model: file, nodes: convs.length, layers, unresolved, notes };
}

/** X of a layer: float32 uniform in [−2, 2), seeded by (seed, layer name), as for network.layers. */
export function layerInput(layer: Pick<ModelLayer, 'name' | 'x'>, seed: number): Tensor {
  return makeTensor(layer.x, hashSeed(seed, layer.name));
}

/** The unresolved nodes as lines for a terminal or an error message (names escaped: tools/terminal/terminalText.ts). */
export function formatUnresolved(m: Pick<ModelLayers, 'unresolved'>, limit = Infinity): string[] {
  const shown = m.unresolved.slice(0, limit).map((u) => `  ${terminalSafe(u.op)} '${terminalSafe(u.node)}': ${terminalSafe(u.reason)}`);
  return m.unresolved.length > limit ? [...shown, `  … and ${m.unresolved.length - limit} more`] : shown;
}
