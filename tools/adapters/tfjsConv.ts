/**
 * ONNX Conv / ConvTranspose on any TensorFlow.js backend (cpu, wasm, webgl, webgpu), shared by the
 * Node adapters (tools/adapters/tfjs.ts, tfjsWasm.ts) and the ones that run inside Chromium
 * (tools/browser/page/). It takes the `tf` namespace as an argument so the same code runs against
 * tfjs-core loaded by require() in Node or by a <script> in a page.
 *
 * tfjs works channels-last (NHWC) with weights as [k…, in, out], has no auto_pad, no asymmetric
 * padding on transposed convolutions and no ONNX output_shape, so the adapter
 * - validates and resolves the ONNX attributes with convspec's own resolution (impl/prepare.ts) into
 *   explicit begin/end pads and output sizes — the part of ONNX tfjs does not have;
 * - Conv: pads X explicitly (tf.pad), then conv2d / conv3d with padding 'valid'; 1-D runs as 2-D
 *   with height 1. group == C (depthwise) uses depthwiseConv2d; other groups run one conv per group
 *   and concatenate (tfjs has no grouped conv). tfjs refuses stride > 1 together with dilation > 1,
 *   so there the adapter runs the stride-1 dilated convolution and keeps every s-th output, or
 *   dilates the kernel itself (inserting zeros), whichever costs fewer products (convChannelsLast);
 * - ConvTranspose: conv2dTranspose / conv3dTranspose with padding 'valid' give the full scatter
 *   s(i−1) + k; the adapter crops pads_begin, appends zeros for output_padding or an output_shape
 *   above the natural size, and adds the bias last.
 * Declared as unsupported, because tfjs has no such parameter: dilation and groups in ConvTranspose,
 * spatial ranks above 3.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { prepare } from '../../impl/prepare';
import type { ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports, Supports } from '../../spec/framework/subject';

export type TfNamespace = typeof TF;

/** What tfjs can express: ranks 1–3 (1-D lifted to 2-D), groups and dilation in Conv only. */
export const TFJS_SUPPORTS: Supports = {
  ranks: [1, 2, 3],
  groups: ['Conv'],
  dilation: ['Conv'],
  precision: 'float32',
};

/** Permutation moving axis 1 (channels) to the end: NC… → N…C. */
const toChannelsLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
/** Inverse of toChannelsLast. */
const toChannelsFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
/** ONNX weight [A, B, k…] → tfjs [k…, B, A] (Conv: A = M, B = C/g; ConvTranspose: A = C, B = M/g). */
const weightPermutation = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1, 0];

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

export interface TfjsOptions {
  /** The adapter's name (backend and version). */
  name: string;
  /** Resolves once the backend is set (tf.setBackend); awaited before every call. */
  ready: () => Promise<unknown>;
  supports?: Supports;
}

/** An Implementation running every call through `tf` on whatever backend `ready` selects. */
export function createTfjsImplementation(tf: TfNamespace, options: TfjsOptions): ImplementationWithSupports {
  const { ready } = options;
  /** Inserts d−1 zeros between kernel taps along each spatial axis of a channels-last weight [k…, in, out]. */
  function dilateKernel(w: TF.Tensor, dilations: number[]): TF.Tensor {
    let out = w;
    dilations.forEach((d, a) => {
      if (d === 1) return;
      const k = out.shape[a];
      const taps = tf.split(out, k, a);
      const zeroShape = [...out.shape];
      zeroShape[a] = d - 1;
      const zeros = tf.zeros(zeroShape);
      const parts: TF.Tensor[] = [];
      taps.forEach((t, i) => {
        parts.push(t);
        if (i < k - 1) parts.push(zeros);
      });
      out = tf.concat(parts, a);
    });
    return out;
  }

  function convValid(x: TF.Tensor, w: TF.Tensor, rank: number, strides: number[], dilations: number[]): TF.Tensor {
    if (rank === 2) return tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, strides as [number, number], 'valid', 'NHWC', dilations as [number, number]);
    return tf.conv3d(x as TF.Tensor5D, w as TF.Tensor5D, strides as [number, number, number], 'valid', 'NDHWC', dilations as [number, number, number]);
  }

  /**
   * tfjs refuses a stride and a dilation together. Two exact rewrites: the dilated convolution at
   * stride 1, then every s-th output (Πs times the work), or the zero-dilated kernel at the stride
   * (Π(d(k−1)+1)/Πk times the work, and 0·∞ products the ONNX operator never forms). The cheaper is
   * taken: with d = 256, k = 3, s = 6 the dilated kernel cost 171 times the products and timed out.
   */
  function convChannelsLast(x: TF.Tensor, w: TF.Tensor, g: ConvGeometry): TF.Tensor {
    const ones = g.strides.map(() => 1);
    if (!(g.strides.some((s) => s > 1) && g.dilations.some((d) => d > 1))) return convValid(x, w, g.rank, g.strides, g.dilations);
    const subsampled = g.strides.reduce((a, s) => a * s, 1);
    const dilatedKernel = g.kernel.reduce((a, k, n) => a * ((g.dilations[n] * (k - 1) + 1) / k), 1);
    if (subsampled <= dilatedKernel) {
      const full = convValid(x, w, g.rank, ones, g.dilations);
      return tf.stridedSlice(full, full.shape.map(() => 0), full.shape, [1, ...g.strides, 1]);
    }
    return convValid(x, dilateKernel(w, g.dilations), g.rank, g.strides, ones);
  }

  function conv(g: ConvGeometry, xIn: Tensor, wIn: Tensor, bIn: Tensor | undefined): TF.Tensor {
    const rank = g.rank + 2;
    const xFirst = tf.tensor(xIn.data.slice(), [g.batch, g.inChannels, ...g.inputSpatial]);
    // tf.pad copies element by element even with no pads: skipped when there are none.
    const pad = (t: TF.Tensor) =>
      g.padsBegin.every((p, a) => p === 0 && g.padsEnd[a] === 0) ? t : tf.pad(t, [[0, 0], ...g.padsBegin.map((p, a): [number, number] => [p, g.padsEnd[a]]), [0, 0]]);
    const w = tf.tensor(wIn.data.slice(), [g.outChannels, g.inChannels / g.group, ...g.kernel]);
    let y: TF.Tensor;
    if (g.group > 1 && g.group === g.inChannels && rank === 4 && !(g.strides.some((s) => s > 1) && g.dilations.some((d) => d > 1))) {
      // Depthwise: ONNX output channel m = c·mult + j is tfjs's [k…, C, mult] filter entry (c, j).
      const mult = g.outChannels / g.inChannels;
      const filter = tf.transpose(tf.reshape(w, [g.inChannels, mult, g.kernel[0], g.kernel[1]]), [2, 3, 0, 1]) as TF.Tensor4D;
      y = tf.depthwiseConv2d(pad(tf.transpose(xFirst, toChannelsLast(rank))) as TF.Tensor4D, filter, g.strides as [number, number], 'valid', 'NHWC', g.dilations as [number, number]);
    } else if (g.group > 1) {
      // One transpose [N, G, C/g, s…] → [G, N, s…, C/g] makes each group a contiguous block: tfjs-cpu
      // slices those by copying a range, where splitting the channels of NHWC went element by element
      // (5 s for a 1×1 Conv of 34 groups on 8·510·1928 elements, a timeout under load).
      const cg = g.inChannels / g.group;
      const mg = g.outChannels / g.group;
      const spatial = g.inputSpatial;
      const byGroup = tf.transpose(tf.reshape(xFirst, [g.batch, g.group, cg, ...spatial]), [1, 0, ...spatial.map((_s, a) => a + 3), 2]);
      const ws = tf.split(w, g.group, 0);
      const outs = tf.unstack(byGroup).map((xg, i) => convChannelsLast(pad(xg), tf.transpose(ws[i], weightPermutation(rank)), { ...g, inChannels: cg, outChannels: mg }));
      // [G, N, o…, M/g] → [N, o…, G, M/g] → [N, o…, M]: output channel m = group·(M/g) + j, as ONNX orders them.
      const stacked = tf.stack(outs);
      const o = stacked.shape.slice(2, 2 + spatial.length);
      y = tf.reshape(tf.transpose(stacked, [1, ...o.map((_s, a) => a + 2), 0, rank]), [g.batch, ...o, g.outChannels]);
    } else {
      y = convChannelsLast(pad(tf.transpose(xFirst, toChannelsLast(rank))), tf.transpose(w, weightPermutation(rank)), g);
    }
    if (bIn) y = tf.add(y, tf.tensor1d(bIn.data.slice()));
    return tf.transpose(y, toChannelsFirst(rank));
  }

  function convTranspose(g: ConvGeometry, xIn: Tensor, wIn: Tensor, bIn: Tensor | undefined): TF.Tensor {
    const rank = g.rank + 2;
    const x = tf.transpose(tf.tensor(xIn.data.slice(), [g.batch, g.inChannels, ...g.inputSpatial]), toChannelsLast(rank));
    // tfjs transposed filter is [k…, out, in]: ONNX [C, M, k…] with C = in, M = out.
    const w = tf.transpose(tf.tensor(wIn.data.slice(), [g.inChannels, g.outChannels, ...g.kernel]), weightPermutation(rank));
    const full = g.inputSpatial.map((i, a) => g.strides[a] * (i - 1) + g.kernel[a]);
    const fullShape = [g.batch, ...full, g.outChannels];
    let y =
      g.rank === 2
        ? tf.conv2dTranspose(x as TF.Tensor4D, w as TF.Tensor4D, fullShape as [number, number, number, number], g.strides as [number, number], 'valid')
        : tf.conv3dTranspose(x as TF.Tensor5D, w as TF.Tensor5D, fullShape as [number, number, number, number, number], g.strides as [number, number, number], 'valid');
    // Output element o is full-scatter element o + pads_begin; beyond the scatter (output_padding,
    // output_shape above natural) it is zero before the bias.
    const extra = g.outputSpatial.map((o, a) => Math.max(0, g.padsBegin[a] + o - full[a]));
    if (extra.some((e) => e > 0)) y = tf.pad(y, [[0, 0], ...extra.map((e): [number, number] => [0, e]), [0, 0]]);
    y = tf.slice(y, [0, ...g.padsBegin, 0], [g.batch, ...g.outputSpatial, g.outChannels]);
    if (bIn) y = tf.add(y, tf.tensor1d(bIn.data.slice()));
    return tf.transpose(y, toChannelsFirst(rank));
  }

  async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor> {
    await ready();
    const geometry = prepare(op, x, w, b, attrs); // validation and ONNX attribute resolution
    if (geometry.rank > 3) throw new Error(`tfjs has no ${geometry.rank}-D convolution`);
    const lifted = lift1d(geometry);
    const y = tf.tidy(() => (op === 'Conv' ? conv(lifted, x, w, b) : convTranspose(lifted, x, w, b)));
    try {
      // data(), not dataSync(): GPU backends (webgl, webgpu) read back asynchronously.
      return { dims: geometry.outputDims, data: Float32Array.from((await y.data()) as Float32Array) };
    } finally {
      y.dispose();
    }
  }

  return {
    name: options.name,
    supports: options.supports ?? TFJS_SUPPORTS,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
}
