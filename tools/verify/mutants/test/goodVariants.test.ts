/**
 * Plan: zero false alarms. Every correct variant of the catalogue (tools/verify/mutants/catalogue.ts)
 * — the reference, float32 accumulation, a different algorithm with pairwise float32 sums, Winograd
 * and FFT in float32 (declaring algorithm 'transform'), and the variant that takes every shape path of
 * shapePaths.ts correctly — passes every registered clause through the real verifier, on both tiers of
 * the random domain. (Split from mutants.test.ts so vitest runs the two files in parallel.)
 */
import { describe, it } from 'vitest';
import { goodVariants } from '../catalogue';
import { judgeEntry } from '../judge';

describe('verify accepts the correct variants', () => {
  for (const entry of goodVariants) {
    it(`accepts ${entry.id}: ${entry.bug}`, async () => {
      const j = await judgeEntry(entry);
      if (!j.asExpected) throw new Error(`${entry.id} was rejected by ${j.killedBy.join(', ')}:\n${j.firstKill?.error ?? ''}\n${j.firstKill?.counterexample ?? ''}`);
    }, 300_000);
  }
});
