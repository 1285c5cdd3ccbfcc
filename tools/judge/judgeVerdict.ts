/**
 * The verdict of `convspec judge` (fixtures layout and ONNX test folders alike). A verdict is earned
 * there as in verify: an output not written is a case the implementation did not run, and it counts
 * against the supported share (coverage.supportedFraction) exactly as an unsupported case does in
 * verify. Unlike verify, where a declaration says what was left out on purpose, judge has nothing
 * but the files, so by default every selected case must have its output (`minSupported` 1); a user
 * who ran only some cases says so with `--clause` (select what was run) or `--min-supported`.
 */
import { summarise, type ClauseResult, type Coverage, type VerifyReport } from '../report/report';
import { VerifyArgumentError } from '../verify/options';

/** judge's default `--min-supported`: every selected case needs its output. */
export const JUDGE_DEFAULT_MIN_SUPPORTED = 1;

/** The checked minimum share (0…1), default JUDGE_DEFAULT_MIN_SUPPORTED; VerifyArgumentError otherwise. */
export function judgeMinSupported(minSupported: number | undefined): number {
  if (minSupported === undefined) return JUDGE_DEFAULT_MIN_SUPPORTED;
  if (!(minSupported >= 0 && minSupported <= 1)) throw new VerifyArgumentError(`minimum supported share must be from 0 to 1, got ${minSupported}`);
  return minSupported;
}

const percent = (f: number) => `${(f * 100).toFixed(1)} %`;

/** Why too few outputs were there, in judge's words. */
function shortfall(coverage: Coverage, min: number): string {
  const selected = coverage.casesJudged + coverage.casesUnsupported;
  const asked = min === JUDGE_DEFAULT_MIN_SUPPORTED ? 'judge needs an output for every selected case (select only the cases you ran with --clause, or accept fewer with --min-supported)' : `--min-supported asks for ${percent(min)}`;
  return `only ${coverage.casesJudged} of the ${selected} selected cases had an output to judge (${percent(coverage.supportedFraction)}; ${coverage.casesUnsupported} not run: no output file); ${asked}`;
}

/** The summary of a judge report: verify's rules, with `minSupported` (already checked) always applied. */
export function judgeSummary(clauses: ClauseResult[], minSupported: number): VerifyReport['summary'] {
  return summarise(clauses, { minSupported, shortfall });
}
