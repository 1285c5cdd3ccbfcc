/**
 * Section "The equivalent matrix C" of SPEC.md: Conv(x) = C·vec(x); ConvTranspose with the same W and
 * the output_padding of relationship 14 is Cᵀ; the adjoint identity ⟨conv(x), y⟩ = ⟨x, convT(y)⟩.
 * C comes from impl/matrix (built entry by entry from the definition, independent of any kernel).
 */
import fc from 'fast-check';
import { convMatrix, matTVec, matVec, type EquivalentMatrix } from '../../impl/matrix';
import type { Tensor } from '../../impl/types';
import { buildCase, channelCounts, convShape, type ConvShape, type OpCase, type ShapeOptions } from '../arbitraries/cases';
import { dataSeed, makeTensor } from '../arbitraries/data';
import { defineClause } from '../framework/clause';
import { assertWithinBound, MismatchError } from '../framework/compare';
import { addTransformTerm, boundFromMagnitude, expectedWithBound, type Expected, type PrecisionProfile } from '../tolerance';
import { assertDims, expectThat } from './lib/judge';
import { roundTripShape, transposeAttributes, type RoundTripShape } from './size';

/** Small Conv shapes for which C stays small: batch 1, rank 1–2, at most 2 groups of 2 channels. */
export const MATRIX_SHAPE: ShapeOptions = { maxRank: 2, maxBatch: 1, maxGroup: 2, maxPerGroup: 2, maxExtra: 2 };

const abs = (v: ArrayLike<number>): Float64Array => Float64Array.from(v, Math.abs);
const absMatrix = (c: EquivalentMatrix): EquivalentMatrix => ({ ...c, data: abs(c.data) });
const productsPerRow = (s: ConvShape) => s.channels.inPerGroup * s.axes.reduce((p, a) => p * a.k, 1);
const plus = (v: Float64Array, b: Tensor | undefined, block: number): Float64Array => {
  if (b) v.forEach((_, i) => (v[i] += b.data[Math.floor(i / block)]));
  return v;
};

/** Expected C·x (+b) with the tolerance model's bound, from C itself. */
function expectedProduct(c: EquivalentMatrix, k: OpCase, profile: PrecisionProfile): Expected {
  const { x, b, shape: s } = k;
  const block = c.rows / channelCounts(s).m;
  const y64 = plus(matVec(c, x.data), b, block);
  const mag = plus(matVec(absMatrix(c), abs(x.data)), b && { dims: b.dims, data: b.data.map(Math.abs) }, block);
  const bound = addTransformTerm(boundFromMagnitude(mag, productsPerRow(s), profile), 'Conv', x, k.w, b, k.attrs, profile);
  return { y64, bound, dims: c.geometry.outputDims, geometry: c.geometry, magnitude: mag };
}

/** The tutorial's example: 4×4 input, 3×3 kernel, data 1…16 and 1…9. */
function tutorialCase(): OpCase {
  const s: ConvShape = {
    op: 'Conv', batch: 1, channels: { group: 1, inPerGroup: 1, outPerGroup: 1 }, bias: false, explicit: true,
    axes: [0, 1].map(() => ({ i: 4, k: 3, s: 1, d: 1, pb: 0, pe: 0, op: 0 })),
  };
  const c = buildCase(s, 0);
  c.x.data.forEach((_, j) => (c.x.data[j] = j + 1));
  c.w.data.forEach((_, j) => (c.w.data[j] = j + 1));
  return c;
}

export const convMatrixProduct = defineClause({
  id: 'conv.matrix.product',
  title: 'Conv(x) = C·vec(x) (+ b) with C the (M·Πo) × (C·Πi) equivalent matrix of W',
  category: 'numeric',
  ops: ['Conv'],
  arbitrary: fc.tuple(convShape('Conv', MATRIX_SHAPE), dataSeed()).map(([s, seed]) => buildCase(s, seed)),
  examples: [tutorialCase()],
  runs: 60,
  async check(k, ctx) {
    const c = convMatrix(k.x.dims, k.w, k.attrs);
    const { c: cin, m } = channelCounts(k.shape);
    const oSize = c.geometry.outputSpatial.reduce((p, v) => p * v, 1);
    const iSize = k.shape.axes.reduce((p, a) => p * a.i, 1);
    expectThat(c.rows === m * oSize && c.cols === cin * iSize, `C is ${c.rows}×${c.cols}, expected ${m * oSize}×${cin * iSize}`);
    const y = await ctx.call('Conv', k.x, k.w, k.b, k.attrs);
    assertWithinBound(y, expectedProduct(c, k, ctx.profile), 'Conv output vs C·vec(x)');
  },
});

interface TransposeCase {
  shape: RoundTripShape;
  conv: OpCase;
  /** A ConvTranspose input of the Conv's output dims. */
  y: Tensor;
  /** Optional ConvTranspose bias (length C). */
  b: Tensor | undefined;
}

const transposeCase = fc.tuple(convShape('Conv', { ...MATRIX_SHAPE, bias: 'never' }), dataSeed(), fc.boolean()).map(([s, seed, bias]): TransposeCase => {
  const shape = roundTripShape(s);
  const { c, m } = channelCounts(s);
  return {
    shape,
    conv: buildCase(s, seed),
    y: makeTensor([1, m, ...shape.convOutput], seed + 7),
    b: bias ? makeTensor([c], seed + 11) : undefined,
  };
});

export const convTMatrixTranspose = defineClause({
  id: 'convT.matrix.transpose',
  title: 'ConvTranspose(y; W) with the same W, strides, pads, dilations, group and output_padding of relationship 14 is Cᵀ·y (+ b)',
  category: 'numeric',
  ops: ['ConvTranspose'],
  arbitrary: transposeCase,
  runs: 60,
  async check(t, ctx) {
    const c = convMatrix(t.conv.x.dims, t.conv.w, t.conv.attrs);
    const z = await ctx.call('ConvTranspose', t.y, t.conv.w, t.b, transposeAttributes(t.shape));
    const block = c.cols / channelCounts(t.shape.conv).c;
    const y64 = plus(matTVec(c, t.y.data), t.b, block);
    const mag = plus(matTVec(absMatrix(c), abs(t.y.data)), t.b && { dims: t.b.dims, data: t.b.data.map(Math.abs) }, block);
    // n for ConvTranspose: (M/group)·Πk products can feed one output (W read as [C' = M, M'/g = C/g, k…]).
    const n = t.shape.conv.channels.outPerGroup * t.shape.conv.axes.reduce((p, a) => p * a.k, 1);
    const dims = t.conv.x.dims;
    assertDims(z, dims, 'ConvTranspose output (Cᵀ·y has the Conv input dims)');
    const bound = addTransformTerm(boundFromMagnitude(mag, n, ctx.profile), 'ConvTranspose', t.y, t.conv.w, t.b, transposeAttributes(t.shape), ctx.profile);
    assertWithinBound(z, { y64, bound, dims: [...dims], geometry: c.geometry }, 'ConvTranspose output vs Cᵀ·y');
  },
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): { value: number; magnitude: number } => {
  let value = 0;
  let magnitude = 0;
  for (let i = 0; i < a.length; i++) {
    value += a[i] * b[i];
    magnitude += Math.abs(a[i] * b[i]);
  }
  return { value, magnitude };
};

export const bothMatrixAdjoint = defineClause({
  id: 'both.matrix.adjoint',
  title: '⟨conv(x), y⟩ = ⟨x, convT(y)⟩ within Σ|y|·bound(conv) + Σ|x|·bound(convT)',
  category: 'numeric',
  ops: ['Conv', 'ConvTranspose'],
  arbitrary: transposeCase,
  runs: 60,
  async check(t, ctx) {
    const { x, w, attrs } = t.conv;
    const tAttrs = transposeAttributes(t.shape);
    const cx = await ctx.call('Conv', x, w, undefined, attrs);
    const ty = await ctx.call('ConvTranspose', t.y, w, undefined, tAttrs);
    const eConv = expectedWithBound('Conv', x, w, undefined, attrs, ctx.profile);
    const eT = expectedWithBound('ConvTranspose', t.y, w, undefined, tAttrs, ctx.profile);
    assertDims(cx, eConv.dims, 'Conv output');
    assertDims(ty, eT.dims, 'ConvTranspose output');
    const left = dot(cx.data, t.y.data);
    const right = dot(x.data, ty.data);
    // Each side's error: Σ|y_j|·bound_j (resp. Σ|x_i|·bound_i), plus float64 rounding of the two dot products.
    const allowed =
      dot(abs(t.y.data), eConv.bound).value + dot(abs(x.data), eT.bound).value + 4 * (x.data.length + t.y.data.length) * 2 ** -53 * (left.magnitude + right.magnitude);
    const gap = Math.abs(left.value - right.value);
    if (!(gap <= allowed)) {
      throw new MismatchError({ kind: 'value', message: `⟨conv(x), y⟩ = ${left.value} but ⟨x, convT(y)⟩ = ${right.value}: |difference| ${gap} exceeds the bound ${allowed}` }, 'adjoint identity');
    }
  },
});

export const matrixClauses = [convMatrixProduct, convTMatrixTranspose, bothMatrixAdjoint];
