/**
 * Plan: the float32 bound holds at reductions of 10⁵ products, for correct float32 implementations of
 * different summation orders, with no runtime involved: convspec's own correct variants (the fault
 * catalogue's sequential float32 loops, pairwise gather, shape-chosen paths, plus a fused
 * multiply-add loop) run the long cases of tools/bench/longReduction.ts (signed, positive and
 * swamping fills) and every output stays within its bound. The swamping fill makes the sequential
 * sum drop all but its first product; that error is known in closed form, and the judged ratio must
 * equal it — so the bound at K = 10⁵ is neither loose nor exceeded (about 0.987 of it). The measured
 * worst ratio of each variant is printed.
 */
import { describe, expect, it } from 'vitest';
import { gamma, PRECISION_PROFILES } from '../../../spec/tolerance';
import { catalogue } from '../../faults/catalogue';
import { variant } from '../../faults/variant';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';
import { boundRatios, FILLS, LONG_CASES, longCaseInputs } from '../longReduction';

const good = (id: string) => catalogue.find((e) => e.id === id)!.impl;
const fma = (acc: number, x: number, w: number) => Math.fround(acc + x * w); // x·w of two float32 is exact in float64
const variants: [string, ImplementationWithSupports][] = [
  ['sequential float32', good('float32-accumulation')],
  ['fused multiply-add float32', variant({ conv: { multiplyAdd: fma }, convTranspose: { multiplyAdd: fma } })],
  ['pairwise gather float32', good('pairwise-gather-float32')],
  ['shape-chosen paths float32', good('shape-paths-float32')],
];

describe('the float32 bound at reductions of 10⁵ products', () => {
  it('every case has at least 10⁵ products per output', () => {
    for (const c of LONG_CASES) {
      const perOutput = c.op === 'Conv' ? c.w.slice(1).reduce((a, d) => a * d, 1) : c.w[0] * c.w.slice(2).reduce((a, d) => a * d, 1);
      expect(perOutput, c.name).toBe(c.products);
      expect(c.products, c.name).toBeGreaterThanOrEqual(100_000);
    }
  });

  it.each(variants)('%s stays within the bound on every case and fill', async (name, impl) => {
    let worst = 0;
    const lines: string[] = [];
    for (const c of LONG_CASES) {
      for (const fill of FILLS) {
        const { x, w } = longCaseInputs(c, fill);
        const y = await (c.op === 'Conv' ? impl.conv!(x, w, undefined, c.attrs) : impl.convTranspose!(x, w, undefined, c.attrs));
        const r = boundRatios(c, x, w, y);
        lines.push(`${c.name} ${fill}: max ${r.max.toPrecision(3)}, median ${r.median.toPrecision(3)}`);
        expect(r.max, `${name}, ${c.name}, ${fill}`).toBeLessThanOrEqual(1);
        worst = Math.max(worst, r.max);
      }
    }
    console.log(`${name}: worst |error|/bound ${worst.toPrecision(4)}\n  ${lines.join('\n  ')}`);
  });

  it('the sequential sum of the swamping fill loses exactly what the closed form says, about 0.987 of the bound', async () => {
    const c = LONG_CASES.find((k) => k.name.startsWith('conv2d 1×1'))!;
    const { x, w } = longCaseInputs(c, 'swamping');
    const y = await good('float32-accumulation').conv!(x, w, undefined, c.attrs);
    expect(y.data[0]).toBe(1); // every product after the first was rounded away
    const k = c.products;
    const tiny = 2 ** -24 * (1 - 2 ** -10);
    const lost = (k - 1) * tiny;
    const bound = gamma(k + 1, PRECISION_PROFILES.float32.u) * (1 + lost);
    const r = boundRatios(c, x, w, y);
    expect(r.max).toBeCloseTo(lost / bound, 6);
    expect(r.max).toBeGreaterThan(0.98);
    expect(r.max).toBeLessThanOrEqual(1);
  });
});
