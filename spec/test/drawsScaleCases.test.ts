/**
 * Clause.drawsScaleCases decides whether a run measures the target to size the scale-and-edges tier
 * (tools/verify/run.ts). A clause that reads the tier's limits without the flag would silently get
 * no scale cases in a run of such clauses alone; a flag on a clause that never reads them costs that
 * run a measurement. So: every clause's arbitrary is drawn with the tier's limits behind a getter
 * that counts its reads, and the flag must say exactly whether it read them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allClauses } from '../clauses';
import { scaleTier } from '../arbitraries/scaleTier';
import type { ScaleLimits } from '../arbitraries/scale';

/** Small limits: the draws stay cheap, and every reader still reads them on each draw. */
const PROBE_LIMITS: ScaleLimits = { maxMacs: 2 ** 12, maxTensorElements: 2 ** 10 };
/** Draws per clause: a reader reads on every draw that reaches the tier's arbitraries, which every draw of a flagged clause does. */
const DRAWS = 25;

/** How many times drawing `DRAWS` values of `arbitrary` read scaleTier.current. */
function tierReads(arbitrary: fc.Arbitrary<unknown>): number {
  let reads = 0;
  const own = Object.getOwnPropertyDescriptor(scaleTier, 'current');
  Object.defineProperty(scaleTier, 'current', {
    configurable: true,
    get: () => {
      reads++;
      return PROBE_LIMITS;
    },
  });
  try {
    fc.sample(arbitrary, { seed: 7, numRuns: DRAWS });
  } finally {
    if (own) Object.defineProperty(scaleTier, 'current', own);
    else delete scaleTier.current;
  }
  return reads;
}

describe('Clause.drawsScaleCases', () => {
  it('is set on exactly the clauses whose cases read the scale tier\'s limits', () => {
    const wrong: string[] = [];
    let flagged = 0;
    for (const clause of allClauses) {
      const reads = tierReads(clause.arbitrary);
      if (clause.drawsScaleCases) flagged++;
      if ((reads > 0) !== (clause.drawsScaleCases === true)) wrong.push(`${clause.id}: ${reads} reads, drawsScaleCases ${clause.drawsScaleCases ?? 'unset'}`);
    }
    expect(wrong).toEqual([]);
    // The numeric, structure and zero-insertion clauses of both operators (SPEC.md "Random cases").
    expect(flagged).toBeGreaterThanOrEqual(28);
  });
});
