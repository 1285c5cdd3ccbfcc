/**
 * Plan: zero false alarms for the correct transform algorithms of the catalogue — Winograd F(2,3) /
 * F(2×2,3×3) and radix-2 FFT correlation, both in float32, declaring algorithm 'transform' — through
 * the real verifier on every registered clause and both tiers of the random domain. (The other correct
 * variants are in goodVariants.test.ts; these two take most of the time, so they run in a file of
 * their own.)
 */
import { describe, expect, it } from 'vitest';
import { goodVariants } from '../catalogue';
import { acceptsEach, TRANSFORM_VARIANTS } from './acceptsEach';

describe('verify accepts the correct transform variants', () => {
  it('the catalogue has both transform variants', () => {
    expect(goodVariants.map((e) => e.id)).toEqual(expect.arrayContaining(TRANSFORM_VARIANTS));
  });
  acceptsEach(goodVariants.filter((e) => TRANSFORM_VARIANTS.includes(e.id)));
});
