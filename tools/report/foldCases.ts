/**
 * An enumerated clause's result folded from its cases' results: the verdict, counts, the first
 * failure and the heat-map slices the report keeps. Used by a run and to merge `--jobs` shares.
 */
import type { PrecisionSummary } from '../../spec/framework/precision';
import type { CaseResult, ClauseResult } from './report';

/** Failing listed cases of a clause that keep their mismatch slice (heat maps). */
export const MAX_SLICES = 3;

/** An enumerated clause's result from its cases' results (in case order). Also merges `--jobs` shares. */
export function foldCases(meta: Pick<ClauseResult, 'id' | 'title' | 'category' | 'seed'>, results: CaseResult[], durationMs: number, precision?: PrecisionSummary): ClauseResult {
  // Heat-map slices for the first few failing cases only (in case order, so --jobs changes nothing), so the report stays small.
  let sliced = 0;
  results = results.map((r) => (r.mismatch?.slice && sliced++ >= MAX_SLICES ? { ...r, mismatch: { ...r.mismatch, slice: undefined } } : r));
  const count = (s: CaseResult['status']) => results.filter((r) => r.status === s).length;
  const status = count('failed') > 0 ? 'failed' : count('passed') > 0 ? 'passed' : 'unsupported';
  const firstFailure = results.find((r) => r.status === 'failed');
  const skipped: Record<string, number> = {};
  for (const r of results) if (r.status === 'unsupported' && r.unsupportedReason) skipped[r.unsupportedReason] = (skipped[r.unsupportedReason] ?? 0) + 1;
  return {
    ...meta,
    status,
    numRuns: count('passed') + count('failed'),
    numSkips: count('unsupported'),
    durationMs,
    skipped,
    calls: results.reduce((a, r) => a + (r.calls ?? 0), 0),
    ...(firstFailure ? { error: `${count('failed')} of ${results.length} cases failed; first: ${firstFailure.id}: ${firstFailure.error}`, mismatch: firstFailure.mismatch, replay: firstFailure.replay } : {}),
    ...(precision ? { precision } : {}),
    cases: results,
  };
}
