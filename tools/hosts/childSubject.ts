/**
 * A Subject whose implementation runs in a child process (host.ts), one call at a time, each with a
 * time limit. A hang is ended by killing the process (its whole process group); a crash, an abort in
 * native code or an out-of-memory death ends it too. Either way only the case in flight fails, with an
 * AdapterFault, and the next call starts a fresh process, so the run goes on.
 *
 * The contract checks that need the adapter's own objects are made here, on copies the host sends back,
 * with this process's untouched built-ins: inputs unchanged by the call (data and dims), and the
 * previous result unchanged by the next call (a reused output buffer). The host is reached over
 * private pipes, not Node's IPC channel, and only replies signed with this process's key count
 * (hostFrames.ts): a reply the adapter forges, or bytes that are not a frame, fail the case and end the
 * host, never the judge.
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '../../impl/types';
import type { Supports, Subject } from '../../spec/framework/subject';
import { firstDifference } from './bitwise';
import { endOnExit } from './endOnExit';
import { AdapterFault } from './guard';
import { encodeFrame, FrameReader, newKey } from './hostFrames';
import type { CallMessage, HostReply, InputsAfter, ModuleTarget } from './hostProtocol';
import { forwardLogLines } from './lines';
import { TargetError } from './loadModule';
import { sanitizeSupports, SupportsError } from './supports';

export type { ModuleTarget } from './hostProtocol';

export interface ChildSubjectOptions {
  /** Per-case time limit in ms. Default 10 000. */
  timeoutMs?: number;
  /** Time limit for starting the process and loading the module, in ms. Default 60 000. */
  loadTimeoutMs?: number;
  /** Where the adapter's console output goes (one line at a time). Default: stderr, prefixed. */
  log?: (line: string) => void;
  /** V8 heap limit of the adapter's process in MB. Default 4096. */
  maxHeapMb?: number;
}

/**
 * The compiled host script. Under vitest this module is TypeScript source, so the script is taken from
 * dist/ (built by `npm run build`, which `npm test` runs first).
 */
export function hostScript(): string {
  const beside = path.join(__dirname, 'host.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../dist/tools/hosts/host.js');
  if (fs.existsSync(built)) return built;
  throw new TargetError('the verify host is not built: run `npm run build` first');
}

/** Largest previous result checked for reuse of its buffer (elements); as in host.ts. */
const PREVIOUS_CHECK_MAX = 1 << 22;

interface Live {
  child: ChildProcess;
  /** Frames to the host (its fd 3). */
  requests: Writable;
  /** Signs and checks the frames of this host. */
  key: Buffer;
  name: string;
  supports: Supports;
  pending?: { seq: number; resolve(r: HostReply): void; reject(e: Error): void; timer: NodeJS.Timeout };
  dead: boolean;
  /** Why it died, when no call was in flight (reported with the next call). */
  diedBetweenCalls?: string;
  /** What the host said before it died of an uncaught error. */
  fatal?: string;
  /** This process's copy of the adapter's previous result (for the reused-buffer check). */
  lastResult?: Float32Array;
}

/** Whether two element lists (typed arrays or arrays, as sent and as returned) hold the same values. */
function sameElements(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  if (a instanceof Float32Array && b instanceof Float32Array) return firstDifference(a, b) < 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const kindName = (v: unknown): string => (v === null ? 'null' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v);

/**
 * How the adapter changed an input it was given, or undefined when it did not. Inputs of invalid cases
 * (dims that are not an array, data that is not a Float32Array) are compared as far as their form
 * allows: an array or typed array element by element, anything else not at all.
 */
export function inputChange(name: string, sent: Tensor, after: unknown): string | undefined {
  if (sent === null || typeof sent !== 'object') return undefined;
  const a = after as { dims?: unknown; data?: unknown } | null;
  if (a === null || typeof a !== 'object') return `the adapter replaced its input ${name} object`;
  const sentDims: unknown = sent.dims;
  if (Array.isArray(sentDims) && (!Array.isArray(a.dims) || !sameElements(sentDims, a.dims))) {
    return `the adapter changed the dims of its input ${name} in place (${safeJson(sentDims)} → ${safeJson(a.dims)})`;
  }
  const sentData: unknown = sent.data;
  if (!(Array.isArray(sentData) || ArrayBuffer.isView(sentData))) return undefined;
  if (kindName(a.data) !== kindName(sentData)) return `the adapter replaced the data of its input ${name} (${kindName(sentData)} → ${kindName(a.data)})`;
  const before = sentData as unknown as ArrayLike<unknown>;
  const now = a.data as ArrayLike<unknown>;
  if (sameElements(before, now)) return undefined;
  if (before.length !== now.length) return `the adapter changed the length of its input ${name}'s data (${before.length} → ${now.length})`;
  let i = 0;
  if (before instanceof Float32Array && now instanceof Float32Array) i = firstDifference(before, now);
  else while (i < before.length && Object.is(before[i], now[i])) i++;
  return `the adapter modified its input ${name} (element ${i}: ${String(before[i])} → ${String(now[i])})`;
}

function safeJson(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 80);
  } catch {
    return String(v).slice(0, 80);
  }
}

/**
 * Starts the host, loads the target and resolves to a Subject. Rejects with TargetError when the
 * module cannot be loaded or declares a malformed `supports` (verify exits 2).
 */
export async function openChildSubject(target: ModuleTarget, options: ChildSubjectOptions = {}): Promise<Subject> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const loadTimeoutMs = options.loadTimeoutMs ?? 60_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`[adapter] ${line}\n`));
  const script = hostScript();
  let seq = 0;

  function kill(live: Live): void {
    live.dead = true;
    const { child } = live;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        // detached: the host and anything the adapter started share a process group; end them all.
        if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
    live.requests.destroy();
    child.stdio[4]?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.unref();
  }

  function spawn(): Promise<Live> {
    return new Promise((resolve, reject) => {
      // No IPC channel: fd 3 and fd 4 are private pipes (hostFrames.ts). Not the judge's own flags
      // (an --inspect port, vitest's loaders): a plain Node with a heap limit.
      const child = spawnProcess(process.execPath, [`--max-old-space-size=${options.maxHeapMb ?? 4096}`, script], {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        env: { ...process.env, CONVSPEC_HOST_TARGET: JSON.stringify(target), CONVSPEC_HOST_PARENT: String(process.pid) },
      });
      // Its own process group hears no signal sent to convspec: it ends with this process.
      endOnExit(child, 'group');
      forwardLogLines(child.stdout!, log);
      forwardLogLines(child.stderr!, log);
      const key = newKey();
      const requests = child.stdio[3] as Writable;
      const replies = child.stdio[4] as Readable;
      // A host that died mid-write is reported by 'exit'; the pipes' own errors add nothing.
      requests.on('error', () => undefined);
      replies.on('error', () => undefined);
      const live: Live = { child, requests, key, name: '', supports: {}, dead: false };
      requests.write(key);
      let loaded = false;
      const loadTimer = setTimeout(() => {
        kill(live);
        reject(new TargetError(`loading the adapter took longer than ${loadTimeoutMs} ms (--start-timeout)`));
      }, loadTimeoutMs);
      const die = (exitWhy: string) => {
        const why = live.fatal ? `${live.fatal} (${exitWhy})` : exitWhy;
        if (!live.dead) kill(live);
        clearTimeout(loadTimer);
        if (!loaded) {
          reject(new TargetError(`the adapter's process died while loading it: ${why}`));
          return;
        }
        const p = live.pending;
        if (p) {
          live.pending = undefined;
          clearTimeout(p.timer);
          p.reject(new AdapterFault('crash', `the adapter crashed: ${why}`));
        } else {
          live.diedBetweenCalls ??= why;
        }
      };
      child.on('error', (e) => die(`${e.name}: ${e.message}`));
      child.on('exit', (code, signal) => die(signal ? `its process was killed by ${signal}` : `its process exited with code ${code}`));
      // Something other than the host wrote on its pipe, or wrote garbage: this host cannot be trusted.
      const broken = (why: string) => {
        if (!loaded) {
          clearTimeout(loadTimer);
          kill(live);
          reject(new TargetError(`the adapter's process broke the host protocol while loading: ${why}`));
          return;
        }
        const p = live.pending;
        kill(live);
        if (p) {
          live.pending = undefined;
          clearTimeout(p.timer);
          p.reject(new AdapterFault('protocol', why));
        } else {
          live.diedBetweenCalls ??= why;
        }
      };
      const reader = new FrameReader(key, (m) => onReply(m as HostReply), broken);
      replies.on('data', (chunk: Buffer) => reader.push(chunk));
      const onReply = (msg: HostReply) => {
        if (msg === null || typeof msg !== 'object') return;
        if (msg.type === 'fatal') {
          live.fatal ??= String(msg.message).slice(0, 500);
          return;
        }
        if (msg.type === 'loaded' && !loaded) {
          clearTimeout(loadTimer);
          try {
            const declared = sanitizeSupports(msg.supports);
            const methods = Array.isArray(msg.methods) ? msg.methods.filter((m) => m === 'Conv' || m === 'ConvTranspose') : [];
            // Like subjectFromImplementation: undeclared ops default to the methods present.
            live.supports = { ...declared, ops: declared.ops ?? methods };
          } catch (e) {
            kill(live);
            reject(new TargetError(`the adapter ${String(msg.name)} declares ${(e as SupportsError).message}`));
            return;
          }
          live.name = String(msg.name);
          loaded = true;
          resolve(live);
          return;
        }
        if (msg.type === 'loadError' && !loaded) {
          clearTimeout(loadTimer);
          kill(live);
          reject(new TargetError(String(msg.message)));
          return;
        }
        const p = live.pending;
        if (!p || !('seq' in msg) || p.seq !== msg.seq) return; // an answer to a call that already timed out
        live.pending = undefined;
        clearTimeout(p.timer);
        p.resolve(msg);
      };
    });
  }

  let current: Live = await spawn();
  const { name, supports } = current;

  async function liveHost(): Promise<Live> {
    if (!current.dead) return current;
    try {
      current = await spawn();
    } catch (e) {
      throw new AdapterFault('crash', `the adapter could not be restarted: ${(e as Error).message}`);
    }
    return current;
  }

  function checkInputs(x: Tensor, w: Tensor, b: Tensor | undefined, after: InputsAfter | undefined): void {
    if (!after || typeof after !== 'object') throw new AdapterFault('protocol', 'the adapter host sent no inputs back');
    for (const [label, sent, back] of [['X', x, after.x], ['W', w, after.w], ['B', b, after.b]] as const) {
      if (!sent) continue;
      const change = inputChange(label, sent, back);
      if (change) throw new AdapterFault('contract', change);
    }
  }

  const subject: Subject = {
    name,
    supports,
    async run(op, x, w, b, attrs) {
      const live = await liveHost();
      if (live.diedBetweenCalls) {
        const why = live.diedBetweenCalls;
        live.diedBetweenCalls = undefined;
        throw new AdapterFault('crash', `the adapter crashed after its previous call returned: ${why}`);
      }
      const id = ++seq;
      const reply = await new Promise<HostReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          live.pending = undefined;
          kill(live);
          reject(new AdapterFault('timeout', `no result within ${timeoutMs} ms (the adapter was stopped and restarted)`));
        }, timeoutMs);
        live.pending = { seq: id, resolve, reject, timer };
        const message: CallMessage = { type: 'call', seq: id, op, x, w, b, attrs };
        try {
          live.requests.write(encodeFrame(live.key, message));
        } catch (e) {
          live.pending = undefined;
          clearTimeout(timer);
          kill(live);
          reject(new AdapterFault('crash', `the adapter's process cannot be reached: ${(e as Error).message}`));
        }
      });
      switch (reply.type) {
        case 'result': {
          // The host now holds this result as "the previous one"; keep our copy in step before any check throws.
          const last = live.lastResult;
          const data = (reply.y as { data?: unknown } | null)?.data;
          live.lastResult = data instanceof Float32Array && data.length <= PREVIOUS_CHECK_MAX ? data.slice() : undefined;
          checkInputs(x, w, b, reply.inputsAfter);
          const reused = last && reply.previousAfter instanceof Float32Array ? firstDifference(last, reply.previousAfter) : -1;
          if (reused >= 0) {
            throw new AdapterFault('contract', `the adapter reused the output buffer of its previous call: the tensor it returned before changed (element ${reused})`);
          }
          return reply.y as never; // checked by the guard
        }
        case 'thrown': {
          checkInputs(x, w, b, reply.inputsAfter);
          const t = reply.thrown;
          if (!t.isError) throw new AdapterFault('non-error-throw', `the adapter threw ${t.description}, not an Error`);
          const err = new Error(t.message);
          if (t.name) err.name = t.name;
          if (t.code !== undefined) (err as Error & { code?: unknown }).code = t.code;
          throw err;
        }
        case 'unsendable':
          throw new AdapterFault('wrong-type', String(reply.message));
        default:
          kill(live);
          throw new AdapterFault('protocol', `unexpected reply from the adapter's process: ${safeJson(reply)}`);
      }
    },
    async close() {
      const live = current;
      if (live.dead) return;
      live.dead = true;
      // Ask politely (the end of its request pipe ends the host), then make sure.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          kill(live);
          resolve();
        }, 2000);
        live.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (live.child.exitCode === null && live.child.signalCode === null) live.requests.end();
        else {
          clearTimeout(timer);
          kill(live);
          resolve();
        }
      });
      kill(live);
    },
  };
  return subject;
}
