/**
 * Section "Network layers" of SPEC.md: layers of real networks, with their channel counts, kernels,
 * strides, pads, dilations and groups as published, on a reduced spatial size, each judged by the
 * bound on seeded data. They are the shapes that send real kernels down their special paths (stem
 * 7×7/2, 1×1 GEMMs, depthwise, grouped, transposed k4/s2 and k2/s2, long 1-D upsampling, large
 * dilations, 3-D). Where a channel count is reduced to keep the case small, the case says so.
 *
 * `convspec verify` runs every layer once under its own case id, `network.layers/<name>`; through
 * plain runClause the clause samples layers at random.
 */
import fc from 'fast-check';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { makeTensor } from '../arbitraries/data';
import { defineClause, type ClauseContext } from '../framework/clause';
import type { EnumeratedClause, NamedCase } from '../framework/enumerated';
import { assertWithinBound } from '../framework/compare';
import { expectedWithBound } from '../tolerance';

export interface NetworkLayer {
  /** Case name (CASE_NAME grammar). */
  name: string;
  /** The network, the paper (or model card) and the layer. */
  source: string;
  op: OpName;
  /** X dims [N, C, spatial…] (spatial reduced). */
  x: number[];
  /** W dims: Conv [M, C/group, k…], ConvTranspose [C, M/group, k…]. */
  w: number[];
  attrs: ConvTransposeAttributes;
  bias: boolean;
}

const L = (name: string, source: string, op: OpName, x: number[], w: number[], attrs: ConvTransposeAttributes, bias = false): NetworkLayer => ({ name, source, op, x, w, attrs, bias });

/** The catalogue (about 1M multiply-adds each, 30M in all). */
export const NETWORK_LAYERS: NetworkLayer[] = [
  // ---- image classification backbones ----
  L('resnet50-stem-7x7-s2', 'ResNet-50 conv1: 7×7, 64, stride 2, pad 3 (He et al. 2016, Table 1)', 'Conv', [1, 3, 24, 24], [64, 3, 7, 7], { strides: [2, 2], pads: [3, 3, 3, 3] }),
  L('resnet50-bottleneck-reduce-1x1', 'ResNet-50 conv2_x bottleneck 1×1, 256 → 64 (He et al. 2016)', 'Conv', [1, 256, 8, 8], [64, 256, 1, 1], {}),
  L('resnet50-bottleneck-3x3', 'ResNet-50 conv2_x bottleneck 3×3, 64 → 64, pad 1 (He et al. 2016)', 'Conv', [1, 64, 6, 6], [64, 64, 3, 3], { pads: [1, 1, 1, 1] }),
  L('resnet50-bottleneck-expand-1x1', 'ResNet-50 conv2_x bottleneck 1×1, 64 → 256 (He et al. 2016)', 'Conv', [2, 64, 6, 6], [256, 64, 1, 1], {}),
  L('resnet50-downsample-1x1-s2', 'ResNet-50 conv3_1 projection shortcut 1×1, 256 → 512, stride 2 (He et al. 2016)', 'Conv', [1, 256, 6, 6], [512, 256, 1, 1], { strides: [2, 2] }),
  L('resnext50-grouped-3x3', 'ResNeXt-50 (32×4d) conv2 3×3, 128 → 128, 32 groups (Xie et al. 2017, Table 1)', 'Conv', [1, 128, 8, 8], [128, 4, 3, 3], { group: 32, pads: [1, 1, 1, 1] }),
  L('shufflenet-g8-grouped-1x1', 'ShuffleNet (g = 8) stage 2 1×1 GConv, 384 → 96, 8 groups (Zhang et al. 2018, Table 1)', 'Conv', [1, 384, 6, 6], [96, 48, 1, 1], { group: 8 }),
  L('yolov3-downsample-3x3-s2', 'Darknet-53 (YOLOv3) downsampling 3×3/2, 64 → 128 (Redmon & Farhadi 2018, Table 1)', 'Conv', [1, 64, 8, 8], [128, 64, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }),
  L('vit-b16-patch-embed-16x16-s16', 'ViT-B/16 patch embedding: 16×16 conv, stride 16, 3 → 768 (Dosovitskiy et al. 2021)', 'Conv', [1, 3, 32, 32], [768, 3, 16, 16], { strides: [16, 16] }, true),
  // ---- mobile networks: depthwise and pointwise ----
  L('mobilenetv1-pointwise-256', 'MobileNetV1 conv pw 1×1, 256 → 256 (Howard et al. 2017, Table 1)', 'Conv', [1, 256, 4, 4], [256, 256, 1, 1], {}),
  L('mobilenetv2-expand-1x1', 'MobileNetV2 bottleneck expansion 1×1, 24 → 144 (t = 6) (Sandler et al. 2018, Table 2)', 'Conv', [1, 24, 8, 8], [144, 24, 1, 1], {}),
  L('mobilenetv2-depthwise-3x3-s1', 'MobileNetV2 bottleneck depthwise 3×3, 144 channels, stride 1 (Sandler et al. 2018)', 'Conv', [1, 144, 10, 10], [144, 1, 3, 3], { group: 144, pads: [1, 1, 1, 1] }),
  L('mobilenetv2-depthwise-3x3-s2', 'MobileNetV2 bottleneck depthwise 3×3, 96 channels, stride 2 (Sandler et al. 2018)', 'Conv', [1, 96, 12, 12], [96, 1, 3, 3], { group: 96, strides: [2, 2], pads: [1, 1, 1, 1] }),
  L('efficientnet-b0-depthwise-5x5-s2', 'EfficientNet-B0 MBConv6 depthwise 5×5, 240 channels, stride 2 (Tan & Le 2019, Table 1)', 'Conv', [1, 240, 10, 10], [240, 1, 5, 5], { group: 240, strides: [2, 2], pads: [2, 2, 2, 2] }),
  L('convnext-depthwise-7x7', 'ConvNeXt-T block depthwise 7×7, 96 channels, pad 3 (Liu et al. 2022)', 'Conv', [1, 96, 8, 8], [96, 1, 7, 7], { group: 96, pads: [3, 3, 3, 3] }, true),
  // ---- segmentation and generative models: transposed convolutions, atrous ----
  L('dcgan-discriminator-k4-s2', 'DCGAN discriminator conv 4×4/2, pad 1, 3 → 64 (Radford et al. 2016)', 'Conv', [1, 3, 32, 32], [64, 3, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1] }),
  L('dcgan-generator-convt-k4-s2-p1', 'DCGAN generator ConvTranspose 4×4/2, pad 1, 256 → 128 (Radford et al. 2016; PyTorch DCGAN example)', 'ConvTranspose', [1, 256, 2, 2], [256, 128, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1] }),
  L('dcgan-generator-last-convt', 'DCGAN generator last ConvTranspose 4×4/2, pad 1, 128 → 3 (Radford et al. 2016)', 'ConvTranspose', [1, 128, 8, 8], [128, 3, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1] }),
  L('pix2pix-unet-decoder-convt', 'pix2pix U-Net decoder ConvTranspose 4×4/2, pad 1, 256 → 64 (Isola et al. 2017; ngf = 64)', 'ConvTranspose', [1, 256, 2, 2], [256, 64, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1] }),
  L('unet-upconv-2x2-s2', 'U-Net last up-convolution 2×2/2, 128 → 64 (Ronneberger et al. 2015)', 'ConvTranspose', [1, 128, 6, 6], [128, 64, 2, 2], { strides: [2, 2] }, true),
  L('fcn8s-upsample-k16-s8', 'FCN-8s final upsampling ConvTranspose 16×16/8, 21 → 21 classes, no bias (Long et al. 2015)', 'ConvTranspose', [1, 21, 3, 3], [21, 21, 16, 16], { strides: [8, 8] }),
  L('deeplabv3-aspp-rate6', 'DeepLabv3 ASPP 3×3 branch, rate 6, 256 output channels; input channels reduced from 2048 to 16 (Chen et al. 2017)', 'Conv', [1, 16, 8, 8], [256, 16, 3, 3], { dilations: [6, 6], pads: [6, 6, 6, 6] }),
  L('fsrcnn-deconv-x3', 'FSRCNN ×3 last layer: ConvTranspose 9×9/3, 56 → 1, pad 4, output_padding 2 (Dong et al. 2016)', 'ConvTranspose', [1, 56, 8, 8], [56, 1, 9, 9], { strides: [3, 3], pads: [4, 4, 4, 4], output_padding: [2, 2] }, true),
  L('srcnn-conv1-9x9', 'SRCNN 9-1-5 first layer: 9×9, 1 → 64, pad 4 (Dong et al. 2014)', 'Conv', [1, 1, 16, 16], [64, 1, 9, 9], { pads: [4, 4, 4, 4] }, true),
  // ---- 3-D ----
  L('unet3d-first-conv-3x3x3', '3D U-Net first conv 3×3×3, 3 → 32, pad 1 (Çiçek et al. 2016)', 'Conv', [1, 3, 8, 8, 8], [32, 3, 3, 3, 3], { pads: [1, 1, 1, 1, 1, 1] }, true),
  L('unet3d-upconv-2x2x2-s2', '3D U-Net up-convolution 2×2×2/2, 128 → 128 (Çiçek et al. 2016)', 'ConvTranspose', [1, 128, 2, 2, 2], [128, 128, 2, 2, 2], { strides: [2, 2, 2] }, true),
  // ---- audio and sequences: 1-D ----
  L('wavenet-dilated-causal-d256', 'WaveNet dilated causal conv, kernel 2, dilation 256, pads [256, 0]; 32 residual → 64 (filter + gate) channels (van den Oord et al. 2016)', 'Conv', [1, 32, 300], [64, 32, 2], { dilations: [256], pads: [256, 0] }, true),
  L('tcn-dilated-causal-k7-d4', 'TCN residual block conv, kernel 7, dilation 4, causal pads [24, 0], 25 channels (Bai, Kolter & Koltun 2018, sequential MNIST)', 'Conv', [1, 25, 100], [25, 25, 7], { dilations: [4], pads: [24, 0] }, true),
  L('hifigan-v1-upsample-k16-s8', 'HiFi-GAN V1 second upsampling ConvTranspose1d k16/8, pad 4, 256 → 128 (Kong et al. 2020)', 'ConvTranspose', [1, 256, 4], [256, 128, 16], { strides: [8], pads: [4, 4] }, true),
  L('hifigan-v1-upsample-k4-s2', 'HiFi-GAN V1 last upsampling ConvTranspose1d k4/2, pad 1, 64 → 32 (Kong et al. 2020)', 'ConvTranspose', [1, 64, 32], [64, 32, 4], { strides: [2], pads: [1, 1] }, true),
  L('wav2vec2-feature-conv0-k10-s5', 'wav2vec 2.0 feature encoder first conv, kernel 10, stride 5, 1 → 512 (Baevski et al. 2020)', 'Conv', [1, 1, 400], [512, 1, 10], { strides: [5] }),
  L('conformer-depthwise-k31', 'Conformer convolution module depthwise 1-D, kernel 31, pad 15, 256 channels (Gulati et al. 2020)', 'Conv', [1, 256, 40], [256, 1, 31], { group: 256, pads: [15, 15] }),
];

/** A deterministic seed per layer name, so every run judges the same data. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h & 0x7fffffff;
}

/** The tensors of a layer: float32 data uniform in [−2, 2) from the layer's seed. */
export function layerTensors(l: NetworkLayer): { x: Tensor; w: Tensor; b: Tensor | undefined } {
  const seed = seedOf(l.name);
  const m = l.op === 'Conv' ? l.w[0] : l.w[1] * (l.attrs.group ?? 1);
  return {
    x: makeTensor(l.x, seed),
    w: makeTensor(l.w, seed ^ 0x5bd1e995),
    b: l.bias ? makeTensor([m], seed ^ 0x1b873593) : undefined,
  };
}

/** Runs one layer on the subject and judges every output element against its bound (also model.layers). */
export async function judgeLayer(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes, ctx: ClauseContext, label: string): Promise<void> {
  const actual = await ctx.call(op, x, w, b, attrs);
  assertWithinBound(actual, expectedWithBound(op, x, w, b, attrs, ctx.profile), label);
}

async function checkLayer(l: NetworkLayer, ctx: ClauseContext): Promise<void> {
  const { x, w, b } = layerTensors(l);
  await judgeLayer(l.op, x, w, b, l.attrs, ctx, `layer ${l.name}`);
}

const clause = defineClause<NetworkLayer>({
  id: 'network.layers',
  title: 'on layers of real networks (real channels, kernels, strides, groups; reduced spatial size) the output is within the bound',
  category: 'numeric',
  // Per case, not per clause: a subject with one operator still runs the other's layers as unsupported.
  ops: [],
  arbitrary: fc.nat().map((i) => NETWORK_LAYERS[i % NETWORK_LAYERS.length]),
  runs: 8,
  check: checkLayer,
});

export const networkLayers: EnumeratedClause<NetworkLayer> = {
  ...clause,
  async enumerate(): Promise<NamedCase<NetworkLayer>[]> {
    return NETWORK_LAYERS.map((l) => ({ name: l.name, value: l }));
  },
};

export const layerClauses = [networkLayers];
