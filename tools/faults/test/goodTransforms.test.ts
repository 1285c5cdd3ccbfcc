/**
 * Plan: zero false alarms for the correct transform algorithms of the catalogue — Winograd F(2,3) /
 * F(2×2,3×3) and radix-2 FFT correlation, both in float32, declaring algorithm 'transform' — through
 * the real verifier on every registered clause and the small and realistic tiers of the random
 * domain. Not the scale-and-edges tier (scale off; numeric.atScale and atEdges left out): these two
 * lower every (item, output channel) pair on its own, so the tier's cases of 65 535 planes cost them
 * seconds each and the file minutes. The transform arithmetic they check is the same at any size;
 * scale-winograd-float32, a fast Winograd, is judged with the tier in goodVariants.test.ts. (The
 * other correct variants are there too; these two take most of the time, so they run in a file of
 * their own.)
 */
import { describe, expect, it } from 'vitest';
import { goodVariants } from '../catalogue';
import { allClauses } from '../../../spec/clauses';
import { acceptsEach, TRANSFORM_VARIANTS } from './acceptsEach';

describe('verify accepts the correct transform variants', () => {
  it('the catalogue has both transform variants', () => {
    expect(goodVariants.map((e) => e.id)).toEqual(expect.arrayContaining(TRANSFORM_VARIANTS));
  });
  const withoutTier = allClauses.filter((c) => !/\.numeric\.at(Scale|Edges)$/.test(c.id));
  it('leaves out exactly the four clauses of the scale-and-edges tier', () => expect(allClauses.length - withoutTier.length).toBe(4));
  acceptsEach(goodVariants.filter((e) => TRANSFORM_VARIANTS.includes(e.id)), { scaleMacs: 0, registry: withoutTier });
});
