/**
 * Plan: zero false alarms. Every correct variant of the catalogue (tools/faults/catalogue.ts)
 * — the reference, float32 accumulation, a different algorithm with pairwise float32 sums, the variant
 * that takes every shape path of shapePaths.ts correctly, and the element-type variants — passes every
 * registered clause through the real verifier, on both tiers of the random domain. The two transform
 * variants (Winograd, FFT), the heaviest, are in goodTransforms.test.ts so that vitest's two workers
 * share the load. (Split from mutants.test.ts for the same reason.)
 */
import { describe } from 'vitest';
import { goodVariants } from '../catalogue';
import { acceptsEach, TRANSFORM_VARIANTS } from './acceptsEach';

describe('verify accepts the correct variants', () => {
  acceptsEach(goodVariants.filter((e) => !TRANSFORM_VARIANTS.includes(e.id)));
});
