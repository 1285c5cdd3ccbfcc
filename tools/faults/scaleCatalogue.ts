/**
 * The scale catalogue: mutants whose one bug sits behind a condition real kernels switch on at
 * scale or at the edge of a range (tools/faults/scalePaths.ts), each modelled on a real bug report,
 * and correct variants that take the same kinds of paths — chunked im2col and col2im, split-K,
 * batch tiles and grid chunks, Winograd at scale — which must never be rejected. Written blind to
 * how the random domain draws its cases: the mutants prove that a tier of the domain reaches bugs it
 * was not designed around. Spread into catalogue.ts.
 */
import type { CatalogueEntry } from './entry';
import { scaleImplementation, type ScaleBug, type ScaleConfig } from './scalePaths';

export interface ScaleBugInfo {
  bug: ScaleBug;
  what: string;
  /** The condition under which the bug changes results. */
  trigger: string;
  /** The real bug report(s) it is modelled on. */
  inspiration: string;
  /** Extra configuration of the kernel (e.g. the Winograd path). */
  config?: ScaleConfig;
}

export const SCALE_BUGS: ScaleBugInfo[] = [
  {
    bug: 'scale-batch-grid-z-clamped',
    what: 'the batch rides one dispatch dimension clamped to 65 535: items from 65 535 on are never computed (0)',
    trigger: 'N > 65 535',
    inspiration: 'tensorflow/tensorflow#9870 "Incorrect inference in convnet with batch size >65535" (outputs after 65 535 are zero); gpuweb/gpuweb#4008',
  },
  {
    bug: 'scale-dispatch-split-ignores-y',
    what: 'one thread per output, 64 per workgroup; past 65 535 workgroups the dispatch is folded into [s, s] but the index reads workgroup_id.x alone: outputs from s·64 on stay 0',
    trigger: 'N·M·Πo > 65 535·64 = 4 194 240 outputs',
    inspiration: 'tensorflow/tfjs#5432 "webgpu: fix dispatch size exceeds the limits" (ops kept gl_GlobalInvocationID.x instead of getGlobalIndex()); sonos/tract#2820; ggml-org/llama.cpp#19965',
  },
  {
    bug: 'scale-float32-flat-index',
    what: 'the flat X index computed in float32 (WebGL-style shader arithmetic): above 2²⁴ it rounds to a neighbouring element',
    trigger: 'X has more than 2²⁴ = 16 777 216 elements (odd indices above it read their neighbour)',
    inspiration: 'tensorflow/tfjs#1936 "tf.Conv2D on WebGL unreliable for large inputs"; tensorflow/tfjs#7448 (outputs zeroed at a precise tensor size on WebGL)',
  },
  {
    bug: 'scale-uint16-plane-offsets',
    what: 'the gather (Conv) / scatter (ConvTranspose) table of in-plane offsets keeps 16 bits: offsets wrap modulo 65 536',
    trigger: 'an input plane (Conv) or output plane (ConvTranspose) of more than 65 536 elements',
    inspiration: 'NVIDIA/cccl#1355 (16-bit offset types fail from 2¹⁶ items); tinygrad/tinygrad#11782 (WebGPU breaks just above 65 536 elements)',
  },
  {
    bug: 'scale-splitk-tail-chunk-dropped',
    what: 'split-K over K = (C/group)·Πk in chunks of 4096 (taken when C/group ≥ 256): the last, partial chunk is never reduced',
    trigger: 'C/group ≥ 256 and K > 4096 with K mod 4096 ≠ 0',
    inspiration: 'tenstorrent/tt-metal#5087 "Conv fails for input channels size not divisible by 32"; modular/modular#6248 (conv2d wrong from C_in ≥ 8: packing tail)',
  },
  {
    bug: 'scale-splitk-bias-per-split',
    what: 'split-K (C/group ≥ 256, K > 4096): every partial chunk adds the bias, so it is added ⌈K/4096⌉ times',
    trigger: 'C/group ≥ 256, K > 4096, a non-zero bias',
    inspiration: 'tenstorrent/tt-metal#21110 "fix SDXL bias for split conv" (bias split by the input-channel splits)',
  },
  {
    bug: 'scale-depthwise-channel-blocks-floor',
    what: 'depthwise kernels (group = C ≥ 256) run workgroups of 256 channels counted as ⌊C/256⌋: the last C mod 256 channels are never written (0)',
    trigger: 'group = C ≥ 256 with C mod 256 ≠ 0 (EfficientNet 672, 1152 …)',
    inspiration: 'bhuman/CompiledNN#16 "DConv2D does not work for channel numbers that are not multiples of 4"; tenstorrent/tt-metal#10256 (out_channels 255)',
  },
  {
    bug: 'scale-channel-tile-stale-lanes',
    what: 'input channels staged in shared-memory tiles of 64 (C/group ≥ 256); the partial last tile is not masked, so its idle lanes add the previous tile\'s channels again',
    trigger: 'C/group ≥ 256 with C/group mod 64 ≠ 0',
    inspiration: 'modular/modular#6248 "ops.conv2d produces incorrect results when C_in >= 8" (filter packing reads past the tile); tenstorrent/tt-metal#5087',
  },
  {
    bug: 'scale-winograd-tail-column-unwritten',
    what: 'Winograd F(2×2,3×3) on large planes (≥ 16 384 outputs, 3×3, stride 1): with an odd output width the tail tile column is never computed (last column 0)',
    trigger: '2-D 3×3 stride-1 dilation-1 Conv, Πo ≥ 16 384, odd output width',
    inspiration: 'adam-dziedzic/winograd#1 (F(4×4,3×3) wrong beyond 6×6: tile overlap); andravin/wincnn#17 (tile count); apache/tvm#7090 (Winograd on non-square inputs)',
    config: { winograd: 'large' },
  },
  {
    bug: 'scale-patchify-row-stride',
    what: 'patch embedding (k = s ≥ 4 on every axis, no pads, group 1) as space-to-depth + GEMM with the input row stride taken as o·s instead of i',
    trigger: 'k = s ≥ 4 (ViT 16×16/16, ConvNeXt 4×4/4) with an input size not a multiple of the stride',
    inspiration: 'mahmoodlab/KRONOS#9 (PatchEmbed grid ignores the stride); open-mmlab/mmpretrain#330 ("FIXME look at relaxing size constraints")',
  },
  {
    bug: 'scale-space-to-batch-tail-dropped',
    what: 'atrous conv (all dilations equal ≥ 6, stride 1) via space-to-batch with every phase ⌊L/d⌋ long: the padded input\'s tail from d·⌊L/d⌋ on is lost',
    trigger: 'dilation d ≥ 6 on every axis and (i + pads) mod d ≠ 0, with real input in the tail',
    inspiration: 'tensorflow/tensorflow#30167, #18862 ("padded_shape is not divisible by block_shape" in SpaceToBatchND for dilated convs); tensorflow/tfjs#597',
  },
  {
    bug: 'scale-row-segment-halo-ignores-dilation',
    what: 'rows of more than 8192 outputs are computed in segments of 4096 whose input window has a halo of k − 1 instead of d·(k − 1): taps past the window read 0',
    trigger: 'Conv with last-axis output > 8192 and dilation > 1 on it',
    inspiration: 'tenstorrent/tt-metal#18049 (halo size with dilation); distdl/distdl#178 (halo calculation ignores dilations)',
  },
  {
    bug: 'scale-large-kernel-pad-end-as-begin',
    what: 'large kernels (some k ≥ 9) pad the input explicitly, sizing the buffer with the begin pad on both sides: where the end pad is larger, reads run on into the next row',
    trigger: 'Conv with some k ≥ 9 and an end pad larger than its begin pad (e.g. SAME_UPPER with total pad 1)',
    inspiration: 'ARM-software/ComputeLibrary#743 (asymmetric padding mismatch); apache/tvm#4511 (places that treat padding as symmetric); deephealthproject/eddl#281',
  },
  {
    bug: 'scale-h1-path-pads-of-wrong-axis',
    what: '2-D inputs of height 1 and width ≥ 8192 run as 1-D along W, reading its pads from ONNX pads[0], pads[1] (x1_begin, x2_begin) instead of x2_begin, x2_end',
    trigger: 'rank 2, H = 1, k_h = 1, no pads on H, W ≥ 8192, a non-zero W begin pad',
    inspiration: 'onnx/tensorflow-onnx#1028 and #66 (pads order mixed up); robertknight/rten#1399 (padding order mixup for ConvTranspose); tinygrad/tinygrad#835 (conv1d as conv2d)',
  },
  {
    bug: 'scale-im2col-chunk-start-ignores-stride',
    what: 'im2col in chunks of output rows once the buffer would exceed 2²⁴ floats; each chunk\'s input window starts at r0 − p instead of r0·s − p',
    trigger: 'rank ≥ 2, (C/group)·Πk·Πo > 2²⁴, stride > 1 on the first spatial axis',
    inspiration: 'uxlfoundation/oneDNN#2387 (gemm conv limits for huge spatial sizes); scipy/scipy#10761 (convolve2d wrong beyond a size); Theano/Theano#6045 (cuDNN wrong above 1 GB inputs)',
  },
  {
    bug: 'scale-col2im-chunk-overwrites-overlap',
    what: 'ConvTranspose col2im in chunks of input rows once the col buffer would exceed 2²² floats; each chunk\'s output rows are stored, not added, losing the previous chunk\'s contributions where they overlap (k > s)',
    trigger: 'rank ≥ 2, (M/group)·Πk·Πi > 2²², kernel larger than the stride on the first axis',
    inspiration: 'ARM-software/ComputeLibrary#743 (NEDeconvolutionLayer mismatch); tenstorrent/tt-metal#33980 (halo with mismatched grids)',
  },
  {
    bug: 'scale-batch-tile-input-stride',
    what: 'batches of 16 or more run in tiles of 8 items; tile t is written at t·8 times the input item size C·Πi instead of the output item size M·Πo',
    trigger: 'N ≥ 16 and C·Πi ≠ M·Πo',
    inspiration: 'NervanaSystems/neon#361 "Conv3D produces incorrect results when batch_size > 32 and batch_size % 32 != 0"; tensorflow/tensorflow#1299',
  },
];

const mutant = (info: ScaleBugInfo): CatalogueEntry => {
  const impl = scaleImplementation(`mutant ${info.bug}`, { ...info.config, bug: info.bug });
  return { id: info.bug, bug: info.what, verdict: 'reject', impl };
};
const good = (id: string, bug: string, config: ScaleConfig): CatalogueEntry => ({ id, bug, verdict: 'accept', impl: scaleImplementation(id, config) });

/** The correct variants: the same paths with thresholds lowered so that every case takes them. */
export const SCALE_GOOD: CatalogueEntry[] = [
  good('scale-paths-float32', 'the scale kernel with every path correct: im2col + 4×2 GEMM, col2im, grid chunks of 65 535, batch tiles, the special paths at their thresholds', {}),
  good('scale-chunked-im2col-float32', 'im2col in chunks of output rows and col2im in chunks of input rows from 256 floats on (nearly always one row), rows longer than 1000 outputs in segments of 700', {
    im2colLimit: 256, col2imLimit: 256, segment: { min: 1000, length: 700 },
  }),
  good('scale-splitk-float32', 'split-K in chunks of 7 along every reduction of 8 or more, partials summed in float32, the bias added once', {
    splitK: { minChannels: 1, chunk: 7 },
  }),
  good('scale-batch-grid-tiled-float32', 'batch tiles of 2 from N ≥ 2 and dispatch grids of 3 items, every chunk run', {
    batchTile: { min: 2, size: 2 }, grid: { limit: 3, threads: 64 },
  }),
  { ...good('scale-winograd-float32', 'Winograd F(2×2,3×3) with float32 transforms for every 2-D 3×3 stride-1 Conv (declares algorithm: transform), the scale kernel elsewhere', {
    winograd: 'always',
  }) },
];

export const SCALE_CATALOGUE: CatalogueEntry[] = [...SCALE_GOOD, ...SCALE_BUGS.map(mutant)];
