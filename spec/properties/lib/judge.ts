/**
 * Shared judging steps for the clauses: call the subject, compare with the reference inside the
 * tolerance model, or compare two of the subject's own results with each other. Comparisons between
 * two results of the subject allow the sum of both bounds: a correct implementation may legitimately
 * use different summation orders (or algorithms) for the two calls.
 */
import type { ClauseContext } from '../../framework/clause';
import { assertWithinBound, MismatchError } from '../../framework/compare';
import { findSampledMismatch, judgedInFull } from '../../framework/sampled';
import { prepare } from '../../../impl/reference';
import { expectedWithBound, type Expected } from '../../tolerance';
import type { Tensor } from '../../../impl/types';
import type { OpCase } from '../../arbitraries/cases';

/** The reference value and per-element bound of a case under the subject's precision profile. */
export function expectedFor(ctx: ClauseContext, c: OpCase): Expected {
  return expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, ctx.profile);
}

/**
 * Calls the subject on the case and throws unless every judged element is within the bound: every
 * element when the case has at most FULL_JUDGING_MACS multiply-adds, else the sampled positions of
 * spec/framework/sampled.ts (the whole output still checked for dims, finiteness and magnitude).
 * `expected` is the full reference when the case was judged in full, undefined when it was sampled.
 */
export async function callAndJudge(ctx: ClauseContext, c: OpCase, what = 'output'): Promise<{ actual: Tensor; expected?: Expected }> {
  const actual = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
  if (!judgedInFull(prepare(c.op, c.x, c.w, c.b, c.attrs))) {
    const m = findSampledMismatch(actual, c.op, c.x, c.w, c.b, c.attrs, ctx.profile);
    if (m) throw new MismatchError(m, what);
    return { actual };
  }
  const expected = expectedFor(ctx, c);
  assertWithinBound(actual, expected, what);
  return { actual, expected };
}

/**
 * Throws unless `a` and `b` (two results of the subject that are mathematically equal) agree
 * element-wise within boundA + boundB. Both must have dims `dims`.
 */
export function assertAgree(a: Tensor, b: Tensor, boundA: ArrayLike<number>, boundB: ArrayLike<number>, dims: readonly number[], what: string): void {
  assertDims(b, dims, `${what} (second result)`);
  const bound = new Float64Array(boundA.length);
  for (let i = 0; i < bound.length; i++) bound[i] = boundA[i] + boundB[i];
  // The second result plays "expected": a mismatch window then shows both results side by side.
  const expected = { y64: Float64Array.from(b.data), bound, dims: [...dims] } as Expected;
  assertWithinBound(a, expected, what);
}

/** Throws a MismatchError unless `t` is a float32 tensor with exactly these dims and data length. */
export function assertDims(t: Tensor, dims: readonly number[], what = 'output'): void {
  if (!t || !(t.data instanceof Float32Array)) {
    throw new MismatchError({ kind: 'type', message: 'result is not a {dims, data: Float32Array} tensor' }, what);
  }
  const ok = Array.isArray(t.dims) && t.dims.length === dims.length && t.dims.every((d, i) => d === dims[i]);
  if (!ok) throw new MismatchError({ kind: 'dims', message: `dims ${JSON.stringify(t.dims)}, expected ${JSON.stringify(dims)}` }, what);
  const n = dims.reduce((p, d) => p * d, 1);
  if (t.data.length !== n) throw new MismatchError({ kind: 'length', message: `data.length ${t.data.length}, expected ${n}` }, what);
}

/** A plain failure of a clause's own statement (not a numerical mismatch). */
export class ClauseViolation extends Error {
  override readonly name = 'ClauseViolation';
}

export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new ClauseViolation(message);
}
