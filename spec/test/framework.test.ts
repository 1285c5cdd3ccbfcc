/**
 * The judging machinery itself: the per-element rule (including every non-finite case), the
 * mismatch report and its window, the case-id grammar and filters, the clause runner's statuses,
 * and the bound's magnitude contract. Expected values are worked out from the definitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reference, runReference } from '../../impl/reference';
import { directKernels } from '../../impl/reference';
import type { Implementation } from '../../impl/types';
import { caseId, compileFilter, isClauseId, matchesAny, parseCaseId } from '../framework/caseId';
import { defineClause } from '../framework/clause';
import { elementRatio, findMismatch, formatWindow } from '../framework/compare';
import { boundedCounterexample, counterexampleText, MAX_COUNTEREXAMPLE_CHARS, optionsFromEnv, runClause, SHOWN_ELEMENTS } from '../framework/runClause';
import { subjectFromImplementation } from '../framework/subject';
import { expectedWithBound } from '../tolerance';

const t = (dims: number[], data: number[]) => ({ dims, data: Float32Array.from(data) });

describe('elementRatio: one element against its bound', () => {
  it('finite values: |error| / bound, 0 for an exact match even with a zero bound', () => {
    expect(elementRatio(1.5, 1, 1)).toBe(0.5);
    expect(elementRatio(3, 3, 0)).toBe(0);
    expect(elementRatio(3.5, 3, 0)).toBe(Infinity);
  });
  it('a NaN bound never lets a difference pass', () => {
    expect(elementRatio(2, 1, NaN)).toBe(Infinity);
  });
  it('NaN must meet NaN; ±∞ must meet the same infinity', () => {
    expect(elementRatio(NaN, NaN, 1)).toBe(0);
    expect(elementRatio(0, NaN, 1)).toBe(Infinity);
    expect(elementRatio(Infinity, Infinity, 1)).toBe(0);
    expect(elementRatio(-Infinity, Infinity, 1)).toBe(Infinity);
    expect(elementRatio(NaN, 1, 1)).toBe(Infinity);
  });
  it('float32 overflow is admissible only where the rounded reference overflows', () => {
    expect(elementRatio(Infinity, 3.5e38, 1e30)).toBe(0); // fround(3.5e38) = ∞
    expect(elementRatio(Infinity, 3.3e38, 1e30)).toBe(Infinity); // 3.3e38 < float32 max ≈ 3.4028e38
  });
});

describe('findMismatch: the report of a bad output', () => {
  const expected = expectedWithBound('Conv', t([1, 1, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9]), t([1, 1, 2], [1, -1]), undefined, {});
  const good = { dims: expected.dims, data: Float32Array.from(expected.y64) };

  it('passes the rounded reference', () => {
    expect(findMismatch(good, expected)).toBeUndefined();
  });
  it('names wrong dims, wrong length and a wrong type before looking at values', () => {
    expect(findMismatch({ dims: [1, 1, 7], data: good.data.slice(0, 7) }, expected)?.kind).toBe('dims');
    expect(findMismatch({ dims: expected.dims, data: good.data.slice(0, 7) }, expected)?.kind).toBe('length');
    expect(findMismatch({ dims: expected.dims, data: Array.from(good.data) as never }, expected)?.kind).toBe('type');
  });
  it('points at the worst element and shows its neighbours along the last axis', () => {
    const bad = { dims: expected.dims, data: Float32Array.from(good.data) };
    bad.data[4] += 1; // every y is −1 (x[i] − x[i+1]); bound ≈ 3u·(2i+3)
    bad.data[5] += 0.5;
    const m = findMismatch(bad, expected)!;
    expect(m.kind).toBe('value');
    expect(m.badCount).toBe(2);
    expect(m.worst?.index).toEqual([0, 0, 4]);
    expect(m.window?.map((r) => r.index[2])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(m.window?.filter((r) => r.bad).map((r) => r.index[2])).toEqual([4, 5]);
    expect(formatWindow(m.window!)).toContain('<-- outside');
  });
});

describe('the bound: magnitude contract', () => {
  it('the magnitude is never below the float64 run on |x|, |W|, |b| (up to that run\'s own float64 rounding), and within 1e-6 relative above it', () => {
    const arb = fc.record({
      x: fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: 2 * 6 * 6, maxLength: 2 * 6 * 6 }),
      w: fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: 3 * 2 * 9, maxLength: 3 * 2 * 9 }),
    });
    fc.assert(
      fc.property(arb, ({ x, w }) => {
        const X = t([1, 2, 6, 6], x);
        const W = t([3, 2, 3, 3], w);
        const e = expectedWithBound('Conv', X, W, undefined, { pads: [1, 0, 0, 1] }, undefined, { keepMagnitude: true });
        const abs = runReference('Conv', t(X.dims, x.map(Math.abs)), t(W.dims, w.map(Math.abs)), undefined, { pads: [1, 0, 0, 1] }, { kernels: directKernels });
        abs.y64.forEach((m, i) => {
          // both are float64 sums in different orders: allow the float64 run's own error, 2⁻⁴⁰ relative
          expect(e.magnitude![i]).toBeGreaterThanOrEqual(m * (1 - 2 ** -40));
          expect(e.magnitude![i]).toBeLessThanOrEqual(m * (1 + 1e-6) + 1e-300);
        });
      }),
      { seed: 20261128, numRuns: 40 },
    );
  });
});

describe('case ids and filters', () => {
  it('accepts the grammar and rejects what is outside it', () => {
    expect(isClauseId('convT.size.formula')).toBe(true);
    expect(isClauseId('convT')).toBe(false);
    expect(isClauseId('ConvT.size')).toBe(false);
    expect(parseCaseId('fixtures.ort/conv_1d')).toEqual({ clauseId: 'fixtures.ort', caseName: 'conv_1d' });
    expect(() => parseCaseId('fixtures.ort/Conv 1d')).toThrow(/case name/);
    expect(caseId('fixtures.ort', 'x1')).toBe('fixtures.ort/x1');
  });
  it('"*" stays inside a segment, "**" crosses segments, a clause filter selects its cases', () => {
    expect(compileFilter('convT.*.formula')('convT.size.formula')).toBe(true);
    expect(compileFilter('convT.*')('convT.size.formula')).toBe(false);
    expect(compileFilter('convT.**')('convT.size.formula')).toBe(true);
    expect(compileFilter('fixtures.ort')('fixtures.ort/conv_1d')).toBe(true);
    expect(compileFilter('fixtures.ort/convtranspose_*')('fixtures.ort/conv_1d')).toBe(false);
    expect(matchesAny([], 'anything.at.all')).toBe(true);
  });
});

describe('runClause: statuses', () => {
  const clause = defineClause({
    id: 'test.framework.scale',
    title: 'Conv with a 1-tap kernel scales the input',
    category: 'numeric',
    ops: ['Conv'],
    arbitrary: fc.integer({ min: 1, max: 8 }),
    runs: 20,
    async check(n, ctx) {
      const x = t([1, 1, n], Array.from({ length: n }, (_, i) => i + 1));
      const y = await ctx.call('Conv', x, t([1, 1, 1], [2]), undefined, {});
      y.data.forEach((v, i) => {
        if (v !== 2 * (i + 1)) throw new Error(`y[${i}] = ${v}, expected ${2 * (i + 1)}`);
      });
    },
  });
  const broken: Implementation = { name: 'off by one at n ≥ 5', conv: (x, w, b, a) => {
    const y = reference.conv!(x, w, b, a) as { dims: number[]; data: Float32Array };
    if (x.dims[2] >= 5) y.data[0] += 1;
    return y;
  } };

  it('passed for the reference, failed with a shrunk counterexample and replay for a broken one', async () => {
    expect((await runClause(clause, subjectFromImplementation(reference))).status).toBe('passed');
    const out = await runClause(clause, subjectFromImplementation(broken), { replay: (id, s, p) => `replay ${id} ${s} ${p}` });
    expect(out.status).toBe('failed');
    expect(out.counterexample).toBe('5'); // shrinks to the smallest failing size
    expect(out.replay).toBe(`replay test.framework.scale ${out.seed} ${out.path}`);
    const again = await runClause(clause, subjectFromImplementation(broken), { seed: out.seed, path: out.path });
    expect(again.counterexample).toBe('5');
  });
  it('stops shrinking at its budget after the first failure: the smallest failing case by then, its path replaying it, and a note', async () => {
    // Every size ≥ 2 fails and each call takes 30 ms: with a 100 ms budget shrinking cannot reach 2.
    const slow = defineClause({
      id: 'test.framework.slowShrink',
      title: 'a clause whose every case ≥ 2 fails slowly',
      category: 'numeric',
      ops: ['Conv'],
      arbitrary: fc.integer({ min: 1, max: 1_000_000 }),
      runs: 50,
      async check(n) {
        await new Promise((r) => setTimeout(r, 30));
        if (n >= 2) throw new Error(`n = ${n}`);
      },
    });
    const cut = await runClause(slow, subjectFromImplementation(reference), { shrinkBudgetMs: 100 });
    expect(cut.status).toBe('failed');
    expect(cut.counterexample).toMatch(/^\d+ \(shrinking stopped after 100 ms: the smallest failing case found by then\)$/);
    const value = Number(cut.counterexample!.split(' ')[0]);
    expect(value).toBeGreaterThan(2);
    expect(cut.error).toBe(`n = ${value}`);
    // the path replays that very case (and shrinks on from it, here within the default budget)
    const again = await runClause(slow, subjectFromImplementation(reference), { seed: cut.seed, path: cut.path, shrinkBudgetMs: 100 });
    expect(again.status).toBe('failed');
    expect(Number(again.counterexample!.split(' ')[0])).toBeLessThanOrEqual(value);
    // Without a cut: the smallest case, no note; and nothing is cut before a first failure.
    const whole = await runClause({ ...slow, check: async (n: number) => { if (n >= 2) throw new Error(`n = ${n}`); } }, subjectFromImplementation(reference), { shrinkBudgetMs: 100 });
    expect(whole.counterexample).toBe('2');
    const passing = await runClause({ ...slow, check: () => new Promise<void>((r) => setTimeout(r, 5)) }, subjectFromImplementation(reference), { shrinkBudgetMs: 1 });
    expect(passing).toMatchObject({ status: 'passed', numRuns: 50 });
  });
  it('unsupported when the op is missing or every case is outside the declaration', async () => {
    expect((await runClause(clause, subjectFromImplementation({ name: 'transpose only', convTranspose: reference.convTranspose }))).status).toBe('unsupported');
    const rank2Only = subjectFromImplementation({ ...reference, supports: { ranks: [2] } } as Implementation);
    const out = await runClause(clause, rank2Only);
    expect(out.status).toBe('unsupported');
    expect(out.skipped['spatial rank 1']).toBeGreaterThan(0);
  });
  it('reads seed, path and depth from the environment and refuses garbage', () => {
    expect(optionsFromEnv({ CONVSPEC_SEED: '7', CONVSPEC_DEPTH: '3' })).toEqual({ seed: 7, path: undefined, depth: 3 });
    expect(() => optionsFromEnv({ CONVSPEC_SEED: 'abc' })).toThrow(/CONVSPEC_SEED/);
  });
});

describe('the counterexample text of a failure', () => {
  it('shows a long tensor by its head and length, without walking its elements (2²⁴ elements in well under a second)', () => {
    const data = new Float32Array(2 ** 24).fill(0.5);
    const t0 = performance.now();
    const text = counterexampleText([{ op: 'Conv', x: { dims: [1, 1, 4096, 4096], data }, attrs: { strides: [1, 1] } }]);
    // fast-check's stringify of the same value takes seconds and a string of 2^24 numbers.
    expect(performance.now() - t0).toBeLessThan(500);
    expect(text).toContain('Float32Array(16777216) [0.5, 0.5');
    expect(text).toContain(`… ${2 ** 24 - SHOWN_ELEMENTS} more]`);
    expect(text).toContain('"dims":[1,1,4096,4096]');
    expect(text).toContain('"strides":[1,1]');
    expect(text.length).toBeLessThan(1000);
    // short arrays and values print as fast-check prints them
    expect(counterexampleText([{ a: [1, 2, 3], f: Float32Array.from([1, 2]) }])).toBe(fc.stringify([{ a: [1, 2, 3], f: Float32Array.from([1, 2]) }]));
    expect(counterexampleText(Array.from({ length: 40 }, (_v, i) => i))).toBe(`[${Array.from({ length: SHOWN_ELEMENTS }, (_v, i) => i).join(',')},… ${40 - SHOWN_ELEMENTS} more]`);
  });

  it('is kept whole up to MAX_COUNTEREXAMPLE_CHARS and cut past it, saying how long it was (a 2²³-element case printed 160 MB)', () => {
    const small = 'x'.repeat(MAX_COUNTEREXAMPLE_CHARS);
    expect(boundedCounterexample(small)).toBe(small);
    const huge = `{"x":{"data":Float32Array.from([${'0.5,'.repeat(100_000)}])}}`;
    const cut = boundedCounterexample(huge);
    expect(cut.length).toBeLessThan(MAX_COUNTEREXAMPLE_CHARS + 200);
    expect(cut.startsWith(huge.slice(0, MAX_COUNTEREXAMPLE_CHARS))).toBe(true);
    expect(cut).toContain(`${huge.length} characters in all`);
  });
});
