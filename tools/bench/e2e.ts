/**
 * End-to-end figures users feel, timed by spawning the real commands: the whole test suite, `convspec
 * verify` of the bundled ORT adapter at default depth, and fixture generation into a temporary
 * folder. A command that is not there yet (other parts of the project still being built) or fails
 * is reported as such, never as a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface E2eFigure {
  what: string;
  command: string;
  /** Seconds, or undefined when not available. */
  seconds?: number;
  /** Peak RSS of the spawned process tree's largest child, MiB, where measurable. */
  peakRssMiB?: number;
  note: string;
}

/** Peak RSS of a child measured through /usr/bin/time when present (GNU time -f %M), else undefined. */
const GNU_TIME = '/usr/bin/time';

function timed(what: string, cmd: string, args: string[], cwd: string, available: string | undefined): E2eFigure {
  const command = [cmd, ...args].join(' ');
  if (available) return { what, command, note: `not available: ${available}` };
  const useTime = existsSync(GNU_TIME);
  const t0 = performance.now();
  const r = useTime
    ? spawnSync(GNU_TIME, ['-f', 'CONVSPEC_BENCH_MAXRSS_KB=%M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  const rss = /CONVSPEC_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  const peakRssMiB = rss ? Number(rss[1]) / 1024 : undefined;
  if (r.error) return { what, command, note: `not available: ${r.error.message}` };
  const note = r.status === 0 ? 'exit 0' : `exit ${r.status} (${r.status === 2 ? 'could not run' : 'failures'})`;
  return { what, command, seconds, peakRssMiB, note };
}

/** Runs the three end-to-end commands from the repository root `root`. */
export function endToEnd(root: string): E2eFigure[] {
  const cli = join(root, 'bin', 'convspec.js');
  const built = existsSync(join(root, 'dist', 'tools', 'cli', 'main.js')) ? undefined : 'dist/tools/cli/main.js missing (run npm run build)';
  const figures: E2eFigure[] = [];
  figures.push(timed('npm test (vitest run, build excluded)', 'npx', ['vitest', 'run'], root, undefined));
  const verifyMissing = built ?? (existsSync(join(root, 'dist', 'tools', 'cli', 'commands', 'verify.js')) ? undefined : 'verify command not built');
  figures.push(timed('convspec verify (ORT adapter, default depth)', 'node', [cli, 'verify'], root, verifyMissing));
  const out = mkdtempSync(join(tmpdir(), 'convspec-bench-fixtures-'));
  try {
    figures.push(timed('convspec fixtures generate', 'node', [cli, 'fixtures', 'generate', '--out', out], root, built));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return figures;
}
