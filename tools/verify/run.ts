/**
 * The programmatic entry of `convspec verify`: `verifyTarget(target, options)` selects clauses (and
 * enumerated cases) by filter and shard, opens the target behind the guard, runs everything and
 * returns a VerifyReport. The CLI, `convspec gate` and the mutants/conformance tables all call this.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allClauses } from '../../spec/clauses';
import { makeContext, type Clause } from '../../spec/framework/clause';
import { caseId } from '../../spec/framework/caseId';
import { MismatchError } from '../../spec/framework/compare';
import { precisionRecorder, RatioHistogram } from '../../spec/framework/precision';
import { DEFAULT_SEED, MAX_DEPTH, MAX_RUNS, ReplayPathError, runClause, thrownMessage, type ClauseOutcome } from '../../spec/framework/runClause';
import { isOwnSkip } from '../../spec/framework/skip';
import { fixturesClause, fixturesOrt } from '../../spec/properties/fixtures';
import { FixtureError, loadManifest } from '../fixtures/read';
import { probeAmbiguities } from './ambiguities';
import type { EnumeratedClause, NamedCase } from '../../spec/framework/enumerated';
import { AdapterFault, type GuardedSubject } from '../hosts/guard';
import { nothingSelectedSummary, summarise, type AmbiguityResult, type CaseResult, type ClauseResult, type LayersFromSummary, type VerifyReport } from '../report/report';
import { foldCases } from '../report/foldCases';
import { applyKnownFailures } from '../report/knownFailures';
import { counterexampleFields } from '../report/counterexample';
import { reportHead } from '../report/head';
import { verifyInJobs } from './jobs';
import { DEFAULT_TIMEOUT_MS, MAX_JOBS, VerifyArgumentError, VerifyEnvironmentError, type VerifyOptions } from './options';
import { selectUnits, shareOf, type Selection } from './selection';
import { targetArgs, type VerifyTarget } from '../targets/target';
import { shellQuote } from '../terminal/shellQuote';
import { openTarget } from './openTarget';
import { formatUnresolved, ModelLayersError, type ModelLayers } from '../layers/modelLayers';
import { readModelLayersOffThread } from '../layers/readLayersOffThread';
import { modelLayersClause } from '../../spec/properties/modelLayers';
import type { ScaleLimits } from '../../spec/arbitraries/scale';
import { MemoryCapError, parseScaleElements, parseScaleMacs, SCALE_TIER_ON, scaleLimits, type ScaleSummary } from '../../spec/arbitraries/scaleTier';
import { decideScale } from './scaleSizing';
import { buildFindings } from './findings/findings';
import type { Finding } from '../report/finding';

export type { VerifyTarget } from '../targets/target';
export { DEFAULT_TIMEOUT_MS, MAX_JOBS, VerifyArgumentError, VerifyEnvironmentError, type ProgressEvent, type VerifyOptions } from './options';
export { parseShard, selectUnits, shareOf, type Selection } from './selection';
export { foldCases, MAX_SLICES } from '../report/foldCases';
export { packageVersion, reportHead } from '../report/head';
export type { VerifyReport, ClauseResult, CaseResult } from '../report/report';

/** A fast-check replay path: colon-separated indices, as printed in replay lines. */
const REPLAY_PATH = /^\d{1,9}(:\d{1,9}){0,999}$/;
/** The longest time limit a Node timer keeps (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The one-line command that replays a failure. The scale tier's limits (`--scale-macs 2^27
 * --scale-elements 2^22`, or `--scale-macs off`) are part of it whenever the tier could run: they
 * decide which cases a seed draws.
 */
export function replayLine(prefix: string, args: string, id: string, seed: number, path?: string, timeoutMs?: number, scale?: ScaleSummary): string {
  const scaleFlags = !scale || scale.note === 'CONVSPEC_TIER=small' ? '' : scale.maxMacs === 0 ? '--scale-macs off' : `--scale-macs ${scale.maxMacsText} --scale-elements ${scale.maxTensorElementsText}`;
  return [
    prefix, args, `--clause ${shellQuote(id)}`, `--seed ${seed}`, path ? `--path ${shellQuote(path)}` : '',
    scaleFlags,
    timeoutMs !== undefined && timeoutMs !== DEFAULT_TIMEOUT_MS ? `--timeout ${timeoutMs}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Runs one property clause, folding in the faults the guard saw. */
/**
 * A validation clause of a target that declares `supports.validation: false` (a kernel whose caller
 * validates): not run, never passed; the summary's validationNotChecked and the verdict line say so.
 */
function notClaimed(clause: { id: string; title: string; category: ClauseResult['category'] }, seed: number): ClauseResult {
  return {
    id: clause.id, title: clause.title, category: clause.category, status: 'unsupported', numRuns: 0, numSkips: 0, seed, durationMs: 0,
    skipped: {}, notClaimed: 'not claimed: the target declares supports.validation false (its caller validates the inputs)',
  };
}

export async function runPropertyClause(
  clause: Clause<any>,
  subject: GuardedSubject,
  options: VerifyOptions,
  replay: (id: string, seed: number, path?: string) => string,
  scale?: ScaleLimits,
): Promise<ClauseResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  if (clause.category === 'validation' && subject.supports.validation === false) return notClaimed(clause, seed);
  subject.beginUnit();
  let outcome: ClauseOutcome;
  try {
    outcome = await runClause(clause, subject, { seed, path: options.path, runs: options.runs, depth: options.depth, replay: (id, s, p) => replay(id, s, p), scale });
  } catch (e) {
    if (e instanceof FixtureError) throw new VerifyEnvironmentError(`the fixtures changed or vanished during the run: ${e.message}`);
    // A --path that does not fit the clause is the caller's mistake (exit 2), not the implementation's.
    if (e instanceof ReplayPathError) throw new VerifyArgumentError(e.message);
    // A scale case beyond the memory cap is convspec's own limit, never the implementation's failure.
    if (e instanceof MemoryCapError) throw new VerifyEnvironmentError(e.message);
    // The clause itself could not run (e.g. its arbitrary threw): never a pass.
    return {
      id: clause.id, title: clause.title, category: clause.category, status: 'failed', numRuns: 0, numSkips: 0, seed, durationMs: 0, skipped: {},
      error: `the clause could not run: ${e instanceof Error ? e.message : String(e)}`,
      replay: replay(clause.id, seed),
    };
  }
  const { failingCall, ...rest } = outcome;
  const result: ClauseResult = { ...rest, calls: subject.calls() };
  const faults = subject.faults();
  if (outcome.status === 'failed' && !faults.some((f) => f.kind === 'timeout' || f.kind === 'crash')) Object.assign(result, counterexampleFields(failingCall));
  if (faults.length === 0) return result;
  result.faults = [...faults];
  const severe = faults.find((f) => f.kind === 'timeout' || f.kind === 'crash');
  if (severe || outcome.status !== 'failed') {
    // After a hang or crash the guard failed the rest of the clause fast, so fast-check's shrunk case is
    // not the culprit: report the case that faulted, and replay from the seed.
    const f = severe ?? faults[0];
    result.status = 'failed';
    result.error = `${f.kind}: ${f.message}`;
    result.counterexample = f.case;
    result.path = undefined;
    result.mismatch = undefined;
    result.replay = replay(clause.id, seed);
  }
  return result;
}


/** Consecutive hung or crashed listed cases after which the rest of the clause is failed unrun. */
const MAX_SEVERE_IN_A_ROW = 3;

/** Runs the listed cases of an enumerated clause, each once. */
export async function runEnumeratedClause(
  clause: EnumeratedClause<any>,
  cases: NamedCase<any>[],
  subject: GuardedSubject,
  seed: number,
  replay: (id: string, seed: number) => string,
  progress: (id: string, failed: boolean) => void,
): Promise<ClauseResult> {
  if (clause.category === 'validation' && subject.supports.validation === false) return notClaimed(clause, seed);
  const started = Date.now();
  const results: CaseResult[] = [];
  // Hangs and crashes on several cases in a row: the rest of the clause fails without calling the
  // adapter again, or a hanging adapter would cost one full time limit per listed case.
  let severeInARow = 0;
  const precision = new RatioHistogram();
  for (const c of cases) {
    const id = caseId(clause.id, c.name);
    progress(id, false);
    if (severeInARow >= MAX_SEVERE_IN_A_ROW) {
      results.push({ id, status: 'failed', durationMs: 0, error: `not run: the adapter hung or crashed on the ${MAX_SEVERE_IN_A_ROW} cases before this one`, replay: replay(id, seed) });
      progress(id, true);
      continue;
    }
    subject.beginUnit();
    const ctx = makeContext(subject);
    const t0 = Date.now();
    let status: CaseResult['status'] = 'passed';
    let error: string | undefined;
    let mismatch: CaseResult['mismatch'];
    const outerRecorder = precisionRecorder.current;
    precisionRecorder.current = precision;
    try {
      await clause.check(c.value, ctx);
    } catch (e) {
      // The fixtures are convspec's, not the implementation's: damaged or gone, the run cannot go on.
      if (e instanceof FixtureError) throw new VerifyEnvironmentError(`the fixtures changed or vanished during the run: ${e.message}`);
      // Only convspec's own skips (spec/framework/skip.ts) are skips: an implementation's error that
      // carries fast-check's precondition marker is a failure like any other.
      if (isOwnSkip(e)) {
        status = 'unsupported';
      } else {
        status = 'failed';
        error = e instanceof AdapterFault ? `${e.kind}: ${e.message}` : thrownMessage(e);
        if (e instanceof MismatchError) mismatch = e.mismatch;
      }
    } finally {
      precisionRecorder.current = outerRecorder;
    }
    const faults = subject.faults();
    if (faults.length > 0 && status !== 'failed') {
      status = 'failed';
      error = `${faults[0].kind}: ${faults[0].message}`;
    }
    const r: CaseResult = { id, status, durationMs: Date.now() - t0, calls: subject.calls(), ...(c.description ? { description: c.description } : {}) };
    if (status === 'unsupported') r.unsupportedReason = [...ctx.skipped.keys()].join(', ') || 'outside the declared support';
    if (error !== undefined) r.error = error;
    // Heat-map slices for the first few failing cases only, so the report stays small.
    if (mismatch) r.mismatch = mismatch;
    if (faults.length > 0) r.faults = [...faults];
    severeInARow = faults.some((f) => f.kind === 'timeout' || f.kind === 'crash') ? severeInARow + 1 : 0;
    if (status === 'failed') {
      r.replay = replay(id, seed);
      if (!faults.some((f) => f.kind === 'timeout' || f.kind === 'crash')) Object.assign(r, counterexampleFields(ctx.lastCall));
    }
    results.push(r);
    if (status === 'failed') progress(id, true);
  }
  return foldCases({ id: clause.id, title: clause.title, category: clause.category, seed }, results, Date.now() - started, precision.elements > 0 ? precision.summary() : undefined);
}

/**
 * Checks the options and selects the units they name: what every front end that runs units (verify,
 * the vitest integration) does before opening the target. Rejects with VerifyArgumentError.
 */
export async function checkAndSelect(options: VerifyOptions): Promise<{ seed: number; timeoutMs: number; filters: string[]; selection: Selection; layersFrom?: LayersFromSummary; layers?: ModelLayers }> {
  const seed = options.seed ?? DEFAULT_SEED;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const filters = options.clauses ?? [];
  if (options.runs !== undefined && !(Number.isInteger(options.runs) && options.runs >= 1 && options.runs <= MAX_RUNS)) throw new VerifyArgumentError(`runs must be an integer from 1 to ${MAX_RUNS}, got ${options.runs}`);
  if (options.depth !== undefined && !(options.depth > 0 && options.depth <= MAX_DEPTH)) throw new VerifyArgumentError(`depth must be above 0 and at most ${MAX_DEPTH}, got ${options.depth}`);
  for (const [name, ms] of [['timeout', timeoutMs], ['start timeout', options.startTimeoutMs]] as const) {
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= 1 && ms <= MAX_TIMER_MS)) throw new VerifyArgumentError(`${name} must be from 1 to ${MAX_TIMER_MS} ms, got ${ms}`);
  }
  if (!(Number.isSafeInteger(seed) && seed >= -(2 ** 31) && seed < 2 ** 31)) throw new VerifyArgumentError(`seed must be a 32-bit integer, got ${seed}`);
  if (options.path !== undefined && !REPLAY_PATH.test(options.path)) {
    throw new VerifyArgumentError(`--path ${JSON.stringify(options.path)} is not a replay path: it is the colon-separated numbers a replay line prints, e.g. 3:1:0`);
  }
  if (options.minSupported !== undefined && !(options.minSupported >= 0 && options.minSupported <= 1)) {
    throw new VerifyArgumentError(`minimum supported share must be from 0 to 1, got ${options.minSupported}`);
  }
  let registry = options.registry ?? allClauses;
  if (options.fixturesDir !== undefined) {
    const dir = options.fixturesDir;
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new VerifyArgumentError(`${dir} has no manifest.json: not a fixtures folder`);
    try {
      loadManifest(dir);
    } catch (e) {
      throw new VerifyArgumentError((e as Error).message);
    }
    registry = registry.map((c) => (c.id === fixturesOrt.id ? fixturesClause(dir) : c));
  }
  let layersFrom: LayersFromSummary | undefined;
  let layers: ModelLayers | undefined;
  if (options.layersFrom) {
    if (options.registry || options.fixturesDir !== undefined) throw new VerifyArgumentError('--layers-from replaces the clause selection by the model\'s layers: it takes neither a registry nor --fixtures-dir');
    const m = options.layersFrom.layers ?? (await readLayers(options.layersFrom, seed));
    layers = m;
    layersFrom = layersSummary(m);
    registry = [modelLayersClause(m, seed)];
  }
  let selection: Selection;
  try {
    selection = await selectUnits(registry, filters, options.shard);
  } catch (e) {
    if (e instanceof FixtureError) throw new VerifyEnvironmentError(e.message);
    throw e;
  }
  if (options.path !== undefined && (selection.property.length !== 1 || selection.enumerated.length > 0)) {
    throw new VerifyArgumentError('--path replays one failure: select exactly one property clause with --clause');
  }
  return { seed, timeoutMs, filters, selection, ...(layersFrom ? { layersFrom } : {}), ...(layers ? { layers } : {}) };
}

/**
 * The model's layers, or VerifyArgumentError (exit 2) when it cannot be read or no node resolves. Read
 * on a worker thread, so that a signal is heard while a large model is decoded.
 */
async function readLayers(from: NonNullable<VerifyOptions['layersFrom']>, seed: number): Promise<ModelLayers> {
  let m: ModelLayers;
  try {
    m = await readModelLayersOffThread(from.model, { inputShapes: from.inputShapes, seed });
  } catch (e) {
    if (e instanceof ModelLayersError) throw new VerifyArgumentError(e.message);
    throw e;
  }
  if (m.nodes === 0) throw new VerifyArgumentError(`${from.model}: the main graph has no Conv or ConvTranspose node${m.notes.length ? ` (${m.notes.join('; ')})` : ''}`);
  if (m.layers.length === 0) throw new VerifyArgumentError([`${from.model}: none of its ${m.nodes} Conv/ConvTranspose nodes could be resolved:`, ...formatUnresolved(m)].join('\n'));
  return m;
}

function layersSummary(m: ModelLayers): LayersFromSummary {
  return { model: m.model, nodes: m.nodes, resolved: m.layers.length, unresolved: m.unresolved.map(({ node, op, reason }) => ({ node, op, reason })), notes: m.notes };
}

/**
 * Verifies `target` and returns the report. Rejects with VerifyArgumentError for unusable options
 * and TargetError (tools/hosts/loadModule.ts) for an unusable target; every problem of the
 * implementation itself ends up in the report instead.
 */
export async function verifyTarget(target: VerifyTarget, options: VerifyOptions = {}): Promise<VerifyReport> {
  const { expect, ...rest } = options;
  const report = await verifyUnmarked(target, rest);
  // Known failures are applied once, to the whole report (after findings: entries may name them).
  return expect ? applyKnownFailures(report, expect, options.minSupported) : report;
}

async function verifyUnmarked(target: VerifyTarget, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const checked = await checkAndSelect(options);
  const { seed, timeoutMs, filters, layersFrom } = checked;
  let selection = checked.selection;
  const jobs = options.jobs ?? 1;
  if (!(Number.isSafeInteger(jobs) && jobs >= 1 && jobs <= MAX_JOBS)) throw new VerifyArgumentError(`jobs must be an integer from 1 to ${MAX_JOBS}, got ${jobs}`);
  const unitCount = selection.property.length + selection.enumerated.reduce((a, e) => a + e.cases.length, 0);
  if (jobs > 1 && target.kind !== 'implementation' && !options.registry && unitCount > 1) {
    // The model is read once, here: the jobs get its layers, not its path.
    const read = checked.layers && options.layersFrom ? { layersFrom: { ...options.layersFrom, layers: checked.layers } } : {};
    // The scale limit is decided once, here, so every job draws the same cases (a share of a run
    // must not depend on how many jobs ran it): measuring opens the target once more.
    const scale = options.scale ?? (await decideScaleOnce(target, options, selection, timeoutMs));
    const r = await verifyInJobs(target, { ...options, seed, timeoutMs, ...read, scale }, selection, Math.min(jobs, unitCount), started);
    const findings = await findingsAfterJobs(target, options, r, selection, seed, timeoutMs, scale);
    return { ...r, findings, ...(layersFrom ? { layersFrom } : {}), summary: { ...r.summary, scale } };
  }
  if (options.subShard) selection = shareOf(selection, options.subShard);

  const subject = await openTarget(target, { timeoutMs, startTimeoutMs: options.startTimeoutMs, log: options.log });
  let scale: ScaleSummary;
  try {
    scale = options.scale ?? (drawsScaleCases(selection) ? await decideScale(subject, scaleRequest(options)) : await noScaleCases());
  } catch (e) {
    await subject.close().catch(() => undefined);
    throw e;
  }
  const limits = scale.maxMacs > 0 ? scaleLimits(scale.maxMacs, scale.maxTensorElements) : undefined;
  const args = targetArgs(target);
  const prefix = options.replayCommand ?? 'npx convspec verify';
  const replay = (id: string, s: number, path?: string) => replayLine(prefix, args, id, s, path, timeoutMs, scale);

  const total = selection.property.length + selection.enumerated.reduce((a, e) => a + e.cases.length, 0);
  let done = 0;
  let failed = 0;
  const report = (id?: string) => options.onProgress?.({ done, total, id, failed });
  const clauses: ClauseResult[] = [];
  let ambiguities: AmbiguityResult[] = [];
  let findings: Finding[] = [];
  try {
    for (const clause of selection.property) {
      report(clause.id);
      const r = await runPropertyClause(clause, subject, options, replay, limits);
      if (r.status === 'failed') failed++;
      done++;
      clauses.push(r);
    }
    for (const { clause, cases } of selection.enumerated) {
      const r = await runEnumeratedClause(clause, cases, subject, seed, replay, (id, caseFailed) => {
        if (caseFailed) failed++;
        else {
          report(id);
          done++;
        }
      });
      clauses.push(r);
    }
    // Readings, not verdicts: probed on full runs (and on shard 1 of a split run).
    // Not for a target that hangs on every call: each reading would only repeat that.
    // A --layers-from run verifies the model's layers and nothing else.
    const probe = options.probeAmbiguities ?? (filters.length === 0 && !options.layersFrom && (!options.shard || options.shard.index === 1));
    if (probe && !subject.abandoned()) ambiguities = await probeAmbiguities(subject);
    if (options.findings !== false && !subject.abandoned()) {
      findings = await findingsOrNone({ subject, results: clauses, selection, seed, runs: options.runs, depth: options.depth, scale: limits }, options);
    }
  } finally {
    report();
    await subject.close().catch(() => undefined);
  }
  const summary = summarise(clauses, { minSupported: options.minSupported, abandoned: subject.abandoned() });
  // More shards than units leaves some shards empty: that share judged nothing, so it gives no
  // verdict at all (neither a pass nor a failure; the CLI exits 3), and the other shares decide.
  const emptyShare = options.shard !== undefined && total === 0;
  return {
    ...reportHead(started),
    target: { kind: target.kind, args, name: subject.name, supports: subject.supports },
    options: {
      seed,
      ...(options.path ? { path: options.path } : {}),
      ...(options.runs !== undefined ? { runs: options.runs } : {}),
      depth: options.depth ?? 1,
      ...(options.shard ? { shard: options.shard } : {}),
      timeoutMs,
      clauseFilters: filters,
    },
    clauses,
    findings,
    ambiguities,
    ...(layersFrom ? { layersFrom } : {}),
    summary: { ...(emptyShare ? nothingSelectedSummary(summary, options.shard!) : summary), scale },
  };
}

/** Whether a selected clause draws cases from the scale-and-edges tier, so that the run needs its limits. */
function drawsScaleCases(selection: Selection): boolean {
  return selection.property.some((c) => c.drawsScaleCases === true);
}

/** The tier off for a run none of whose clauses draws from it: nothing to size, so the target is not measured. */
async function noScaleCases(): Promise<ScaleSummary> {
  return { ...(await decideScale(undefined, { maxMacs: 0 })), note: 'no selected clause draws scale-tier cases' };
}

/** The jobs' scale limit: the option when given, else measured on the target opened once for it. */
async function decideScaleOnce(target: VerifyTarget, options: VerifyOptions, selection: Selection, timeoutMs: number): Promise<ScaleSummary> {
  const given = scaleRequest(options);
  if (!drawsScaleCases(selection)) return noScaleCases();
  if (!SCALE_TIER_ON || given.maxMacs === 0 || (given.maxMacs !== undefined && given.maxTensorElements !== undefined)) return decideScale(undefined, given);
  const subject = await openTarget(target, { timeoutMs, startTimeoutMs: options.startTimeoutMs, log: options.log });
  try {
    return await decideScale(subject, given);
  } finally {
    await subject.close().catch(() => undefined);
  }
}

/**
 * The scale limits one `convspec verify` run of `target` with `options` decides (flags, environment,
 * else the target measured once), for a caller that verifies clause by clause (the kill table,
 * tools/faults/judge.ts): passed back as `options.scale`, every clause draws within the limits that
 * one run would use.
 */
export async function decideScaleForRun(target: VerifyTarget, options: VerifyOptions = {}): Promise<ScaleSummary> {
  const { selection, timeoutMs } = await checkAndSelect(options);
  return decideScaleOnce(target, options, selection, timeoutMs);
}

/**
 * The findings of a --jobs run: the jobs verify, and when something failed the target is opened once
 * more here to analyse the failures (a passing run opens nothing more).
 */
async function findingsAfterJobs(target: VerifyTarget, options: VerifyOptions, r: VerifyReport, selection: Selection, seed: number, timeoutMs: number, scale: ScaleSummary): Promise<Finding[]> {
  if (options.findings === false || r.summary.abandoned || !r.clauses.some((c) => c.status === 'failed')) return [];
  const subject = await openTarget(target, { timeoutMs, startTimeoutMs: options.startTimeoutMs, log: options.log });
  try {
    const limits = scale.maxMacs > 0 ? scaleLimits(scale.maxMacs, scale.maxTensorElements) : undefined;
    return await findingsOrNone({ subject, results: r.clauses, selection, seed, runs: options.runs, depth: options.depth, scale: limits }, options);
  } finally {
    await subject.close().catch(() => undefined);
  }
}


/**
 * The scale limits a run was given: its options, else CONVSPEC_SCALE_MACS and CONVSPEC_SCALE_ELEMENTS
 * (so every front end, and a test suite that wants small cases, can set them). A malformed variable
 * is the caller's mistake: VerifyArgumentError.
 */
function scaleRequest(o: VerifyOptions, env: Readonly<Record<string, string | undefined>> = process.env): { maxMacs?: number; maxTensorElements?: number } {
  const fromEnv = (name: string, parse: (text: string, what: string) => number): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    try {
      return parse(v, `${name}=`);
    } catch (e) {
      throw new VerifyArgumentError((e as Error).message);
    }
  };
  const maxMacs = o.scaleMacs ?? fromEnv('CONVSPEC_SCALE_MACS', parseScaleMacs);
  // A replay (--path) names the limits it was printed with; one that names none was printed by a
  // run without the tier (or before it existed): it replays without scale cases, never with limits
  // measured now, which would draw other cases.
  if (maxMacs === undefined && o.path !== undefined) return { maxMacs: 0 };
  return { maxMacs, maxTensorElements: o.scaleElements ?? fromEnv('CONVSPEC_SCALE_ELEMENTS', parseScaleElements) };
}

/**
 * The findings, or none when their analysis itself fails: the verdict stands on the clauses, so a
 * problem in explaining the failures is logged, never turned into a failed run.
 */
async function findingsOrNone(input: Parameters<typeof buildFindings>[0], options: VerifyOptions): Promise<Finding[]> {
  try {
    return await buildFindings(input);
  } catch (e) {
    (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`convspec: the failures could not be grouped into findings (${e instanceof Error ? e.message : String(e)}); the verdict and every failure stand`);
    return [];
  }
}
