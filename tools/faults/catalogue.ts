/**
 * The catalogue: deliberately broken implementations, each named for its one bug, and the correct
 * variants the verifier must accept. `convspec` is only trustworthy if every mutant is rejected
 * (the suite sees each mistake) and every good variant passes (zero false alarms for correct float32
 * kernels of any summation order). tools/faults/test and `npm run mutants` check both.
 */
import { reference } from '../../impl/reference';
import { rowMajorStrides } from '../../impl/direct';
import { product } from '../../impl/resolve';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { dtypeCatalogue } from './dtypes';
import type { CatalogueEntry } from './entry';
import { fftKernel } from './algorithms/fft';
import { winogradKernel } from './algorithms/winograd';
import { pairwiseGatherKernel } from './otherOrder';
import { roundToTf32 } from './rounding';
import { unwrittenOutputsNaN } from './uninitialised';
import { cachedByShape, flipsWeightsInPlace, reusedOutputBuffer, staleAccumulator } from './stateful';
import { referenceGeometry, variant, withAttributes, withGeometry } from './variant';
import { faultModel, onlyIn } from '../../spec/faults/models';
import { multiBugMutants } from './multiBug';
import type { OpName } from '../../impl/types';
import { PATH_BUGS, shapePathKernel } from './shapePaths';
import { SCALE_CATALOGUE } from './scaleCatalogue';
import { SCALE2_CATALOGUE } from './scaleCatalogue2';

export type { CatalogueEntry } from './entry';

/**
 * A mutant that carries a fault model (spec/faults/models.ts) as it is: the model is the mutant, so
 * the test that each mutant's finding is consistent with its fault proves the model recognised.
 * `op` restricts the defect to one operator (the reference on the other).
 */
const carrying = (id: string, fault: string, op?: OpName): CatalogueEntry => {
  const m = faultModel(fault);
  return { ...mutant(id, op ? `${op} only: ${m.defect}` : m.defect, op ? onlyIn(op, m) : m.impl), fault };
};

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
  carrying('convtranspose-missing-kernel-flip', 'kernel-not-flipped', 'ConvTranspose'),
  carrying('conv-kernel-flipped', 'kernel-not-flipped', 'Conv'),
  carrying('transposed-spatial-axes', 'kernel-axes-transposed'),

  // ---- padding ----
  carrying('pads-on-wrong-side', 'pads-begin-end-swapped'),
  mutant('pads-order-interleaved', 'pads read as [x1_begin, x1_end, x2_begin, …] instead of ONNX [x1_begin, x2_begin, …, x1_end, …]', variant({
    geometry: withAttributes((_op, attrs) => {
      if (attrs.pads) {
        const r = attrs.pads.length / 2;
        attrs.pads = [...Array.from({ length: r }, (_, a) => attrs.pads![2 * a]), ...Array.from({ length: r }, (_, a) => attrs.pads![2 * a + 1])];
      }
      return attrs;
    }),
  })),
  carrying('same-upper-lower-swapped', 'same-upper-lower-swapped'),
  carrying('output-padding-at-start', 'output-padding-at-start'),
  carrying('output-padding-ignored', 'output-padding-ignored'),
  carrying('output-shape-ignored', 'output-shape-ignored'),

  // ---- sizes ----
  carrying('effective-kernel-d-times-k', 'dilated-extent-dk'),
  carrying('conv-output-size-rounds-up', 'ceil-output-size'),

  carrying('same-padding-ignores-stride', 'same-pads-ignore-stride'),
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
  carrying('dilation-ignored', 'dilation-ignored'),
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
  carrying('convtranspose-weight-layout-swapped', 'weight-layout-transposed', 'ConvTranspose'),
  carrying('conv-weight-layout-swapped', 'weight-layout-transposed', 'Conv'),
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
  carrying('bias-ignored', 'bias-missing'),
  carrying('bias-on-one-channel', 'bias-first-channel-only'),

  // ---- precision ----
  carrying('float16-accumulation', 'accumulation-float16'),
  mutant('tf32-inputs', 'inputs rounded to TF32 (10-bit fraction) before multiplying, while declaring float32', variant({
    conv: { multiplyAdd: (acc, x, w) => acc + roundToTf32(x) * roundToTf32(w) },
    convTranspose: { multiplyAdd: (acc, x, w) => acc + roundToTf32(x) * roundToTf32(w) },
  })),
  mutant('convtranspose-unwritten-outputs-nan', 'ConvTranspose leaves output positions no input reaches uninitialised (NaN) instead of bias or 0', variant({
    kernel: unwrittenOutputsNaN,
  })),

  // ---- fault models that no older mutant carried ----
  carrying('pads-symmetric', 'pads-symmetric'),
  carrying('stride-first-axis-only', 'stride-first-axis-only'),
  carrying('group-offset-zero', 'group-offset-zero'),
  carrying('batch-items-as-first', 'batch-items-as-first'),
  carrying('overlap-overwrites', 'overlap-overwrites'),
  ...multiBugMutants,

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

  // ---- a second, held-out set on other scale and edge paths (tools/faults/scale2Paths.ts), also blind ----
  ...SCALE2_CATALOGUE,
];

export const mutants = catalogue.filter((e) => e.verdict === 'reject');
export const goodVariants = catalogue.filter((e) => e.verdict === 'accept');
