/**
 * The `convspec` command line. Each subcommand lives in its own module under commands/ and registers
 * itself on the program; this file only wires them up and maps outcomes to exit codes:
 * 0 success / conformant, 1 not conformant or a check failed, 2 could not run (bad arguments, bad target).
 */
import { Command, CommanderError } from 'commander';
import { registerShape } from './commands/shape';
import { registerExplain } from './commands/explain';
import { registerCoverage } from './commands/coverage';
import { registerVerify } from './commands/verify';
import { registerJudge } from './commands/judge';
import { registerFixtures } from './commands/fixtures';
import { registerGate } from './commands/gate';
import { registerTargets } from './commands/targets';
import { registerInit } from './commands/init';
import { registerReplay } from './commands/replay';
import { currentExitCode, resetExitCode } from './exitCode';
import { UsageError } from '../terminal/usage';
import { terminalSafeLines } from '../terminal/terminalText';

export function buildProgram(): Command {
  const program = new Command('convspec')
    .description('Specification and conformance suite for ONNX Conv and ConvTranspose')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerVerify(program);
  registerJudge(program);
  registerFixtures(program);
  registerShape(program);
  registerExplain(program);
  registerCoverage(program);
  registerGate(program);
  registerTargets(program);
  registerInit(program);
  registerReplay(program);
  return program;
}

/** The package version: package.json is three levels up from dist/tools/cli, two from the TypeScript source (in-process tests). */
function packageVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = require(rel);
      if (pkg && pkg.name === 'convspec') return String(pkg.version);
    } catch {
      // not at this level; try the next
    }
  }
  return 'unknown';
}

/** Runs the CLI and resolves to the process exit code. Commands set it through `setExitCode`. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  resetExitCode();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`convspec: ${terminalSafeLines(err.message)}\n`);
      return 2;
    }
    throw err;
  }
  return currentExitCode();
}

export { setExitCode } from './exitCode';
