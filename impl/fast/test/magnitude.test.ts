/**
 * Plan: magnitudeRun (the tolerance model's Σ|x||w| + |b| on a resolved geometry) must equal the
 * direct definition run on |x|, |W|, |b| up to float64 rounding, over the same random valid
 * configurations as the kernel property; with NaN/±∞ planted, NaN and +∞ positions must match.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { DEFAULT_SEED } from '../../../spec/framework/runClause';
import { magnitudeRun } from '../magnitude';
import { caseArb, disagreement, materialise, seeded, type Data } from './configs';

const seed = Number(process.env.CONVSPEC_SEED ?? DEFAULT_SEED);
const abs = (v: Float32Array): Float32Array => v.map(Math.abs);
const absData = (d: Data): Data => ({ g: d.g, x: abs(d.x), w: abs(d.w), b: d.b && abs(d.b) });

describe('magnitudeRun equals the direct definition on |x|, |W|, |b|', () => {
  it('random valid configurations, finite and with NaN/±∞ planted', () => {
    const special = [NaN, Infinity, -Infinity];
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 2 }), (c, planted) => {
        const d = materialise(c);
        const rand = seeded(c.dataSeed ^ 0x2545f491);
        for (let i = 0; i < planted; i++) d.x[Math.floor(rand() * d.x.length)] = special[Math.floor(rand() * 3)];
        const why = disagreement(absData(d), magnitudeRun(d.g, d.x, d.w, d.b));
        if (why) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)}: ${why}`);
      }),
      { seed, numRuns: 150 },
    );
  });
});
