/**
 * Section "Non-invertibility" of SPEC.md: a Conv whose output is smaller than its input has more
 * columns than rows in C, so two different inputs give the same output (constructed exactly from the
 * null space); convT(conv(x)) restores the shape but is CᵀC·x, not x; and the square, invertible
 * case (1×1 kernel, stride 1, invertible channel matrix) shows the clause is not vacuous.
 */
import fc from 'fast-check';
import { convMatrix, matrixRank } from '../../impl/matrix';
import { effectiveKernel } from '../../impl/resolve';
import { runReference } from '../../impl/reference';
import type { Tensor } from '../../impl/types';
import { buildCase, channelCounts, convShape, type ConvShape } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { defineClause } from '../framework/clause';
import { assertWithinBound } from '../framework/compare';
import { pre } from '../framework/skip';
import { expectedWithBound } from '../tolerance';
import { assertAgree, assertDims, expectThat } from './lib/judge';
import { integerNullVector } from './lib/nullSpace';
import { MATRIX_SHAPE } from './matrix';
import { roundTripShape, transposeAttributes } from './size';

/** Largest null-vector entry used: keeps x + v exact in float32 and the bounds meaningful. */
const MAX_NULL_ENTRY = 2n ** 12n;

/**
 * Conv shapes whose output is smaller than the input: M/group ≤ C/group, kernel extent ≥ 2 and total
 * padding ≤ d(k−1) − 1 on every axis, so o ≤ i − 1 per axis and M·Πo < C·Πi.
 */
const shrinkingShape = convShape('Conv', { ...MATRIX_SHAPE, bias: 'never' }).map((s): ConvShape => {
  const channels = { ...s.channels, outPerGroup: Math.min(s.channels.outPerGroup, s.channels.inPerGroup) };
  const axes = s.axes.map((a) => {
    const k = effectiveKernel(a.k, a.d) < 2 ? 2 : a.k;
    const room = effectiveKernel(k, a.d) - 2;
    const pb = Math.min(a.pb, room);
    const pe = Math.min(a.pe, room - pb);
    return { ...a, k, pb, pe, i: Math.max(a.i, effectiveKernel(k, a.d) - pb - pe) };
  });
  return { ...s, channels, axes };
});

export const convInvertibilityNullSpace = defineClause({
  id: 'conv.invertibility.nullSpace',
  title: 'when the output is smaller than the input, x₁ ≠ x₂ exist with conv(x₁) = conv(x₂) (x₂ − x₁ an exact null vector of C)',
  category: 'numeric',
  ops: ['Conv'],
  arbitrary: fc.tuple(shrinkingShape, dataSeed()).map(([s, seed]) => buildCase(s, seed, { mode: 'exact' })),
  runs: 40,
  async check(k, ctx) {
    const c = convMatrix(k.x.dims, k.w, k.attrs);
    expectThat(c.rows < c.cols, `C is ${c.rows}×${c.cols}: expected more columns than rows`);
    const v = integerNullVector(c.data, c.rows, c.cols);
    expectThat(v !== undefined, `C (${c.rows}×${c.cols}) has more columns than rows, so it must have a non-trivial null space`);
    const largest = v!.reduce((m, e) => (e < 0n ? (-e > m ? -e : m) : e > m ? e : m), 0n);
    pre(largest <= MAX_NULL_ENTRY); // rare: a null vector too large to keep x₂ exact
    const x2: Tensor = { dims: k.x.dims, data: k.x.data.map((xi, i) => xi + Number(v![i])) };
    // The mathematical fact, checked exactly on the reference (integers, float64): same output.
    const r1 = runReference('Conv', k.x, k.w, undefined, k.attrs).y64;
    const r2 = runReference('Conv', x2, k.w, undefined, k.attrs).y64;
    expectThat(r1.every((y, i) => y === r2[i]), 'C·v ≠ 0 for the constructed null vector v');
    const y1 = await ctx.call('Conv', k.x, k.w, undefined, k.attrs);
    const y2 = await ctx.call('Conv', x2, k.w, undefined, k.attrs);
    const e1 = expectedWithBound('Conv', k.x, k.w, undefined, k.attrs, ctx.profile);
    const e2 = expectedWithBound('Conv', x2, k.w, undefined, k.attrs, ctx.profile);
    assertDims(y1, e1.dims, 'conv(x₁)');
    assertAgree(y2, y1, e2.bound, e1.bound, e1.dims, 'conv(x₂) vs conv(x₁)');
  },
});

export const bothInvertibilityRoundTrip = defineClause({
  id: 'both.invertibility.roundTrip',
  title: 'convT(conv(x)) restores the input dims and equals CᵀC·x, which is not x when C has more columns than rows',
  category: 'numeric',
  ops: ['Conv', 'ConvTranspose'],
  arbitrary: fc.tuple(convShape('Conv', { ...MATRIX_SHAPE, bias: 'never' }), dataSeed()).map(([s, seed]) => ({ ...roundTripShape(s), case: buildCase(s, seed) })),
  runs: 50,
  async check(r, ctx) {
    const { x, w, attrs } = r.case;
    const tAttrs = transposeAttributes(r);
    const y = await ctx.call('Conv', x, w, undefined, attrs);
    assertWithinBound(y, expectedWithBound('Conv', x, w, undefined, attrs, ctx.profile), 'conv(x)');
    const z = await ctx.call('ConvTranspose', y, w, undefined, tAttrs);
    assertDims(z, x.dims, 'convT(conv(x)) (restores the dims of x)');
    // The second stage is judged on the subject's own first-stage output: CᵀŷC where ŷ ≈ C·x.
    assertWithinBound(z, expectedWithBound('ConvTranspose', y, w, undefined, tAttrs, ctx.profile), 'convT(conv(x)) vs Cᵀ·conv(x)');
    const c = convMatrix(x.dims, w, attrs);
    if (c.rows < c.cols) expectThat(matrixRank(c) < c.cols, `C is ${c.rows}×${c.cols} yet has full column rank ${c.cols}`);
  },
});

/** 1×1 kernel, stride 1, no pads, group 1, C = M, W unit lower triangular (det 1): C is square and invertible. */
const squareCase = fc
  .tuple(convShape('Conv', { ...MATRIX_SHAPE, maxGroup: 1, bias: 'never' }), fc.integer({ min: 1, max: 3 }), dataSeed())
  .map(([s, ch, seed]) => {
    const shape: ConvShape = {
      ...s,
      channels: { group: 1, inPerGroup: ch, outPerGroup: ch },
      axes: s.axes.map((a) => ({ ...a, k: 1, s: 1, d: 1, pb: 0, pe: 0 })),
    };
    const c = buildCase(shape, seed, { mode: 'exact' });
    for (let m = 0; m < ch; m++) for (let j = 0; j < ch; j++) if (j >= m) c.w.data[m * ch + j] = j === m ? 1 : 0;
    return c;
  });

export const convInvertibilitySquare = defineClause({
  id: 'conv.invertibility.square',
  title: '1×1 kernel, stride 1, invertible channel matrix: C is square with full rank, and conv(x) = C·x',
  category: 'numeric',
  ops: ['Conv'],
  arbitrary: squareCase,
  runs: 30,
  async check(k, ctx) {
    const c = convMatrix(k.x.dims, k.w, k.attrs);
    expectThat(c.rows === c.cols, `C is ${c.rows}×${c.cols}, expected square`);
    expectThat(matrixRank(c) === c.cols, `C has rank ${matrixRank(c)} < ${c.cols}`);
    expectThat(integerNullVector(c.data, c.rows, c.cols) === undefined, 'an invertible C has only the zero null vector');
    const y = await ctx.call('Conv', k.x, k.w, undefined, k.attrs);
    assertWithinBound(y, expectedWithBound('Conv', k.x, k.w, undefined, k.attrs, ctx.profile));
    expectThat(channelCounts(k.shape).c === channelCounts(k.shape).m, 'C = M');
  },
});

export const invertibilityClauses = [convInvertibilityNullSpace, bothInvertibilityRoundTrip, convInvertibilitySquare];
