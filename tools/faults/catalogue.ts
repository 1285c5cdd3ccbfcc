/**
 * The catalogue: deliberately broken implementations, each named for its one bug, and the correct
 * variants the verifier must accept. `convspec` is only trustworthy if every mutant is rejected
 * (the suite sees each mistake) and every good variant passes (zero false alarms for correct float32
 * kernels of any summation order). tools/faults/test and `npm run mutants` check both.
 */
import { reference } from '../../impl/reference';
import { rowMajorStrides } from '../../impl/direct';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { dtypeCatalogue } from './dtypes';
import type { CatalogueEntry } from './entry';
import { fftKernel } from './algorithms/fft';
import { winogradKernel } from './algorithms/winograd';
import { pairwiseGatherKernel } from './otherOrder';
import { roundToFloat16, roundToTf32 } from './rounding';
import { unwrittenOutputsNaN } from './uninitialised';
import { cachedByShape, flipsWeightsInPlace, reusedOutputBuffer, staleAccumulator } from './stateful';
import { referenceGeometry, variant, withAttributes, withGeometry } from './variant';
import { PATH_BUGS, shapePathKernel } from './shapePaths';
import { SCALE_CATALOGUE } from './scaleCatalogue';

export type { CatalogueEntry } from './entry';

/** Reversed kernel tap along every axis: what a missing (or extra) spatial flip does. */
const flipped = (g: ConvGeometry, a: number, k: number) => g.kernel[a] - 1 - k;

/** Flat tap index of multi-index k when the kernel's spatial axes are read in reverse order. */
function transposedTap(g: ConvGeometry, k: readonly number[]): number {
  const reversedDims = [...g.kernel].reverse();
  const strides = rowMajorStrides(reversedDims);
  return [...k].reverse().reduce((acc, v, i) => acc + v * strides[i], 0);
}

const mutant = (id: string, bug: string, impl: ImplementationWithSupports): CatalogueEntry => ({ id, bug, verdict: 'reject', impl: { ...impl, name: `mutant ${id}` } });
const good = (id: string, bug: string, impl: ImplementationWithSupports): CatalogueEntry => ({ id, bug, verdict: 'accept', impl: { ...impl, name: id } });

export const catalogue: CatalogueEntry[] = [
  // ---- the correct variants ----
  good('reference', 'the reference itself: float64 accumulation, one rounding', reference),
  good('float32-accumulation', 'the same loops with every product and partial sum rounded to float32', variant({
    conv: { multiplyAdd: (acc, x, w) => Math.fround(acc + Math.fround(x * w)) },
    convTranspose: { multiplyAdd: (acc, x, w) => Math.fround(acc + Math.fround(x * w)) },
  })),
  good('pairwise-gather-float32', 'another algorithm and order: gathers (ConvTranspose too), pairwise float32 tree sums, bias last', variant({ kernel: pairwiseGatherKernel })),
  // Transform algorithms do not sum the direct products, so they declare it: the bound adds the
  // normwise term of spec/tolerance.ts transformTerm. Winograd F(2,3) keeps small integers exact
  // (its transforms only halve, so every intermediate is a short dyadic); the FFT does not.
  good('winograd-float32', 'Winograd F(2,3) / F(2×2,3×3) in float32 where the kernel is 3 taps at stride 1, float32 blocked im2col+GEMM elsewhere', {
    ...variant({ kernel: winogradKernel }), supports: { algorithm: 'transform' },
  }),
  good('fft-float32', 'radix-2 FFT correlation in float32 (every butterfly rounded) in 1-D and 2-D, float32 direct in reverse order in 3-D', {
    ...variant({ kernel: fftKernel }), supports: { exactSmallIntegers: false, algorithm: 'transform' },
  }),
  good('shape-paths-float32', 'paths chosen from the shape (batch tiles, depthwise, 1×1 GEMM, per-channel accumulator, stride-2 tap pairs, channel blocks, tiles), each in correct float32', variant({ kernel: shapePathKernel() })),

  // ---- kernel orientation ----
  mutant('convtranspose-missing-kernel-flip', 'ConvTranspose scatters with the kernel reversed on every axis (the zero-insertion form without its flip)', variant({
    convTranspose: { position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + flipped(g, a, k) * g.dilations[a] },
  })),
  mutant('conv-kernel-flipped', 'Conv computes a true convolution (kernel flipped) instead of ONNX cross-correlation', variant({
    conv: { position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + flipped(g, a, k) * g.dilations[a] },
  })),
  mutant('transposed-spatial-axes', 'kernel taps read with the spatial axes in reverse order (W[kh, kw] as W[kw, kh])', variant({
    conv: { weightIndex: (g, m, c, _kf, k) => (m * g.weightDims[1] + c) * product(g.kernel) + transposedTap(g, k) },
    convTranspose: { weightIndex: (g, c, mo, _kf, k) => (c * g.weightDims[1] + mo) * product(g.kernel) + transposedTap(g, k) },
  })),

  // ---- padding ----
  mutant('pads-on-wrong-side', 'begin and end pads exchanged after resolution', variant({
    geometry: withGeometry((g) => {
      [g.padsBegin, g.padsEnd] = [g.padsEnd, g.padsBegin];
    }),
  })),
  mutant('pads-order-interleaved', 'pads read as [x1_begin, x1_end, x2_begin, …] instead of ONNX [x1_begin, x2_begin, …, x1_end, …]', variant({
    geometry: withAttributes((_op, attrs) => {
      if (attrs.pads) {
        const r = attrs.pads.length / 2;
        attrs.pads = [...Array.from({ length: r }, (_, a) => attrs.pads![2 * a]), ...Array.from({ length: r }, (_, a) => attrs.pads![2 * a + 1])];
      }
      return attrs;
    }),
  })),
  mutant('same-upper-lower-swapped', 'SAME_UPPER puts the odd padding where SAME_LOWER should, and vice versa', variant({
    geometry: withAttributes((_op, attrs) => {
      if (attrs.auto_pad === 'SAME_UPPER') attrs.auto_pad = 'SAME_LOWER';
      else if (attrs.auto_pad === 'SAME_LOWER') attrs.auto_pad = 'SAME_UPPER';
      return attrs;
    }),
  })),
  mutant('output-padding-at-start', 'ConvTranspose output_padding added before the first element instead of after the last', variant({
    geometry: withGeometry((g) => {
      g.outputPadding.forEach((p, a) => {
        g.padsBegin[a] -= p;
        g.padsEnd[a] += p;
      });
    }),
  })),
  mutant('output-padding-ignored', 'ConvTranspose drops output_padding (output one short per axis where it is set)', variant({
    geometry: withAttributes((_op, attrs) => ({ ...attrs, output_padding: undefined })),
  })),
  mutant('output-shape-ignored', 'ConvTranspose ignores output_shape and returns the natural size', variant({
    geometry: withAttributes((_op, attrs) => ({ ...attrs, output_shape: undefined })),
  })),

  // ---- sizes ----
  mutant('effective-kernel-d-times-k', 'effective kernel size taken as d·k instead of d·(k−1)+1 (sizes wrong whenever d > 1)', variant({
    geometry: withGeometry((g) => {
      g.outputSpatial = g.outputSpatial.map((o, a) => {
        const wrongBy = g.dilations[a] * g.kernel[a] - (g.dilations[a] * (g.kernel[a] - 1) + 1);
        if (g.op === 'ConvTranspose') return o + wrongBy;
        const span = g.inputSpatial[a] + g.padsBegin[a] + g.padsEnd[a] - g.dilations[a] * g.kernel[a];
        return Math.floor(span / g.strides[a]) + 1;
      });
    }),
  })),
  mutant('conv-output-size-rounds-up', 'Conv output size ⌈(i + p − d(k−1) − 1)/s⌉ + 1 (ceil mode) instead of ⌊…⌋ + 1', variant({
    geometry: withGeometry((g) => {
      if (g.op !== 'Conv') return;
      g.outputSpatial = g.outputSpatial.map((_o, a) => {
        const span = g.inputSpatial[a] + g.padsBegin[a] + g.padsEnd[a] - (g.dilations[a] * (g.kernel[a] - 1) + 1);
        return Math.ceil(span / g.strides[a]) + 1;
      });
    }),
  })),

  mutant('same-padding-ignores-stride', 'Conv SAME total padding d(k−1) as if the stride were 1: right output size, windows shifted when s > 1', variant({
    geometry: withGeometry((g) => {
      if (g.op !== 'Conv' || (g.autoPad !== 'SAME_UPPER' && g.autoPad !== 'SAME_LOWER')) return;
      g.padsBegin = g.kernel.map((k, a) => {
        const total = g.dilations[a] * (k - 1);
        return g.autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
      });
    }),
  })),
  mutant('convtranspose-crops-end-only', 'ConvTranspose removes pads_begin + pads_end from the end instead of pads_begin from the start', variant({
    geometry: withGeometry((g) => {
      if (g.op !== 'ConvTranspose') return;
      g.padsEnd = g.padsEnd.map((e, a) => e + g.padsBegin[a]);
      g.padsBegin = g.padsBegin.map(() => 0);
    }),
  })),
  mutant('end-bounds-check-off-by-one', 'Conv treats position i (one past the end) as inside and reads the next row (or past the buffer)', variant({
    conv: { outsideValue: (g, x, n, ch, pos) => {
      // Only the tap exactly one past the end on every outside axis slips through the "> i" test.
      if (!pos.every((p, a) => p >= 0 && p <= g.inputSpatial[a])) return undefined;
      const strides = rowMajorStrides(g.inputSpatial);
      return x[(n * g.inChannels + ch) * product(g.inputSpatial) + pos.reduce((acc, p, a) => acc + p * strides[a], 0)] ?? NaN;
    } },
  })),

  // ---- stride and dilation ----
  mutant('dilation-ignored', 'sizes use the dilation but the kernel taps are read as if d = 1', variant({
    conv: { position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + k },
    convTranspose: { position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + k },
  })),
  mutant('convtranspose-stride-ignored', 'ConvTranspose output has the strided size but inputs are scattered with stride 1', variant({
    convTranspose: { position: (g, a, o, k) => o - g.padsBegin[a] + k * g.dilations[a] },
  })),
  mutant('stride-dilation-swapped', 'stride used where the dilation belongs and the dilation where the stride belongs, in the loops', variant({
    conv: { position: (g, a, o, k) => o * g.dilations[a] - g.padsBegin[a] + k * g.strides[a] },
    convTranspose: { position: (g, a, o, k) => o * g.dilations[a] - g.padsBegin[a] + k * g.strides[a] },
  })),

  // ---- channels, groups, layout, batch ----
  mutant('group-offsets-wrong', 'Conv reads group g from input channel g·(M/group) instead of g·(C/group)', variant({
    conv: { inputChannel: (g, grp, c) => grp * (g.outChannels / g.group) + c },
  })),
  mutant('convtranspose-group-offsets-wrong', 'ConvTranspose writes group g to output channel g·(C/group) instead of g·(M/group)', variant({
    convTranspose: { outputChannel: (g, grp, mo) => grp * (g.inChannels / g.group) + mo },
  })),
  mutant('channels-per-group-one', 'Conv sums only the first input channel of each group (depthwise assumed)', variant({
    conv: { channelsSummed: () => 1 },
  })),
  mutant('convtranspose-weight-layout-swapped', 'ConvTranspose W read as [M/group, C, k…] instead of [C, M/group, k…]', variant({
    convTranspose: { weightIndex: (g, c, mo, kf) => (mo * g.inChannels + c) * product(g.kernel) + kf },
  })),
  mutant('conv-weight-layout-swapped', 'Conv W read as [C/group, M, k…] instead of [M, C/group, k…]', variant({
    conv: { weightIndex: (g, m, c, kf) => (c * g.outChannels + m) * product(g.kernel) + kf },
  })),
  mutant('batch-items-mixed', 'Conv indexes X as [C, N, …] (batch and channel axes exchanged)', variant({
    conv: { inputIndex: (g, n, ch, offset) => (ch * g.batch + n) * product(g.inputSpatial) + offset },
  })),

  mutant('last-kernel-tap-skipped', 'the tap loop stops one short (kf < kSize − 1): the last kernel element never contributes', variant({
    conv: { weightIndex: (g, m, c, kf) => (kf === product(g.kernel) - 1 ? -1 : (m * g.weightDims[1] + c) * product(g.kernel) + kf) },
    convTranspose: { weightIndex: (g, c, mo, kf) => (kf === product(g.kernel) - 1 ? -1 : (c * g.weightDims[1] + mo) * product(g.kernel) + kf) },
  })),
  mutant('conv-first-batch-item-only', 'Conv computes batch item 0 only; the other items get just the bias', variant({
    conv: { inputIndex: (g, n, ch, offset) => (n === 0 ? (ch * product(g.inputSpatial) + offset) : -1) },
  })),

  // ---- bias ----
  mutant('bias-ignored', 'the bias input is never added', variant({
    conv: { bias: () => 0 },
    convTranspose: { bias: () => 0 },
  })),
  mutant('bias-on-one-channel', 'only output channel 0 gets its bias', variant({
    conv: { bias: (b, m) => (m === 0 ? b[0] : 0) },
    convTranspose: { bias: (b, m) => (m === 0 ? b[0] : 0) },
  })),

  // ---- precision ----
  mutant('float16-accumulation', 'every partial sum rounded to float16 while declaring float32', variant({
    conv: { multiplyAdd: (acc, x, w) => roundToFloat16(acc + x * w) },
    convTranspose: { multiplyAdd: (acc, x, w) => roundToFloat16(acc + x * w) },
  })),
  mutant('tf32-inputs', 'inputs rounded to TF32 (10-bit fraction) before multiplying, while declaring float32', variant({
    conv: { multiplyAdd: (acc, x, w) => acc + roundToTf32(x) * roundToTf32(w) },
    convTranspose: { multiplyAdd: (acc, x, w) => acc + roundToTf32(x) * roundToTf32(w) },
  })),
  mutant('convtranspose-unwritten-outputs-nan', 'ConvTranspose leaves output positions no input reaches uninitialised (NaN) instead of bias or 0', variant({
    kernel: unwrittenOutputsNaN,
  })),

  // ---- paths that only realistic shapes take (spec/arbitraries/realistic.ts); the correct variant is shape-paths-float32 ----
  ...PATH_BUGS.map(({ bug, what }) => mutant(bug, what, variant({ kernel: shapePathKernel(bug) }))),

  // ---- non-finite shortcuts ----
  mutant('zero-operands-skipped', 'a product is skipped when x or w is 0 (a sparsity shortcut): 0·∞ and 0·NaN never make NaN', variant({
    conv: { multiplyAdd: (acc, x, w) => (x === 0 || w === 0 ? acc : acc + x * w) },
    convTranspose: { multiplyAdd: (acc, x, w) => (x === 0 || w === 0 ? acc : acc + x * w) },
  })),

  // ---- validation: an answer where an error is due ----
  mutant('negative-pads-clamped', 'negative pads silently clamped to 0 instead of refused', variant({
    geometry: withAttributes((_op, attrs) => (attrs.pads ? { ...attrs, pads: attrs.pads.map((p) => (typeof p === 'number' && p < 0 ? 0 : p)) } : attrs)),
  })),
  mutant('bias-length-unchecked', 'a bias with more than M values is accepted and its first M used', variant({
    geometry: (op, x, w, b, attrs) => {
      const m = op === 'Conv' ? w.dims[0] : w.dims[1] * (attrs.group ?? 1);
      const trimmed = b && b.dims.length === 1 && b.dims[0] > m ? { dims: [m], data: b.data.subarray(0, m) } : b;
      return referenceGeometry(op, x, w, trimmed, attrs);
    },
  })),

  // ---- state and inputs ----
  mutant('stale-accumulator', 'the accumulation buffer is reused between calls of the same output size without being cleared', staleAccumulator()),
  mutant('reused-output-buffer', 'every call of the same output size returns the same Float32Array, overwriting earlier results', reusedOutputBuffer()),
  mutant('result-cached-by-shape', 'results memoised on shapes and attributes only: the same configuration with other data returns the earlier result', cachedByShape()),
  mutant('weights-flipped-in-place', 'right answer, but W is left flipped in the caller\'s buffer', flipsWeightsInPlace()),

  // ---- element types: float16, bfloat16, float64 tensors (tools/faults/dtypes.ts) ----
  ...dtypeCatalogue,

  // ---- paths real kernels take at scale (tools/faults/scalePaths.ts), written blind to the random domain ----
  ...SCALE_CATALOGUE,
];

export const mutants = catalogue.filter((e) => e.verdict === 'reject');
export const goodVariants = catalogue.filter((e) => e.verdict === 'accept');
