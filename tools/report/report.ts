/**
 * The verify report: one plain, JSON-serialisable object that every front end shares (terminal table,
 * `--json`, `--junit`, `convspec gate`, the mutants and conformance tables). Its shape is versioned:
 * REPORT_VERSION changes only when a field is removed or changes meaning; fields may be added.
 */
import type { ClauseCategory } from '../../spec/framework/clause';
import type { Mismatch } from '../../spec/framework/compare';
import { mergePrecision, type PrecisionSummary } from '../../spec/framework/precision';
import type { ClauseOutcome, ClauseStatus } from '../../spec/framework/runClause';
import type { Supports } from '../../spec/framework/subject';
import type { FaultRecord } from '../hosts/guard';
import type { CounterexampleData, Finding } from './finding';

/** A failure a known-failures entry (`--expect`) covers: reported, but it does not fail the verdict. */
export interface ExpectedMark {
  /** The entry's reason and/or link. */
  reason: string;
  /** The entry that covers it, e.g. `#2 clause conv.validation.**` (tools/report/expectFile.ts entryLabel). */
  entry: string;
}
import type { ScaleSummary } from '../../spec/arbitraries/scaleTier';

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
  /** Where the case's data came from (judge: the test folder and data set), when not a convspec fixture. */
  source?: string;
  /** Calls that reached the implementation while this case ran. */
  calls?: number;
  /** What the case is, when its clause says (model.layers: the layer's op, dims, attributes, weights' origin). */
  description?: string;
  /** Failed, and covered by a known-failures entry (`--expect`). */
  expected?: ExpectedMark;
  /** The failing call as data, for `convspec replay` (absent when too large or not expressible: see counterexampleDataOmitted). */
  counterexampleData?: CounterexampleData;
  /** Why a failing case has no counterexampleData (too large, or not a float32 tensor): replay it with its replay command. */
  counterexampleDataOmitted?: string;
}

/** A clause's outcome as runClause reports it (spec/framework/runClause.ts), plus what isolation saw. */
export interface ClauseResult extends ClauseOutcome {
  /** Hangs, crashes, non-Error throws, malformed results, protocol breaks seen while the clause ran. */
  faults?: FaultRecord[];
  /** Enumerated clauses only: every selected case. */
  cases?: CaseResult[];
  /**
   * Calls that reached the implementation while the clause ran (for `judge`: outputs judged). A clause
   * that never calls it (pure arithmetic of the spec) cannot by itself make a target conformant.
   */
  calls?: number;
  /** Failed, and every failure of it covered by a known-failures entry (`--expect`). */
  expected?: ExpectedMark;
  /** The failing call of the shrunk counterexample as data, for `convspec replay` (see CaseResult). */
  counterexampleData?: CounterexampleData;
  counterexampleDataOmitted?: string;
  /**
   * Set on a validation clause of a target that declares `supports.validation: false`: the clause
   * was not run (status 'unsupported'); the text says why. Never a pass.
   */
  notClaimed?: string;
}

/** What `--expect FILE` did: each entry with the failures it covered; an entry that covered none is stale. */
export interface KnownFailuresSummary {
  file?: string;
  /** `--strict-expect`: a stale entry makes the run not conformant. */
  strict: boolean;
  entries: { label: string; reason: string; matched: string[] }[];
  stale: string[];
}

/** How much of what was drawn the target's declaration let through. */
export interface Coverage {
  /** Cases judged in clauses that called the implementation. */
  casesJudged: number;
  /** Draws skipped as outside the declared support (reported apart: fast-check may draw many per case). */
  casesUnsupported: number;
  /**
   * The mean over clauses that drew anything of each clause's judged / (judged + skipped); 0 when
   * nothing was drawn. Per clause, so one clause's skipped draws cannot outweigh the others.
   */
  supportedFraction: number;
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

/** What `--layers-from` found in the model (the resolved layers are the cases of clause model.layers). */
export interface LayersFromSummary {
  model: string;
  /** Conv and ConvTranspose nodes of the main graph. */
  nodes: number;
  resolved: number;
  unresolved: { node: string; op: string; reason: string }[];
  notes: string[];
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
  /**
   * One per distinct fault (issue 23), in the order found: the failures each explains, its trigger,
   * its smallest counterexample as data and the fault models it is consistent with. [] when nothing
   * failed; absent in reports of older versions and of `judge`.
   */
  findings?: Finding[];
  ambiguities: AmbiguityResult[];
  /** `verify --layers-from MODEL`: the model's Conv/ConvTranspose nodes, and those it could not resolve. */
  layersFrom?: LayersFromSummary;
  /** `--expect FILE`: what each known-failures entry covered, and the stale ones. */
  knownFailures?: KnownFailuresSummary;
  summary: {
    /**
     * No failure anywhere and at least one clause or case passed that called the implementation; and,
     * when a minimum was asked for, coverage.supportedFraction reaches it. False for an empty share.
     */
    conformant: boolean;
    /**
     * True when this run's share (`--shard i/n`) held no clause and no case: nothing was judged, so
     * there is no verdict (conformant is false; the CLI exits 3). Absent otherwise. Added in version 1
     * (readers that do not know it see conformant false).
     */
    nothingSelected?: boolean;
    /** Why a run without failures is not conformant (nothing called the implementation; too little supported). */
    notConformantBecause?: string;
    /** How much was outside the declared support. */
    coverage: Coverage;
    /** Set when the run stopped calling the implementation (it hangs on every call); said once. */
    abandoned?: string;
    /** No failure outside the validation category. */
    numericConformant: boolean;
    /** No failure in the validation category (errors on invalid input). */
    validationConformant: boolean;
    /** The target declared `supports.validation: false`: invalid input was not checked (numerically conformant at most). */
    validationNotChecked?: true;
    /** Clause counts (an enumerated clause counts once). */
    clauses: Tally;
    /** Enumerated case counts. */
    cases: Tally;
    byCategory: Partial<Record<ClauseCategory, Tally>>;
    /** |error|/bound over every judged element of every clause; absent when none was judged. */
    precision?: PrecisionSummary;
    /** `--expect`: failing property clauses and cases covered by a known-failures entry (they do not fail the verdict). */
    expectedFailures?: number;
    /** `--expect`: entries that covered no failure. */
    staleExpectations?: number;
    /**
     * The scale-and-edges tier's limit in this run and how it was set (the target's measured speed,
     * an option, or off); absent from runs that draw no random cases through verify.
     */
    scale?: ScaleSummary;
    /** Cases judged at sampled positions, over every clause; absent when none was. */
    sampled?: { cases: number; judgedElements: number; outputElements: number };
  };
}

export function emptyTally(): Tally {
  return { passed: 0, failed: 0, unsupported: 0 };
}

/** A passed clause or case that called the implementation: what a CONFORMANT verdict must rest on. */
function earnedPass(clauses: ClauseResult[]): boolean {
  return clauses.some((c) => (c.status === 'passed' && (c.calls ?? 0) > 0) || (c.cases ?? []).some((k) => k.status === 'passed' && (k.calls ?? 0) > 0));
}

export function coverageOf(clauses: ClauseResult[]): Coverage {
  let casesJudged = 0;
  let casesUnsupported = 0;
  // The share is the mean over clauses of each clause's judged share: fast-check may draw a thousand
  // skipped cases for one run, so pooled counts would let one clause's skipped draws outweigh every
  // other clause's cases (issue 24: a conformant target failed --min-supported 50 % that way).
  let shares = 0;
  let clausesDrawn = 0;
  for (const c of clauses) {
    if (c.notClaimed) continue; // declared apart (supports.validation: false), not a share of drawn cases
    const judged = (c.calls ?? 0) > 0 ? c.numRuns : 0;
    casesJudged += judged;
    casesUnsupported += c.numSkips;
    if (judged + c.numSkips > 0) {
      shares += judged / (judged + c.numSkips);
      clausesDrawn++;
    }
  }
  return { casesJudged, casesUnsupported, supportedFraction: clausesDrawn === 0 ? 0 : shares / clausesDrawn };
}

/**
 * The summary of a run. `minSupported` (0…1) makes a run whose coverage.supportedFraction is below it
 * not conformant (`gate --min-supported`).
 */
export function summarise(
  clauses: ClauseResult[],
  options: {
    minSupported?: number;
    abandoned?: string;
    /** Why coverage below minSupported is not conformant, in the caller's words (judge: outputs not written). */
    shortfall?: (coverage: Coverage, minSupported: number) => string;
  } = {},
): VerifyReport['summary'] {
  const tally = emptyTally();
  const cases = emptyTally();
  const byCategory: Partial<Record<ClauseCategory, Tally>> = {};
  for (const c of clauses) {
    tally[c.status]++;
    (byCategory[c.category] ??= emptyTally())[c.status]++;
    for (const k of c.cases ?? []) cases[k.status]++;
  }
  // A failure a known-failures entry covers (`--expect`) is reported, but fails no verdict.
  const failedIn = (pred: (c: ClauseResult) => boolean) => clauses.some((c) => c.status === 'failed' && !c.expected && pred(c));
  const numericConformant = !failedIn((c) => c.category !== 'validation');
  const validationConformant = !failedIn((c) => c.category === 'validation');
  const precision = mergePrecision(clauses.map((c) => c.precision));
  const sampled = clauses.reduce<{ cases: number; judgedElements: number; outputElements: number } | undefined>(
    (t, c) => (c.sampled ? { cases: (t?.cases ?? 0) + c.sampled.cases, judgedElements: (t?.judgedElements ?? 0) + c.sampled.judgedElements, outputElements: (t?.outputElements ?? 0) + c.sampled.outputElements } : t),
    undefined,
  );
  const coverage = coverageOf(clauses);
  let notConformantBecause: string | undefined;
  if (numericConformant && validationConformant) {
    if (!earnedPass(clauses)) {
      notConformantBecause = 'no clause or case that calls the implementation passed: everything it was asked was outside its declared support, or nothing was selected that calls it';
    } else if (options.minSupported !== undefined && coverage.supportedFraction < options.minSupported) {
      notConformantBecause = options.shortfall
        ? options.shortfall(coverage, options.minSupported)
        : `only ${(coverage.supportedFraction * 100).toFixed(1)} % of the drawn cases were inside the declared support (${coverage.casesJudged} judged, ${coverage.casesUnsupported} unsupported); --min-supported asks for ${(options.minSupported * 100).toFixed(1)} %`;
    }
  }
  return {
    conformant: numericConformant && validationConformant && notConformantBecause === undefined,
    ...(notConformantBecause ? { notConformantBecause } : {}),
    coverage,
    ...(options.abandoned ? { abandoned: options.abandoned } : {}),
    numericConformant,
    validationConformant,
    clauses: tally,
    cases,
    byCategory,
    ...(precision ? { precision } : {}),
    ...(sampled ? { sampled } : {}),
    ...(clauses.some((c) => c.notClaimed) ? { validationNotChecked: true as const } : {}),
  };
}

/** The summary of a share that selected nothing (`--shard i/n` with more shares than units): no verdict. */
export function nothingSelectedSummary(summary: VerifyReport['summary'], shard: { index: number; count: number }): VerifyReport['summary'] {
  return {
    ...summary,
    conformant: false,
    nothingSelected: true,
    notConformantBecause: `nothing selected: share ${shard.index}/${shard.count} holds no clause and no case, so nothing was judged (the other shares give the verdict)`,
  };
}

/** JSON text of a report; non-finite numbers (in mismatch windows) become the strings "NaN", "Infinity", "-Infinity". */
export function reportToJson(report: VerifyReport): string {
  return JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}
