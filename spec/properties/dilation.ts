/**
 * Section "Dilation and coverage" of SPEC.md: dilated Conv is Conv with the zero-dilated kernel; the
 * "same" pads d(k−1)/2; for stacks of dilated layers (kernel K, rates r₁…rₙ, stride 1) the usage
 * counts of the input pixels behind one output pixel, computed by combinatorics (impl/dilation) and by
 * running the subject's Conv with all-ones weights on an impulse; the receptive field; gridding; and
 * what the HDC rule of Wang et al. 2018 does and does not guarantee.
 */
import fc from 'fast-check';
import { hdcSatisfied, hdcValues, holes1D, receptiveField, usageCounts1D, usageCounts2D } from '../../impl/dilation';
import { runReference } from '../../impl/reference';
import { product } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { buildCase, channelCounts, convShape, type OpCase } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { defineClause } from '../framework/clause';
import { assertWithinBound } from '../framework/compare';
import { expectedWithBound, gamma, transformTerm, type Expected } from '../tolerance';
import { assertAgree, assertDims, expectThat } from './lib/judge';

const tag = (op: OpName) => (op === 'Conv' ? 'conv' : 'convT');

/** The kernel with d−1 zeros inserted between taps on every spatial axis: extent d(k−1)+1. */
export function zeroDilate(w: Tensor, dilations: number[]): Tensor {
  const [a, b, ...k] = w.dims;
  const big = k.map((kk, n) => dilations[n] * (kk - 1) + 1);
  const out = new Float32Array(a * b * product(big));
  const kSize = product(k);
  const bigSize = product(big);
  for (let f = 0; f < kSize; f++) {
    // Position of tap f in the small kernel, then in the dilated one.
    let rest = f;
    let g = 0;
    let scale = 1;
    for (let n = k.length - 1; n >= 0; n--) {
      const idx = rest % k[n];
      rest = Math.floor(rest / k[n]);
      g += idx * dilations[n] * scale;
      scale *= big[n];
    }
    for (let blk = 0; blk < a * b; blk++) out[blk * bigSize + g] = w.data[blk * kSize + f];
  }
  return { dims: [a, b, ...big], data: out };
}

function zeroDilatedKernel(op: OpName) {
  return defineClause({
    id: `${tag(op)}.dilation.zeroDilatedKernel`,
    title: `${op} with dilation d equals ${op} with dilation 1 and the zero-dilated kernel (d−1 zeros between taps)`,
    category: 'numeric',
    ops: [op],
    arbitrary: fc.tuple(convShape(op, { maxRank: 2 }), dataSeed()).map(([s, seed]) => buildCase(s, seed)),
    runs: 50,
    async check(c: OpCase, ctx) {
      const d = c.shape.axes.map((a) => a.d);
      const wd = zeroDilate(c.w, d);
      const { kernel_shape: _k, ...rest } = c.attrs;
      const plain: ConvTransposeAttributes = { ...rest, dilations: d.map(() => 1) };
      const y = await ctx.call(op, c.x, c.w, c.b, c.attrs);
      const yd = await ctx.call(op, c.x, wd, c.b, plain);
      const e = expectedWithBound(op, c.x, c.w, c.b, c.attrs, ctx.profile);
      const ed = expectedWithBound(op, c.x, wd, c.b, plain, ctx.profile);
      assertDims(y, e.dims, 'dilated result');
      assertAgree(yd, y, ed.bound, e.bound, e.dims, 'result with the zero-dilated kernel vs the dilated result');
    },
  });
}

export const convDilationSamePads = defineClause({
  id: 'conv.dilation.samePads',
  title: 'Conv with odd k, stride 1 and pads d(k−1)/2 on both sides keeps every spatial size',
  category: 'shape',
  ops: ['Conv'],
  arbitrary: fc.tuple(convShape('Conv'), dataSeed()).map(([s, seed]) => {
    const axes = s.axes.map((a) => {
      const k = a.k % 2 === 1 ? a.k : a.k + 1;
      const p = (a.d * (k - 1)) / 2;
      return { ...a, k, s: 1, pb: p, pe: p, i: 1 + (a.i % 5) };
    });
    return buildCase({ ...s, axes }, seed);
  }),
  runs: 40,
  async check(c, ctx) {
    const y = await ctx.call('Conv', c.x, c.w, c.b, c.attrs);
    assertDims(y, [c.shape.batch, channelCounts(c.shape).m, ...c.shape.axes.map((a) => a.i)], 'output (same spatial size as the input)');
  },
});

/** A stack of stride-1 dilated layers with a K (×K) all-ones kernel. */
interface Stack {
  kernel: number;
  rates: number[];
  /** 1-D or 2-D. */
  rank: 1 | 2;
}

const stackArb: fc.Arbitrary<Stack> = fc.record({
  kernel: fc.integer({ min: 2, max: 3 }),
  rates: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
  rank: fc.constantFrom<1 | 2>(1, 2),
});

/** Offsets reached by a stack, by the definition (Minkowski sum of each layer's taps {0, r, …, (K−1)r}). */
export function reachedOffsets(kernel: number, rates: number[]): Set<number> {
  let reach = new Set([0]);
  for (const r of rates) {
    const next = new Set<number>();
    for (const o of reach) for (let t = 0; t < kernel; t++) next.add(o + t * r);
    reach = next;
  }
  return reach;
}

const hasHoles = (kernel: number, rates: number[]): boolean => reachedOffsets(kernel, rates).size < 1 + (kernel - 1) * rates.reduce((a, b) => a + b, 0);

export const dilationCoverageImpulse = defineClause({
  id: 'dilation.coverage.impulse',
  title: 'usage counts by combinatorics equal the stack of all-ones dilated Convs run on an impulse',
  category: 'numeric',
  ops: ['Conv'],
  arbitrary: stackArb,
  examples: [
    { kernel: 3, rates: [1, 2, 3], rank: 2 },
    { kernel: 3, rates: [2, 2, 2], rank: 2 },
    { kernel: 3, rates: [1, 1, 1], rank: 2 },
  ],
  runs: 40,
  async check(st, ctx) {
    const extent = receptiveField(st.kernel, st.rates);
    // Input 2E−1 long with the impulse at E−1: output o then counts the paths from input E−1 to
    // output o, i.e. the usage of offset E−1−o in the field of output o (VALID, stride 1).
    const len = 2 * extent - 1;
    const spatial = new Array<number>(st.rank).fill(len);
    let x: Tensor = { dims: [1, 1, ...spatial], data: new Float32Array(len ** st.rank) };
    x.data[st.rank === 1 ? extent - 1 : (extent - 1) * len + (extent - 1)] = 1;
    const k = new Array<number>(st.rank).fill(st.kernel);
    const ones: Tensor = { dims: [1, 1, ...k], data: new Float32Array(st.kernel ** st.rank).fill(1) };
    let size = len;
    // Transform algorithms: each layer adds its normwise error (transformTerm on that layer's exact
    // input, the previous counts), and every later all-ones layer multiplies an error by at most K^rank.
    let carried = 0;
    let exact = x;
    for (const r of st.rates) {
      const attrs = { dilations: k.map(() => r) };
      if (ctx.profile.algorithm === 'transform') {
        const next = runReference('Conv', exact, ones, undefined, attrs);
        carried = carried * st.kernel ** st.rank + transformTerm(next.geometry, exact, ones, ctx.profile)[0];
        exact = { dims: next.geometry.outputDims, data: Float32Array.from(next.y64) };
      }
      x = await ctx.call('Conv', x, ones, undefined, attrs);
      size -= r * (st.kernel - 1);
      assertDims(x, [1, 1, ...new Array<number>(st.rank).fill(size)], `output of the layer with rate ${r}`);
    }
    const counts = st.rank === 1 ? usageCounts1D(st.kernel, st.rates) : usageCounts2D(st.kernel, st.rates).flat();
    const want = Float64Array.from({ length: counts.length }, (_, f) => counts[counts.length - 1 - f]); // reversed on every axis
    // Non-negative sums of integers: exact while the counts fit the profile; else γ per layer.
    const n = st.rates.length * (st.kernel ** st.rank + 1);
    const bound = Float64Array.from(want, (v) => gamma(n, ctx.profile.u) * v + n * ctx.profile.eta + carried);
    assertWithinBound(x, { y64: want, bound, dims: x.dims as number[] } as Expected, 'impulse response vs usage counts');
  },
});

const layerArb = (kMin: number, kMax: number) =>
  fc.record({ kernel: fc.integer({ min: kMin, max: kMax }), rates: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }) });

export const dilationCoverageReceptiveField = defineClause({
  id: 'dilation.coverage.receptiveField',
  title: 'the receptive field spans 1 + (K−1)Σr, its usage counts sum to K^n, and the holes are exactly the offsets no path reaches',
  category: 'math',
  ops: [],
  arbitrary: layerArb(1, 4),
  examples: [{ kernel: 3, rates: [1, 1, 1] }, { kernel: 3, rates: [1, 2, 5] }],
  runs: 100,
  async check({ kernel, rates }) {
    const extent = 1 + (kernel - 1) * rates.reduce((a, b) => a + b, 0);
    expectThat(receptiveField(kernel, rates) === extent, `receptiveField ${receptiveField(kernel, rates)} ≠ 1 + (K−1)Σr = ${extent}`);
    const counts = usageCounts1D(kernel, rates);
    expectThat(counts.length === extent, `usage map has ${counts.length} offsets, expected ${extent}`);
    expectThat(counts.reduce((a, b) => a + b, 0) === kernel ** rates.length, 'usage counts do not sum to K^n');
    const reach = reachedOffsets(kernel, rates);
    const holes = holes1D(kernel, rates);
    expectThat(holes.length === extent - reach.size && holes.every((h) => !reach.has(h)), `holes ${JSON.stringify(holes)} differ from the unreached offsets`);
    expectThat(counts.every((c, o) => (c > 0) === reach.has(o)), 'a usage count is non-zero exactly where a path reaches');
  },
});

export const dilationCoverageGridding = defineClause({
  id: 'dilation.coverage.gridding',
  title: 'if gcd(r) = g > 1 (and K ≥ 2), every offset not a multiple of g is a hole (gridding)',
  category: 'math',
  ops: [],
  arbitrary: fc.record({ kernel: fc.integer({ min: 2, max: 4 }), g: fc.integer({ min: 2, max: 4 }), rates: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }) }),
  examples: [{ kernel: 3, g: 2, rates: [1, 1, 1] }, { kernel: 3, g: 2, rates: [1, 2, 4] }],
  runs: 100,
  async check({ kernel, g, rates }) {
    const r = rates.map((x) => x * g);
    const holes = new Set(holes1D(kernel, r));
    const extent = receptiveField(kernel, r);
    expectThat(holes.size > 0, `rates ${JSON.stringify(r)} share the factor ${g} but leave no holes`);
    for (let o = 0; o < extent; o++) if (o % g !== 0) expectThat(holes.has(o), `offset ${o} is reached although every rate is a multiple of ${g}`);
  },
});

/** The HDC recurrence of Wang et al. 2018, written from the paper: Mₙ = rₙ, Mᵢ = max[Mᵢ₊₁ − 2rᵢ, Mᵢ₊₁ − 2(Mᵢ₊₁ − rᵢ), rᵢ]. */
function hdcByPaper(rates: number[]): number[] {
  const m = [...rates];
  for (let i = rates.length - 2; i >= 0; i--) m[i] = Math.max(m[i + 1] - 2 * rates[i], m[i + 1] - 2 * (m[i + 1] - rates[i]), rates[i]);
  return m;
}

export const dilationHdcValues = defineClause({
  id: 'dilation.hdc.values',
  title: 'the HDC values follow Mₙ = rₙ, Mᵢ = max[Mᵢ₊₁ − 2rᵢ, Mᵢ₊₁ − 2(Mᵢ₊₁ − rᵢ), rᵢ]; the rule accepts iff M₂ ≤ K',
  category: 'math',
  ops: [],
  arbitrary: layerArb(2, 5),
  examples: [{ kernel: 3, rates: [1, 2, 5] }, { kernel: 3, rates: [1, 2, 9] }],
  runs: 100,
  async check({ kernel, rates }) {
    const want = hdcByPaper(rates);
    const got = hdcValues(kernel, rates);
    expectThat(JSON.stringify(got) === JSON.stringify(want), `hdcValues ${JSON.stringify(got)}, the recurrence gives ${JSON.stringify(want)}`);
    const accepts = rates.length < 2 || want[1] <= kernel;
    expectThat(hdcSatisfied(kernel, rates) === accepts, `hdcSatisfied says ${!accepts} for M₂ = ${want[1]}, K = ${kernel}`);
  },
});

export const dilationHdcSufficient = defineClause({
  id: 'dilation.hdc.sufficient',
  title: 'with r₁ = 1 and K ≥ 3, a stack the HDC rule accepts (M₂ ≤ K) has no holes',
  category: 'math',
  ops: [],
  arbitrary: fc.record({ kernel: fc.integer({ min: 3, max: 5 }), rest: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 4 }) }).map(({ kernel, rest }) => ({ kernel, rates: [1, ...rest] })),
  examples: [{ kernel: 3, rates: [1, 2, 3] }, { kernel: 3, rates: [1, 2, 5] }, { kernel: 3, rates: [1, 2, 3, 1, 2, 3] }],
  runs: 200,
  async check({ kernel, rates }) {
    if (!hdcSatisfied(kernel, rates)) return; // the rule says nothing about the stacks it rejects
    expectThat(!hasHoles(kernel, rates), `HDC accepts K = ${kernel}, rates ${JSON.stringify(rates)}, yet offsets are unreached`);
  },
});

/** Documented stacks where the rule's verdict and the truth differ, and why. */
const HDC_LIMITS = [
  { kernel: 3, rates: [1, 3, 1], accepted: false, holes: false, why: 'only sufficient: rejects a hole-free stack (M₂ = 5 > 3)' },
  { kernel: 3, rates: [2, 2], accepted: true, holes: true, why: 'assumes r₁ = 1: with r₁ = 2 it accepts a stack that reaches only even offsets' },
  { kernel: 2, rates: [1, 1, 4], accepted: true, holes: true, why: 'needs K ≥ 3: with K = 2, M₂ = 2 ≤ 2 yet offset 3 is unreached' },
];

export const dilationHdcLimits = defineClause({
  id: 'dilation.hdc.limits',
  title: 'the HDC rule is not necessary ([1,3,1] hole-free, rejected), assumes r₁ = 1 ([2,2] accepted, holes) and K ≥ 3 (K = 2, [1,1,4])',
  category: 'math',
  ops: [],
  arbitrary: fc.constantFrom(...HDC_LIMITS),
  examples: HDC_LIMITS,
  runs: 3,
  async check(v) {
    expectThat(hdcSatisfied(v.kernel, v.rates) === v.accepted, `HDC verdict for K = ${v.kernel}, ${JSON.stringify(v.rates)} is not ${v.accepted} (${v.why})`);
    expectThat(hasHoles(v.kernel, v.rates) === v.holes, `K = ${v.kernel}, ${JSON.stringify(v.rates)}: holes ${!v.holes}, expected ${v.holes}`);
    expectThat((holes1D(v.kernel, v.rates).length > 0) === v.holes, 'holes1D disagrees with the definition');
  },
});

/** The tutorial's worked examples (and two from the HDC discussion), with what each must show. */
const SEED_EXAMPLES = [
  { kernel: 3, rates: [2, 2, 2], extent: 13, reached: 7, note: 'r = 2,2,2 leaves holes: 7 of 13 offsets per axis' },
  { kernel: 3, rates: [1, 2, 3], extent: 13, reached: 13, note: 'r = 1,2,3 covers a 13×13 field with no holes' },
  { kernel: 3, rates: [1, 1, 1], extent: 7, reached: 7, note: 'three undilated 3×3 layers see 7×7' },
  { kernel: 3, rates: [1, 2, 3, 1, 2, 3], extent: 25, reached: 25, note: 'sawtooth 1,2,3,1,2,3 is hole-free' },
  { kernel: 3, rates: [2, 4, 8], extent: 29, reached: 15, note: '2,4,8 has holes: only the 15 even offsets of 29' },
  { kernel: 3, rates: [1, 2, 5], extent: 17, reached: 17, note: '1,2,5 reaches 17 with no holes' },
  { kernel: 3, rates: [1, 2, 9], extent: 25, reached: 21, note: '1,2,9 spans 25 with 4 holes (offsets 7, 8, 16, 17)' },
];

export const dilationSeedExamples = defineClause({
  id: 'dilation.seed.examples',
  title: "the tutorial's stacks: [2,2,2] holes, [1,2,3] a full 13×13, 3 undilated layers 7×7, sawtooth hole-free, [2,4,8] holes",
  category: 'math',
  ops: [],
  arbitrary: fc.constantFrom(...SEED_EXAMPLES),
  examples: SEED_EXAMPLES,
  runs: 7,
  async check(v) {
    expectThat(receptiveField(v.kernel, v.rates) === v.extent, `${v.note}: extent ${receptiveField(v.kernel, v.rates)}, expected ${v.extent}`);
    const reached = usageCounts1D(v.kernel, v.rates).filter((c) => c > 0).length;
    expectThat(reached === v.reached, `${v.note}: ${reached} offsets reached, expected ${v.reached}`);
    const grid = usageCounts2D(v.kernel, v.rates);
    const covered = grid.flat().filter((c) => c > 0).length;
    expectThat(grid.length === v.extent && covered === v.reached * v.reached, `${v.note}: 2-D grid ${grid.length}×${grid.length} with ${covered} cells covered`);
  },
});

export const dilationClauses = [
  zeroDilatedKernel('Conv'), zeroDilatedKernel('ConvTranspose'), convDilationSamePads,
  dilationCoverageImpulse, dilationCoverageReceptiveField, dilationCoverageGridding,
  dilationHdcValues, dilationHdcSufficient, dilationHdcLimits, dilationSeedExamples,
];
