/**
 * The conformance run cut into units a test runner can register as tests: one per property clause
 * and one per fixture family (source × op). Selection, execution and failure text are those of
 * `convspec verify` (run.ts, format.ts), so a unit passes or fails exactly when the CLI's clause or
 * cases would with the same seed, depth and filters. Runner-specific registration lives in
 * api/vitest.mts; this module knows no test runner.
 *
 * The environment plays the role of the CLI's flags for replays: CONVSPEC_SEED, CONVSPEC_DEPTH and
 * CONVSPEC_PATH as everywhere in convspec, and CONVSPEC_CLAUSE (filters, comma-separated) replacing
 * the clause filters, so a printed replay line selects the one failing clause or case.
 */
import type { Clause } from '../../spec/framework/clause';
import { optionsFromEnv } from '../../spec/framework/runClause';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { formatFailure } from '../report/format';
import type { GuardedSubject } from '../hosts/guard';
import type { NamedCase } from '../../spec/framework/enumerated';
import type { EnumeratedClause } from '../../spec/framework/enumerated';
import { summarise, type ClauseResult } from '../report/report';
import type { ScaleSummary } from '../../spec/arbitraries/scaleTier';
import { checkAndSelect, replayLine, runEnumeratedClause, runPropertyClause, VerifyArgumentError, type VerifyOptions } from './run';
import { targetArgs, type VerifyTarget } from '../targets/target';
import { shellQuote } from '../terminal/shellQuote';
import { openTarget } from './openTarget';
import { entryLabel, readExpectFile, type ExpectEntry } from '../report/expectFile';
import { applyKnownFailures, appliesTo, type KnownFailures } from '../report/knownFailures';
import type { VerifyReport } from '../report/report';

/** options.expect as KnownFailures; a file that cannot be read or is not valid is the caller's mistake. */
function knownFrom(options: ConformanceOptions): KnownFailures | undefined {
  if (options.expect === undefined) return undefined;
  try {
    const entries = typeof options.expect === 'string' ? readExpectFile(options.expect).entries : options.expect.entries;
    return { entries, strict: options.strictExpect === true, ...(typeof options.expect === 'string' ? { file: options.expect } : {}) };
  } catch (e) {
    throw new VerifyArgumentError((e as Error).message);
  }
}

/** What describeConformance accepts: a VerifyTarget, or an Implementation object (run in this thread). */
export type ConformanceTarget = VerifyTarget | ImplementationWithSupports;

export interface ConformanceOptions
  extends Pick<VerifyOptions, 'clauses' | 'seed' | 'path' | 'runs' | 'depth' | 'shard' | 'timeoutMs' | 'startTimeoutMs' | 'minSupported' | 'fixturesDir' | 'log'> {
  /** The test runner's time limit per unit (ms). Default 300 000: a unit makes up to a few hundred calls, each limited by `timeoutMs`. */
  testTimeoutMs?: number;
  /** Where CONVSPEC_SEED / _DEPTH / _PATH / _CLAUSE are read. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Known failures, as `--expect`: a known-failures file's path, or its entries. A test whose failures
   * its clause entries cover is skipped as an expected failure, with the reason; fault and trigger
   * entries need findings, which a test-runner unit does not compute, and are left aside here.
   */
  expect?: string | { entries: ExpectEntry[] };
  /** As `--strict-expect`: the verdict test fails when a clause entry covered no failure. */
  strictExpect?: boolean;
}

export interface UnitOutcome {
  /** 'expected': failed, and every failure covered by a known-failures entry (options.expect). */
  status: 'passed' | 'failed' | 'unsupported' | 'expected';
  /** The clause's result as in the verify report (for a fixture family: its cases only). */
  result: ClauseResult;
  /** Failed: the terminal report's failure text (counterexample, window, replay lines). Unsupported: why. */
  message: string;
}

export interface ConformanceUnit {
  /** Test name: `<clause id>: <title>`, or `fixtures.ort: <source> <op> (<n> cases)`. */
  name: string;
  /** The clause id, or the filter that selects the family's cases. */
  id: string;
  run(): Promise<UnitOutcome>;
}

export interface ConformancePlan {
  units: ConformanceUnit[];
  testTimeoutMs: number;
  /** Opens the target (a worker, a program, or the object itself); units run after this. */
  open(): Promise<void>;
  close(): Promise<void>;
}

/** The last unit: the run's verdict where no single test shows it. */
export const VERDICT_UNIT = 'convspec verdict: some test that calls the implementation passed (and the declared support covers enough)';

function verdictResult(status: ClauseResult['status'], error?: string): ClauseResult {
  return { id: 'verdict', title: VERDICT_UNIT, category: 'robustness', status, numRuns: 0, numSkips: 0, seed: 0, durationMs: 0, skipped: {}, ...(error ? { error } : {}) };
}

function isVerifyTarget(t: ConformanceTarget): t is VerifyTarget {
  return typeof (t as { kind?: unknown }).kind === 'string' && !('conv' in t || 'convTranspose' in t);
}

/** The VerifyTarget for what the caller passed. */
export function toVerifyTarget(t: ConformanceTarget): VerifyTarget {
  if (t === null || typeof t !== 'object') throw new VerifyArgumentError(`describeConformance needs a VerifyTarget or an Implementation object, got ${t === null ? 'null' : typeof t}`);
  return isVerifyTarget(t) ? t : { kind: 'implementation', implementation: t };
}

/** The suite's name: `convspec conformance: <implementation name, module path or command>`. */
export function suiteTitle(target: ConformanceTarget): string {
  const t = toVerifyTarget(target);
  const name = t.kind === 'implementation' ? t.implementation.name : t.kind === 'ort' ? 'the bundled ONNX Runtime adapter' : targetArgs(t);
  return `convspec conformance: ${name}`;
}

/** Family of a listed case: fixtures by their manifest source and op; anything else in one family. */
function familyOf(c: NamedCase<any>): string {
  const entry = (c.value as { entry?: { source?: unknown; op?: unknown } } | undefined)?.entry;
  return entry && typeof entry.source === 'string' && typeof entry.op === 'string' ? `${entry.source} ${entry.op}` : 'cases';
}

function filtersFromEnv(env: Readonly<Record<string, string | undefined>>): string[] | undefined {
  const v = env.CONVSPEC_CLAUSE;
  if (v === undefined || v.trim() === '') return undefined;
  return v.split(',').map((f) => f.trim()).filter(Boolean);
}

/**
 * Plans the units for `target`. Rejects with VerifyArgumentError for options the CLI would refuse
 * (a filter matching nothing, a path without exactly one clause, …). `runnerCommand` is how the
 * caller's test run is started again (e.g. `npx vitest run test/conv.test.ts`), for replay lines.
 */
export async function planConformance(target: ConformanceTarget, options: ConformanceOptions = {}, runnerCommand = 'npx vitest run'): Promise<ConformancePlan> {
  const verifyTarget = toVerifyTarget(target);
  const env = options.env ?? process.env;
  let fromEnv: ReturnType<typeof optionsFromEnv>;
  try {
    fromEnv = optionsFromEnv(env);
  } catch (e) {
    throw new VerifyArgumentError((e as Error).message);
  }
  const verifyOptions: VerifyOptions = {
    clauses: filtersFromEnv(env) ?? options.clauses ?? [],
    seed: options.seed ?? fromEnv.seed,
    path: options.path ?? fromEnv.path,
    runs: options.runs,
    depth: options.depth ?? fromEnv.depth,
    shard: options.shard,
    timeoutMs: options.timeoutMs,
    startTimeoutMs: options.startTimeoutMs,
    minSupported: options.minSupported,
    fixturesDir: options.fixturesDir,
  };
  const { seed, timeoutMs, selection } = await checkAndSelect(verifyOptions);
  const known = knownFrom(options);
  // Failures each clause entry covered, over every unit so far (stale entries: the verdict unit).
  const covered = new Map<string, number>();
  const markKnown = (r: ClauseResult): ClauseResult => {
    if (!known || r.status !== 'failed') return r;
    const mini = { target: { args: targetArgs(verifyTarget), name: suiteTitle(target) }, clauses: [r], summary: summarise([r]) } as VerifyReport;
    const marked = applyKnownFailures(mini, known);
    for (const e of marked.knownFailures!.entries) covered.set(e.label, (covered.get(e.label) ?? 0) + e.matched.length);
    return marked.clauses[0];
  };
  const SCALE_OFF = { maxMacs: 0 } as ScaleSummary;
  const cli = verifyTarget.kind === 'implementation' ? undefined : targetArgs(verifyTarget);
  const replay = (id: string, s: number, path?: string): string => {
    const envPart = [`CONVSPEC_CLAUSE=${shellQuote(id)}`, `CONVSPEC_SEED=${s}`, path ? `CONVSPEC_PATH=${shellQuote(path)}` : '', verifyOptions.depth ? `CONVSPEC_DEPTH=${verifyOptions.depth}` : '']
      .filter(Boolean)
      .join(' ');
    const line = `${envPart} ${runnerCommand}`;
    // This front end draws no scale-tier cases, so the CLI replay must not either.
    return cli === undefined ? line : `${line}\n  or: ${replayLine('npx convspec verify', cli, id, s, path, timeoutMs, SCALE_OFF)}`;
  };

  let subject: GuardedSubject | undefined;
  const opened = (): GuardedSubject => {
    if (!subject) throw new Error('the conformance target is not open (its opening failed, or a unit ran outside the suite)');
    return subject;
  };
  const outcome = (result: ClauseResult): UnitOutcome => {
    if (result.status === 'failed' && result.expected) return { status: 'expected', result, message: `expected failure (${result.expected.entry}): ${result.expected.reason}` };
    if (result.status === 'failed') return { status: 'failed', result, message: formatFailure(result) };
    const reasons = Object.keys(result.skipped);
    return { status: result.status, result, message: result.status === 'unsupported' ? `outside the declared support: ${reasons.join(', ') || 'every case'}` : '' };
  };

  // Every result, for the verdict unit: a pass must be earned, as in verify's summary.
  const results: ClauseResult[] = [];
  const record = (raw: ClauseResult): UnitOutcome => {
    const r = markKnown(raw);
    results.push(r);
    return outcome(r);
  };
  const units: ConformanceUnit[] = selection.property.map((clause: Clause<any>) => ({
    name: `${clause.id}: ${clause.title}`,
    id: clause.id,
    run: async () => record(await runPropertyClause(clause, opened(), { seed, path: verifyOptions.path, runs: verifyOptions.runs, depth: verifyOptions.depth }, replay)),
  }));
  for (const { clause, cases } of selection.enumerated) {
    const families = new Map<string, NamedCase<any>[]>();
    for (const c of cases) {
      const key = familyOf(c);
      families.set(key, [...(families.get(key) ?? []), c]);
    }
    for (const [family, members] of families) {
      units.push({
        name: `${clause.id}: ${family} (${members.length} case${members.length === 1 ? '' : 's'})`,
        id: clause.id,
        run: async () => record(await runEnumeratedClause(clause as EnumeratedClause<any>, members, opened(), seed, replay, () => undefined)),
      });
    }
  }
  // The failures the other tests cannot show: no test that calls the implementation passed (all were
  // outside the declared support), or less of what was drawn was inside it than `minSupported` asks.
  // Failed clauses are their own tests' failures, not repeated here.
  units.push({
    name: VERDICT_UNIT,
    id: VERDICT_UNIT,
    run: async () => {
      if (results.length === 0) return { status: 'unsupported', result: verdictResult('unsupported'), message: 'no clause or fixture test ran before this one' };
      const summary = summarise(results, { minSupported: verifyOptions.minSupported, abandoned: opened().abandoned() });
      const because = summary.numericConformant && summary.validationConformant ? summary.notConformantBecause : undefined;
      if (because) return { status: 'failed', result: verdictResult('failed', because), message: `not conformant: ${because}` };
      const stale = known ? known.entries.map((e, i) => ({ e, label: entryLabel(e, i) })).filter(({ e, label }) => e.clause !== undefined && appliesTo(e, { args: targetArgs(verifyTarget), name: suiteTitle(target) }) && !covered.get(label)).map((x) => x.label) : [];
      if (stale.length > 0 && known?.strict) {
        const why = `${stale.length} expect entr${stale.length === 1 ? 'y' : 'ies'} covered no failure (stale: ${stale.join(', ')}), and strictExpect is set`;
        return { status: 'failed', result: verdictResult('failed', why), message: `not conformant: ${why}` };
      }
      return { status: 'passed', result: verdictResult('passed'), message: '' };
    },
  });

  return {
    units,
    testTimeoutMs: options.testTimeoutMs ?? 300_000,
    async open() {
      subject = await openTarget(verifyTarget, { timeoutMs, startTimeoutMs: options.startTimeoutMs, log: options.log });
    },
    async close() {
      const s = subject;
      subject = undefined;
      await s?.close();
    },
  };
}
