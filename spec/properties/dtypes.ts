/**
 * Section "Element types" of SPEC.md: float16, bfloat16, float32 and float64 tensors. Each case
 * draws one of the types the subject declares (`supports.dtypes`, default float32) and values that
 * are numbers of that type exactly; the output must be of the same type and within the bound of that
 * type's precision model (spec/dtypeTolerance.ts; float32 keeps spec/tolerance.ts's model).
 */
import fc from 'fast-check';
import { DTYPE_FORMATS, roundTo, type DType } from '../../impl/dtype';
import { product } from '../../impl/resolve';
import { typedTensor } from '../../impl/typedReference';
import type { AnyTensor, ConvTransposeAttributes, OpName } from '../../impl/types';
import { attributesOf, channelCounts, convShape, inputDims, weightDims, type ConvShape } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { mulberry32 } from '../arbitraries/random';
import { defineClause, type ClauseContext } from '../framework/clause';
import { dtypeProfileFor, typedExpectedWithBound, type TypedExpected } from '../dtypeTolerance';
import { expectedWithBound } from '../tolerance';
import { assertTypedResult, assertTypedWithinBound, callTyped } from './lib/typedJudge';

const tag = (op: OpName) => (op === 'Conv' ? 'conv' : 'convT');

/** A drawn typed case: the type is chosen at check time from what the subject declares. */
export interface TypedDraw {
  shape: ConvShape;
  seed: number;
  /** In [0, 1): picks one of the declared types. */
  typeChoice: number;
  /** x is scaled by 2^(−scale·(emax − 2)) of the type: 0, ½ or 1 (outputs down to the subnormal range). */
  scale: 0 | 0.5 | 1;
  mode: 'float' | 'exact';
}

export interface TypedCase {
  dtype: DType;
  op: OpName;
  x: AnyTensor;
  w: AnyTensor;
  b: AnyTensor | undefined;
  attrs: ConvTransposeAttributes;
}

/**
 * Values of the type exactly: 'float' draws full-precision values in [−2, 2) (53 random bits, so a
 * float64 case is not a float32 case in disguise) and rounds them once to the type; 'exact' draws
 * integers in [−3, 3], numbers of every type.
 */
export function typedValues(n: number, seed: number, dtype: DType, mode: 'float' | 'exact', scaleExponent = 0): number[] {
  const next = mulberry32(seed);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = mode === 'exact' ? Math.floor(next() * 7) - 3 : (next() + next() * 2 ** -32) * 4 - 2;
    out[i] = roundTo(dtype, v * 2 ** scaleExponent);
  }
  return out;
}

export function declaredDTypes(ctx: ClauseContext): DType[] {
  return ctx.subject.supports.dtypes?.length ? [...ctx.subject.supports.dtypes] : ['float32'];
}

export function buildTypedCase(d: TypedDraw, dtype: DType): TypedCase {
  const s = d.shape;
  const { m } = channelCounts(s);
  const scaleExponent = d.mode === 'exact' ? 0 : -Math.round(d.scale * (DTYPE_FORMATS[dtype].emax - 2));
  const tensor = (dims: number[], seed: number, scale = 0) => typedTensor(dtype, dims, typedValues(product(dims), seed, dtype, d.mode, scale));
  return {
    dtype,
    op: s.op,
    x: tensor(inputDims(s), d.seed, scaleExponent),
    w: tensor(weightDims(s), d.seed ^ 0x5bd1e995),
    b: s.bias ? tensor([m], d.seed ^ 0x1b873593, scaleExponent) : undefined,
    attrs: attributesOf(s),
  };
}

const typedDraw = (op: OpName, mode: 'float' | 'exact'): fc.Arbitrary<TypedDraw> =>
  fc.record({
    shape: convShape(op),
    seed: dataSeed(),
    typeChoice: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    scale: fc.constantFrom<0 | 0.5 | 1>(0, 0.5, 1),
    mode: fc.constant(mode),
  });

/** The case for this subject: one of its declared types. */
function caseFor(d: TypedDraw, ctx: ClauseContext): TypedCase {
  const types = declaredDTypes(ctx);
  return buildTypedCase(d, types[Math.min(types.length - 1, Math.floor(d.typeChoice * types.length))]);
}

/** Reference and bound: float32 by spec/tolerance.ts (unchanged), the other types by spec/dtypeTolerance.ts. */
export function typedExpectedFor(ctx: ClauseContext, c: TypedCase): TypedExpected {
  if (c.dtype === 'float32') {
    const e = expectedWithBound(c.op, c.x as never, c.w as never, c.b as never, c.attrs, ctx.profile, { keepMagnitude: true });
    return { ...e, magnitude: e.magnitude!, dtype: 'float32' };
  }
  return typedExpectedWithBound(c.op, c.x, c.w, c.b, c.attrs, dtypeProfileFor(ctx.subject.supports, c.dtype));
}

function withinBound(op: OpName) {
  return defineClause({
    id: `${tag(op)}.dtype.withinBound`,
    title: `${op} on tensors of every declared element type: the output has that type and is within that type's bound`,
    category: 'numeric',
    ops: [op],
    elementTypes: 'declared',
    arbitrary: typedDraw(op, 'float'),
    runs: 60,
    async check(d, ctx) {
      const c = caseFor(d, ctx);
      const y = await callTyped(ctx, c.op, c.x, c.w, c.b, c.attrs);
      const expected = typedExpectedFor(ctx, c);
      assertTypedWithinBound(assertTypedResult(y, c.dtype, expected.dims), expected, `${c.dtype} output`);
    },
  });
}

/**
 * Integers in [−3, 3]: every product and partial sum is an integer of magnitude at most
 * max(|b| + Σ|x||w|). Equality is required when that is at most 1/u of the accumulation (every
 * partial sum exact) and at most 2^p of the output type (the sum stored exactly).
 */
function exactIntegers(op: OpName) {
  return defineClause({
    id: `${tag(op)}.dtype.exactIntegers`,
    title: `${op} on small integers of every declared element type equals the exact result where that type's arithmetic is exact`,
    category: 'numeric',
    ops: [op],
    elementTypes: 'declared',
    arbitrary: typedDraw(op, 'exact'),
    runs: 40,
    async check(d, ctx) {
      const c = caseFor(d, ctx);
      const y = await callTyped(ctx, c.op, c.x, c.w, c.b, c.attrs);
      const expected = typedExpectedFor(ctx, c);
      const largest = expected.magnitude.reduce((m, v) => Math.max(m, v), 0);
      const u = c.dtype === 'float32' ? ctx.profile.u : dtypeProfileFor(ctx.subject.supports, c.dtype).accumulation.u;
      const exact = (u === 0 || largest <= 1 / u) && largest <= 2 ** DTYPE_FORMATS[c.dtype].precision;
      if (exact && ctx.subject.supports.exactSmallIntegers !== false) expected.bound.fill(0);
      assertTypedWithinBound(assertTypedResult(y, c.dtype, expected.dims), expected, exact ? `${c.dtype} output (exact integers required)` : `${c.dtype} output`);
    },
  });
}

export const dtypeClauses = [withinBound('Conv'), withinBound('ConvTranspose'), exactIntegers('Conv'), exactIntegers('ConvTranspose')];
