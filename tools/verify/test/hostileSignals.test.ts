/**
 * Plan: a signal ends convspec at once with 128 + n and leaves no process behind, whatever it was
 * doing (issue 21, items 6–9). Each test runs the built CLI with a marker in its environment, which
 * every process it starts inherits (adapter hosts, --jobs job processes, --cmd programs and what they
 * start in turn); after the run, no process whose environment holds the marker may be left. The
 * adapters (adapters/signals/) spin forever in a call and start a `sleep` beside them, so only a kill
 * of the whole process group ends them. afterEach kills whatever carries the marker, so a failing test
 * leaves nothing either.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const adapters = path.join(__dirname, 'adapters', 'signals');
const spinModule = path.join(adapters, 'spin.cjs');
const reference = path.join(__dirname, 'adapters', 'reference.cjs');
const wrong = path.join(adapters, 'wrong.cjs');
const spinProgram = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(adapters, 'spin-program.cjs'))}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-signals-'));
const MARK = `hostile-signals-${process.pid}-${Date.now().toString(36)}`;
const MARK_ENTRY = `CONVSPEC_SIGNALS_MARK=${MARK}`;
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live (not zombie) processes whose environment holds this file's marker. */
function marked(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!env.split('\0').includes(MARK_ENTRY)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      out.push({ pid: Number(entry), cmd: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

function killMarked(): void {
  for (const p of marked()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

async function waitFor(what: string, probe: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stderr: () => string;
  stdout: () => string;
  ready: string;
}

/** Starts the built CLI with the marker (and a folder where spinning adapters say so). */
function convspec(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Started {
  const ready = fs.mkdtempSync(path.join(tmp, 'ready-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', CONVSPEC_SIGNALS_MARK: MARK, SIGNALS_READY_DIR: ready, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  return { child, exited, stderr: () => stderr, stdout: () => stdout, ready };
}

/** Whether `pid` has its own SIGHUP handler, the last one bin/convspec.js installs (SigCgt bit 0; Node catches SIGINT and SIGTERM itself). */
function handlersInstalled(pid: number): boolean {
  try {
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && (parseInt(mask.slice(-1), 16) & 1) === 1;
  } catch {
    return false;
  }
}

/**
 * An ONNX model of `n` Relu nodes and nothing else, built by repeating one encoded node (a million
 * nodes in well under a second, where encoding them one by one takes far longer).
 */
function manyNodeModel(file: string, n: number): void {
  const node = onnx.NodeProto.encode({ opType: 'Relu', input: ['x'], output: ['y'] }).finish();
  const one = Buffer.concat([Buffer.from([0x0a, node.length]), node]); // GraphProto.node (field 1)
  const nodes = Buffer.alloc(one.length * n);
  for (let i = 0; i < n; i++) one.copy(nodes, i * one.length);
  const head = onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] }).finish();
  const length: number[] = [];
  for (let v = nodes.length; ; v >>>= 7) {
    if (v < 128) {
      length.push(v);
      break;
    }
    length.push((v & 127) | 128);
  }
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from([0x3a, ...length]), nodes])); // ModelProto.graph (field 7)
}

/** Resolves to how the run ended, or 'still running' after `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => 'still running' as const)]);

afterEach(() => killMarked());
afterAll(() => {
  killMarked();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a signal ends convspec at once, and every process it started (items 6, 7)', () => {
  const verifyArgs = (target: string[], jobs: number) => [
    'verify', ...target,
    // Two property clauses, so that --jobs 2 gives each job one.
    '--clause', 'conv.size.formula', '--clause', 'robustness.output.dims',
    '--runs', '3', '--timeout', '120000', '--jobs', String(jobs),
  ];
  const cases: { name: string; target: string[]; jobs: number; signal: 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGKILL' }[] = [
    { name: 'a module whose call spins, SIGTERM', target: [spinModule], jobs: 1, signal: 'SIGTERM' },
    { name: 'a module whose call spins, --jobs 2, SIGINT', target: [spinModule], jobs: 2, signal: 'SIGINT' },
    { name: 'a --cmd program that spins and ignores signals, SIGTERM', target: ['--cmd', spinProgram], jobs: 1, signal: 'SIGTERM' },
    { name: 'a --cmd program that spins and ignores signals, --jobs 2, SIGHUP', target: ['--cmd', spinProgram], jobs: 2, signal: 'SIGHUP' },
    // convspec itself killed outright: the hosts notice (a watchdog thread), the jobs their closed channel.
    { name: 'a module whose call spins, convspec killed by SIGKILL', target: [spinModule], jobs: 1, signal: 'SIGKILL' },
    { name: 'a --cmd program that spins, --jobs 2, convspec killed by SIGKILL', target: ['--cmd', spinProgram], jobs: 2, signal: 'SIGKILL' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = convspec(verifyArgs(c.target, c.jobs));
      try {
        // Every job's adapter is in its spinning call.
        await waitFor(`${c.jobs} spinning adapter(s)`, () => fs.readdirSync(run.ready).length >= c.jobs || run.child.exitCode !== null, 30_000);
        expect(run.child.exitCode).toBeNull();
        // At least convspec, an adapter and the `sleep` it started.
        expect(marked().length).toBeGreaterThanOrEqual(3);
        const sent = Date.now();
        run.child.kill(c.signal);
        const end = await within(run.exited, 3000);
        if (end === 'still running') throw new Error(`convspec still runs 3 s after ${c.signal}`);
        if (c.signal === 'SIGKILL') expect(end.signal).toBe('SIGKILL');
        else {
          expect(end.code).toBe(128 + SIGNAL_NUMBERS[c.signal]);
          expect(run.stderr()).toContain(`convspec: stopped by ${c.signal}`);
        }
        expect(end.at - sent).toBeLessThan(3000);
        // Nothing it started is left: hosts, jobs, programs, and the `sleep`s the adapters started.
        await waitFor('every process it started to be gone', () => marked().length === 0, 2000).catch((e: Error) => {
          throw new Error(`${e.message}; left: ${JSON.stringify(marked().map((p) => p.cmd.slice(0, 100)))}`);
        });
      } catch (e) {
        throw new Error(`${(e as Error).message}; convspec stderr: ${run.stderr().slice(-1500)}`);
      } finally {
        run.child.kill('SIGKILL');
      }
    }, 60_000);
  }
});

describe('a signal is heard during a long synchronous step (item 8)', () => {
  it('SIGTERM while a million-node model is read for --layers-from ends the run at once with 143', async () => {
    // Reading it takes 10–30 s on one core (protobuf decoding of a million nodes), all of it synchronous before the fix.
    const model = path.join(tmp, 'million-relu.onnx');
    manyNodeModel(model, 1_000_000);
    const run = convspec(['verify', reference, '--layers-from', model]);
    try {
      await waitFor('the signal handlers', () => handlersInstalled(run.child.pid!) || run.child.exitCode !== null, 30_000);
      await sleep(500); // into the read
      expect(run.child.exitCode).toBeNull();
      const sent = Date.now();
      run.child.kill('SIGTERM');
      const end = await within(run.exited, 3000);
      if (end === 'still running') throw new Error('convspec still runs 3 s after SIGTERM');
      expect(end.code).toBe(143);
      expect(end.at - sent).toBeLessThan(3000);
      expect(run.stderr()).toContain('convspec: stopped by SIGTERM');
    } catch (e) {
      throw new Error(`${(e as Error).message}; convspec stderr: ${run.stderr().slice(-1500)}`);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('a report into a FIFO never blocks the run for ever (item 9)', () => {
  /** A run whose JSON report is close to a megabyte (every case fails), far more than a pipe holds. */
  const bigReport = (fifo: string) => ['verify', wrong, '--clause', 'fixtures.ort/*', '--jobs', '1', '--json', fifo];
  const O_READER = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

  it('SIGTERM ends a run whose FIFO reader stopped reading, with 143', async () => {
    const fifo = path.join(tmp, 'stalled.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader that is there (a non-blocking open counts as one at once) but never reads.
    const reader = fs.openSync(fifo, O_READER);
    const run = convspec(bigReport(fifo));
    try {
      // The verdict is printed just before the report is written.
      await waitFor('the verdict', () => /NOT CONFORMANT/.test(run.stdout()) || run.child.exitCode !== null, 45_000);
      await sleep(300); // into the write: the pipe is full
      expect(run.child.exitCode).toBeNull();
      const sent = Date.now();
      run.child.kill('SIGTERM');
      const end = await within(run.exited, 3000);
      if (end === 'still running') throw new Error('convspec still runs 3 s after SIGTERM');
      expect(end.code).toBe(143);
      expect(end.at - sent).toBeLessThan(3000);
    } catch (e) {
      throw new Error(`${(e as Error).message}; convspec stderr: ${run.stderr().slice(-1500)}`);
    } finally {
      run.child.kill('SIGKILL');
      fs.closeSync(reader);
    }
  }, 60_000);

  it('a FIFO reader that leaves in the middle of the report: exit 2 at once, saying so', async () => {
    const fifo = path.join(tmp, 'leaves.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, O_READER);
    let open = true;
    const run = convspec(bigReport(fifo));
    try {
      // Read the first bytes of the report, then leave.
      const buf = Buffer.alloc(4096);
      await waitFor('the first bytes of the report', () => {
        try {
          return fs.readSync(reader, buf, 0, buf.length, null) > 0;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return false;
          throw e;
        }
      }, 45_000);
      fs.closeSync(reader);
      open = false;
      const end = await within(run.exited, 5000);
      if (end === 'still running') throw new Error('convspec still runs 5 s after the reader left');
      expect(end.code).toBe(2);
      expect(run.stderr()).toMatch(/--json .*leaves\.fifo: cannot be written \(its reader left before the report was written\)/);
    } finally {
      run.child.kill('SIGKILL');
      if (open) fs.closeSync(reader);
    }
  }, 60_000);

  it('a reader that reads to EOF (like `cat FIFO`, `>(jq .)`) gets the whole report; with no reader left, exit 2 at once', async () => {
    const fifo = path.join(tmp, 'cat.fifo');
    const out = path.join(tmp, 'cat.out');
    execFileSync('mkfifo', [fifo]);
    const outFd = fs.openSync(out, 'w');
    const cat = spawn('cat', [fifo], { stdio: ['ignore', outFd, 'ignore'] });
    fs.closeSync(outFd);
    const catDone = new Promise((resolve) => cat.on('exit', resolve));
    try {
      // cat waits in its open() for a writer.
      await waitFor('cat to wait for a writer', () => {
        try {
          return fs.readFileSync(`/proc/${cat.pid}/wchan`, 'utf8') === 'wait_for_partner';
        } catch {
          return false;
        }
      }, 10_000).catch(() => sleep(500)); // a kernel that hides wchan: give cat time
      const run = convspec(['verify', reference, '--clause', 'conv.size.formula', '--runs', '3', '--json', fifo]);
      const end = await within(run.exited, 45_000);
      if (end === 'still running') {
        run.child.kill('SIGKILL');
        throw new Error('convspec still runs after 45 s');
      }
      expect(end.code, run.stderr()).toBe(0);
      await within(catDone, 5000);
      expect(JSON.parse(fs.readFileSync(out, 'utf8')).schema).toBe('convspec-verify-report');
      // Nobody reads the FIFO now: refused at once, naming it.
      const again = convspec(['verify', reference, '--clause', 'conv.size.formula', '--runs', '3', '--json', fifo]);
      const second = await within(again.exited, 45_000);
      if (second === 'still running') {
        again.child.kill('SIGKILL');
        throw new Error('convspec still runs after 45 s with no reader');
      }
      expect(second.code).toBe(2);
      expect(again.stderr()).toMatch(/--json .*cat\.fifo: cannot be written \(a FIFO with no reader\)/);
    } finally {
      cat.kill('SIGKILL');
    }
  }, 120_000);
});
