/**
 * Runs one clause against a subject with fast-check and turns the result into a plain outcome record
 * that every front end (vitest, `convspec verify`, reports) shares.
 */
import fc from 'fast-check';
import { makeContext, type Clause, type RecordedCall } from './clause';
import { MismatchError, type Mismatch } from './compare';
import { withPrecision, type PrecisionSummary } from './precision';
import { asJudged, isForeignSkipMarker, isOwnSkip, unwrapJudged } from './skip';
import { samplingRecorder, type SamplingTally } from './sampled';
import { scaleTier } from '../arbitraries/scaleTier';
import { declaredSupport } from '../arbitraries/steer';
import type { ScaleLimits } from '../arbitraries/scale';
import type { Subject } from './subject';

/** The fixed default seed: every `npm test` and default `convspec verify` run draws the same cases. */
export const DEFAULT_SEED = 20261128;
/**
 * Most random cases per clause, and the largest depth multiplier, a run may ask for — by flag
 * (`--runs`), by environment (CONVSPEC_DEPTH) or through the API alike: beyond them a run would not end.
 */
export const MAX_RUNS = 1_000_000;
export const MAX_DEPTH = 1000;

export interface RunClauseOptions {
  /** fast-check seed. Default DEFAULT_SEED (or CONVSPEC_SEED from the environment, via seedFromEnv). */
  seed?: number;
  /** fast-check replay path of a previous failure. */
  path?: string;
  /** Number of random cases; default the clause's own `runs`, else 100. */
  runs?: number;
  /** Multiplies every clause's default number of runs (deep runs). Default 1. */
  depth?: number;
  /** Builds the one-line replay command for a failure. */
  replay?: (clauseId: string, seed: number, path: string) => string;
  /**
   * Limits of the scale-and-edges tier (spec/arbitraries/scaleTier.ts) while this clause draws its
   * cases. Absent: no scale cases. Part of what a replay must repeat (`--scale-macs`).
   */
  scale?: ScaleLimits;
  /** Skipped cases allowed per run before fast-check gives up (default 1000); the findings' separation search asks for few. */
  maxSkipsPerRun?: number;
  /** Time allowed for shrinking after the first failure, in ms (default SHRINK_BUDGET_MS). */
  shrinkBudgetMs?: number;
}

/**
 * How long a failing clause may shrink its counterexample: 60 s from the first failure. Each shrink
 * step reruns the target on a candidate; a scale case of 2²⁵ elements costs seconds a candidate, and a
 * kill-table entry spent over ten minutes shrinking one. Past the budget fast-check is stopped and the
 * smallest failing case found so far is reported, with its replay path, and says that it was cut.
 */
export const SHRINK_BUDGET_MS = 60_000;

export type ClauseStatus = 'passed' | 'failed' | 'unsupported';

/**
 * A replay path that does not fit the clause's arbitrary at this seed: the caller's mistake (a path
 * from another clause or seed, mistyped, or printed by an older convspec whose generators differ),
 * never a verdict on the implementation. Front ends report it as a usage error.
 */
export class ReplayPathError extends Error {
  constructor(readonly clauseId: string, readonly seed: number, readonly path: string, reason: string) {
    super(
      `--path ${path} does not fit clause ${clauseId} at seed ${seed}: ${reason}. A path replays only with the clause and ` +
        `seed it was printed with, by the convspec version that printed it; run the clause without --path for a current replay line`,
    );
    this.name = 'ReplayPathError';
  }
}

/** fast-check's own words when a path walks off the shrink tree (fast-check/lib/check/runner/utils/PathWalker.js). */
const WRONG_PATH = /^Unable to replay, got (wrong|invalid) path=/;

export interface ClauseOutcome {
  id: string;
  title: string;
  category: Clause['category'];
  status: ClauseStatus;
  /** Cases run (random cases for a property clause, listed cases for an enumerated one). */
  numRuns: number;
  /** Cases skipped as outside the subject's declared support. */
  numSkips: number;
  seed: number;
  durationMs: number;
  /** Skip reasons with counts (declared-unsupported features). */
  skipped: Record<string, number>;
  /** fast-check replay path of the shrunk failure. */
  path?: string;
  /** The shrunk counterexample, as fast-check prints it. */
  counterexample?: string;
  error?: string;
  mismatch?: Mismatch;
  /** One-line command that replays the failure. */
  replay?: string;
  /** |error|/bound over every element the clause judged (spec/framework/precision.ts); absent when it judged none. */
  precision?: PrecisionSummary;
  /**
   * The last call the shrunk counterexample made (its tensors, not JSON): front ends turn it into data
   * (tools/report/counterexample.ts) and drop it before a report is written.
   */
  failingCall?: RecordedCall;
  /** Cases judged at sampled positions (spec/framework/sampled.ts) and what was judged of them; absent when none was. */
  sampled?: SamplingTally;
}

export async function runClause(clause: Clause<any>, subject: Subject, options: RunClauseOptions = {}): Promise<ClauseOutcome> {
  const seed = options.seed ?? DEFAULT_SEED;
  const started = Date.now();
  const base = { id: clause.id, title: clause.title, category: clause.category, seed };
  const missing = clause.ops.filter((op) => subject.supports.ops && !subject.supports.ops.includes(op));
  const runs = options.runs ?? Math.max(1, Math.round((clause.runs ?? 100) * (options.depth ?? 1)));
  if (missing.length > 0) {
    // Every case it would have drawn is outside the declaration: counted as skipped, so coverage shows it.
    return { ...base, status: 'unsupported', numRuns: 0, numSkips: runs, durationMs: 0, skipped: { [`op ${missing.join(', ')}`]: runs } };
  }
  const lacking = (clause.needs ?? []).filter((f) => {
    const flag = subject.supports[f];
    return flag === false || (Array.isArray(flag) && !clause.ops.every((op) => flag.includes(op)));
  });
  if (lacking.length > 0) {
    // What the clause is about is declared unsupported: none of its cases could reach the target.
    const reason = lacking.map((f) => (f === 'batch' ? 'batch > 1' : f === 'groups' ? 'group > 1' : f)).join(', ');
    return { ...base, status: 'unsupported', numRuns: 0, numSkips: runs, durationMs: 0, skipped: { [reason]: runs } };
  }
  if ((clause.elementTypes ?? 'float32') === 'float32' && subject.supports.dtypes && !subject.supports.dtypes.includes('float32')) {
    return { ...base, status: 'unsupported', numRuns: 0, numSkips: 0, durationMs: 0, skipped: { 'element type float32': 1 } };
  }
  const ctx = makeContext(subject);
  // Only convspec's own skips may reach fast-check as skips: anything else thrown (an implementation's
  // error carrying fast-check's precondition marker included) is wrapped, so it counts as a failure.
  // The last failing run's last call: fast-check reports the last failing value it shrank to.
  let failingCall: RecordedCall | undefined;
  // Shrinking stops at the deadline: a PreconditionFailure that interrupts makes fast-check end the
  // run and report the last failing value (its path replays it). Never before a first failure.
  const shrinkBudgetMs = options.shrinkBudgetMs ?? SHRINK_BUDGET_MS;
  let shrinkDeadline: number | undefined;
  let shrinkCut = false;
  const property = fc.asyncProperty(clause.arbitrary, async (v) => {
    if (shrinkDeadline !== undefined && Date.now() > shrinkDeadline) {
      shrinkCut = true;
      throw new fc.PreconditionFailure(true);
    }
    ctx.lastCall = undefined;
    try {
      await clause.check(v, ctx);
    } catch (e) {
      if (!isOwnSkip(e)) {
        failingCall = ctx.lastCall;
        shrinkDeadline ??= Date.now() + shrinkBudgetMs;
      }
      throw asJudged(e);
    }
  });
  const sampling: SamplingTally = { cases: 0, judgedElements: 0, outputElements: 0 };
  const outer = { scale: scaleTier.current, sampling: samplingRecorder.current, support: declaredSupport.current };
  scaleTier.current = options.scale;
  declaredSupport.current = subject.supports;
  samplingRecorder.current = sampling;
  const checking = withPrecision(() => fc.check(property, {
    seed,
    path: options.path,
    numRuns: runs,
    maxSkipsPerRun: options.maxSkipsPerRun ?? 1000,
    // Worked examples run first on every call. They stay in a replay too: a path's first index counts
    // the examples before the random cases, so dropping them would replay a different case.
    examples: (clause.examples ?? []).map((e) => [e] as [unknown]),
    endOnFailure: false,
  }));
  const { result: details, precision } = await checking.catch((e: unknown) => {
    // Only fast-check's path walker says this, and only when given a path: the path is at fault.
    if (options.path !== undefined && e instanceof Error && WRONG_PATH.test(e.message)) {
      throw new ReplayPathError(clause.id, seed, options.path, 'a step of it leads past the last smaller case');
    }
    throw e;
  }).finally(() => {
    scaleTier.current = outer.scale;
    samplingRecorder.current = outer.sampling;
    declaredSupport.current = outer.support;
  });
  if (options.path !== undefined && !details.failed && details.numRuns === 0 && details.numSkips === 0) {
    // Its last step points past the end of the smaller cases: fast-check ran nothing, which is no pass.
    throw new ReplayPathError(clause.id, seed, options.path, 'its last step selects no case');
  }
  const skipped = Object.fromEntries(ctx.skipped);
  const durationMs = Date.now() - started;
  const common = { ...base, numRuns: details.numRuns, numSkips: details.numSkips, durationMs, skipped, ...(precision ? { precision } : {}), ...(sampling.cases > 0 ? { sampled: sampling } : {}) };
  if (!details.failed) return { ...common, status: 'passed' };
  if (details.counterexample === null) {
    // fast-check gave up for too many skipped cases: nothing in scope failed.
    return { ...common, status: details.numRuns === 0 ? 'unsupported' : 'passed' };
  }
  const err = unwrapJudged(details.errorInstance);
  const path = details.counterexamplePath ?? undefined;
  return {
    ...common,
    status: 'failed',
    path,
    counterexample: counterexampleText(details.counterexample[0]) + (shrinkCut ? shrinkCutNote(shrinkBudgetMs) : ''),
    error: thrownMessage(err),
    mismatch: err instanceof MismatchError ? err.mismatch : undefined,
    replay: path && options.replay ? options.replay(clause.id, seed, path) : undefined,
    ...(failingCall ? { failingCall } : {}),
  };
}

/** The message of what a check threw; says so when it carried fast-check's precondition marker. */
export function thrownMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return isForeignSkipMarker(err) ? `${text} (it carried fast-check's precondition marker: a thrown error is a failure, never a skipped case)` : text;
}

/**
 * Seed, path and depth from CONVSPEC_SEED, CONVSPEC_PATH and CONVSPEC_DEPTH (deep runs in CI or by hand).
 * They get the checks their flags get (a 32-bit integer seed; a depth above 0 and at most MAX_DEPTH), so
 * the environment is no way round the caps. Throws an Error naming the variable.
 */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Pick<RunClauseOptions, 'seed' | 'path' | 'depth'> {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${name}=${v} is not a number`);
    return n;
  };
  const seed = num('CONVSPEC_SEED');
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= -(2 ** 31) && seed < 2 ** 31)) {
    throw new Error(`CONVSPEC_SEED=${env.CONVSPEC_SEED} must be an integer from ${-(2 ** 31)} to ${2 ** 31 - 1}`);
  }
  const depth = num('CONVSPEC_DEPTH');
  if (depth !== undefined && !(depth > 0 && depth <= MAX_DEPTH)) {
    throw new Error(`CONVSPEC_DEPTH=${env.CONVSPEC_DEPTH}: the multiplier must be above 0 and at most ${MAX_DEPTH} (as for --runs Nx)`);
  }
  return { seed, path: env.CONVSPEC_PATH || undefined, depth };
}

/**
 * Most characters of a counterexample's text. fast-check prints every value of its tensors: a scale
 * case of 2²³ elements made a 160 MB string, kept in the report and in memory (the kill table ran out
 * of heap after twenty such kills). The case itself is always given by the replay command.
 */
export const MAX_COUNTEREXAMPLE_CHARS = 20_000;

/** What a counterexample says when shrinking stopped at its budget. */
function shrinkCutNote(budgetMs: number): string {
  const budget = budgetMs >= 1000 ? `${Math.round(budgetMs / 1000)} s` : `${budgetMs} ms`;
  return ` (shrinking stopped after ${budget}: the smallest failing case found by then)`;
}

/** Elements of an array or typed array a counterexample's text shows before saying how many it left out. */
export const SHOWN_ELEMENTS = 16;

/**
 * The counterexample as text, never built whole: arrays and typed arrays longer than SHOWN_ELEMENTS
 * show their first elements and their length, then the text is bounded (boundedCounterexample).
 * fast-check's own stringify walks every element (`for … in`) into a string of its own first: 2 s
 * and 16.8 million characters for one 2²² array, for each tensor of every failing scale case (a
 * kill-table entry was found there in three of four stack samples after 16 CPU-minutes).
 */
export function counterexampleText(value: unknown): string {
  return boundedCounterexample(fc.stringify(summarized(value, 0)));
}

/** `v` with long arrays replaced by a value that prints as their head and length (plain objects and arrays copied, to depth 8). */
function summarized(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || depth > 8) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint> & { constructor: { name: string } };
    if (a.length <= SHOWN_ELEMENTS) return v;
    const head = Array.from({ length: SHOWN_ELEMENTS }, (_x, i) => fc.stringify(a[i]));
    return { [fc.toStringMethod]: () => `${a.constructor.name}(${a.length}) [${head.join(', ')}, … ${a.length - SHOWN_ELEMENTS} more]` };
  }
  if (Array.isArray(v)) {
    const shown = v.slice(0, SHOWN_ELEMENTS).map((x) => summarized(x, depth + 1));
    if (v.length <= SHOWN_ELEMENTS) return shown;
    const rest = `… ${v.length - SHOWN_ELEMENTS} more`;
    return [...shown, { [fc.toStringMethod]: () => rest }];
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, summarized(x, depth + 1)]));
}

/** The text as is up to MAX_COUNTEREXAMPLE_CHARS, else cut there with a note saying how much was left out. */
export function boundedCounterexample(text: string): string {
  if (text.length <= MAX_COUNTEREXAMPLE_CHARS) return text;
  return `${text.slice(0, MAX_COUNTEREXAMPLE_CHARS)}… (cut: ${text.length} characters in all; the replay command reruns the whole case)`;
}

/** A readable failure report: clause, counterexample, error with its window, replay command. */
export function formatOutcome(o: ClauseOutcome): string {
  if (o.status !== 'failed') return `${o.id}: ${o.status} (${o.numRuns} cases)`;
  return [
    `clause ${o.id} failed: ${o.title}`,
    `  counterexample: ${o.counterexample}`,
    `  seed ${o.seed}, path ${o.path}`,
    ...String(o.error).split('\n').map((l) => `  ${l}`),
    o.replay ? `  replay: ${o.replay}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
