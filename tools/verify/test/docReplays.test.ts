/**
 * The replay lines the documentation prints (`npx convspec verify … --clause C --seed S --path P` in
 * README.md and docs/**.md) are run with the built CLI, so a generator change that moves the cases
 * cannot leave the docs with paths that no longer fit ("Unable to replay, got wrong path"). Each line
 * that targets something runnable here is replayed: it must not be a usage error (exit 2) and, where
 * the doc says it is a failure (docs/FINDINGS.md, the README's failure list), it must still fail —
 * with the worst element the doc names, where the line names one.
 *
 * Also here: a --path that does not fit the clause is a usage error (exit 2) naming the path, never
 * NOT CONFORMANT (exit 1) and never a pass of a run that judged nothing.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBundledTarget } from '../../targets/registry';

const root = path.resolve(__dirname, '../../..');

interface DocReplay {
  file: string;
  line: number;
  /** The documented command's arguments after `verify`. */
  args: string[];
  /** The whole doc line, for what it claims about the outcome. */
  text: string;
}

/** Markdown files that may print replay lines: the README and everything under docs/. */
function docFiles(): string[] {
  const out = [path.join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk(path.join(root, 'docs'));
  return out;
}

/** Every `npx convspec verify … --path P` command in the docs, with its arguments split as a shell would (they hold no quoting). */
export function docReplays(): DocReplay[] {
  const found: DocReplay[] = [];
  for (const file of docFiles()) {
    fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      for (const m of text.matchAll(/npx convspec verify ([^`\n]*?--path [^`\s]+[^`\n#]*)/g)) {
        found.push({ file: path.relative(root, file), line: i + 1, args: m[1].trim().split(/\s+/), text });
      }
    });
  }
  return found;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Why a documented replay is not run here, or undefined when it is. */
function whyNotRunnable(args: string[]): string | undefined {
  const target = flag(args, '--target');
  // A positional argument is the user's own adapter module (e.g. ./my-adapter.js): an example, not in the repository.
  if (!args[0].startsWith('--')) return `${args[0]} is a user's adapter, not a file of the repository`;
  if (target === undefined) return undefined; // the default target, ONNX Runtime's CPU EP
  const bundled = findBundledTarget(target);
  if (!bundled) return `${target} is not a bundled target`;
  // Browser targets launch Chromium for each line (seconds apiece), and their WebGPU/WebGL findings are
  // SwiftShader's; the conformance table's rerun replays them. Their paths are the same clauses' paths
  // as the Node targets', drawn by the same generators.
  if (bundled.where !== 'node') return `${target} runs in ${bundled.where}, not replayed by this test`;
  return undefined;
}

interface Run { code: number | null; output: string }

function convspec(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/convspec.js'), 'verify', ...args], { cwd: root, encoding: 'utf8', env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONVSPEC_SCALE_'))), NO_COLOR: '1' }, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Runs the jobs at most `width` at a time (each is a Node process; the machine may have 2 cores). */
async function pooled<T, R>(items: T[], width: number, job: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await job(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

const WRONG_PATH = /does not fit clause|Unable to replay|wrong path|invalid path/;

describe('replay lines in the docs', () => {
  const all = docReplays();
  const runnable = all.filter((r) => whyNotRunnable(r.args) === undefined);

  it('are found, and those not replayed here are left out for a stated reason', () => {
    // The findings' two tfjs-wasm lines at least: an extractor that finds nothing would pass everything.
    expect(runnable.filter((r) => r.file === path.join('docs', 'FINDINGS.md')).length).toBeGreaterThanOrEqual(2);
    const skipped = all.filter((r) => whyNotRunnable(r.args) !== undefined);
    expect(skipped.map((r) => whyNotRunnable(r.args))).toContain('browser:tfjs-wasm runs in chromium, not replayed by this test');
    for (const r of all) {
      expect(flag(r.args, '--clause'), `${r.file}:${r.line}`).toBeTruthy();
      expect(flag(r.args, '--seed'), `${r.file}:${r.line}`).toMatch(/^\d+$/);
    }
  });

  it('replay with the built CLI: the path fits, and documented failures still fail as documented', async () => {
    const runs = await pooled(runnable, 3, (r) => convspec([...r.args, '--timeout', '5000']));
    runnable.forEach((r, i) => {
      const { code, output } = runs[i];
      const where = `${r.file}:${r.line}: npx convspec verify ${r.args.join(' ')}\n${output}`;
      expect(output, where).not.toMatch(WRONG_PATH);
      expect(code, where).not.toBe(2);
      // docs/FINDINGS.md lists nonconformance, and the README's failure list says " — replay:" after each failure.
      const claimsFailure = r.file.endsWith('FINDINGS.md') || / — replay: `npx convspec/.test(r.text);
      if (claimsFailure) expect(code, where).toBe(1);
      const worst = /worst (?:at )?\[[\d, ]*\]: actual [^,]+, expected [^,]+/.exec(r.text);
      if (claimsFailure && worst) expect(output, where).toContain(worst[0]);
    });
  }, 240_000);
});

describe('a --path that does not fit the clause', () => {
  it('is a usage error (exit 2) naming the path, on the default target', async () => {
    // A path printed for another clause: the shrink tree here is shallower than it says.
    const wrong = await convspec(['--clause', 'convT.numeric.withinBound', '--seed', '20261128', '--path', '405:2:0:0:0:0:0:0:0:0:1:1:1:1:1:1:1']);
    expect(wrong.code, wrong.output).toBe(2);
    expect(wrong.output).toContain('--path 405:2:0:0:0:0:0:0:0:0:1:1:1:1:1:1:1 does not fit clause convT.numeric.withinBound at seed 20261128');
    expect(wrong.output).not.toContain('NOT CONFORMANT');
  }, 60_000);

  it('is a usage error when its last step selects no case, never a pass of nothing', async () => {
    const past = await convspec(['--clause', 'convT.numeric.withinBound', '--seed', '20261128', '--path', '405:9999']);
    expect(past.code, past.output).toBe(2);
    expect(past.output).toContain('its last step selects no case');
    expect(past.output).not.toContain('CONFORMANT');
  }, 60_000);
});
