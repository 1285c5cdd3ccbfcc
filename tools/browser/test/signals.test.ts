/**
 * Plan: a signal stops `convspec verify` at once, even a browser run whose browser has just died.
 * The built CLI verifies a browser module that logs each call (modules/direct2d.mjs, export logsCalls);
 * once calls run in the page (its log line reaches convspec's stderr: under load the page may take
 * seconds to load, and killing the browser before then is a page that could not load, exit 2), the test
 * kills every Chromium process of that run (as a crash would), waits for convspec to start a fresh one, and sends SIGTERM.
 * convspec must exit with 143 (128 + SIGTERM) within a few seconds, saying why, and the browser it
 * had restarted must be gone too. (Left to playwright's SIGTERM handler, the browser was closed and the run took
 * that for a crash, started another browser and went on.) Needs Chromium, which CI installs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

/** Every process below `pid` (from /proc), deepest last. */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.shift()!;
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    out.push({ pid: p, cmd });
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('signals', () => {
  it('SIGTERM ends a browser run at once with 143, even right after its browser was restarted', async () => {
    const module = path.join(__dirname, 'modules', 'direct2d.mjs');
    const child = spawn(process.execPath, [path.join(root, 'bin/convspec.js'), 'verify', '--browser', module, '--export', 'logsCalls', '--jobs', '1'], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const browser = (pid: number) => descendants(pid).filter((p) => /chrom/.test(p.cmd) && !p.cmd.includes('chrome_crashpad_handler'));
      // Cases are running once the module's first call has logged.
      await waitFor('calls in the page', () => (stderr.includes('convspec-test: call') ? true : undefined), 60_000);
      expect(child.exitCode).toBeNull();
      const first = browser(child.pid!);
      for (const p of first) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const killed = new Set(first.map((p) => p.pid));
      await waitFor('a restarted browser', () => (browser(child.pid!).some((p) => !killed.has(p.pid)) ? true : undefined), 30_000);
      const restarted = browser(child.pid!).map((p) => p.pid);
      const sent = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
      expect(code).toBe(143);
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(stderr).toContain('convspec: stopped by SIGTERM');
      // The restarted browser went with it (its processes were children of convspec, so nothing else reaps them).
      const alive = () =>
        restarted.filter((pid) => {
          try {
            return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie has exited
          } catch {
            return false;
          }
        });
      await waitFor('the browser to be gone', () => (alive().length === 0 ? true : undefined), 5000);
    } catch (e) {
      throw new Error(`${(e as Error).message}; exit ${child.exitCode}; below it: ${JSON.stringify(descendants(child.pid!).map((p) => p.cmd.slice(0, 60)))}; convspec stderr: ${stderr.slice(-2000)}`);
    } finally {
      if (child.exitCode === null) {
        const left = descendants(child.pid!);
        child.kill('SIGKILL');
        for (const p of left) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
    }
  }, 90_000);
});
