/**
 * The tfjs-backend-cpu side of the benchmark: the bare tfjs op (conv2d, conv3d, depthwiseConv2d,
 * conv2dTranspose, conv3dTranspose) plus the bias add, on channels-last tensors prepared before
 * timing. Layout conversion and explicit Conv padding happen outside the timed call, so the figure
 * is tfjs's own kernel time (the verification adapter tools/adapters/tfjs.ts adds transposes and
 * pads around it, which would flatter the ratio). Shapes tfjs cannot express (grouped non-depthwise
 * Conv, ConvTranspose with groups or dilation, 3-D padding other than 'same'/'valid') are reported
 * as not available with the reason.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ConvGeometry } from '../../impl/resolve';
import type { Tensor } from '../../impl/types';

tf.enableProdMode(); // no "install tfjs-node" banner

export const TFJS_VERSION: string = tf.version_core;

export async function initTfjs(): Promise<void> {
  await tf.setBackend('cpu');
}

export interface TfjsCase {
  /** Runs the op and returns its channels-last result (caller disposes). */
  run(): tf.Tensor;
  /** The result in ONNX layout (N, C, spatial…), for checking it against the reference. */
  toOnnxLayout(y: tf.Tensor): Float32Array;
  dispose(): void;
}

/** A rank-1 geometry seen as rank 2 with a height-1 axis in front. */
function lift(g: ConvGeometry): ConvGeometry {
  if (g.rank !== 1) return g;
  const one = (v: number[], fill: number): number[] => [fill, ...v];
  return {
    ...g, rank: 2, inputSpatial: one(g.inputSpatial, 1), kernel: one(g.kernel, 1), strides: one(g.strides, 1),
    dilations: one(g.dilations, 1), padsBegin: one(g.padsBegin, 0), padsEnd: one(g.padsEnd, 0),
    outputPadding: one(g.outputPadding, 0), outputSpatial: one(g.outputSpatial, 1),
  };
}

const channelsLast = (rank: number): number[] => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
const channelsFirst = (rank: number): number[] => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
/** ONNX [A, B, k…] → tfjs [k…, B, A]. */
const kernelsFirst = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1, 0];

/** Prepares the tfjs case, or returns the reason tfjs cannot run this shape. */
export function prepareTfjs(g0: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | undefined): TfjsCase | string {
  const g = lift(g0);
  const rank = g.rank + 2;
  if (g.rank > 3) return `tfjs has no ${g.rank}-D convolution`;
  const depthwise = g.op === 'Conv' && g.group > 1 && g.group === g.inChannels && g.rank === 2;
  if (g.group > 1 && !depthwise) return g.op === 'Conv' ? 'tfjs has no grouped conv' : 'tfjs has no grouped transposed conv';
  if (g.op === 'ConvTranspose' && g.dilations.some((d) => d > 1)) return 'tfjs transposed conv has no dilation';
  if (g.op === 'Conv' && g.strides.some((s) => s > 1) && g.dilations.some((d) => d > 1)) return 'tfjs refuses stride and dilation together';
  const keep: tf.Tensor[] = [];
  const held = <T extends tf.Tensor>(t: T): T => {
    keep.push(t);
    return t;
  };
  const xNc = tf.tensor(x.data, [g.batch, g.inChannels, ...g.inputSpatial]);
  let xl = held(tf.transpose(xNc, channelsLast(rank)));
  xNc.dispose();
  const bias = b ? held(tf.tensor1d(b.data)) : undefined;
  const withBias = (y: tf.Tensor): tf.Tensor => (bias ? tf.add(y, bias) : y);
  let op: () => tf.Tensor;
  if (g.op === 'Conv') {
    // explicit ONNX pads applied once, outside the timed call
    xl = held(tf.pad(xl, [[0, 0], ...g.padsBegin.map((p, a): [number, number] => [p, g.padsEnd[a]]), [0, 0]]));
    const wOnnx = tf.tensor(w.data, [g.outChannels, g.inChannels / g.group, ...g.kernel]);
    let filter: tf.Tensor;
    if (depthwise) {
      const mult = g.outChannels / g.inChannels;
      filter = held(tf.transpose(tf.reshape(wOnnx, [g.inChannels, mult, ...g.kernel]), [2, 3, 0, 1]));
      op = () => withBias(tf.depthwiseConv2d(xl as tf.Tensor4D, filter as tf.Tensor4D, g.strides as [number, number], 'valid', 'NHWC', g.dilations as [number, number]));
    } else {
      filter = held(tf.transpose(wOnnx, kernelsFirst(rank)));
      op =
        g.rank === 2
          ? () => withBias(tf.conv2d(xl as tf.Tensor4D, filter as tf.Tensor4D, g.strides as [number, number], 'valid', 'NHWC', g.dilations as [number, number]))
          : () => withBias(tf.conv3d(xl as tf.Tensor5D, filter as tf.Tensor5D, g.strides as [number, number, number], 'valid', 'NDHWC', g.dilations as [number, number, number]));
    }
    wOnnx.dispose();
  } else {
    const wOnnx = tf.tensor(w.data, [g.inChannels, g.outChannels, ...g.kernel]);
    const filter = held(tf.transpose(wOnnx, kernelsFirst(rank))); // [k…, out, in]
    wOnnx.dispose();
    const outShape = [g.batch, ...g.outputSpatial, g.outChannels];
    if (g.rank === 2) {
      const pad = [[0, 0], [g.padsBegin[0], g.padsEnd[0]], [g.padsBegin[1], g.padsEnd[1]], [0, 0]] as tf.backend_util.ExplicitPadding;
      op = () => withBias(tf.conv2dTranspose(xl as tf.Tensor4D, filter as tf.Tensor4D, outShape as [number, number, number, number], g.strides as [number, number], pad));
    } else {
      // conv3dTranspose takes only 'same' / 'valid': usable when ONNX's pads are what 'same' gives
      const same = g.inputSpatial.every((i, a) => {
        const total = Math.max(0, (i - 1) * g.strides[a] + g.kernel[a] - i * g.strides[a]);
        return g.outputSpatial[a] === i * g.strides[a] && g.padsBegin[a] === Math.floor(total / 2) && g.padsEnd[a] === total - Math.floor(total / 2);
      });
      if (!same) {
        keep.forEach((t) => t.dispose());
        return "tfjs conv3dTranspose pads are only 'same'/'valid'";
      }
      op = () => withBias(tf.conv3dTranspose(xl as tf.Tensor5D, filter as tf.Tensor5D, outShape as [number, number, number, number, number], g.strides as [number, number, number], 'same'));
    }
  }
  return {
    run: () => tf.tidy(op),
    toOnnxLayout: (y) => {
      const t = tf.transpose(y, channelsFirst(rank));
      const data = Float32Array.from(t.dataSync() as Float32Array);
      t.dispose();
      return data;
    },
    dispose: () => keep.forEach((t) => t.dispose()),
  };
}
