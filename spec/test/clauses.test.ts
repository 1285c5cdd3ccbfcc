/**
 * Runs every clause of the spec against the reference implementation, with the fixed default seed
 * (override with CONVSPEC_SEED, CONVSPEC_PATH, CONVSPEC_DEPTH). A failure prints the clause id, the
 * shrunk counterexample, the actual-vs-expected window and a replay command.
 */
import { describe, it } from 'vitest';
import { reference } from '../../impl/reference';
import { allClauses } from '../clauses';
import { formatOutcome, optionsFromEnv, runClause } from '../framework/runClause';
import { subjectFromImplementation } from '../framework/subject';

const subject = subjectFromImplementation(reference);
const envOptions = optionsFromEnv();
const replay = (id: string, seed: number, path: string) =>
  `CONVSPEC_SEED=${seed} CONVSPEC_PATH=${path} npx vitest run spec/test/clauses.test.ts -t '${id}:'`;

describe('the reference satisfies every clause', () => {
  for (const clause of allClauses) {
    it(`${clause.id}: ${clause.title}`, async () => {
      const outcome = await runClause(clause, subject, { ...envOptions, replay });
      if (outcome.status === 'failed') throw new Error(formatOutcome(outcome));
      if (outcome.status === 'unsupported' && clause.category !== 'math') {
        throw new Error(`${clause.id} ran no case against the reference (every case skipped)`);
      }
    });
  }
  it('the registry is not empty', () => {
    if (allClauses.length === 0) throw new Error('no clauses registered');
  });
});
