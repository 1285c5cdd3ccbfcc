/**
 * ONNX Conv / ConvTranspose on LiteRT.js (@litertjs/core), shared by the Node target
 * (tools/adapters/litertWasm.ts) and the page adapters (tools/browser/page/adapters/litert*.ts): each
 * call is written as a small .tflite model (tfliteModel.ts) with W and B as constants — as in a real
 * converted model, which is what LiteRT's XNNPack and WebGPU paths take — compiled for one
 * accelerator and run once.
 *
 * TFLite works channels-last and has neither ONNX's auto_pad nor asymmetric pads nor output_shape, so:
 * - the ONNX attributes are validated and resolved by convspec's own `prepare` into explicit begin/end
 *   pads and output sizes; X is transposed NC… → N…C here and Y back;
 * - Conv: a PAD operator (zeros, the ONNX pads exactly) before a VALID convolution; 1-D runs as 2-D
 *   with height 1. CONV_2D (weights OHWI) for group 1 and for other groups (TFLite's CONV_2D takes a
 *   filter of C/group input channels: grouped convolution); DEPTHWISE_CONV_2D (weights 1HW(C·mult),
 *   depth_multiplier) for group = C; CONV_3D (weights DHWIO) for 3-D, which has no groups: a grouped
 *   3-D Conv is SPLIT → one CONV_3D per group → CONCATENATION, still only TFLite operators;
 * - ConvTranspose: TRANSPOSE_CONV (weights OHWI, output_shape input) or CONV_3D_TRANSPOSE (weights
 *   DHWOI; neither has groups: a grouped one is SPLIT → one op per group → CONCATENATION) with VALID padding and the natural full size s·(i−1)+k, so TFLite's own SAME rule and its
 *   output-size rounding play no part; then SLICE drops pads_begin and cuts pads_end, PAD appends the
 *   zeros of output_padding or of an output_shape above the natural size, and the bias is the op's own
 *   bias input when nothing is appended, else an ADD after the PAD (ONNX adds it to appended elements
 *   too);
 * - every fused activation is NONE (TFLite's default for CONV_2D is also NONE: ONNX has none).
 * Declared unsupported (TFLite has no such parameter): dilation in ConvTranspose (TRANSPOSE_CONV has
 * no dilation field; CONV_3D_TRANSPOSE's options carry dilation factors, but `supports` cannot declare
 * dilation for 3-D ConvTranspose alone), spatial ranks above 3.
 */
import type * as flatbuffers from 'flatbuffers';
import { prepare } from '../../../impl/prepare';
import type { ConvGeometry } from '../../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import type { ImplementationWithSupports, Supports } from '../../../spec/framework/subject';
import { type Graph, type GraphOp, writeModel } from './tfliteModel';
import {
  ActivationFunctionType, AddOptions, ConcatenationOptions, BuiltinOperator, BuiltinOptions, Conv2DOptions, Conv3DOptions, DepthwiseConv2DOptions, Padding, PadOptions,
  SliceOptions, SplitOptions, TensorType, TransposeConvOptions,
} from './tfliteSchema.generated';

/** What TFLite's operators can express of ONNX Conv / ConvTranspose (see the header). */
export const LITERT_SUPPORTS: Supports = {
  ranks: [1, 2, 3],
  groups: true,
  dilation: ['Conv'],
  precision: 'float32',
};

/** The part of @litertjs/core an adapter uses, so Node (import()) and the page (import map) pass theirs. */
export interface LiteRtApi {
  loadAndCompile(model: Uint8Array, options: { accelerator: 'wasm' | 'webgpu' | 'webnn' }): Promise<LiteRtCompiledModel>;
  Tensor: new (data: Float32Array, shape: number[]) => LiteRtTensor;
}
export interface LiteRtTensor {
  toTypedArray(): ArrayLike<number>;
  moveTo(destination: string): Promise<LiteRtTensor>;
  readonly accelerator: string;
  delete(): void;
}
export interface LiteRtCompiledModel {
  run(input: LiteRtTensor[]): Promise<LiteRtTensor[]>;
  delete(): void;
  /** false when part of the model runs on the wasm accelerator instead of the one asked for. */
  readonly isFullyAccelerated: boolean;
  /** The options it was compiled with: a non-JSPI browser recompiles a partly accelerated model for 'wasm'. */
  readonly options?: { accelerator?: string };
}

/** `data` of a tensor of `dims` with its axes permuted: output axis a is input axis perm[a]. */
export function permute(data: ArrayLike<number>, dims: readonly number[], perm: readonly number[]): Float32Array {
  const outDims = perm.map((p) => dims[p]);
  const inStrides = dims.map((_, a) => dims.slice(a + 1).reduce((x, y) => x * y, 1));
  const stridesInOutOrder = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(outDims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let a = 0; a < idx.length; a++) src += idx[a] * stridesInOutOrder[a];
    out[o] = data[src];
    for (let a = idx.length - 1; a >= 0; a--) {
      if (++idx[a] < outDims[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Permutation NC… → N…C and back. */
const toChannelsLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
const toChannelsFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];

/** A 1-D problem seen as 2-D with a height-1 axis in front of the spatial one. */
function lift1d(g: ConvGeometry): ConvGeometry {
  if (g.rank !== 1) return g;
  const one = (v: number[], fill: number) => [fill, ...v];
  return {
    ...g, rank: 2, inputSpatial: one(g.inputSpatial, 1), kernel: one(g.kernel, 1), strides: one(g.strides, 1),
    dilations: one(g.dilations, 1), padsBegin: one(g.padsBegin, 0), padsEnd: one(g.padsEnd, 0),
    outputPadding: one(g.outputPadding, 0), outputSpatial: one(g.outputSpatial, 1),
  };
}

/** Builds a graph tensor by tensor; `add` returns the new tensor's index. */
class GraphBuilder {
  readonly graph: Graph = { tensors: [], ops: [], inputs: [], outputs: [] };
  add(shape: readonly number[], data?: Float32Array | Int32Array): number {
    return this.graph.tensors.push({ shape, type: data instanceof Int32Array ? 'int32' : 'float32', data }) - 1;
  }
  op(op: GraphOp): void {
    this.graph.ops.push(op);
  }
  /** A PAD (zeros) of `input` (shape `shape`) with [begin, end] per axis; returns the padded tensor. */
  pad(input: number, shape: readonly number[], pads: readonly (readonly [number, number])[]): { index: number; shape: number[] } {
    const outShape = shape.map((d, a) => d + pads[a][0] + pads[a][1]);
    const paddings = this.add([shape.length, 2], Int32Array.from(pads.flat()));
    const index = this.add(outShape);
    this.op({ code: BuiltinOperator.PAD, inputs: [input, paddings], outputs: [index], options: { type: BuiltinOptions.PadOptions, write: (b) => (PadOptions.startPadOptions(b), PadOptions.endPadOptions(b)) } });
    return { index, shape: outShape };
  }
}

const options = <T extends BuiltinOptions>(type: T, write: (b: flatbuffers.Builder) => flatbuffers.Offset) => ({ type, write });
const NONE = ActivationFunctionType.NONE;

/** The graph of a Conv: X (N…C) → [PAD] → CONV_2D / DEPTHWISE_CONV_2D / CONV_3D → Y (N…C). */
function convGraph(g: ConvGeometry, w: Tensor, bias: Tensor | undefined, modelOptions: CaseModelOptions): Graph {
  const gb = new GraphBuilder();
  const xShape = [g.batch, ...g.inputSpatial, g.inChannels];
  let x = gb.add(xShape);
  gb.graph.inputs.push(x);
  if ([...g.padsBegin, ...g.padsEnd].some((p) => p !== 0)) {
    x = gb.pad(x, xShape, [[0, 0], ...g.padsBegin.map((p, a): [number, number] => [p, g.padsEnd[a]]), [0, 0]]).index;
  }
  const y = gb.add([g.batch, ...g.outputSpatial, g.outChannels]);
  // CONV_2D and DEPTHWISE_CONV_2D always get a bias, zeros when ONNX has none (as TFLite's converter
  // writes them): without one LiteRT.js returns an unwritten output (docs/FINDINGS.md, LiteRT.js).
  // x + 0 is x exactly (a −0 sum becomes +0, which the clauses do not tell apart).
  const zeroBias = g.rank !== 3 && !modelOptions.omitConv2dBias;
  const b = g.rank === 3 ? -1 : bias ? gb.add([g.outChannels], Float32Array.from(bias.data)) : zeroBias ? gb.add([g.outChannels], new Float32Array(g.outChannels)) : -1;
  const cg = g.inChannels / g.group;
  const wDims = [g.outChannels, cg, ...g.kernel];
  if (g.rank === 3) {
    // CONV_3D filter [kd, kh, kw, in, out] ← ONNX [M, C/group, kd, kh, kw]. CONV_3D has no groups: a grouped
    // 3-D Conv is SPLIT on channels → one CONV_3D per group → CONCATENATION, all TFLite operators.
    const mg = g.outChannels / g.group;
    const [sd, sh, sw] = g.strides;
    const [dd, dh, dw] = g.dilations;
    const paddedShape = [g.batch, ...g.inputSpatial.map((i, a) => i + g.padsBegin[a] + g.padsEnd[a]), g.inChannels];
    let parts = [x];
    if (g.group > 1) {
      parts = Array.from({ length: g.group }, () => gb.add([...paddedShape.slice(0, 4), cg]));
      gb.op({ code: BuiltinOperator.SPLIT, inputs: [gb.add([], Int32Array.of(4)), x], outputs: parts,
        options: options(BuiltinOptions.SplitOptions, (fb) => SplitOptions.createSplitOptions(fb, g.group)) });
    }
    const outs = parts.map((part, k) => {
      const wk = w.data.subarray(k * mg * cg * size(g.kernel), (k + 1) * mg * cg * size(g.kernel));
      const filter = gb.add([...g.kernel, cg, mg], permute(wk, [mg, cg, ...g.kernel], [2, 3, 4, 1, 0]));
      const bk = bias ? gb.add([mg], Float32Array.from(bias.data.subarray(k * mg, (k + 1) * mg))) : -1;
      const yk = g.group > 1 ? gb.add([g.batch, ...g.outputSpatial, mg]) : y;
      gb.op({ code: BuiltinOperator.CONV_3D, inputs: [part, filter, bk], outputs: [yk],
        options: options(BuiltinOptions.Conv3DOptions, (fb) => Conv3DOptions.createConv3DOptions(fb, Padding.VALID, sd, sw, sh, NONE, dd, dw, dh)) });
      return yk;
    });
    if (g.group > 1) {
      gb.op({ code: BuiltinOperator.CONCATENATION, inputs: outs, outputs: [y],
        options: options(BuiltinOptions.ConcatenationOptions, (fb) => ConcatenationOptions.createConcatenationOptions(fb, 4, NONE)) });
    }
  } else if (g.group > 1 && g.group === g.inChannels) {
    // DEPTHWISE_CONV_2D filter [1, kh, kw, C·mult]: ONNX output channel m = c·mult + j is filter channel m.
    const filter = gb.add([1, ...g.kernel, g.outChannels], permute(w.data, wDims, [1, 2, 3, 0]));
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    const mult = g.outChannels / g.inChannels;
    gb.op({ code: BuiltinOperator.DEPTHWISE_CONV_2D, version: dh > 1 || dw > 1 ? 2 : 1, inputs: [x, filter, b], outputs: [y],
      options: options(BuiltinOptions.DepthwiseConv2DOptions, (fb) => DepthwiseConv2DOptions.createDepthwiseConv2DOptions(fb, Padding.VALID, sw, sh, mult, NONE, dw, dh)) });
  } else {
    // CONV_2D filter [M, kh, kw, C/group] ← ONNX [M, C/group, kh, kw]; group > 1 is TFLite's grouped convolution.
    const filter = gb.add([g.outChannels, ...g.kernel, cg], permute(w.data, wDims, [0, 2, 3, 1]));
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    gb.op({ code: BuiltinOperator.CONV_2D, version: g.group > 1 ? 6 : dh > 1 || dw > 1 ? 2 : 1, inputs: [x, filter, b], outputs: [y],
      options: options(BuiltinOptions.Conv2DOptions, (fb) => Conv2DOptions.createConv2DOptions(fb, Padding.VALID, sw, sh, NONE, dw, dh, TensorType.FLOAT32)) });
  }
  gb.graph.outputs.push(y);
  return gb.graph;
}

/**
 * The graph of a ConvTranspose: X (N…C) → TRANSPOSE_CONV / CONV_3D_TRANSPOSE at the full size
 * s·(i−1)+k → [PAD] → [SLICE] → [ADD bias] → Y (N…C).
 */
function convTransposeGraph(g: ConvGeometry, w: Tensor, bias: Tensor | undefined): Graph {
  if (g.dilations.some((d) => d !== 1)) throw new Error('TFLite has no dilated transposed convolution (declared unsupported)');
  const gb = new GraphBuilder();
  const x = gb.add([g.batch, ...g.inputSpatial, g.inChannels]);
  gb.graph.inputs.push(x);
  const full = g.inputSpatial.map((i, a) => g.strides[a] * (i - 1) + g.kernel[a]);
  const fullShape = [g.batch, ...full, g.outChannels];
  // Output element o is full-scatter element o + pads_begin; what lies outside the scatter (output_padding,
  // an output_shape above the natural size, a negative pads_begin) is zero before the bias.
  const front = g.padsBegin.map((p) => Math.max(0, -p));
  const back = g.outputSpatial.map((o, a) => Math.max(0, g.padsBegin[a] + o - full[a]));
  const appends = [...front, ...back].some((e) => e > 0);
  const cropped = g.outputSpatial.some((o, a) => o !== full[a]) || g.padsBegin.some((p) => p !== 0);
  let y = gb.add(fullShape);
  // Neither transposed op has groups: a grouped ConvTranspose is SPLIT on channels → one op per group →
  // CONCATENATION, still only TFLite operators.
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const channelAxis = fullShape.length - 1;
  let parts = [x];
  if (g.group > 1) {
    parts = Array.from({ length: g.group }, () => gb.add([g.batch, ...g.inputSpatial, cg]));
    gb.op({ code: BuiltinOperator.SPLIT, inputs: [gb.add([], Int32Array.of(channelAxis)), x], outputs: parts,
      options: options(BuiltinOptions.SplitOptions, (fb) => SplitOptions.createSplitOptions(fb, g.group)) });
  }
  const partShape = [g.batch, ...full, mg];
  const outputShape = gb.add([partShape.length], Int32Array.from(partShape));
  const kernelSize = size(g.kernel);
  const outs = parts.map((part, k) => {
    const wk = w.data.subarray(k * cg * mg * kernelSize, (k + 1) * cg * mg * kernelSize);
    const wDims = [cg, mg, ...g.kernel];
    const bk = bias && !appends ? gb.add([mg], Float32Array.from(bias.data.subarray(k * mg, (k + 1) * mg))) : -1;
    const yk = g.group > 1 ? gb.add(partShape) : y;
    if (g.rank === 3) {
      // CONV_3D_TRANSPOSE filter [kd, kh, kw, out, in] ← ONNX [C/group, M/group, kd, kh, kw].
      const filter = gb.add([...g.kernel, mg, cg], permute(wk, wDims, [2, 3, 4, 1, 0]));
      const [sd, sh, sw] = g.strides;
      gb.op({ code: BuiltinOperator.CONV_3D_TRANSPOSE, inputs: [outputShape, filter, part, bk], outputs: [yk],
        options: options(BuiltinOptions.Conv3DOptions, (fb) => Conv3DOptions.createConv3DOptions(fb, Padding.VALID, sd, sw, sh, NONE, 1, 1, 1)) });
    } else {
      // TRANSPOSE_CONV filter [out, kh, kw, in] ← ONNX [C/group, M/group, kh, kw]; version 3 has the bias input.
      const filter = gb.add([mg, ...g.kernel, cg], permute(wk, wDims, [1, 2, 3, 0]));
      const [sh, sw] = g.strides;
      gb.op({ code: BuiltinOperator.TRANSPOSE_CONV, version: 3, inputs: [outputShape, filter, part, bk], outputs: [yk],
        options: options(BuiltinOptions.TransposeConvOptions, (fb) => TransposeConvOptions.createTransposeConvOptions(fb, Padding.VALID, sw, sh, NONE, TensorType.FLOAT32)) });
    }
    return yk;
  });
  if (g.group > 1) {
    gb.op({ code: BuiltinOperator.CONCATENATION, inputs: outs, outputs: [y],
      options: options(BuiltinOptions.ConcatenationOptions, (fb) => ConcatenationOptions.createConcatenationOptions(fb, channelAxis, NONE)) });
  }
  let shape = fullShape;
  if (appends) ({ index: y, shape } = gb.pad(y, shape, [[0, 0], ...front.map((f, a): [number, number] => [f, back[a]]), [0, 0]]));
  if (cropped) {
    const begin = [0, ...g.padsBegin.map((p, a) => p + front[a]), 0];
    const size = [g.batch, ...g.outputSpatial, g.outChannels];
    const sliced = gb.add(size);
    gb.op({ code: BuiltinOperator.SLICE, inputs: [y, gb.add([begin.length], Int32Array.from(begin)), gb.add([size.length], Int32Array.from(size))], outputs: [sliced],
      options: options(BuiltinOptions.SliceOptions, (fb) => (SliceOptions.startSliceOptions(fb), SliceOptions.endSliceOptions(fb))) });
    y = sliced;
    shape = size;
  }
  if (bias && appends) {
    const withBias = gb.add(shape);
    gb.op({ code: BuiltinOperator.ADD, inputs: [y, gb.add([g.outChannels], Float32Array.from(bias.data))], outputs: [withBias],
      options: options(BuiltinOptions.AddOptions, (fb) => AddOptions.createAddOptions(fb, NONE, false)) });
    y = withBias;
  }
  gb.graph.outputs.push(y);
  return gb.graph;
}

export interface CaseModelOptions {
  /** Writes a bias-less CONV_2D / DEPTHWISE_CONV_2D as TFLite allows (bias input -1): only to replay the finding. */
  omitConv2dBias?: boolean;
}

/** The .tflite model of one ONNX case (after `prepare`): input X and output Y channels-last, 1-D lifted to 2-D. */
export function caseModel(op: OpName, geometry: ConvGeometry, w: Tensor, b: Tensor | undefined, modelOptions: CaseModelOptions = {}): Uint8Array {
  const g = lift1d(geometry);
  return writeModel(op === 'Conv' ? convGraph(g, w, b, modelOptions) : convTransposeGraph(g, w, b));
}

/** The TFLite operators a case's graph uses, for messages. */
function describeGraph(op: OpName, g: ConvGeometry): string {
  const padded = [...g.padsBegin, ...g.padsEnd].some((p) => p !== 0);
  if (op === 'Conv') {
    const main = g.rank === 3 ? 'CONV_3D' : g.group > 1 && g.group === g.inChannels ? 'DEPTHWISE_CONV_2D' : 'CONV_2D';
    return [padded ? 'PAD' : '', g.rank === 3 && g.group > 1 ? `SPLIT, ${main} ×${g.group}, CONCATENATION` : main].filter((s) => s).join(', ');
  }
  const main = g.rank === 3 ? 'CONV_3D_TRANSPOSE' : 'TRANSPOSE_CONV';
  return `${g.group > 1 ? `SPLIT, ${main} ×${g.group}, CONCATENATION` : main}${padded || g.outputPadding.some((p) => p > 0) ? ', PAD / SLICE / ADD' : ''}`;
}

export interface LiteRtOptions {
  name: string;
  accelerator: 'wasm' | 'webgpu' | 'webnn';
  supports?: Supports;
}

/** An Implementation compiling and running one model per call on `accelerator`. */
export function createLiteRtImplementation(litert: LiteRtApi, options: LiteRtOptions): ImplementationWithSupports {
  async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor> {
    const geometry = prepare(op, x, w, b, attrs); // validation and ONNX attribute resolution
    if (geometry.rank > 3) throw new Error(`TFLite has no ${geometry.rank}-D convolution (declared unsupported)`);
    const rank = geometry.rank + 2;
    const lifted = lift1d(geometry);
    const model = caseModel(op, geometry, w, b);
    const xNhwc = permute(x.data, x.dims, toChannelsLast(rank));
    const compiled = await litert.loadAndCompile(model, { accelerator: options.accelerator });
    const owned: LiteRtTensor[] = [];
    try {
      // LiteRT.js runs what its GPU / WebNN accelerator cannot compile on wasm, with only a console
      // warning: such a result is not the accelerator's, so the call fails (as a node placed off the
      // WebGPU EP does for browser:ort-web-webgpu).
      if (options.accelerator !== 'wasm' && (!compiled.isFullyAccelerated || (compiled.options?.accelerator ?? options.accelerator) !== options.accelerator)) {
        throw new Error(`LiteRT.js did not compile this model fully for its ${options.accelerator} accelerator (part of it would run on wasm): ${describeGraph(op, lifted)}`);
      }
      // A CPU tensor: run() copies inputs to the buffer type the compiled model wants.
      const input = new litert.Tensor(xNhwc, [geometry.batch, ...lifted.inputSpatial, geometry.inChannels]);
      owned.push(input);
      const outputs = await compiled.run([input]);
      owned.push(...outputs);
      let out = outputs[0];
      if (out.accelerator !== 'wasm') owned.push((out = await out.moveTo('wasm')));
      const outNhwc = [geometry.batch, ...geometry.outputSpatial, geometry.outChannels];
      return { dims: geometry.outputDims, data: permute(out.toTypedArray(), outNhwc, toChannelsFirst(rank)) };
    } finally {
      for (const t of owned) {
        try {
          t.delete();
        } catch {
          // a tensor moved to another accelerator is already released by the move
        }
      }
      compiled.delete();
    }
  }
  return {
    name: options.name,
    supports: options.supports ?? LITERT_SUPPORTS,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
}
