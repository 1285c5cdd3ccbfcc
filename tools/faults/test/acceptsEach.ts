/** One vitest test per correct variant: the real verifier must accept it on every clause. */
import { it } from 'vitest';
import type { CatalogueEntry } from '../catalogue';
import { judgeEntry, type JudgeOptions } from '../judge';

/** The correct variants that use a transform algorithm (the heaviest to verify). */
export const TRANSFORM_VARIANTS = ['winograd-float32', 'fft-float32'];

export function acceptsEach(entries: readonly CatalogueEntry[], options: JudgeOptions = {}): void {
  for (const entry of entries) {
    it(`accepts ${entry.id}: ${entry.bug}`, async () => {
      const j = await judgeEntry(entry, options);
      if (!j.asExpected) throw new Error(`${entry.id} was rejected by ${j.killedBy.join(', ')}:\n${j.firstKill?.error ?? ''}\n${j.firstKill?.counterexample ?? ''}`);
    }, 300_000);
  }
}
