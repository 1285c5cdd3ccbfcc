/**
 * The `convspec` command line. Each subcommand lives in its own module under commands/ and registers
 * itself on the program; this file only wires them up and maps outcomes to exit codes:
 * 0 success / conformant, 1 not conformant or a check failed, 2 could not run (bad arguments, bad target).
 */
import { Command, CommanderError } from 'commander';
import { currentExitCode, resetExitCode } from './exitCode';
import { UsageError } from '../terminal/usage';
import { terminalSafeLines } from '../terminal/terminalText';

type Register = (program: Command) => void;

/**
 * Loads a command's module. dist/ is CommonJS: there it is required directly (import() would take it
 * through the ESM loader and double the start-up). Under vitest this file is TypeScript source, which
 * only import() can load.
 */
const compiled = __filename.endsWith('.js');
function loadModule<M>(required: () => unknown, imported: () => Promise<M>): Promise<M> {
  return compiled ? Promise.resolve(required() as M) : imported();
}

/**
 * Every subcommand, in the order `--help` lists them, with its module loaded on demand: loading all of
 * them (the verifier's clauses, fast-check, the fixtures, the report writers…) cost about 0.3 CPU-s
 * before any command ran, paid again by every `convspec` process.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'verify', load: async () => (await loadModule(() => require('./commands/verify'), () => import('./commands/verify.js'))).registerVerify },
  { name: 'judge', load: async () => (await loadModule(() => require('./commands/judge'), () => import('./commands/judge.js'))).registerJudge },
  { name: 'fixtures', load: async () => (await loadModule(() => require('./commands/fixtures'), () => import('./commands/fixtures.js'))).registerFixtures },
  { name: 'shape', load: async () => (await loadModule(() => require('./commands/shape'), () => import('./commands/shape.js'))).registerShape },
  { name: 'explain', load: async () => (await loadModule(() => require('./commands/explain'), () => import('./commands/explain.js'))).registerExplain },
  { name: 'coverage', load: async () => (await loadModule(() => require('./commands/coverage'), () => import('./commands/coverage.js'))).registerCoverage },
  { name: 'gate', load: async () => (await loadModule(() => require('./commands/gate'), () => import('./commands/gate.js'))).registerGate },
  { name: 'targets', load: async () => (await loadModule(() => require('./commands/targets'), () => import('./commands/targets.js'))).registerTargets },
  { name: 'init', load: async () => (await loadModule(() => require('./commands/init'), () => import('./commands/init.js'))).registerInit },
  { name: 'replay', load: async () => (await loadModule(() => require('./commands/replay'), () => import('./commands/replay.js'))).registerReplay },
];

/**
 * The program with the subcommand `argv` runs, or with every subcommand when it names none of them
 * exactly (no command, `--help`, `--version`, `help verify`, a misspelt command): the program's help and
 * commander's "unknown command" suggestions then list them all.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('convspec')
    .description('Specification and conformance suite for ONNX Conv and ConvTranspose')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const named = COMMANDS.find((c) => c.name === argv[2]);
  for (const command of named ? [named] : COMMANDS) (await command.load())(program);
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
  const program = await buildProgram(argv);
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
