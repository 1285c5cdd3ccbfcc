/**
 * Judging the catalogue with the real verifier: each entry is verified through verifyTarget
 * (tools/verify/run.ts, target kind 'implementation'), clause by clause, so the result is exactly
 * what `convspec verify` would say about it. Shared by the mutants test and `npm run mutants`.
 */
import type { Clause } from '../../spec/framework/clause';
import { allClauses } from '../../spec/clauses';
import type { ScaleSummary } from '../../spec/arbitraries/scaleTier';
import { decideScaleForRun, verifyTarget, type ClauseResult } from '../verify/run';
import type { CatalogueEntry } from './entry';

export interface JudgeOptions {
  /** Clauses to run, in order. Default: every registered clause (spec/clauses.ts). */
  registry?: Clause<any>[];
  /** Stop at the first clause that fails (enough to show a mutant is rejected). Default false. */
  stopAtFirstKill?: boolean;
  /** Multiplier of each clause's default number of random cases. Default 1. */
  depth?: number;
  /** fast-check seed. Default the suite's DEFAULT_SEED. */
  seed?: number;
  /** Scale-tier multiply-adds per case (0: the tier off). Default: as verify decides (flags, environment, measured speed). */
  scaleMacs?: number;
}

export interface Judgement {
  entry: CatalogueEntry;
  /** Ids of the clauses that failed, in registry order. */
  killedBy: string[];
  /** The first failing clause's result (its error explains the kill). */
  firstKill?: ClauseResult;
  /** Clauses run (math clauses are skipped; fewer still when stopping at the first kill). */
  clausesRun: number;
  /** Clauses that ran no case (everything skipped). */
  unsupported: string[];
  durationMs: number;
  /** Did the verifier give the expected verdict: reject for a mutant, accept for a good variant? */
  asExpected: boolean;
  /** The scale-tier limits every clause drew within (decided once for the entry). */
  scale: ScaleSummary;
}

/** Verifies one catalogue entry clause by clause. */
export async function judgeEntry(entry: CatalogueEntry, options: JudgeOptions = {}): Promise<Judgement> {
  const registry = options.registry ?? allClauses;
  const started = Date.now();
  const killedBy: string[] = [];
  const unsupported: string[] = [];
  let firstKill: ClauseResult | undefined;
  let clausesRun = 0;
  const target = { kind: 'implementation', implementation: entry.impl } as const;
  // The limits are decided once for the entry, as one `convspec verify` run decides them. Measured
  // afresh for each clause, the same JavaScript kernel measured 1.55 GMAC/s in a fresh process and
  // 0.53–0.61 after the large cases of the clause before, so its clauses drew within limits four
  // times apart (2^29 and 2^27 multiply-adds), and their cases were not those of any one run.
  const scale = await decideScaleForRun(target, { registry, scaleMacs: options.scaleMacs, log: () => undefined });
  for (const clause of registry) {
    // Math clauses never call the implementation: they cannot tell one subject from another.
    if (clause.category === 'math') continue;
    const report = await verifyTarget(target, { clauses: [clause.id], registry, depth: options.depth, seed: options.seed, scale, log: () => undefined, findings: false });
    clausesRun++;
    for (const r of report.clauses) {
      if (r.status === 'failed') {
        killedBy.push(r.id);
        firstKill ??= r;
      } else if (r.status === 'unsupported') {
        unsupported.push(r.id);
      }
    }
    if (firstKill && options.stopAtFirstKill) break;
  }
  const rejected = killedBy.length > 0;
  return {
    entry, killedBy, firstKill, clausesRun, unsupported, durationMs: Date.now() - started, scale,
    asExpected: entry.verdict === 'reject' ? rejected : !rejected,
  };
}
