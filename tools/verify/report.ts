/**
 * The verify report: one plain, JSON-serialisable object that every front end shares (terminal table,
 * `--json`, `--junit`, `convspec gate`, the mutants and conformance tables). Its shape is versioned:
 * REPORT_VERSION changes only when a field is removed or changes meaning; fields may be added.
 */
import type { ClauseCategory } from '../../spec/framework/clause';
import type { Mismatch } from '../../spec/framework/compare';
import type { ClauseOutcome, ClauseStatus } from '../../spec/framework/runClause';
import type { Supports } from '../../spec/framework/subject';
import type { FaultRecord } from './guard';

export const REPORT_SCHEMA_ID = 'convspec-verify-report';
export const REPORT_VERSION = 1;

/** 'judge': outputs read from files by `convspec judge`, not a called implementation. */
export type TargetKind = 'ort' | 'module' | 'cmd' | 'implementation' | 'judge' | 'browser' | 'named';

/** One enumerated case (e.g. one fixture). */
export interface CaseResult {
  /** Full case id, `clause-id/case-name`. */
  id: string;
  status: ClauseStatus;
  durationMs: number;
  /** Why the case was skipped (status unsupported). */
  unsupportedReason?: string;
  error?: string;
  mismatch?: Mismatch;
  faults?: FaultRecord[];
  replay?: string;
}

/** A clause's outcome as runClause reports it (spec/framework/runClause.ts), plus what isolation saw. */
export interface ClauseResult extends ClauseOutcome {
  /** Hangs, crashes, non-Error throws, malformed results, protocol breaks seen while the clause ran. */
  faults?: FaultRecord[];
  /** Enumerated clauses only: every selected case. */
  cases?: CaseResult[];
}

export interface Tally {
  passed: number;
  failed: number;
  unsupported: number;
}

/** How the target behaves on one catalogued ambiguity (spec/AMBIGUITIES.md): a reading, not a verdict. */
export interface AmbiguityResult {
  id: string;
  title: string;
  /** The reading the target's answers match, or 'none' / 'unsupported' / 'error'. */
  follows: string;
  detail?: string;
}

export interface VerifyReport {
  schema: typeof REPORT_SCHEMA_ID;
  version: typeof REPORT_VERSION;
  convspecVersion: string;
  startedAt: string;
  durationMs: number;
  target: {
    kind: TargetKind;
    /** What the user typed, e.g. `--cmd "python3 adapter.py"` (used in replay commands). */
    args: string;
    /** The implementation's own name. */
    name: string;
    supports: Supports;
  };
  options: {
    seed: number;
    path?: string;
    /** Random cases per property clause when fixed by --runs N. */
    runs?: number;
    /** Multiplier of each clause's default number of cases. */
    depth: number;
    shard?: { index: number; count: number };
    timeoutMs: number;
    clauseFilters: string[];
  };
  clauses: ClauseResult[];
  ambiguities: AmbiguityResult[];
  summary: {
    /** No failure anywhere and at least one clause passed (or, with --shard, an empty share). */
    conformant: boolean;
    /** No failure outside the validation category. */
    numericConformant: boolean;
    /** No failure in the validation category (errors on invalid input). */
    validationConformant: boolean;
    /** Clause counts (an enumerated clause counts once). */
    clauses: Tally;
    /** Enumerated case counts. */
    cases: Tally;
    byCategory: Partial<Record<ClauseCategory, Tally>>;
  };
}

export function emptyTally(): Tally {
  return { passed: 0, failed: 0, unsupported: 0 };
}

export function summarise(clauses: ClauseResult[]): VerifyReport['summary'] {
  const tally = emptyTally();
  const cases = emptyTally();
  const byCategory: Partial<Record<ClauseCategory, Tally>> = {};
  for (const c of clauses) {
    tally[c.status]++;
    (byCategory[c.category] ??= emptyTally())[c.status]++;
    for (const k of c.cases ?? []) cases[k.status]++;
  }
  const failedIn = (pred: (c: ClauseResult) => boolean) => clauses.some((c) => c.status === 'failed' && pred(c));
  const numericConformant = !failedIn((c) => c.category !== 'validation');
  const validationConformant = !failedIn((c) => c.category === 'validation');
  return {
    conformant: numericConformant && validationConformant && tally.passed > 0,
    numericConformant,
    validationConformant,
    clauses: tally,
    cases,
    byCategory,
  };
}

/** JSON text of a report; non-finite numbers (in mismatch windows) become the strings "NaN", "Infinity", "-Infinity". */
export function reportToJson(report: VerifyReport): string {
  return JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}
