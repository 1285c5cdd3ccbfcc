/** One vitest test per correct variant: the real verifier must accept it on every clause. */
import { it } from 'vitest';
import { optionsFromEnv } from '../../../spec/framework/runClause';
import type { CatalogueEntry } from '../catalogue';
import { judgeEntry, type JudgeOptions } from '../judge';

/** The correct variants that use a transform algorithm (the heaviest to verify). */
export const TRANSFORM_VARIANTS = ['winograd-float32', 'fft-float32'];

/**
 * The depth of the correct variants in `npm test`: half of every clause's cases (every clause still
 * runs). Verifying the twenty variants at full depth is about 85 CPU-s of the suite, the largest
 * share after the package test; .ci/run runs these files again at full depth (CONVSPEC_DEPTH=1) on
 * every landing, and `npm run mutants` judges the variants at full depth with the scale tier at its
 * real sizes. CONVSPEC_DEPTH, when set, is the depth here as everywhere else.
 */
export const ACCEPT_DEPTH = 0.5;

export function acceptsEach(entries: readonly CatalogueEntry[], options: JudgeOptions = {}): void {
  const depth = options.depth ?? optionsFromEnv().depth ?? ACCEPT_DEPTH;
  for (const entry of entries) {
    it(`accepts ${entry.id}: ${entry.bug}`, async () => {
      const j = await judgeEntry(entry, { ...options, depth });
      if (!j.asExpected) throw new Error(`${entry.id} was rejected by ${j.killedBy.join(', ')}:\n${j.firstKill?.error ?? ''}\n${j.firstKill?.counterexample ?? ''}`);
    }, 300_000);
  }
}
