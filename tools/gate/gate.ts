/**
 * `convspec gate`: everything a project's CI needs from convspec in one run, one verdict and one
 * JUnit file. Steps, in order, each independent of the others' outcome:
 *   1. self-check — the suite verifies its own reference (impl/reference.ts) with the same clause
 *      filter, seed and shard, at a small depth: if this fails, the suite or its environment is
 *      broken and no other verdict can be trusted;
 *   2. fixtures integrity — every case of the bundled fixtures (or --fixtures DIR) read strictly
 *      (tools/fixtures/read.ts: paths, sha256, protobuf, dtype, dims), split by --shard;
 *      optionally (--fixtures-fresh) regenerated with ONNX Runtime and compared byte for byte;
 *   3. verify — each target through tools/verify/run.ts, exactly as `convspec verify` runs it.
 * Exit status: 0 every step passed; 1 a check failed (not conformant, corrupt fixtures, self-check);
 * 2 a step could not run (unusable target) — the other steps still run and are reported; 3 nothing
 * failed, but this share (--shard i/n) selected nothing for a verify step (or for every step): no
 * verdict from this shard, the other shards decide.
 */
import { reference } from '../../impl/reference';
import { checkFixtures } from '../fixtures/check';
import { defaultFixturesDir } from '../fixtures/paths';
import { FixtureError, loadManifest, readCase } from '../fixtures/read';
import { TargetError } from '../hosts/loadModule';
import type { VerifyReport } from '../report/report';
import { targetArgs, type VerifyTarget } from '../targets/target';
import { verifyTarget, VerifyArgumentError, type VerifyOptions } from '../verify/run';
import { reportSuiteXml, suiteXml, type GateCase } from './junitSuites';

/** Random cases per property clause in the self-check: enough to exercise every clause, quick to run. */
export const DEFAULT_SELF_CHECK_RUNS = 10;

/** 'empty': this share (`--shard i/n`) held nothing for the step to check, so it has no verdict. */
export type StepStatus = 'passed' | 'failed' | 'error' | 'empty';

export interface GateStep {
  kind: 'self-check' | 'fixtures' | 'verify';
  name: string;
  status: StepStatus;
  /** One line for the summary table. */
  summary: string;
  /** A verify report, for the terminal report and JSON consumers. */
  report?: VerifyReport;
  /** The step's JUnit <testsuite> element. */
  junit: string;
  durationMs: number;
}

export interface GateOptions {
  /** Implementations to verify (may be empty). */
  targets: VerifyTarget[];
  /** Clause filters, seed, runs/depth, shard, timeout: passed to every verify run. */
  verify: VerifyOptions;
  /** Run the self-check (default true). */
  selfCheck?: boolean;
  /** Random cases per property clause in the self-check (default DEFAULT_SELF_CHECK_RUNS). */
  selfCheckRuns?: number;
  /** Check fixture integrity (default true). */
  fixtures?: boolean;
  /** Fixtures folder (default: the bundled one). */
  fixturesDir?: string;
  /** Also regenerate the fixtures with ONNX Runtime and compare (default false; needs onnxruntime-node). */
  fixturesFresh?: boolean;
  /**
   * `--require-validation`: a target that declares `supports.validation: false` (invalid input not
   * checked) fails its step, however conformant its numbers are. Default false.
   */
  requireValidation?: boolean;
  /** Called when a step starts and when it ends. */
  onStep?: (event: { phase: 'start' | 'end'; name: string; step?: GateStep }) => void;
}

export interface GateResult {
  steps: GateStep[];
  /** 0 passed, 1 failed, 2 a step could not run, 3 nothing selected (see gateExitCode). */
  exitCode: 0 | 1 | 2 | 3;
  durationMs: number;
  startedAt: string;
}

function verifySummary(r: VerifyReport): string {
  const c = r.summary.clauses;
  const cases = r.summary.cases;
  const caseText = cases.passed + cases.failed + cases.unsupported > 0 ? `; cases ${cases.passed} passed, ${cases.failed} failed, ${cases.unsupported} unsupported` : '';
  const expected = r.summary.expectedFailures ? `; ${r.summary.expectedFailures} expected failure${r.summary.expectedFailures === 1 ? '' : 's'} (--expect)` : '';
  const stale = r.summary.staleExpectations ? `; ${r.summary.staleExpectations} stale --expect entr${r.summary.staleExpectations === 1 ? 'y' : 'ies'}` : '';
  return `${r.summary.conformant ? 'conformant' : 'NOT CONFORMANT'}: clauses ${c.passed} passed, ${c.failed} failed, ${c.unsupported} unsupported${caseText}${expected}${stale}`;
}

function errorStep(kind: GateStep['kind'], name: string, message: string, started: number): GateStep {
  const durationMs = Date.now() - started;
  return {
    kind,
    name,
    status: 'error',
    summary: `could not run: ${message}`,
    junit: suiteXml(name, [{ name, classname: 'gate', timeMs: durationMs, error: message }], new Date(started).toISOString(), durationMs),
    durationMs,
  };
}

async function verifyStep(kind: 'self-check' | 'verify', name: string, target: VerifyTarget, options: VerifyOptions, requireValidation = false): Promise<GateStep> {
  const started = Date.now();
  let report: VerifyReport;
  try {
    report = await verifyTarget(target, options);
  } catch (e) {
    // Unusable options stop the whole gate (exit 2); anything else (a target that cannot be loaded,
    // a fixtures folder the fixture clause cannot read) is this step's error and the gate goes on.
    if (e instanceof VerifyArgumentError) throw e;
    if (e instanceof TargetError) return errorStep(kind, name, e.message, started);
    return errorStep(kind, name, e instanceof Error ? `${e.name}: ${e.message}` : String(e), started);
  }
  if (report.summary.nothingSelected) {
    // An empty share (more shards than clauses matching the filters) judged nothing: neither a pass
    // nor a failure of the target; the shards that hold its clauses give the verdict.
    const durationMs = Date.now() - started;
    return { kind, name, status: 'empty', summary: `nothing selected in shard ${options.shard!.index}/${options.shard!.count}: no verdict from this share`, report, junit: reportSuiteXml(report, name), durationMs };
  }
  const unchecked = requireValidation && report.summary.validationNotChecked === true;
  return {
    kind,
    name,
    status: report.summary.conformant && !unchecked ? 'passed' : 'failed',
    summary: verifySummary(report) + (unchecked ? '; FAILED --require-validation: the target declares supports.validation false (invalid input not checked)' : report.summary.validationNotChecked ? '; invalid input not checked (supports.validation false)' : ''),
    report,
    junit: reportSuiteXml(report, name),
    durationMs: Date.now() - started,
  };
}

/** Strictly reads every fixture case of this shard; each case is one JUnit test case. */
function fixturesStep(dir: string, shard: VerifyOptions['shard']): GateStep {
  const name = 'fixtures integrity';
  const started = Date.now();
  let manifest;
  try {
    manifest = loadManifest(dir);
  } catch (e) {
    if (!(e instanceof FixtureError)) throw e;
    const durationMs = Date.now() - started;
    return {
      kind: 'fixtures',
      name,
      status: 'failed',
      summary: `FAILED: ${e.message}`,
      junit: suiteXml(name, [{ name: 'fixtures.integrity/manifest', classname: 'fixtures.integrity', timeMs: durationMs, failure: e.message }], new Date(started).toISOString(), durationMs),
      durationMs,
    };
  }
  const mine = manifest.cases.filter((_, i) => !shard || i % shard.count === shard.index - 1);
  const cases: GateCase[] = mine.map((entry) => {
    const t0 = Date.now();
    try {
      readCase(dir, entry);
      return { name: `fixtures.integrity/${entry.id}`, classname: 'fixtures.integrity', timeMs: Date.now() - t0 };
    } catch (e) {
      if (!(e instanceof FixtureError)) throw e;
      return { name: `fixtures.integrity/${entry.id}`, classname: 'fixtures.integrity', timeMs: Date.now() - t0, failure: e.message };
    }
  });
  const bad = cases.filter((c) => c.failure !== undefined);
  const durationMs = Date.now() - started;
  if (cases.length === 0) {
    // More shards than fixture cases: this share read none, so it vouches for none.
    return { kind: 'fixtures', name, status: 'empty', summary: `nothing selected in shard ${shard!.index}/${shard!.count} (${manifest.cases.length} cases in all)`, junit: suiteXml(name, [], new Date(started).toISOString(), durationMs), durationMs };
  }
  return {
    kind: 'fixtures',
    name,
    status: bad.length ? 'failed' : 'passed',
    summary: bad.length
      ? `FAILED: ${bad.length} of ${cases.length} cases unreadable; first: ${bad[0].failure}`
      : `${cases.length} cases read strictly (sha256, protobuf, dtype, dims)${shard && shard.count > 1 ? ` (shard ${shard.index}/${shard.count} of ${manifest.cases.length})` : ''}`,
    junit: suiteXml(name, cases, new Date(started).toISOString(), durationMs),
    durationMs,
  };
}

/** Regenerates with ONNX Runtime and compares byte for byte (not sharded: it is one comparison). */
async function freshnessStep(dir: string): Promise<GateStep> {
  const name = 'fixtures up to date';
  const started = Date.now();
  let r;
  try {
    r = await checkFixtures(dir);
  } catch (e) {
    return errorStep('fixtures', name, (e as Error).message, started);
  }
  const durationMs = Date.now() - started;
  const problems = [...r.different.map((f) => `different: ${f}`), ...r.missing.map((f) => `missing: ${f}`), ...r.extra.map((f) => `extra: ${f}`)];
  const failure = r.upToDate ? undefined : `stale against the generator (seed ${r.seed}, onnxruntime-node ${r.generatedOrtVersion}):\n${problems.slice(0, 50).join('\n')}`;
  return {
    kind: 'fixtures',
    name,
    status: r.upToDate ? 'passed' : 'failed',
    summary: r.upToDate ? `byte-identical to a fresh generation (onnxruntime-node ${r.generatedOrtVersion})` : `FAILED: ${problems.length} files differ from a fresh generation`,
    junit: suiteXml(name, [{ name: 'fixtures.fresh', classname: 'fixtures.integrity', timeMs: durationMs, failure }], new Date(started).toISOString(), durationMs),
    durationMs,
  };
}

/** A readable name for a target in reports. */
export function targetName(t: VerifyTarget): string {
  return t.kind === 'ort' ? 'verify (bundled onnxruntime adapter)' : t.kind === 'implementation' ? `verify ${t.implementation.name}` : `verify ${targetArgs(t)}`;
}

/**
 * The gate's exit status from its steps: 2 a step could not run, else 1 a step failed, else 3 when a
 * step that verifies (self-check, a target) selected nothing in this share, or every step did —
 * an empty share is no verdict, never a pass —, else 0.
 */
export function gateExitCode(steps: Pick<GateStep, 'kind' | 'status'>[]): GateResult['exitCode'] {
  if (steps.some((s) => s.status === 'error')) return 2;
  if (steps.some((s) => s.status === 'failed')) return 1;
  const empty = steps.filter((s) => s.status === 'empty');
  if (empty.some((s) => s.kind !== 'fixtures') || (steps.length > 0 && empty.length === steps.length)) return 3;
  return 0;
}

/**
 * Runs the gate. Rejects with VerifyArgumentError only for options that no step could use (a
 * malformed filter, shard or depth); everything else ends up in a step.
 */
export async function runGate(o: GateOptions): Promise<GateResult> {
  const started = Date.now();
  const steps: GateStep[] = [];
  const run = async (name: string, f: () => Promise<GateStep> | GateStep) => {
    o.onStep?.({ phase: 'start', name });
    const step = await f();
    steps.push(step);
    o.onStep?.({ phase: 'end', name, step });
  };
  if (o.selfCheck !== false) {
    const runs = o.selfCheckRuns ?? DEFAULT_SELF_CHECK_RUNS;
    const name = 'self-check (the reference against the spec)';
    await run(name, async () => {
      const step = await verifyStep('self-check', name, { kind: 'implementation', implementation: reference }, { ...o.verify, runs, depth: undefined, path: undefined, expect: undefined });
      // Known failures are the targets' (never the reference's: a failure of its own spec is never expected).
      // The reference failing its own spec means the suite (or this machine) is broken: say so.
      if (step.status === 'failed') step.summary = `FAILED — the suite is broken or this environment is: ${step.summary}`;
      return step;
    });
  }
  if (o.fixtures !== false) {
    const dir = o.fixturesDir ?? defaultFixturesDir();
    await run('fixtures integrity', () => fixturesStep(dir, o.verify.shard));
    if (o.fixturesFresh && (!o.verify.shard || o.verify.shard.index === 1)) await run('fixtures up to date', () => freshnessStep(dir));
  }
  for (const t of o.targets) await run(targetName(t), () => verifyStep('verify', targetName(t), t, o.verify, o.requireValidation));
  return { steps, exitCode: gateExitCode(steps), durationMs: Date.now() - started, startedAt: new Date(started).toISOString() };
}

export { VerifyArgumentError };
