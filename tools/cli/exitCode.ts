/**
 * The exit code the CLI ends with: commands raise it (the highest wins), main.ts reads it. A module of
 * its own so commands never import the CLI's main.
 */
let exitCode = 0;

/**
 * Exit status of a run whose share (`--shard i/n`) selected nothing: no verdict, neither conformant
 * (0) nor not (1). Above 2 on purpose: the highest code wins, and a share that judged nothing must
 * never read as a pass; CI that splits a run treats 3 from one shard as "no verdict here".
 */
export const EXIT_NOTHING_SELECTED = 3;

export function setExitCode(code: number): void {
  exitCode = Math.max(exitCode, code);
}

export function resetExitCode(): void {
  exitCode = 0;
}

export function currentExitCode(): number {
  return exitCode;
}
