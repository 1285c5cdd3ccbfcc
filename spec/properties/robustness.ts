/**
 * Section "Robustness" of SPEC.md: what a caller may rely on besides the values. The result is a
 * well-formed float32 tensor with the resolved dims; the inputs are left as they were; calling again
 * gives a result within the bound again and does not change a result returned earlier (stale or
 * reused output buffers); finite inputs give finite outputs.
 *
 * Comparisons of two results use the tolerance bound, never bit equality: a correct implementation
 * may sum in a different order on every call (threads), and that must not be a failure.
 */
import fc from 'fast-check';
import { resolve } from '../../impl/resolve';
import type { OpName, Tensor } from '../../impl/types';
import { buildCase, convShape, type ConvShape, type OpCase } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { defineClause } from '../framework/clause';
import { assertWithinBound, MismatchError, unravel } from '../framework/compare';
import { assertDims, expectedFor, expectThat } from './lib/judge';

/** Any valid case of either operator. */
const anyCase: fc.Arbitrary<OpCase> = fc
  .constantFrom<OpName>('Conv', 'ConvTranspose')
  .chain((op) => fc.tuple(convShape(op), dataSeed()))
  .map(([shape, seed]) => buildCase(shape, seed));

/** Two cases with the same shape and different data (for the repeated-call clause). */
const sameShapeTwice: fc.Arbitrary<[OpCase, OpCase]> = fc
  .constantFrom<OpName>('Conv', 'ConvTranspose')
  .chain((op) => fc.tuple(convShape(op), dataSeed(), dataSeed()))
  .filter(([, a, b]) => a !== b)
  .map(([shape, a, b]: [ConvShape, number, number]) => [buildCase(shape, a), buildCase(shape, b)]);

/** Bit patterns of a float32 array (so -0, NaN payloads and all count). */
const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

function firstChange(before: Uint32Array, after: Float32Array): number {
  if (after.length !== before.length) return 0;
  const now = new Uint32Array(after.buffer, after.byteOffset, after.length);
  for (let i = 0; i < before.length; i++) if (now[i] !== before[i]) return i;
  return -1;
}

export const outputDims = defineClause({
  id: 'robustness.output.dims',
  title: 'the result has the resolved output dims and data.length equal to their product',
  category: 'robustness',
  ops: [],
  arbitrary: anyCase,
  runs: 60,
  async check(c, ctx) {
    const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    assertDims(y, resolve(c.op, c.x.dims, c.w.dims, c.attrs, c.b?.dims).outputDims);
  },
});

export const outputType = defineClause({
  id: 'robustness.output.type',
  title: 'the result is a plain {dims: number[], data: Float32Array} tensor',
  category: 'robustness',
  ops: [],
  arbitrary: anyCase,
  runs: 30,
  async check(c, ctx) {
    const y: unknown = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    expectThat(y !== null && typeof y === 'object', `the result is ${y === null ? 'null' : typeof y}, not a tensor`);
    const { dims, data } = y as Record<string, unknown>;
    expectThat(Array.isArray(dims) && dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0), `result.dims ${JSON.stringify(dims)} is not an array of non-negative integers`);
    expectThat(data instanceof Float32Array, `result.data is ${data === null || data === undefined ? String(data) : (data as object).constructor?.name ?? typeof data}, not a Float32Array`);
  },
});

export const inputsUnchanged = defineClause({
  id: 'robustness.inputs.unchanged',
  title: 'a call leaves X, W, B (data and dims) exactly as they were',
  category: 'robustness',
  ops: [],
  arbitrary: anyCase,
  runs: 60,
  async check(c, ctx) {
    const inputs: [string, Tensor | undefined][] = [['X', c.x], ['W', c.w], ['B', c.b]];
    const before = inputs.map(([, t]) => (t ? { data: bits(t.data), dims: [...t.dims] } : undefined));
    await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    inputs.forEach(([name, t], k) => {
      const was = before[k];
      if (!t || !was) return;
      expectThat(t.dims.length === was.dims.length && t.dims.every((d, i) => d === was.dims[i]), `${name}.dims changed from ${JSON.stringify(was.dims)} to ${JSON.stringify(t.dims)}`);
      const i = firstChange(was.data, t.data);
      if (i >= 0) {
        const old = new Float32Array(was.data.buffer)[i];
        throw new MismatchError({ kind: 'value', message: `${name} was modified: element [${unravel(i, t.dims).join(', ')}] was ${old}, is now ${t.data[i]}` }, name);
      }
    });
  },
});

export const repeatable = defineClause({
  id: 'robustness.calls.repeatable',
  title: 'calls A, B, A again: every result is within the bound, and the first is not changed by the second',
  category: 'robustness',
  ops: [],
  arbitrary: sameShapeTwice,
  runs: 40,
  async check([a, b], ctx) {
    const expectA = expectedFor(ctx, a);
    const first = await ctx.call(a.op, a.x, a.w, a.b, a.attrs);
    const second = await ctx.call(b.op, b.x, b.w, b.b, b.attrs);
    // The first result is re-read only now: if the second call wrote into the same buffer, it changed.
    assertWithinBound(first, expectA, 'first result, re-read after a second call with other data (reused output buffer?)');
    assertWithinBound(second, expectedFor(ctx, b), 'second call, other data of the same shape (stale state?)');
    const third = await ctx.call(a.op, a.x, a.w, a.b, a.attrs);
    assertWithinBound(third, expectA, 'third call, same inputs as the first (stale state?)');
  },
});

export const finiteOutputs = defineClause({
  id: 'robustness.output.finite',
  title: 'finite inputs of moderate size give no NaN or ±Infinity in the result',
  category: 'robustness',
  ops: [],
  arbitrary: anyCase,
  runs: 60,
  async check(c, ctx) {
    const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    assertDims(y, resolve(c.op, c.x.dims, c.w.dims, c.attrs, c.b?.dims).outputDims);
    const i = y.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new MismatchError({ kind: 'value', message: `${y.data[i]} at [${unravel(i, y.dims).join(', ')}] although every input is finite and |value| < 2` });
    }
  },
});

/** The section's clauses, in SPEC.md order. */
export const robustnessClauses = [outputDims, outputType, inputsUnchanged, repeatable, finiteOutputs];
