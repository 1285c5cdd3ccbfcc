/**
 * Plan: the target splitters of the scale tier (spec/arbitraries/factors.ts) keep what their callers
 * rely on — balancedSplit's factors multiply to the size exactly and sit near its root wherever the
 * divisors allow; roundedSplit's multiply to the size or a little more (never less), for sizes with no
 * even split — on powers of two, numbers next to them (2^24 + 1 = 97·257·673, 2^25 − 1) and primes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedSplit, roundedSplit } from '../arbitraries/factors';

const prod = (v: number[]) => v.reduce((p, x) => p * x, 1);
const sizes = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 26 }),
  fc.integer({ min: 0, max: 26 }).chain((e) => fc.constantFrom(2 ** e, 2 ** e + 1, Math.max(1, 2 ** e - 1))),
  fc.constantFrom(65_521, 16_777_213, 2 ** 24 + 1, 2 ** 25 - 1),
);

describe('the scale tier\'s target splitters', () => {
  it('balancedSplit: integer factors multiplying to n; on a power of two each within 4× of the root of what remained', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 0, max: 65_535 }), { minLength: 3, maxLength: 3 }), (n, parts, picks) => {
        const f = balancedSplit(n, parts, picks);
        expect(f).toHaveLength(parts);
        expect(f.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
        expect(prod(f)).toBe(n);
        if (Number.isInteger(Math.log2(n)) && parts > 1) {
          let rest = n;
          f.slice(0, -1).forEach((v, j) => {
            const root = rest ** (1 / (parts - j));
            expect(v >= root / 4 - 1e-9 && v <= 4 * root + 1e-9, `${n} → ${f}`).toBe(true);
            rest /= v;
          });
        }
      }),
      { seed: 34, numRuns: 500 },
    );
  });

  it('roundedSplit: integer factors multiplying to at least n and less than n·(1 + 2·parts/∜n) (a prime plane split evenly)', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 1, max: 3 }), (n, parts) => {
        const f = roundedSplit(n, parts);
        expect(f).toHaveLength(parts);
        expect(f.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
        expect(prod(f)).toBeGreaterThanOrEqual(n);
        if (n >= 2 ** 12) expect(prod(f) / n, `${n} → ${f}`).toBeLessThan(1 + (2 * parts) / n ** 0.25);
      }),
      { seed: 34, numRuns: 500 },
    );
    expect(roundedSplit(2 ** 24 + 1, 2)).toEqual([4096, 4097]);
  });
});
