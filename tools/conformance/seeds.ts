/**
 * Several seeds behind each column of the conformance table, so that no verdict rests on the luck of
 * one seed (the numpy target once passed at the default seed and failed at 5, 17 and 99: docs/
 * FINDINGS.md, 7). The first seed runs every clause; each further seed reruns only the clauses that
 * draw random cases — listed cases (the fixtures, the network layers) and math clauses, which never
 * call the implementation, are the same at any seed. The runs are then merged clause by clause: a
 * clause passes only if it passed at every seed, and the summary is recomputed from the merged clauses.
 */
import { mergePrecision } from '../../spec/framework/precision';
import { summarise, type ClauseResult, type VerifyReport } from '../report/report';
import { verifyTarget, type VerifyOptions, type VerifyTarget } from '../verify/run';

/** One seed's run of one target. */
export interface SeedRun {
  seed: number;
  report: VerifyReport;
  wallMs: number;
}

/** Whether a clause's cases come from the seed: property clauses that call the implementation. */
export function drawsRandomCases(c: Pick<ClauseResult, 'cases' | 'category'>): boolean {
  return c.cases === undefined && c.category !== 'math';
}

/** One clause's results at several seeds (the first is kept for everything a merge cannot sum). */
export function mergeClause(results: ClauseResult[]): ClauseResult {
  if (results.length === 0) throw new Error('mergeClause: no results');
  const failed = results.find((r) => r.status === 'failed');
  const status = failed ? 'failed' : results.some((r) => r.status === 'passed') ? 'passed' : 'unsupported';
  const skipped: Record<string, number> = {};
  for (const r of results) for (const [reason, n] of Object.entries(r.skipped)) skipped[reason] = (skipped[reason] ?? 0) + n;
  const sum = (f: (r: ClauseResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const faults = results.flatMap((r) => r.faults ?? []);
  const precision = mergePrecision(results.map((r) => r.precision));
  // A failure's details (seed, path, counterexample, replay line) are those of the first failing seed:
  // its replay line names that seed, so it reproduces the failure on its own.
  const { precision: _p, faults: _f, ...base } = failed ?? results[0];
  return {
    ...base,
    status,
    numRuns: sum((r) => r.numRuns),
    numSkips: sum((r) => r.numSkips),
    durationMs: sum((r) => r.durationMs),
    skipped,
    calls: sum((r) => r.calls ?? 0),
    ...(faults.length > 0 ? { faults } : {}),
    ...(precision ? { precision } : {}),
  };
}

/** The seeds at which a clause failed, in run order. */
export function failingSeeds(runs: SeedRun[], id: string): number[] {
  return runs.filter((r) => r.report.clauses.some((c) => c.id === id && c.status === 'failed')).map((r) => r.seed);
}

/** The runs of one target merged into one report (the first run's, with the seed-drawn clauses merged and the summary recomputed). */
export function mergeSeedRuns(runs: SeedRun[]): VerifyReport {
  if (runs.length === 0) throw new Error('mergeSeedRuns: no runs');
  const [first, ...later] = runs.map((r) => r.report);
  const clauses = first.clauses.map((c) =>
    drawsRandomCases(c) ? mergeClause([c, ...later.flatMap((r) => r.clauses.filter((k) => k.id === c.id))]) : c,
  );
  const abandoned = runs.map((r) => r.report.summary.abandoned).find((a) => a !== undefined);
  return {
    ...first,
    durationMs: runs.reduce((a, r) => a + r.report.durationMs, 0),
    clauses,
    summary: summarise(clauses, { abandoned }),
  };
}

/**
 * Verifies `target` at every seed of `seeds` (at least one; the first runs every clause) and returns
 * each run and their merge. `options` are verify's, less the seed; `clauses` selects the first run, the
 * later runs rerun the seed-drawn clauses among them.
 */
export async function verifyAtSeeds(
  target: VerifyTarget,
  seeds: number[],
  options: Omit<VerifyOptions, 'seed' | 'path'>,
): Promise<{ report: VerifyReport; runs: SeedRun[] }> {
  if (seeds.length === 0) throw new Error('verifyAtSeeds: no seed');
  const runs: SeedRun[] = [];
  let reseeded: string[] = [];
  for (const [i, seed] of seeds.entries()) {
    // An empty clause list would select every clause: with nothing seed-drawn, later seeds add nothing.
    if (i > 0 && reseeded.length === 0) break;
    const started = Date.now();
    const report = await verifyTarget(target, { ...options, seed, ...(i > 0 ? { clauses: reseeded } : {}) });
    runs.push({ seed, report, wallMs: Date.now() - started });
    if (i === 0) reseeded = report.clauses.filter(drawsRandomCases).map((c) => c.id);
  }
  return { report: mergeSeedRuns(runs), runs };
}
