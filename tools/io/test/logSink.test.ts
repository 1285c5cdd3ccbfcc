/**
 * Plan: `--log FIFO` never holds the run. The sink opens a FIFO once, without blocking, and writes from
 * the event loop: a reader that reads to EOF gets every line; a reader that stops reading delays
 * nothing (lines queue, bounded) and a signal still ends convspec with 128 + n; a reader that leaves is
 * an error naming the file at close, never a silently short log. Before, `--log` probed the FIFO (open,
 * close) and reopened it blocking, then wrote synchronously: a stalled reader held the main thread in
 * write() for ever, where SIGTERM could not end the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED_BYTES, openLogSink } from '../logSink';

const root = path.resolve(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-logsink-'));
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function fifo(): string {
  const f = path.join(tmp, `fifo-${n++}`);
  spawnSync('mkfifo', [f]);
  return f;
}

/** A reader that opens the FIFO and never reads (the shell holds it on fd 3). */
function stalledReader(f: string): ChildProcess {
  const c = spawn('sh', ['-c', `exec 3<"$1"; exec sleep 60`, 'sh', f], { stdio: 'ignore' });
  started.push(c);
  return c;
}

async function waitForReader(f: string): Promise<void> {
  // Opening for write without blocking succeeds only once a reader has the FIFO open.
  for (let i = 0; i < 200; i++) {
    try {
      fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`no reader on ${f}`);
}

/** Whether a process whose parent is `pid` runs convspec's adapter host. */
function hostOf(pid: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('host.js')) return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

const lines = (k: number) => Array.from({ length: k }, (_, i) => `line ${i} ${'y'.repeat(100)}`);

describe('--log into a FIFO', () => {
  it('a reader that reads to EOF gets every line, in order', async () => {
    const f = fifo();
    const out = path.join(tmp, 'cat.out');
    const cat = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', f, out], { stdio: 'ignore' });
    started.push(cat);
    const done = new Promise((r) => cat.on('exit', r));
    // Opened while cat waits (the open is what lets cat in): no probe, no second open.
    let sink;
    for (let i = 0; !sink; i++) {
      try {
        sink = openLogSink(f);
      } catch (e) {
        if (i > 200) throw e;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const text = lines(20_000); // ~2 MB: many times what a pipe holds
    for (const l of text) sink.write(l);
    await sink.close();
    await done;
    expect(fs.readFileSync(out, 'utf8')).toBe(text.join('\n') + '\n');
  });

  it('with a reader that stopped reading, write() returns at once and the queue stays bounded', async () => {
    const f = fifo();
    const reader = stalledReader(f);
    await waitForReader(f);
    const sink = openLogSink(f);
    const t0 = Date.now();
    const text = lines(300_000); // ~32 MB, twice the bound
    for (const l of text) sink.write(l);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The event loop still runs while the reader is stalled.
    await new Promise((r) => setTimeout(r, 50));
    reader.kill('SIGKILL');
    await expect(sink.close()).rejects.toThrow(/reader left/);
    expect(MAX_QUEUED_BYTES).toBeLessThan(text.length * 100);
  });

  it('no reader at all: refused at once, naming the file', () => {
    const f = fifo();
    expect(() => openLogSink(f)).toThrow(/a FIFO with no reader/);
  });

  it('convspec verify --log FIFO whose reader stopped reading: SIGTERM still ends it with 143', async () => {
    const f = fifo();
    stalledReader(f);
    await waitForReader(f);
    const adapter = path.join(root, 'tools/verify/test/adapters/logs/chatty.cjs');
    const child = spawn(process.execPath, [path.join(root, 'bin/convspec.js'), 'verify', adapter, '--clause', 'conv.numeric.withinBound', '--runs', '200', '--log', f, '--no-progress', '--jobs', '1'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    started.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Once the adapter's host runs, its first call logs 128 KiB, twice what the pipe holds; give it a
    // moment to get there.
    for (let i = 0; !hostOf(child.pid!); i++) {
      if (i > 600 || child.exitCode !== null) throw new Error(`the adapter host never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
    expect(code, stderr).toBe(143);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
