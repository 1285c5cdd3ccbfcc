/**
 * `convspec verify [PATH] [--cmd COMMAND]`: runs every clause, fixture and robustness check against
 * a target and prints the table, failures and verdict. Exit 0 conformant, 1 not conformant, 2 could
 * not run, 3 nothing selected in this --shard (no verdict). The work itself is tools/verify/run.ts; this module parses flags and writes outputs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Option, type Command } from 'commander';
import type { FileAccessError } from '../../io/files';
import { openLogSink, type LogSink } from '../../io/logSink';
import { commandFiles, type RunInput } from '../../io/runInputs';
import { terminalSafe } from '../../terminal/terminalText';
import { defaultFixturesDir } from '../../fixtures/paths';
import { SingleBar } from 'cli-progress';
import { MAX_DEPTH, MAX_RUNS, optionsFromEnv } from '../../../spec/framework/runClause';
import { parseScaleElements, parseScaleMacs } from '../../../spec/arbitraries/scaleTier';
import { formatReport } from '../../report/format';
import { toJUnit } from '../../report/junit';
import { TargetError } from '../../hosts/loadModule';
import { reportToJson } from '../../report/report';
import { MAX_JOBS, parseShard, verifyTarget, VerifyArgumentError, VerifyEnvironmentError, type VerifyOptions, type VerifyTarget } from '../../verify/run';
import { parseInputShape } from '../../layers/modelLayers';
import { findBundledTarget } from '../../targets/registry';
import { EXIT_NOTHING_SELECTED, setExitCode } from '../exitCode';
import { UsageError } from '../../terminal/usage';
import { writeHtmlReport } from '../../report/writeHtml';
import { reportTitle } from '../../report/targetName';
import { checkReportFiles, writeReportFile } from '../../report/writeReport';
import { checkWriteExpect, expectFileText, readExpectFile, type ExpectEntry } from '../../report/expectFile';
import { entriesFor } from '../../report/knownFailures';

export interface VerifyFlags {
  cmd?: string;
  target?: string;
  browser?: string;
  export?: string;
  clause: string[];
  seed?: string;
  path?: string;
  runs?: string;
  scaleMacs?: string;
  scaleElements?: string;
  shard?: string;
  timeout?: string;
  startTimeout?: string;
  minSupported?: string;
  jobs?: string;
  json?: string;
  junit?: string;
  html?: string;
  log?: string;
  fixturesDir?: string;
  layersFrom?: string;
  inputShape: string[];
  progress?: boolean;
  expect?: string;
  strictExpect?: boolean;
  writeExpect?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The longest time limit a Node timer keeps (longer ones fire after 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Most random cases per clause, and the largest depth multiplier, a run may ask for (spec/framework/runClause.ts). */
export { MAX_DEPTH, MAX_RUNS };

function integer(flag: string, value: string, min: number, max: number): number {
  const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${JSON.stringify(value)} must be an integer from ${min} to ${max}`);
  return n;
}

/** `--runs N` fixes the random cases per property clause; `--runs 3x` multiplies every clause's default. */
export function parseRuns(value: string): Pick<VerifyOptions, 'runs' | 'depth'> {
  const m = /^(\d+(?:\.\d+)?)x$/i.exec(value.trim());
  if (m) {
    const depth = Number(m[1]);
    if (!(depth > 0 && depth <= MAX_DEPTH)) throw new UsageError(`--runs ${value}: the multiplier must be above 0 and at most ${MAX_DEPTH}`);
    return { depth };
  }
  return { runs: integer('--runs', value, 1, MAX_RUNS) };
}

/** Target from the positional argument and flags. */
export function targetFrom(modulePath: string | undefined, flags: Pick<VerifyFlags, 'cmd' | 'export' | 'target' | 'browser'>): VerifyTarget {
  const given = [modulePath && 'a module PATH', flags.cmd !== undefined && '--cmd', flags.target !== undefined && '--target', flags.browser !== undefined && '--browser'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of a module PATH, --cmd, --target, --browser (got ${given.join(' and ')})`);
  if (flags.export && !modulePath && flags.browser === undefined) throw new UsageError('--export needs a module PATH or --browser FILE');
  if (flags.target !== undefined) return { kind: 'named', name: flags.target };
  if (flags.browser !== undefined) {
    if (!fs.existsSync(flags.browser)) throw new UsageError(`--browser ${flags.browser}: no such file`);
    return { kind: 'browser', module: { file: flags.browser, exportName: flags.export } };
  }
  if (flags.cmd !== undefined) {
    if (flags.cmd.trim() === '') throw new UsageError('--cmd needs a command');
    return { kind: 'cmd', command: flags.cmd };
  }
  if (modulePath) return { kind: 'module', path: modulePath, exportName: flags.export };
  return { kind: 'ort' };
}

/**
 * A scale tier limit from its flag (first) or its environment variable: a power of two as 2^k (or
 * off, for --scale-macs). Undefined when neither is set (the run measures the target instead).
 */
export function scaleLimitFrom(parse: (text: string, what: string) => number, flagName: string, flag: string | undefined, envName: string, env: string | undefined): number | undefined {
  try {
    if (flag !== undefined) return parse(flag, flagName);
    if (env !== undefined && env !== '') return parse(env, `${envName}=`);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return undefined;
}

/** `--min-supported 0.8` or `80%`: the smallest share of drawn cases inside the declared support. */
export function parseMinSupported(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const share = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(share >= 0 && share <= 1)) throw new UsageError(`--min-supported ${JSON.stringify(value)} must be a share from 0 to 1, or a percentage such as 80%`);
  return share;
}

/**
 * The jobs a run gets when --jobs is not given: one per core, up to 4 (each job is a judge process and a
 * target process; beyond the cores they only compete), but one for the bundled browser targets that
 * need a GPU API (WebGPU, WebGL, WebNN). CONVSPEC_JOBS overrides it.
 */
export function defaultJobs(env: NodeJS.ProcessEnv = process.env, target?: string): number {
  if (env.CONVSPEC_JOBS) return integer('CONVSPEC_JOBS', env.CONVSPEC_JOBS, 1, MAX_JOBS);
  // A browser target on a GPU API runs on the software adapter here, whose browser already keeps more
  // than a core busy: a second browser was measured slower (38.5 s → 50.0 s on four clauses of
  // browser:ort-web-webgpu on 2 cores, twice the CPU). One job unless asked.
  if (target !== undefined && findBundledTarget(target)?.browserFeature !== undefined) return 1;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** VerifyOptions from flags, with CONVSPEC_SEED / CONVSPEC_PATH / CONVSPEC_DEPTH as defaults. */
export function optionsFrom(flags: VerifyFlags): VerifyOptions {
  let env: ReturnType<typeof optionsFromEnv>;
  try {
    env = optionsFromEnv();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const options: VerifyOptions = { clauses: flags.clause, seed: env.seed, path: env.path, depth: env.depth };
  if (flags.seed !== undefined) options.seed = integer('--seed', flags.seed, -(2 ** 31), 2 ** 31 - 1);
  if (flags.path !== undefined) options.path = flags.path;
  if (flags.runs !== undefined) Object.assign(options, parseRuns(flags.runs));
  const scaleMacs = scaleLimitFrom(parseScaleMacs, '--scale-macs', flags.scaleMacs, 'CONVSPEC_SCALE_MACS', process.env.CONVSPEC_SCALE_MACS);
  if (scaleMacs !== undefined) options.scaleMacs = scaleMacs;
  const scaleElements = scaleLimitFrom(parseScaleElements, '--scale-elements', flags.scaleElements, 'CONVSPEC_SCALE_ELEMENTS', process.env.CONVSPEC_SCALE_ELEMENTS);
  if (scaleElements !== undefined) options.scaleElements = scaleElements;
  if (flags.timeout !== undefined) options.timeoutMs = integer('--timeout', flags.timeout, 1, MAX_TIMEOUT_MS);
  if (flags.startTimeout !== undefined) options.startTimeoutMs = integer('--start-timeout', flags.startTimeout, 1, MAX_TIMEOUT_MS);
  if (flags.fixturesDir !== undefined) options.fixturesDir = flags.fixturesDir;
  Object.assign(options, layersFromFlags(flags));
  if (flags.minSupported !== undefined) options.minSupported = parseMinSupported(flags.minSupported);
  const expect = expectFrom(flags);
  if (expect) options.expect = expect;
  options.jobs = flags.jobs !== undefined ? integer('--jobs', flags.jobs, 1, MAX_JOBS) : defaultJobs(process.env, flags.target);
  if (flags.shard !== undefined) {
    try {
      options.shard = parseShard(flags.shard);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return options;
}

/** `--expect FILE` (read and checked now, so a bad file costs no run) and `--strict-expect`. */
export function expectFrom(flags: Pick<VerifyFlags, 'expect' | 'strictExpect'>): VerifyOptions['expect'] {
  if (flags.expect === undefined) {
    if (flags.strictExpect) throw new UsageError('--strict-expect fails on stale --expect entries: give --expect FILE too');
    return undefined;
  }
  try {
    return { entries: readExpectFile(flags.expect).entries, file: flags.expect, strict: flags.strictExpect === true };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Checks a --write-expect file before the run: never one convspec did not create (tools/report/expectFile.ts). */
export function checkWriteExpectFlag(file: string | undefined): void {
  if (file === undefined) return;
  try {
    checkWriteExpect(file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Writes the entries covering the current failures (--write-expect) and says so. */
export async function writeExpectations(file: string, entries: ExpectEntry[]): Promise<void> {
  await writeReportFile(file, expectFileText(entries), '--write-expect');
  process.stdout.write(`--write-expect: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} written to ${terminalSafe(file)}${entries.length ? ' (replace each TODO reason with why the failure is expected)' : ''}\n`);
}

/** `--layers-from MODEL` and `--input-shape [NAME=]DIMS` (repeatable), checked; shared with `fixtures generate`. */
export function layersFromFlags(flags: { layersFrom?: string; inputShape?: string[]; fixturesDir?: string }): Pick<VerifyOptions, 'layersFrom'> {
  const shapes = flags.inputShape ?? [];
  if (flags.layersFrom === undefined) {
    if (shapes.length > 0) throw new UsageError('--input-shape gives the input shapes of a --layers-from model: give --layers-from MODEL.onnx too');
    return {};
  }
  if (flags.fixturesDir !== undefined) throw new UsageError('--layers-from verifies only the model\'s layers: leave out --fixtures-dir');
  if (flags.layersFrom.trim() === '') throw new UsageError('--layers-from needs an ONNX model file');
  try {
    return { layersFrom: { model: flags.layersFrom, inputShapes: shapes.map(parseInputShape) } };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The files and folders a verify run reads, which no report may replace: target, model, fixtures. */
export function verifyInputs(target: VerifyTarget, options: Pick<VerifyOptions, 'layersFrom' | 'fixturesDir' | 'expect'>): RunInput[] {
  const inputs: RunInput[] = [];
  if (target.kind === 'module') inputs.push({ what: 'the module under test', file: target.path });
  if (target.kind === 'browser' && 'file' in target.module) inputs.push({ what: 'the --browser module', file: target.module.file });
  if (target.kind === 'cmd') for (const f of commandFiles(target.command)) inputs.push({ what: "a file --cmd's command names", file: f });
  if (options.layersFrom) inputs.push({ what: 'the --layers-from model', file: options.layersFrom.model });
  if (options.expect?.file) inputs.push({ what: 'the --expect file', file: options.expect.file });
  inputs.push({ what: 'the fixtures folder', file: options.fixturesDir ?? defaultFixturesDir() });
  return inputs;
}

/** Runs verify for the CLI; resolves to the exit code (0, 1, 3 for an empty share) or throws UsageError (2). */
export async function runVerify(modulePath: string | undefined, flags: VerifyFlags): Promise<number> {
  const target = targetFrom(modulePath, flags);
  const options = optionsFrom(flags);
  // Every output is checked before the run, so a bad path costs nothing (nor replaces an input).
  checkReportFiles([{ flag: '--json', file: flags.json }, { flag: '--junit', file: flags.junit }, { flag: '--html', file: flags.html }, { flag: '--log', file: flags.log }, { flag: '--write-expect', file: flags.writeExpect }], verifyInputs(target, options));
  checkWriteExpectFlag(flags.writeExpect);
  const showProgress = flags.progress !== false && process.stderr.isTTY === true;
  let bar: SingleBar | undefined;
  const heldLog: string[] = [];
  let logSink: LogSink | undefined;
  if (flags.log) {
    try {
      logSink = openLogSink(flags.log);
    } catch (e) {
      throw new UsageError((e as FileAccessError).message);
    }
  }
  options.log = (raw) => {
    const line = terminalSafe(raw);
    if (logSink) logSink.write(line);
    else if (bar) heldLog.push(line);
    else process.stderr.write(`[adapter] ${line}\n`);
  };
  if (showProgress) {
    bar = new SingleBar({ format: 'verify [{bar}] {value}/{total} {id} {failedText}', hideCursor: true, clearOnComplete: true, stream: process.stderr }, undefined);
    options.onProgress = (e) => {
      if (!bar) return;
      if (e.done === 0 && e.id) bar.start(e.total, 0, { id: terminalSafe(e.id), failedText: '' });
      bar.update(e.done, { id: terminalSafe(e.id ?? ''), failedText: e.failed ? `(${e.failed} failed)` : '' });
    };
  }
  let report;
  try {
    report = await verifyTarget(target, options);
  } catch (e) {
    if (e instanceof TargetError || e instanceof VerifyArgumentError || e instanceof VerifyEnvironmentError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar?.stop();
    bar = undefined;
    if (logSink) await closeLog(logSink);
    if (heldLog.length > 0) {
      const shown = heldLog.slice(-50);
      process.stderr.write(shown.map((l) => `[adapter] ${l}\n`).join('') + (heldLog.length > 50 ? `[adapter] (${heldLog.length - 50} earlier lines not shown; use --log FILE)\n` : ''));
    }
  }
  process.stdout.write(formatReport(report));
  if (flags.json) await writeReportFile(flags.json, reportToJson(report), '--json');
  if (flags.junit) await writeReportFile(flags.junit, toJUnit(report), '--junit');
  if (flags.html) await writeHtmlReport(flags.html, { title: reportTitle('verify', report), sections: [{ report }] });
  if (flags.writeExpect) await writeExpectations(flags.writeExpect, entriesFor(report));
  return report.summary.nothingSelected ? EXIT_NOTHING_SELECTED : report.summary.conformant ? 0 : 1;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .argument('[path]', 'a JavaScript module (ESM or CommonJS; TypeScript .ts/.cts, transpiled by the TypeScript convspec pins) whose default export is an Implementation; default: the bundled ONNX Runtime adapter')
    .description('verify an implementation clause by clause: properties, fixtures, robustness (exit 0 conformant, 1 not conformant, 2 could not run, 3 nothing selected in this --shard)')
    .option('--cmd <command>', 'verify a program speaking the JSON-lines protocol on stdin/stdout (docs/PROTOCOL.md)')
    .option('--target <name>', 'a bundled target by name (`convspec targets` lists them), e.g. tfjs-wasm or browser:ort-web-webgpu')
    .option('--browser <file>', 'an ES module whose default export is an Implementation, run inside headless Chromium (CHROME_PATH, else chromium/google-chrome on PATH)')
    .option('--export <name>', 'use this named export of the module instead of the default export')
    .option('--clause <filter>', 'only clauses/cases matching this id filter (e.g. convT.size.*, fixtures.ort/conv_*); repeatable', collect, [])
    .option('--seed <n>', 'fast-check seed (default 20261128, or CONVSPEC_SEED)')
    .option('--path <path>', 'fast-check replay path of a failure (with one --clause)')
    .option('--runs <n|Nx>', 'random cases per property clause: N fixes the count, Nx multiplies each clause default (deep runs)')
    .option('--scale-macs <2^k|off>', 'multiply-adds per case of the scale-and-edges tier, a power of two up to 2^30, or off (default: sized by the target\'s measured speed; CONVSPEC_SCALE_MACS); replay lines print it')
    .option('--scale-elements <2^k>', 'elements per tensor (x, W, y) of the scale tier\'s cases, a power of two (default: from the target\'s measured throughput; CONVSPEC_SCALE_ELEMENTS); replay lines print it')
    .option('--shard <i/n>', 'run only the i-th of n deterministic shares of the clauses and cases')
    .option('--timeout <ms>', `per-case time limit in milliseconds (default 10000, at most ${MAX_TIMEOUT_MS})`)
    .option('--start-timeout <ms>', 'time limit for loading a module or a program answering describe, in milliseconds (default 60000)')
    .option('--fixtures-dir <dir>', 'fixtures folder for the fixtures.ort clause (default: the bundled fixtures/)')
    .option('--layers-from <model>', "verify exactly the Conv/ConvTranspose layers of this ONNX model (its attributes and weights, seeded inputs) instead of the default selection; unresolved nodes are listed with the reason")
    .option('--input-shape <[name=]dims>', 'with --layers-from: the shape of a graph input, e.g. image=1x3x224x224 (NAME optional when the model has one input); repeatable', collect, [])
    .option('--jobs <n>', 'verify with n copies of the target side by side, each with its own judge (default: one per core, up to 4; CONVSPEC_JOBS); the report is the same for any n')
    .option('--min-supported <share>', 'not conformant unless at least this share of drawn cases (0.8 or 80%) was inside the declared support')
    .option('--expect <file>', 'known failures (JSON, docs/VERIFY.md, "Known failures"): failures an entry covers are reported as expected and do not fail the verdict')
    .option('--strict-expect', 'with --expect: an entry that covers no failure (stale) makes the run not conformant')
    .option('--write-expect <file>', 'write the current failures as a known-failures file to start from (never replaces a file it did not write)')
    .option('--json <file>', 'write the report as JSON (versioned schema)')
    .option('--junit <file>', 'write the report as JUnit XML')
    .option('--html <file>', 'write a self-contained HTML report: verdict, clause table, failures with heat maps, precision profile')
    .option('--log <file>', "append the adapter's console output / the program's stderr to this file")
    .addOption(new Option('--no-progress', 'no progress bar (it is shown only on a terminal anyway)'))
    .action(async (modulePath: string | undefined, flags: VerifyFlags) => {
      const code = await runVerify(modulePath, flags);
      setExitCode(code);
      // The report is out. Should anything the adapter left behind keep the event loop alive, leave anyway.
      setTimeout(() => process.exit(code), 5000).unref();
    });
}

/** Closes the --log sink; a FIFO whose reader left is an error of the run (exit 2), naming the file. */
export async function closeLog(sink: LogSink): Promise<void> {
  try {
    await sink.close();
  } catch (e) {
    throw new UsageError((e as FileAccessError).message);
  }
}
