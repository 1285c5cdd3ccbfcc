/**
 * A Subject backed by a program speaking the JSON-lines protocol (protocol.ts) on stdin/stdout.
 * One request at a time, each with a time limit. A program that hangs, dies or breaks the protocol is
 * killed (its whole process group) and the case in flight fails; the next call starts it again and
 * sends `describe` first, as the protocol promises.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve as resolveGeometry, product } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { Supports, Subject } from '../../spec/framework/subject';
import { endOnExit } from './endOnExit';
import { AdapterFault } from './guard';
import { BoundedLineSplitter, forwardLogLines, type Line } from './lines';
import { TargetError } from './loadModule';
import { DTYPE_FORMATS, isDType } from '../../impl/dtype';
import { computeRequestLine, parseComputeAnswer, parseDescribeAnswer, ProgramError, ProtocolError } from './protocol';
import { sanitizeSupports } from './supports';

export interface ProcessSubjectOptions {
  /** Per-case time limit in ms. Default 10 000. */
  timeoutMs?: number;
  /** Time limit for the program to start and answer describe, in ms. Default 60 000. */
  startTimeoutMs?: number;
  /** Where the program's stderr goes (one line at a time). Default: convspec's stderr, prefixed. */
  log?: (line: string) => void;
  /** Working directory of the program. Default: process.cwd(). */
  cwd?: string;
}

interface Running {
  child: ChildProcess;
  lines: AsyncLineQueue;
  /** Splits stdout; its cap is set per request to the answer the request implies. */
  splitter: BoundedLineSplitter;
  dead: boolean;
  exitReason?: string;
  stderrTail: string;
}

/** Lines kept unread before the program is out of step (it may write only one line per request). */
const MAX_QUEUED_LINES = 64;

/** The longest describe answer or refusal accepted, in bytes. */
export const MIN_ANSWER_MAX_BYTES = 1 << 20;

/**
 * The longest answer line a compute request may get: the base64 of the output the case implies (twice,
 * for whitespace) plus room for the rest, and never less than MIN_ANSWER_MAX_BYTES (a refusal).
 */
export function answerMaxBytes(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): number {
  let outputElements = 0;
  try {
    outputElements = product(resolveGeometry(op, x.dims, w.dims, attrs, b?.dims).outputDims);
  } catch {
    // An invalid case: the answer should be a refusal.
  }
  // Element types (issue 16): a float64 answer has 8 bytes per element (float16/bfloat16 have 2).
  const dtype = (x as { dtype?: unknown }).dtype;
  const elementBytes = isDType(dtype) ? DTYPE_FORMATS[dtype].bytes : 4;
  // base64 writes 4 characters per 3 bytes; twice that leaves room for whitespace.
  return Math.max(MIN_ANSWER_MAX_BYTES, 2 * 4 * Math.ceil((outputElements * Math.max(4, elementBytes)) / 3) + 64 * 1024);
}

/** Lines from stdout, awaited one at a time; rejects waiters when the stream ends. */
class AsyncLineQueue {
  private readonly queued: Line[] = [];
  private waiter?: { resolve(line: Line): void; reject(e: Error): void };
  private endedWith?: Error;
  /** Lines dropped because too many were queued unread. */
  overflowed = 0;

  push(line: Line): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(line);
    } else if (this.queued.length < MAX_QUEUED_LINES) this.queued.push(line);
    else this.overflowed++;
  }

  end(reason: Error): void {
    this.endedWith = reason;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(reason);
    }
  }

  next(timeoutMs: number, onTimeout: () => Error): Promise<Line> {
    if (this.queued.length > 0) return Promise.resolve(this.queued.shift()!);
    if (this.endedWith) return Promise.reject(this.endedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(onTimeout());
      }, timeoutMs);
      this.waiter = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }
}

/**
 * Starts `command` through the shell, asks `describe`, and resolves to a Subject. Rejects with
 * TargetError when the program cannot start or exits before answering describe (verify exits 2).
 */
export async function openProcessSubject(command: string, options: ProcessSubjectOptions = {}): Promise<Subject> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`[program] ${line}\n`));
  let nextId = 1;

  /** Drops our ends of the pipes: a grandchild that escaped the process group must not keep us alive. */
  function release(r: Running): void {
    r.child.stdin?.destroy();
    r.child.stdout?.destroy();
    r.child.stderr?.destroy();
    r.child.unref();
  }

  function kill(r: Running): void {
    r.dead = true;
    release(r);
    if (r.child.exitCode !== null || r.child.signalCode !== null) return;
    try {
      // detached: the shell and everything it started share a process group; end them all.
      if (process.platform !== 'win32' && r.child.pid) process.kill(-r.child.pid, 'SIGKILL');
      else r.child.kill('SIGKILL');
    } catch {
      r.child.kill('SIGKILL');
    }
  }

  async function start(): Promise<{ running: Running; name?: string; supports: Supports }> {
    const child = spawn(command, {
      shell: true,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    // Its own process group hears no signal sent to convspec: it ends with this process.
    endOnExit(child, 'group');
    const lines = new AsyncLineQueue();
    // A line past the cap is reported at once (its newline may never come); the program is then restarted.
    const splitter = new BoundedLineSplitter(
      MIN_ANSWER_MAX_BYTES,
      (line) => {
        if (line.droppedBytes === 0) lines.push(line);
      },
      (kept) => lines.push({ text: '', droppedBytes: kept }),
    );
    const running: Running = { child, lines, splitter, dead: false, stderrTail: '' };
    child.stdin!.on('error', () => undefined); // EPIPE after the program died: reported through 'exit'
    child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stdout!.on('end', () => splitter.end());
    forwardLogLines(child.stderr!, (line) => {
      running.stderrTail = (running.stderrTail + line.slice(0, 2000) + '\n').slice(-2000);
      log(line);
    });
    const onGone = (why: string) => {
      running.dead = true;
      running.exitReason ??= why;
      running.lines.end(new AdapterFault('crash', `the program ${running.exitReason}`));
    };
    child.on('error', (e) => onGone(`could not be started: ${e.message}`));
    // 'close' (not 'exit') so every stdout line written before the exit is delivered first.
    child.on('close', (code, signal) => onGone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.stdin!.write('{"id":0,"op":"describe"}\n');
    let line: Line;
    try {
      line = await running.lines.next(startTimeoutMs, () => new AdapterFault('timeout', `did not answer describe within ${startTimeoutMs} ms (--start-timeout)`));
    } catch (e) {
      kill(running);
      const tail = running.stderrTail.trim();
      throw new TargetError(`\`${command}\`: ${(e as Error).message.replace(/^the program /, 'the program ')}${tail ? `\n  its stderr ended with:\n    ${tail.split('\n').slice(-5).join('\n    ')}` : ''}`);
    }
    let supports: Supports;
    let described: ReturnType<typeof parseDescribeAnswer>;
    try {
      if (line.droppedBytes > 0) throw new Error(`its describe answer is longer than ${MIN_ANSWER_MAX_BYTES} bytes with no newline`);
      described = parseDescribeAnswer(line.text);
      supports = sanitizeSupports(described.supports);
    } catch (e) {
      kill(running);
      throw new TargetError(`\`${command}\` declares ${(e as Error).message}`);
    }
    return { running, name: described.name, supports };
  }

  const first = await start();
  let current = first.running;

  async function live(): Promise<Running> {
    if (!current.dead) return current;
    try {
      current = (await start()).running;
    } catch (e) {
      throw new AdapterFault('crash', `the program could not be restarted: ${(e as Error).message}`);
    }
    return current;
  }

  return {
    name: first.name ?? command,
    supports: first.supports,
    async run(op, x, w, b, attrs) {
      const r = await live();
      const id = nextId++;
      const maxBytes = answerMaxBytes(op, x, w, b, attrs);
      r.splitter.setMaxBytes(maxBytes);
      r.child.stdin!.write(computeRequestLine(id, op, x, w, b, attrs) + '\n');
      let line: Line;
      try {
        line = await r.lines.next(timeoutMs, () => new AdapterFault('timeout', `no answer within ${timeoutMs} ms (the program was killed and restarted)`));
      } catch (e) {
        kill(r);
        throw e;
      }
      try {
        if (r.lines.overflowed > 0) throw new ProtocolError(`the program wrote more than ${MAX_QUEUED_LINES} lines nobody asked for`);
        if (line.droppedBytes > 0) {
          throw new ProtocolError(`answer to request ${id} is longer than ${maxBytes} bytes with no newline, more than the output this case implies`);
        }
        return parseComputeAnswer(line.text, id);
      } catch (e) {
        if (e instanceof ProgramError) return Promise.reject(new Error(e.message));
        kill(r); // out of step with the program: start afresh
        throw new AdapterFault('protocol', `${(e as ProtocolError).message} (the program was restarted)`);
      }
    },
    async close() {
      const r = current;
      if (r.dead) return;
      r.child.stdin!.end();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          kill(r);
          resolve();
        }, 2000);
        // 'exit', not 'close': a grandchild may hold the pipes open long after the program is gone.
        r.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      r.dead = true;
      release(r);
    },
  };
}
