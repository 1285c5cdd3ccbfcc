/**
 * The fixed benchmark shape set (issue 7; issue 14 appended one ConvTranspose): Conv and
 * ConvTranspose, 1-D/2-D/3-D, stride 1 and 2, dilation 2, grouped and depthwise, batch 1 and 8,
 * small and ResNet-like sizes, and the anchor ConvTranspose 1×64×28×28 → 32 channels, k=3, s=2, p=1.
 * Changing this list changes every figure: keep it fixed so runs can be compared.
 */
import type { ConvTransposeAttributes, OpName } from '../../impl/types';

export interface BenchShape {
  /** Short stable name printed in the table. */
  name: string;
  op: OpName;
  x: number[];
  w: number[];
  attrs: ConvTransposeAttributes;
  bias: boolean;
}

export const BENCH_SHAPES: readonly BenchShape[] = [
  { name: 'conv1d 32→32 k5 L1024', op: 'Conv', x: [1, 32, 1024], w: [32, 32, 5], attrs: { pads: [2, 2] }, bias: true },
  { name: 'conv1d 64→64 k3 s2 L512', op: 'Conv', x: [1, 64, 512], w: [64, 64, 3], attrs: { strides: [2], pads: [1, 1] }, bias: true },
  { name: 'conv2d small 3→8 8×8', op: 'Conv', x: [1, 3, 8, 8], w: [8, 3, 3, 3], attrs: { pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv2d 16→32 32×32', op: 'Conv', x: [1, 16, 32, 32], w: [32, 16, 3, 3], attrs: { pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv2d resnet 64→64 56×56', op: 'Conv', x: [1, 64, 56, 56], w: [64, 64, 3, 3], attrs: { pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv2d resnet s2 64→128 56×56', op: 'Conv', x: [1, 64, 56, 56], w: [128, 64, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv2d 1×1 256→256 14×14', op: 'Conv', x: [1, 256, 14, 14], w: [256, 256, 1, 1], attrs: {}, bias: true },
  { name: 'conv2d dil2 32→32 64×64', op: 'Conv', x: [1, 32, 64, 64], w: [32, 32, 3, 3], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] }, bias: true },
  { name: 'conv2d group4 64→64 32×32', op: 'Conv', x: [1, 64, 32, 32], w: [64, 16, 3, 3], attrs: { group: 4, pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv2d depthwise 64 56×56', op: 'Conv', x: [1, 64, 56, 56], w: [64, 1, 3, 3], attrs: { group: 64, pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv2d batch8 32→64 28×28', op: 'Conv', x: [8, 32, 28, 28], w: [64, 32, 3, 3], attrs: { pads: [1, 1, 1, 1] }, bias: true },
  { name: 'conv3d 16→32 16³', op: 'Conv', x: [1, 16, 16, 16, 16], w: [32, 16, 3, 3, 3], attrs: { pads: [1, 1, 1, 1, 1, 1] }, bias: true },
  { name: 'convT anchor 64→32 28×28 s2', op: 'ConvTranspose', x: [1, 64, 28, 28], w: [64, 32, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, bias: true },
  { name: 'convT1d 64→32 k4 s2 L256', op: 'ConvTranspose', x: [1, 64, 256], w: [64, 32, 4], attrs: { strides: [2], pads: [1, 1] }, bias: true },
  { name: 'convT2d s1 32→32 32×32', op: 'ConvTranspose', x: [1, 32, 32, 32], w: [32, 32, 3, 3], attrs: { pads: [1, 1, 1, 1] }, bias: true },
  { name: 'convT2d batch8 16→16 k4 s2', op: 'ConvTranspose', x: [8, 16, 16, 16], w: [16, 16, 4, 4], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, bias: true },
  { name: 'convT3d 32→16 k4 s2 8³', op: 'ConvTranspose', x: [1, 32, 8, 8, 8], w: [32, 16, 4, 4, 4], attrs: { strides: [2, 2, 2], pads: [1, 1, 1, 1, 1, 1] }, bias: true },
  { name: 'convT2d dil2 32→32 28×28', op: 'ConvTranspose', x: [1, 32, 28, 28], w: [32, 32, 3, 3], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] }, bias: true },
  { name: 'convT2d group4 s2 op1 64→64', op: 'ConvTranspose', x: [1, 64, 28, 28], w: [64, 16, 3, 3], attrs: { group: 4, strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, bias: true },
  { name: 'convT2d depthwise 64 s2 28×28', op: 'ConvTranspose', x: [1, 64, 28, 28], w: [64, 1, 3, 3], attrs: { group: 64, strides: [2, 2], pads: [1, 1, 1, 1] }, bias: true },
  // added for issue 14 (a decoder upsampling stage twice the anchor's width)
  { name: 'convT 128→64 28×28 s2 op1', op: 'ConvTranspose', x: [1, 128, 28, 28], w: [128, 64, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, bias: true },
];

/**
 * The five shapes of the goal against onnxruntime-web's WebAssembly kernels (issue 14): the median of
 * their reference/onnxruntime-web time ratios is what the goal bounds.
 */
export const PEER_GOAL_SHAPES: readonly string[] = [
  'convT anchor 64→32 28×28 s2',
  'convT 128→64 28×28 s2 op1',
  'conv2d resnet 64→64 56×56',
  'conv2d dil2 32→32 64×64',
  'conv2d depthwise 64 56×56',
];
