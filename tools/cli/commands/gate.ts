/**
 * `convspec gate [PATH…] [--cmd COMMAND]… [--junit FILE] [--shard i/n] …`: the CI entry point. Runs
 * the suite's self-check, the fixtures integrity check and `verify` of every target, prints each
 * report and a summary, writes one JUnit file, and exits 0 only when every step passed (1 a check
 * failed, 2 a step could not run or the arguments are unusable, 3 this --shard selected nothing for
 * a target: no verdict from this share). The work is tools/gate/gate.ts.
 */
import { Option, type Command } from 'commander';
import { formatReport } from '../../report/format';
import type { VerifyTarget } from '../../targets/target';
import { DEFAULT_SELF_CHECK_RUNS, runGate, VerifyArgumentError, type GateStep } from '../../gate/gate';
import { gateJUnit } from '../../gate/junitSuites';
import { makeStyle, plain, type Style } from '../../terminal/style';
import { setExitCode } from '../exitCode';
import { UsageError } from '../../terminal/usage';
import { checkWriteExpectFlag, closeLog, MAX_RUNS, optionsFrom, verifyInputs, writeExpectations, type VerifyFlags } from './verify';
import { entriesFor } from '../../report/knownFailures';
import { defaultFixturesDir } from '../../fixtures/paths';
import { writeHtmlReport } from '../../report/writeHtml';
import { checkReportFiles, writeReportFile } from '../../report/writeReport';
import type { FileAccessError } from '../../io/files';
import { openLogSink, type LogSink } from '../../io/logSink';
import { terminalSafe } from '../../terminal/terminalText';

interface GateFlags extends Omit<VerifyFlags, 'cmd' | 'target'> {
  /** Repeatable --cmd, collected into a list. */
  cmd: string[];
  /** Repeatable --target (bundled targets by name). */
  target: string[];
  ort?: boolean;
  requireValidation?: boolean;
  verify: boolean;
  selfCheck: boolean;
  selfCheckRuns?: string;
  fixtures: boolean;
  fixturesDir?: string;
  fixturesFresh?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Targets: module paths, then --cmd programs, then the bundled ORT adapter (also the default when none is named). */
export function gateTargets(paths: string[], flags: { cmds: string[]; targets?: string[]; ort?: boolean; verify: boolean }): VerifyTarget[] {
  const named = flags.targets ?? [];
  if (!flags.verify) {
    if (paths.length || flags.cmds.length || named.length || flags.ort) throw new UsageError('--no-verify cannot be combined with targets');
    return [];
  }
  const targets: VerifyTarget[] = paths.map((p) => ({ kind: 'module', path: p }));
  for (const c of flags.cmds) {
    if (c.trim() === '') throw new UsageError('--cmd needs a command');
    targets.push({ kind: 'cmd', command: c });
  }
  for (const name of named) {
    if (name.trim() === '') throw new UsageError('--target needs a name (`convspec targets` lists them)');
    targets.push({ kind: 'named', name });
  }
  if (flags.ort || targets.length === 0) targets.push({ kind: 'ort' });
  return targets;
}

/** The gate's verdict for its exit status, coloured with `style` (plain by default). */
function verdictText(code: number, style: Style = plain): string {
  if (code === 0) return style.green('PASSED');
  if (code === 1) return style.red('FAILED');
  if (code === 3) return style.yellow('NOTHING SELECTED in this shard (no verdict: the other shards decide)');
  return style.red('COULD NOT RUN every step');
}

export function registerGate(program: Command): void {
  program
    .command('gate')
    .argument('[paths...]', 'JavaScript modules whose default export is an Implementation (default when no target is named: the bundled ONNX Runtime adapter)')
    .description('CI gate: self-check, fixtures integrity and verify of every target in one run, one JUnit file; exit 0 only if all pass (3: this --shard selected nothing for a target)')
    .option('--cmd <command>', 'also verify a program speaking the JSON-lines protocol; repeatable', collect, [])
    .option('--target <name>', 'also verify a bundled target by name (`convspec targets` lists them), e.g. tfjs-wasm; repeatable', collect, [])
    .option('--ort', 'also verify the bundled ONNX Runtime adapter (the default when no target is named)')
    .option('--no-verify', 'skip verify: only the self-check and the fixtures')
    .option('--clause <filter>', 'only clauses/cases matching this id filter, in every step; repeatable', collect, [])
    .option('--seed <n>', 'fast-check seed (default 20261128, or CONVSPEC_SEED)')
    .option('--runs <n|Nx>', 'random cases per property clause for the targets: N fixes the count, Nx multiplies the defaults')
    .option('--shard <i/n>', 'run only the i-th of n deterministic shares of every step (split a long run across CI machines)')
    .option('--timeout <ms>', 'per-case time limit in milliseconds (default 10000)')
    .option('--start-timeout <ms>', 'time limit for loading a module or a program answering describe, in milliseconds (default 60000)')
    .option('--require-validation', 'a target that declares supports.validation false (its caller validates: invalid input not checked) fails')
    .option('--min-supported <share>', 'a target fails unless at least this share of drawn cases (0.8 or 80%) was inside its declared support')
    .option('--no-self-check', 'skip the self-check of the reference')
    .option('--self-check-runs <n>', `random cases per property clause in the self-check (default ${DEFAULT_SELF_CHECK_RUNS})`)
    .option('--no-fixtures', 'skip the fixtures integrity check')
    .option('--fixtures-dir <dir>', 'fixtures folder to check (default: the bundled fixtures)')
    .option('--fixtures-fresh', 'also regenerate the fixtures with onnxruntime-node and require byte-identical files (shard 1 only)')
    .option('--expect <file>', 'known failures of the targets (JSON, docs/VERIFY.md, "Known failures"): covered failures are reported as expected and do not fail the gate')
    .option('--strict-expect', 'with --expect: an entry that covers no failure of a target (stale) fails that target')
    .option('--write-expect <file>', "write the targets' current failures as a known-failures file to start from (never replaces a file it did not write)")
    .option('--junit <file>', 'write one JUnit XML file with a test suite per step')
    .option('--html <file>', 'write a self-contained HTML report of every step (verdicts, clause tables, failures with heat maps, precision profiles)')
    .addOption(new Option('--log <file>', "append adapters' console output / programs' stderr to this file"))
    .addHelpText(
      'after',
      '\nExit status: 0 every step passed; 1 a check failed; 2 a step could not run or the arguments are unusable.\n' +
        'Sharding: run `convspec gate … --shard 1/4` … `--shard 4/4` on four machines; together they cover every clause, case and fixture once.',
    )
    .action(async (paths: string[], flags: GateFlags) => {
      const targets = gateTargets(paths, { cmds: flags.cmd, targets: flags.target, ort: flags.ort, verify: flags.verify });
      const options = optionsFrom({ ...flags, cmd: undefined, target: undefined, clause: flags.clause });
      let selfCheckRuns: number | undefined;
      if (flags.selfCheckRuns !== undefined) {
        selfCheckRuns = Number(flags.selfCheckRuns);
        if (!Number.isSafeInteger(selfCheckRuns) || selfCheckRuns < 1 || selfCheckRuns > MAX_RUNS) throw new UsageError(`--self-check-runs must be an integer from 1 to ${MAX_RUNS}, got ${JSON.stringify(flags.selfCheckRuns)}`);
      }
      const inputs = [...targets.flatMap((t) => verifyInputs(t, { expect: options.expect })), { what: 'the fixtures folder', file: flags.fixturesDir ?? defaultFixturesDir() }];
      checkReportFiles([{ flag: '--junit', file: flags.junit }, { flag: '--html', file: flags.html }, { flag: '--log', file: flags.log }, { flag: '--write-expect', file: flags.writeExpect }], inputs);
      checkWriteExpectFlag(flags.writeExpect);
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
        else process.stderr.write(`[adapter] ${line}\n`);
      };
      const style = makeStyle();
      const mark = (s: GateStep) =>
        s.status === 'passed' ? style.green('passed') : s.status === 'failed' ? style.red('FAILED') : s.status === 'empty' ? style.yellow('NOTHING SELECTED') : style.red('COULD NOT RUN');
      let result;
      try {
        result = await runGate({
          targets,
          verify: options,
          selfCheck: flags.selfCheck,
          selfCheckRuns,
          fixtures: flags.fixtures,
          fixturesDir: flags.fixturesDir,
          fixturesFresh: flags.fixturesFresh,
          requireValidation: flags.requireValidation,
          onStep: (e) => {
            if (e.phase === 'start') process.stdout.write(style.bold(`▶ ${terminalSafe(e.name)}`) + '\n');
            else if (e.step) {
              // The self-check's table is noise when it passes; a target's table is the point of the run.
              const quiet = e.step.kind === 'self-check' && e.step.status === 'passed';
              if (e.step.report && !quiet) process.stdout.write(formatReport(e.step.report, style));
              process.stdout.write(`${mark(e.step)} ${terminalSafe(e.step.name)}: ${terminalSafe(e.step.summary)} (${(e.step.durationMs / 1000).toFixed(1)} s)\n\n`);
            }
          },
        });
      } catch (e) {
        if (e instanceof VerifyArgumentError) throw new UsageError(e.message);
        throw e;
      } finally {
        if (logSink) await closeLog(logSink);
      }
      const width = Math.max(...result.steps.map((s) => terminalSafe(s.name).length));
      process.stdout.write(style.bold('convspec gate summary') + (options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : '') + '\n');
      for (const s of result.steps) process.stdout.write(`  ${terminalSafe(s.name).padEnd(width)}  ${mark(s)}  ${terminalSafe(s.summary)}\n`);
      const verdict = `${result.exitCode === 0 ? style.green('gate:') : result.exitCode === 3 ? style.yellow('gate:') : style.red('gate:')} ${verdictText(result.exitCode, style)}`;
      process.stdout.write(`${verdict} in ${(result.durationMs / 1000).toFixed(1)} s\n`);
      if (flags.junit) {
        await writeReportFile(flags.junit, gateJUnit(result.steps.map((s) => s.junit), result.durationMs), '--junit');
        process.stdout.write(`JUnit XML written to ${flags.junit}\n`);
      }
      if (flags.html) {
        await writeHtmlReport(flags.html, {
          title: `convspec gate — ${verdictText(result.exitCode)}`,
          steps: result.steps.map((s) => ({ name: s.name, status: s.status, summary: s.summary, durationMs: s.durationMs })),
          sections: result.steps.filter((s) => s.report).map((s) => ({ heading: s.name, report: s.report! })),
        });
        process.stdout.write(`HTML report written to ${flags.html}\n`);
      }
      if (flags.writeExpect) {
        // The targets' failures (never the self-check's); with several targets each entry names its target.
        const verified = result.steps.filter((st) => st.kind === 'verify' && st.report);
        await writeExpectations(flags.writeExpect, verified.flatMap((st) => entriesFor(st.report!, verified.length > 1 ? st.report!.target.args : undefined)));
      }
      setExitCode(result.exitCode);
    });
}
