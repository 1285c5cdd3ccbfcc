/**
 * Forward shape propagation over the main graph of an ONNX model, for the ops exported CNNs are made
 * of, so that `--layers-from` knows the X dims of every Conv and ConvTranspose node of a model without
 * value_info. Conv and ConvTranspose themselves (and pooling, a Conv with a C×1×k… kernel) go through
 * the reference's own resolve (impl/resolve.ts): no size formula of those operators is written here.
 *
 * Small integer and float tensors (Constant nodes, initializers, Shape and the Gather / Slice / Concat /
 * Unsqueeze / arithmetic chains exporters emit for a dynamic batch) are tracked by value, so a Reshape
 * or Resize whose target is computed from Shape still gets its output shape.
 *
 * A tensor whose shape stays unknown carries the root cause ("produced by 'Resize_12' (Resize), which
 * shape propagation does not cover"), which `--layers-from` reports for the node that needed it.
 */
import { onnx } from 'onnx-proto';
import { resolve } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { constantValues, MAX_CONSTANT_VALUES } from '../onnx/initializer';

const AttrType = onnx.AttributeProto.AttributeType;

/** What propagation knows about one tensor: its dims, and for small constants their values. */
export interface KnownTensor {
  dims: number[];
  values?: number[];
}

/**
 * A shape cannot be had; the message says why (it becomes the reason of every tensor that depends on it).
 * No stack trace: one is thrown per node of an unknown kind, and capturing a stack was 90 % of the time
 * a million-node model took (27 s of 30 s measured).
 */
class Unknown extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

const prod = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

function attr(node: onnx.NodeProto, name: string): onnx.AttributeProto | undefined {
  return (node.attribute as onnx.AttributeProto[]).find((a) => a.name === name);
}
const num = (v: unknown) => (typeof v === 'number' ? v : Number(String(v)));
function attrInt(node: onnx.NodeProto, name: string, dflt: number): number {
  const a = attr(node, name);
  return a && a.type === AttrType.INT ? num(a.i) : dflt;
}
function attrInts(node: onnx.NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a && a.type === AttrType.INTS ? a.ints.map(num) : undefined;
}
function attrFloats(node: onnx.NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a && a.type === AttrType.FLOATS ? [...a.floats] : undefined;
}
function attrString(node: onnx.NodeProto, name: string): string | undefined {
  const a = attr(node, name);
  return a && a.type === AttrType.STRING ? new TextDecoder().decode(a.s) : undefined;
}

/** The Conv / ConvTranspose attributes as resolve takes them (verbatim; unknown types left out). */
export function rawAttributes(node: onnx.NodeProto): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of node.attribute as onnx.AttributeProto[]) {
    if (a.type === AttrType.INT) out[a.name] = num(a.i);
    else if (a.type === AttrType.INTS) out[a.name] = a.ints.map(num);
    else if (a.type === AttrType.STRING) out[a.name] = new TextDecoder().decode(a.s);
  }
  return out;
}

/** ONNX multidirectional broadcasting of several shapes. */
function broadcast(shapes: number[][], where: string): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new Unknown(`${where}: shapes ${shapes.map((x) => JSON.stringify(x)).join(' and ')} do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

const normAxis = (a: number, rank: number, where: string): number => {
  const r = a < 0 ? a + rank : a;
  if (!(r >= 0 && r < rank)) throw new Unknown(`${where}: axis ${a} is outside rank ${rank}`);
  return r;
};

const UNARY = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Clip', 'Elu', 'Selu', 'Celu', 'Gelu', 'Mish',
  'Softplus', 'Softsign', 'Exp', 'Log', 'Abs', 'Neg', 'Sqrt', 'Reciprocal', 'Erf', 'Sin', 'Cos', 'Sign', 'Not',
  'Identity', 'Dropout', 'BatchNormalization', 'InstanceNormalization', 'LRN', 'Softmax', 'LogSoftmax',
  'LayerNormalization', 'QuantizeLinear', 'DequantizeLinear', 'ThresholdedRelu', 'Shrink',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Or']);
const VALUE_OPS: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b,
  Div: (a, b) => (Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b),
  Max: Math.max, Min: Math.min,
};
const POOLS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);
const REDUCE = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd', 'ReduceL2', 'ReduceL1']);

/** Ops this propagation covers (for messages and docs). */
export const COVERED_OPS = [
  'Conv', 'ConvTranspose', ...UNARY, ...BINARY, 'Cast', 'MaxPool', 'AveragePool', 'LpPool', ...GLOBAL_POOLS, ...REDUCE, 'Concat', 'Flatten', 'Reshape',
  'Transpose', 'Pad', 'Upsample', 'Resize', 'Squeeze', 'Unsqueeze', 'Slice', 'Split', 'Gather', 'Shape', 'Constant', 'ConstantOfShape', 'Expand', 'Floor', 'Ceil',
];

interface Context {
  /** The node, named for messages. */
  where: string;
  opset: number;
  /** A present input, known, else Unknown. */
  input(i: number): KnownTensor;
  /** Values of an optional constant input (undefined when the input is absent or empty). */
  constInput(i: number, what: string): number[] | undefined;
  has(i: number): boolean;
  /** A Constant node's tensor attribute as values. */
  constAttr(): KnownTensor;
}

/** Output tensors of one node (by output position), or throws Unknown with the reason. */
function inferNode(node: onnx.NodeProto, c: Context): KnownTensor[] {
  const op = node.opType;
  if (op === 'Constant') return [c.constAttr()];
  if (UNARY.has(op) || op === 'Floor' || op === 'Ceil' || op === 'Round') {
    const x = c.input(0);
    const values = x.values && (op === 'Identity' ? x.values : op === 'Floor' ? x.values.map(Math.floor) : op === 'Ceil' ? x.values.map(Math.ceil) : undefined);
    return [{ dims: x.dims, ...(values ? { values } : {}) }];
  }
  if (op === 'Cast') {
    const x = c.input(0);
    const to = attrInt(node, 'to', 0);
    const integer = [onnx.TensorProto.DataType.INT64, onnx.TensorProto.DataType.INT32].includes(to);
    return [{ dims: x.dims, ...(x.values ? { values: integer ? x.values.map(Math.trunc) : x.values } : {}) }];
  }
  if (BINARY.has(op)) {
    const ins = node.input.map((_, i) => c.input(i));
    const dims = broadcast(ins.map((t) => t.dims), c.where);
    const f = VALUE_OPS[op];
    let values: number[] | undefined;
    if (f && ins.length === 2 && ins.every((t) => t.values) && prod(dims) <= MAX_CONSTANT_VALUES && ins.every((t) => t.dims.length <= 1)) {
      const [a, b] = ins.map((t) => t.values!);
      values = Array.from({ length: prod(dims) }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
    }
    return [{ dims, ...(values ? { values } : {}) }];
  }
  if (op === 'Conv' || op === 'ConvTranspose') {
    const x = c.input(0);
    let w: KnownTensor;
    try {
      w = c.input(1);
    } catch (e) {
      throw new Unknown(`${c.where} has a W of unknown shape (${(e as Error).message})`);
    }
    try {
      return [{ dims: resolve(op as OpName, x.dims, w.dims, rawAttributes(node)).outputDims }];
    } catch (e) {
      throw new Unknown(`${c.where}: the reference refuses it (${(e as Error).message})`);
    }
  }
  if (POOLS.has(op)) {
    const x = c.input(0);
    const kernel = attrInts(node, 'kernel_shape');
    if (!kernel) throw new Unknown(`${c.where}: no kernel_shape`);
    const autoPad = attrString(node, 'auto_pad');
    const attrs: Record<string, unknown> = { group: x.dims[1], kernel_shape: kernel };
    for (const k of ['strides', 'pads', 'dilations']) if (attrInts(node, k)) attrs[k] = attrInts(node, k);
    if (autoPad !== undefined) attrs.auto_pad = autoPad;
    // Pooling is a depthwise Conv's geometry; ceil_mode rounds up instead, but a window may not start in the end padding.
    const ceil = attrInt(node, 'ceil_mode', 0) === 1 && (autoPad === undefined || autoPad === 'NOTSET');
    const strides = (attrs.strides as number[] | undefined) ?? kernel.map(() => 1);
    if (ceil) {
      const pads = (attrs.pads as number[] | undefined) ?? [...kernel, ...kernel].map(() => 0);
      attrs.pads = pads.map((p, i) => (i < kernel.length ? p : p + strides[i - kernel.length] - 1));
    }
    let g;
    try {
      g = resolve('Conv', x.dims, [x.dims[1], 1, ...kernel], attrs);
    } catch (e) {
      throw new Unknown(`${c.where}: ${(e as Error).message}`);
    }
    const spatial = g.outputSpatial.map((o, i) => (ceil && (o - 1) * g.strides[i] >= g.inputSpatial[i] + g.padsBegin[i] ? o - 1 : o));
    return [{ dims: [x.dims[0], x.dims[1], ...spatial] }, ...(node.output.length > 1 ? [{ dims: [x.dims[0], x.dims[1], ...spatial] }] : [])];
  }
  if (GLOBAL_POOLS.has(op)) {
    const x = c.input(0);
    return [{ dims: [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)] }];
  }
  if (REDUCE.has(op)) {
    const x = c.input(0);
    const axes = attrInts(node, 'axes') ?? c.constInput(1, 'axes');
    const keep = attrInt(node, 'keepdims', 1) === 1;
    const all = !axes || axes.length === 0;
    const set = new Set((axes ?? []).map((a) => normAxis(a, x.dims.length, c.where)));
    const dims = x.dims.flatMap((d, i) => (all || set.has(i) ? (keep ? [1] : []) : [d]));
    return [{ dims }];
  }
  if (op === 'Concat') {
    const ins = node.input.map((_, i) => c.input(i));
    const rank = ins[0].dims.length;
    const axis = normAxis(attrInt(node, 'axis', 0), rank, c.where);
    const dims = [...ins[0].dims];
    dims[axis] = ins.reduce((a, t) => a + t.dims[axis], 0);
    const values = ins.every((t) => t.values) && rank === 1 ? ins.flatMap((t) => t.values!) : undefined;
    return [{ dims, ...(values && values.length <= MAX_CONSTANT_VALUES ? { values } : {}) }];
  }
  if (op === 'Flatten') {
    const x = c.input(0);
    const axis = attrInt(node, 'axis', 1);
    const a = axis < 0 ? axis + x.dims.length : axis;
    return [{ dims: [prod(x.dims.slice(0, a)), prod(x.dims.slice(a))] }];
  }
  if (op === 'Reshape') {
    const x = c.input(0);
    const shape = c.constInput(1, 'shape') ?? attrInts(node, 'shape');
    if (!shape) throw new Unknown(`${c.where}: its target shape is not a constant`);
    const allowZero = attrInt(node, 'allowzero', 0) === 1;
    const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
    const minus = dims.indexOf(-1);
    if (minus >= 0) {
      const rest = prod(dims.filter((_, i) => i !== minus));
      if (rest === 0 || prod(x.dims) % rest !== 0) throw new Unknown(`${c.where}: cannot reshape ${JSON.stringify(x.dims)} to ${JSON.stringify(shape)}`);
      dims[minus] = prod(x.dims) / rest;
    }
    if (prod(dims) !== prod(x.dims) || dims.some((d) => !(d >= 0))) throw new Unknown(`${c.where}: cannot reshape ${JSON.stringify(x.dims)} to ${JSON.stringify(shape)}`);
    return [{ dims, ...(x.values ? { values: x.values } : {}) }];
  }
  if (op === 'Transpose') {
    const x = c.input(0);
    const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    return [{ dims: perm.map((p) => x.dims[p]) }];
  }
  if (op === 'Pad') {
    const x = c.input(0);
    const pads = c.opset >= 11 ? c.constInput(1, 'pads') : attrInts(node, 'pads');
    if (!pads) throw new Unknown(`${c.where}: its pads are not a constant`);
    const axes = (c.has(3) ? c.constInput(3, 'axes') : undefined) ?? x.dims.map((_, i) => i);
    const dims = [...x.dims];
    axes.forEach((a, k) => {
      const i = normAxis(a, x.dims.length, c.where);
      dims[i] += pads[k] + pads[k + axes.length];
    });
    return [{ dims }];
  }
  if (op === 'Resize' || op === 'Upsample') {
    const x = c.input(0);
    if (attr(node, 'axes')) throw new Unknown(`${c.where}: Resize with an axes attribute is not covered`);
    const sizes = op === 'Resize' && c.opset >= 11 && c.has(3) ? c.constInput(3, 'sizes') : undefined;
    if (sizes && sizes.length > 0) return [{ dims: sizes }];
    const scaleInput = op === 'Resize' ? (c.opset >= 11 ? 2 : 1) : 1;
    const scales = (op === 'Upsample' && c.opset < 9 ? attrFloats(node, 'scales') : undefined) ?? c.constInput(scaleInput, 'scales');
    if (!scales || scales.length !== x.dims.length) throw new Unknown(`${c.where}: neither its scales nor its sizes are constants`);
    return [{ dims: x.dims.map((d, i) => Math.floor(d * scales[i])) }];
  }
  if (op === 'Squeeze' || op === 'Unsqueeze') {
    const x = c.input(0);
    const axes = (c.opset >= 13 ? c.constInput(1, 'axes') : attrInts(node, 'axes')) ?? undefined;
    if (op === 'Squeeze') {
      const set = new Set((axes ?? []).map((a) => normAxis(a, x.dims.length, c.where)));
      return [{ dims: x.dims.filter((d, i) => (axes ? !set.has(i) : d !== 1)), ...(x.values ? { values: x.values } : {}) }];
    }
    if (!axes) throw new Unknown(`${c.where}: its axes are not a constant`);
    const rank = x.dims.length + axes.length;
    const set = new Set(axes.map((a) => normAxis(a, rank, c.where)));
    const dims: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) dims.push(set.has(i) ? 1 : x.dims[k++]);
    return [{ dims, ...(x.values ? { values: x.values } : {}) }];
  }
  if (op === 'Slice') {
    const x = c.input(0);
    const starts = c.opset >= 10 ? c.constInput(1, 'starts') : attrInts(node, 'starts');
    const ends = c.opset >= 10 ? c.constInput(2, 'ends') : attrInts(node, 'ends');
    if (!starts || !ends) throw new Unknown(`${c.where}: its starts and ends are not constants`);
    const axes = (c.opset >= 10 ? c.constInput(3, 'axes') : attrInts(node, 'axes')) ?? starts.map((_, i) => i);
    const steps = (c.opset >= 10 ? c.constInput(4, 'steps') : undefined) ?? starts.map(() => 1);
    const dims = [...x.dims];
    let values = x.values;
    axes.forEach((a, k) => {
      const i = normAxis(a, x.dims.length, c.where);
      const d = x.dims[i];
      const step = steps[k];
      if (step === 0) throw new Unknown(`${c.where}: step 0`);
      let s = starts[k] < 0 ? starts[k] + d : starts[k];
      let e = ends[k] < 0 ? ends[k] + d : ends[k];
      if (step > 0) {
        s = Math.min(Math.max(s, 0), d);
        e = Math.min(Math.max(e, 0), d);
      } else {
        s = Math.min(Math.max(s, 0), d - 1);
        e = Math.min(Math.max(e, -1), d - 1);
      }
      dims[i] = Math.max(0, Math.ceil((e - s) / step));
      if (values && x.dims.length === 1) values = Array.from({ length: dims[i] }, (_, j) => x.values![s + j * step]);
    });
    return [{ dims, ...(values && x.dims.length === 1 ? { values } : {}) }];
  }
  if (op === 'Split') {
    const x = c.input(0);
    const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length, c.where);
    const n = node.output.length;
    const split = (c.opset >= 13 ? c.constInput(1, 'split') : attrInts(node, 'split')) ?? undefined;
    const d = x.dims[axis];
    const parts = split ?? Array.from({ length: n }, (_, i) => (i < n - 1 ? Math.ceil(d / n) : d - Math.ceil(d / n) * (n - 1)));
    return parts.map((p) => {
      const dims = [...x.dims];
      dims[axis] = p;
      return { dims };
    });
  }
  if (op === 'Gather') {
    const x = c.input(0);
    const idx = c.input(1);
    const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length, c.where);
    const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    const values = x.values && idx.values && x.dims.length === 1 ? idx.values.map((i) => x.values![i < 0 ? i + x.dims[0] : i]) : undefined;
    return [{ dims, ...(values && values.every((v) => v !== undefined) ? { values } : {}) }];
  }
  if (op === 'Shape') {
    const x = c.input(0);
    const r = x.dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const values = x.dims.slice(clamp(attrInt(node, 'start', 0)), clamp(attrInt(node, 'end', r)));
    return [{ dims: [values.length], values }];
  }
  if (op === 'ConstantOfShape') {
    const shape = c.constInput(0, 'shape');
    if (!shape) throw new Unknown(`${c.where}: its shape input is not a constant`);
    return [{ dims: shape }];
  }
  if (op === 'Expand') {
    const x = c.input(0);
    const shape = c.constInput(1, 'shape');
    if (!shape) throw new Unknown(`${c.where}: its shape input is not a constant`);
    return [{ dims: broadcast([x.dims, shape], c.where) }];
  }
  throw new Unknown(`produced by ${c.where}, which shape propagation does not cover`);
}

/** Known shapes (and small values) after propagation, and why each unknown one is unknown. */
export interface Propagation {
  known: Map<string, KnownTensor>;
  why: Map<string, string>;
  /** Where each known shape came from: 'declared' (value_info, graph output) or 'propagated'. */
  origin: Map<string, 'declared' | 'propagated' | 'input'>;
}

export const nodeLabel = (node: onnx.NodeProto, index: number) => `node '${node.name || `${node.opType}_${index}`}' (${node.opType})`;

/**
 * Propagates shapes through `nodes` (in graph order) from `start` (graph inputs and initializers).
 * `declared` are shapes the model states (value_info, graph outputs); they win over propagated ones
 * unless `preferPropagated` (the user changed an input shape, so the model's statements are stale).
 */
export function propagateShapes(
  nodes: onnx.NodeProto[],
  start: Map<string, KnownTensor>,
  why: Map<string, string>,
  declared: Map<string, number[]>,
  opset: number,
  preferPropagated: boolean,
): Propagation {
  const known = new Map(start);
  const origin = new Map<string, 'declared' | 'propagated' | 'input'>([...start.keys()].map((k) => [k, 'input' as const]));
  nodes.forEach((node, index) => {
    const where = nodeLabel(node, index);
    const has = (i: number) => Boolean(node.input[i]);
    const input = (i: number): KnownTensor => {
      const name = node.input[i];
      if (!name) throw new Unknown(`${where}: input ${i} is absent`);
      const k = known.get(name);
      if (!k) throw new Unknown(why.get(name) ?? `'${name}' is produced by no node and is no graph input`);
      return k;
    };
    const ctx: Context = {
      where,
      opset,
      has,
      input,
      constInput(i, what) {
        if (!has(i)) return undefined;
        const k = input(i);
        if (!k.values) throw new Unknown(`${where}: its ${what} input '${node.input[i]}' is not a constant`);
        return k.values;
      },
      constAttr() {
        const a = (node.attribute as onnx.AttributeProto[])[0];
        if (!a) throw new Unknown(`${where}: no value`);
        if (a.type === AttrType.TENSOR && a.t) {
          const v = constantValues(a.t as onnx.TensorProto);
          return v ?? { dims: (a.t.dims ?? []).map(num) };
        }
        if (a.type === AttrType.INT) return { dims: [], values: [num(a.i)] };
        if (a.type === AttrType.INTS) return { dims: [a.ints.length], values: a.ints.map(num) };
        if (a.type === AttrType.FLOAT) return { dims: [], values: [a.f] };
        if (a.type === AttrType.FLOATS) return { dims: [a.floats.length], values: [...a.floats] };
        throw new Unknown(`${where}: a Constant of attribute type ${AttrType[a.type]} is not covered`);
      },
    };
    let outs: KnownTensor[] | undefined;
    let reason: string | undefined;
    try {
      outs = inferNode(node, ctx);
      // A malformed node (an axis or perm out of range, …) must not pass on a shape with holes.
      const bad = outs.find((o) => !o.dims.every((d) => Number.isSafeInteger(d) && d >= 0));
      if (bad) throw new Unknown(`${where}: its attributes or inputs give an invalid shape [${bad.dims.map((d) => (d === undefined ? '?' : String(d))).join(', ')}]`);
    } catch (e) {
      // Whatever a malformed model makes the rules trip over is that node's reason, never a crash.
      outs = undefined;
      reason = e instanceof Unknown ? e.message : `${where}: cannot work out its output shape (${(e as Error).message})`;
    }
    node.output.forEach((name, i) => {
      if (!name) return;
      const d = declared.get(name);
      const inferred = outs?.[i];
      if (d && (!inferred || !preferPropagated)) {
        known.set(name, { dims: d, ...(inferred?.values && prod(inferred.dims) === prod(d) ? { values: inferred.values } : {}) });
        origin.set(name, 'declared');
      } else if (inferred) {
        known.set(name, inferred);
        origin.set(name, 'propagated');
      } else {
        why.set(name, reason ?? `${where}: no output ${i}`);
      }
    });
  });
  return { known, why, origin };
}
