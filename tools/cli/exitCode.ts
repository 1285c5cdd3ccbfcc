/**
 * The exit code the CLI ends with: commands raise it (the highest wins), main.ts reads it. A module of
 * its own so commands never import the CLI's main.
 */
let exitCode = 0;

export function setExitCode(code: number): void {
  exitCode = Math.max(exitCode, code);
}

export function resetExitCode(): void {
  exitCode = 0;
}

export function currentExitCode(): number {
  return exitCode;
}
