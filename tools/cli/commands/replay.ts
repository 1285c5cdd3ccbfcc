/**
 * `convspec replay CASE.json [PATH] [--target T | --cmd C | --browser F]`: runs one case given as data
 * (a report's `counterexampleData`, or a whole `--json` report with `--finding F` / `--clause ID`) on
 * a target and prints actual, expected and the window. Exit 0 within the bound (or rejected, as the
 * reference rejects it), 1 outside the bound or a wrong answer, 2 an unusable file, case or target.
 * The work is tools/verify/replayCase.ts.
 */
import type { Command } from 'commander';
import { readRegularFile } from '../../io/files';
import { TargetError } from '../../hosts/loadModule';
import { terminalSafeLines } from '../../terminal/terminalText';
import { UsageError } from '../../terminal/usage';
import { caseFromJson, ReplayInputError, replayCase } from '../../verify/replayCase';
import { setExitCode } from '../exitCode';
import { MAX_TIMEOUT_MS, targetFrom } from './verify';

/** A report with every counterexample as data stays well under this. */
const MAX_CASE_BYTES = 256 * 1024 * 1024;

interface ReplayFlags {
  cmd?: string;
  target?: string;
  browser?: string;
  export?: string;
  finding?: string;
  clause?: string;
  timeout?: string;
}

export async function runReplay(file: string, modulePath: string | undefined, flags: ReplayFlags): Promise<number> {
  const target = targetFrom(modulePath, flags);
  let timeoutMs: number | undefined;
  if (flags.timeout !== undefined) {
    timeoutMs = Number(flags.timeout);
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) throw new UsageError(`--timeout ${JSON.stringify(flags.timeout)} must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  let picked;
  try {
    const raw = readRegularFile(file, MAX_CASE_BYTES, 'the case file').toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new ReplayInputError(`${file}: not JSON (${(e as Error).message})`);
    }
    picked = caseFromJson(value, { finding: flags.finding, clause: flags.clause }, file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  try {
    const out = await replayCase(picked.c, target, { timeoutMs, log: (line) => process.stderr.write(`[adapter] ${line}\n`) });
    process.stdout.write(`${terminalSafeLines(out.text)}\n`);
    return out.code;
  } catch (e) {
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .argument('<case>', 'a JSON file: one case {op, x: {dims, data}, w, b, attrs} (a report\'s counterexampleData), or a whole --json report with --finding or --clause')
    .argument('[path]', 'a JavaScript module whose default export is an Implementation; default: the bundled ONNX Runtime adapter')
    .description('run one case on a target and print actual, expected and the window (exit 0 within the bound, 1 outside, 2 unusable file or target)')
    .option('--cmd <command>', 'a program speaking the JSON-lines protocol')
    .option('--target <name>', 'a bundled target by name (`convspec targets` lists them)')
    .option('--browser <file>', 'an ES module run inside headless Chromium')
    .option('--export <name>', 'use this named export of the module')
    .option('--finding <id>', 'from a report: the counterexample of this finding (e.g. F1)')
    .option('--clause <id>', 'from a report: the counterexample of this clause or case id (e.g. conv.numeric.withinBound, fixtures.ort/conv_3d)')
    .option('--timeout <ms>', 'time limit for the call in milliseconds (default 10000)')
    .action(async (file: string, modulePath: string | undefined, flags: ReplayFlags) => {
      setExitCode(await runReplay(file, modulePath, flags));
    });
}
