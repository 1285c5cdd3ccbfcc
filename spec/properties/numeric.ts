/**
 * Section "Values and the tolerance model" of SPEC.md: every output within its per-element bound;
 * exact results for small integers; NaN and ±∞ reach every output whose window holds them.
 */
import fc from 'fast-check';
import { runReference } from '../../impl/reference';
import type { OpName, Tensor } from '../../impl/types';
import { buildCase, convShape, type OpCase } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { defineClause, type ClauseContext } from '../framework/clause';
import { assertWithinBound, MismatchError, unravel } from '../framework/compare';
import { expectedWithBound } from '../tolerance';
import { assertDims, callAndJudge } from './lib/judge';

const tag = (op: OpName) => (op === 'Conv' ? 'conv' : 'convT');

/** A 2-D, one-channel case with data 1…n in x and W (the tutorial's worked examples). */
function worked(op: OpName, i: number, k: number, s: number, p: number): OpCase {
  const c = buildCase(
    { op, batch: 1, channels: { group: 1, inPerGroup: 1, outPerGroup: 1 }, bias: false, explicit: true, axes: [0, 1].map(() => ({ i, k, s, d: 1, pb: p, pe: p, op: 0 })) },
    1,
  );
  c.x.data.forEach((_, j) => (c.x.data[j] = j + 1));
  c.w.data.forEach((_, j) => (c.w.data[j] = j + 1));
  return c;
}

function withinBound(op: OpName) {
  return defineClause({
    id: `${tag(op)}.numeric.withinBound`,
    title: `${op} output is within γ_{n+1}(|b| + Σ|x||w|) + (n+1)η of the float64 reference, element by element`,
    category: 'numeric',
    ops: [op],
    arbitrary: fc.tuple(convShape(op), dataSeed()).map(([s, seed]) => buildCase(s, seed)),
    examples: op === 'Conv' ? [worked(op, 4, 3, 1, 0)] : [worked(op, 2, 3, 1, 0), worked(op, 3, 3, 2, 1)],
    runs: 80,
    async check(c, ctx) {
      await callAndJudge(ctx, c);
    },
  });
}

/**
 * Exact mode: integers in [−3, 3]. Every product and partial sum of every order is an integer no
 * larger than max(|b| + Σ|x||w|); when that is at most 1/u of the profile (2^24 for float32), float
 * arithmetic in that precision is exact, so equality is required.
 */
function exactIntegers(op: OpName) {
  return defineClause({
    id: `${tag(op)}.numeric.exactIntegers`,
    title: `${op} on small integers equals the exact result (bound 0) whenever the profile represents every partial sum`,
    category: 'numeric',
    ops: [op],
    arbitrary: fc.tuple(convShape(op), dataSeed()).map(([s, seed]) => buildCase(s, seed, { mode: 'exact' })),
    examples: op === 'Conv' ? [worked(op, 4, 3, 1, 0)] : [worked(op, 2, 3, 1, 0)],
    runs: 50,
    async check(c, ctx) {
      const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
      const expected = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, ctx.profile, { keepMagnitude: true });
      const largest = expected.magnitude!.reduce((m, v) => Math.max(m, v), 0);
      const exactInProfile = ctx.profile.u === 0 || largest <= 1 / ctx.profile.u;
      if (exactInProfile && ctx.subject.supports.exactSmallIntegers !== false) expected.bound.fill(0);
      assertWithinBound(y, expected, exactInProfile ? 'output (exact integers required)' : 'output');
    },
  });
}

/** Where a non-finite value is put. */
type Poison = 'x-nan' | 'x-inf' | 'x-minus-inf' | 'w-nan' | 'b-nan';

interface PoisonCase {
  case: OpCase;
  poison: Poison;
  /** Flat index of the poisoned element in its tensor. */
  at: number;
}

const poisonCase = (op: OpName) =>
  fc
    .tuple(convShape(op, { bias: 'always' }), dataSeed(), fc.constantFrom<Poison>('x-nan', 'x-inf', 'x-minus-inf', 'w-nan', 'b-nan'), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
    .map(([s, seed, poison, where]): PoisonCase => {
      // Every other value non-zero, so every product with the poisoned element is non-zero·NaN or ·∞.
      const c = buildCase(s, seed, { nonZero: true });
      const target = poison.startsWith('x') ? c.x : poison === 'w-nan' ? c.w : c.b!;
      const at = Math.floor(where * target.data.length);
      target.data[at] = poison === 'x-inf' ? Infinity : poison === 'x-minus-inf' ? -Infinity : NaN;
      return { case: c, poison, at };
    });

/**
 * The outputs that a product with the poisoned element (or the poisoned bias) feeds in the direct
 * definition: found by running the reference on an indicator of that element with every other
 * operand replaced by a positive value, so no sum cancels.
 */
function reachedOutputs(v: PoisonCase): boolean[] {
  const { case: c, poison, at } = v;
  const ones = (t: Tensor): Tensor => ({ dims: t.dims, data: new Float32Array(t.data.length).fill(1) });
  const indicator = (t: Tensor): Tensor => {
    const d = new Float32Array(t.data.length);
    d[at] = 1;
    return { dims: t.dims, data: d };
  };
  const x = poison.startsWith('x') ? indicator(c.x) : ones(c.x);
  const w = poison === 'w-nan' ? indicator(c.w) : poison.startsWith('x') ? ones(c.w) : { dims: c.w.dims, data: new Float32Array(c.w.data.length) };
  const b = poison === 'b-nan' ? indicator(c.b!) : undefined;
  return Array.from(runReference(c.op, x, w, b, c.attrs).y64, (y) => y > 0);
}

function nonFinite(op: OpName) {
  return defineClause({
    id: `${tag(op)}.numeric.nonFinite`,
    title: `${op}: a NaN (±∞) in x, a NaN in W or in b makes NaN (non-finite) every output that a product with it feeds`,
    category: 'numeric',
    ops: [op],
    arbitrary: poisonCase(op),
    runs: 50,
    async check(v, ctx: ClauseContext) {
      const c = v.case;
      const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
      const dims = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, ctx.profile).dims;
      assertDims(y, dims);
      const reached = reachedOutputs(v);
      const wantNaN = v.poison !== 'x-inf' && v.poison !== 'x-minus-inf';
      for (let i = 0; i < reached.length; i++) {
        if (!reached[i]) continue; // outside the window: unconstrained (FFT spreads NaN everywhere)
        const a = y.data[i];
        if (wantNaN ? !Number.isNaN(a) : Number.isFinite(a)) {
          throw new MismatchError(
            { kind: 'value', message: `output [${unravel(i, dims).join(', ')}] is ${a}, but a product with the ${v.poison} element at flat index ${v.at} feeds it: expected ${wantNaN ? 'NaN' : 'a non-finite value'}` },
            'output',
          );
        }
      }
    },
  });
}

export const numericClauses = [
  withinBound('Conv'), withinBound('ConvTranspose'),
  exactIntegers('Conv'), exactIntegers('ConvTranspose'),
  nonFinite('Conv'), nonFinite('ConvTranspose'),
];
