/**
 * The second, held-out scale catalogue: mutants whose one bug sits behind a condition real kernels
 * switch on at scale or at the edge of a range (tools/faults/scale2Paths.ts), on other conditions
 * and paths than the first set (scaleCatalogue.ts), each modelled on a real bug report; and correct
 * variants taking the same paths with their thresholds lowered, which must never be rejected.
 * Written blind to how the random domain draws its cases, so that the kill count measures the
 * scale-and-edges tier on bugs it was not tuned to. Spread into catalogue.ts after the first set.
 */
import type { CatalogueEntry } from './entry';
import { scale2Implementation, type Scale2Bug, type Scale2Config } from './scale2Paths';

export interface Scale2BugInfo {
  bug: Scale2Bug;
  what: string;
  /** The condition under which the bug changes results. */
  trigger: string;
  /** The real bug report(s) it is modelled on. */
  inspiration: string;
}

export const SCALE2_BUGS: Scale2BugInfo[] = [
  {
    bug: 'scale2-convt-phase-taps-past-kernel',
    what: 'ConvTranspose with a stride ≥ 4 (dilation 1) by phase decomposition, every phase given ⌈k/s⌉ taps: where s does not divide k the phases r ≥ k mod s read one tap past the kernel row (the next filter\'s weights)',
    trigger: 'ConvTranspose, every dilation 1, some stride ≥ 4, and k mod s ≠ 0 on some axis (k < s included); not 3-D with N ≥ 2 and a col buffer ≥ 2¹⁶ floats per item',
    inspiration: 'john-rocky/coreai-model-zoo#18 (Apple FB24322424: ConvTranspose1d wrong on cpu_only from stride 8, k=2/s=16 bad); ROCm/pytorch#587 (conv_transpose2d stride 4, k 8: memory access fault); Xilinx/onnx-mlir#305 (ConvTranspose as phased convs, weights padded to a multiple of the stride)',
  },
  {
    bug: 'scale2-convt-3d-batch-items-unwritten',
    what: '3-D ConvTranspose with a large col buffer runs vol2col + col2vol in a workspace of one item; the loop over the batch is missing: items 1 … N − 1 stay 0',
    trigger: 'ConvTranspose, 3 spatial axes, N ≥ 2, (M/group)·Πk·Πi ≥ 2¹⁶',
    inspiration: 'ggml-org/ggml#1448 ("ggml_conv_transpose_2d_p0 silently ignores batch dimension": items ≥ 1 are zero); FluxML/Flux.jl#978 (ConvTranspose nonsense for 3-D inputs with batch > 1)',
  },
  {
    bug: 'scale2-convt-groups-interleaved',
    what: 'grouped ConvTranspose with many groups runs all groups as one batched GEMM whose col2im addresses output channel m\' of group g as m\'·group + g (interleaved) instead of g·(M/group) + m\'',
    trigger: 'ConvTranspose, group ≥ 32, C/group ≥ 2 (not depthwise), M/group ≥ 2',
    inspiration: 'uxlfoundation/oneDNN#352 (deconvolution with group ≠ 1: groups\' outputs interleaved instead of concatenated); google/XNNPACK#1951 (deconvolution wrong with groups); tenstorrent/tt-mlir#6240 (ConvTranspose with 17 groups of 64 channels)',
  },
  {
    bug: 'scale2-plane-count-16-bit',
    what: 'one workgroup row per output plane (n, m), the plane count kept in 16 bits: only (N·M) mod 65 536 planes run, the others stay 0',
    trigger: 'N·M > 65 535 output planes (Conv and ConvTranspose)',
    inspiration: 'ROCm/rocm-libraries#10198 (MIOpen naive conv: grid size n·c truncated, the launch covers part of the problem, no error); Dao-AILab/causal-conv1d#32 (fails from 2¹⁶ channels: batch·channels on grid y); LBANN/lbann#1610 (channels on grid y, limit 65 535)',
  },
  {
    bug: 'scale2-mul24-item-offset',
    what: 'the batch item offset n·(C·Πi) of X computed with a 24-bit multiply (mul24): once C·Πi ≥ 2²³ the stride loses its high bits and items ≥ 1 read other addresses (clamped into X)',
    trigger: 'N ≥ 2 and C·Πi ≥ 2²³ = 8 388 608 (X ≥ 2²⁴ elements); Conv, and ConvTranspose except 3-D with a col buffer ≥ 2¹⁶ floats per item (run item by item)',
    inspiration: 'opencv/opencv#3195 ("OCL: Remove mul24": ids above 2²³, e.g. 3840×2160×3, give implementation-defined products); ROCm/hip#85 (v_mad_i32_i24: 24-bit integer multiply-add)',
  },
  {
    bug: 'scale2-grouped-long-kernel-ungrouped-offset',
    what: 'grouped Conv with a last kernel axis longer than 64 taps runs in chunks of 64 taps; the chunks after the first compute their weight offset as (m·C + c)·Πk with C of the whole layer instead of C/group: other filters\' weights, or 0 past the end of W',
    trigger: 'Conv, group ≥ 2 (depthwise included), last kernel axis k > 64 (e.g. HuBERT\'s pos_conv: 768 channels, 16 groups, k = 128)',
    inspiration: 'modular/modular#6129 ("ops.conv2d produces incorrect results with groups > 1 and large kernel size (K=128)": K = 1 and 3 correct)',
  },
  {
    bug: 'scale2-pad-beyond-window-clamped',
    what: 'border outputs run a tap loop that executes at least once: an output whose window lies wholly in the padding still reads one tap (k − 1 before the input, 0 after it) at the clamped edge address instead of padding',
    trigger: 'Conv with an output window wholly in the padding: a begin pad > d·(k − 1), or an end pad the last window lies wholly in (k = 1 with any pad included); not grouped with a last kernel axis > 64',
    inspiration: 'OpenPPL/ppl.nn#461 ("[x86][fix] fix conv2d when pad>=kernel_size"); Maratyszcza/NNPACK#103 (padding ≥ kernel size unsupported: FCN\'s pad 100); xmos/ai_tools#330 (padding greater than the kernel size in Conv2D)',
  },
  {
    bug: 'scale2-pointwise-workgroup-cap',
    what: 'pointwise (1×1) Conv with one invocation per output channel of a group, the workgroup capped at 256 invocations and the loop over further passes missing: channels from 256 on in each group stay 0',
    trigger: 'Conv, every kernel size 1, M/group > 256',
    inspiration: 'microsoft/onnxruntime#27996 (review: a WebGPU workgroup capped at 256 after rounding up silently drops rows ≥ 256); halide/Halide#7420 (WebGPU: 512 invocations exceed the maximum of 256)',
  },
];

const mutant = (info: Scale2BugInfo): CatalogueEntry => ({ id: info.bug, bug: info.what, verdict: 'reject', impl: scale2Implementation(`mutant ${info.bug}`, { bug: info.bug }) });
const good = (id: string, bug: string, config: Scale2Config): CatalogueEntry => ({ id, bug, verdict: 'accept', impl: scale2Implementation(id, config) });

/** The correct variants: the same paths, correct, and with thresholds lowered so that nearly every case takes one. */
export const SCALE2_GOOD: CatalogueEntry[] = [
  good('scale2-paths-float32', 'the second scale kernel with every path correct at its real thresholds: ConvTranspose phases from stride 4, 3-D ConvTranspose item by item, batched groups from 32, tap chunks of 64, pointwise passes of 256', {}),
  good('scale2-phase-deconv-float32', 'every ConvTranspose with dilation 1 by phase decomposition (from stride 1), every ConvTranspose with N ≥ 2 item by item, batched groups from 2', {
    phase: { minStride: 1 }, items: { minRank: 1, minCol: 0 }, batchedGroups: { minGroups: 2 },
  }),
  good('scale2-tap-chunks-float32', 'every Conv with a last kernel axis longer than 3 in chunks of 3 taps (partials summed in float32, the bias once), pointwise Conv in passes of 4 output channels', {
    tapChunks: { minGroups: 1, chunk: 3 }, pointwiseCap: 4,
  }),
];

export const SCALE2_CATALOGUE: CatalogueEntry[] = [...SCALE2_GOOD, ...SCALE2_BUGS.map(mutant)];
