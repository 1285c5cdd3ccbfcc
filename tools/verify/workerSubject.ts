/**
 * A Subject whose implementation runs in a worker thread, one call at a time, each with a time limit.
 * A hang is ended by terminating the worker; a crash (uncaught exception, process.exit, out of memory)
 * ends it too. Either way the case in flight fails with an AdapterFault and the next call starts a
 * fresh worker, so the run goes on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Supports, Subject } from '../../spec/framework/subject';
import { AdapterFault, describeThrown } from './guard';
import { sanitizeSupports, SupportsError } from './supports';
import { TargetError } from './loadModule';
import type { CallMessage, WorkerReply } from './worker';

/** What the worker loads: the bundled ORT adapter, or a module file (default export or a named one). */
export type ModuleTarget = { kind: 'ort' } | { kind: 'module'; path: string; exportName?: string };

export interface WorkerSubjectOptions {
  /** Per-case time limit in ms. Default 10 000. */
  timeoutMs?: number;
  /** Time limit for loading the module in a fresh worker, in ms. Default 60 000. */
  loadTimeoutMs?: number;
  /** Where the adapter's console output goes (one line at a time). Default: stderr, prefixed. */
  log?: (line: string) => void;
  /** Heap limit of the worker in MB. Default 2048. */
  maxHeapMb?: number;
}

/**
 * The compiled worker script. Under vitest this module is TypeScript source, so the script is taken
 * from dist/ (built by `npm run build`, which `npm test` runs first).
 */
export function workerScript(): string {
  const beside = path.join(__dirname, 'worker.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../dist/tools/verify/worker.js');
  if (fs.existsSync(built)) return built;
  throw new TargetError('the verify worker is not built: run `npm run build` first');
}

interface Live {
  worker: Worker;
  name: string;
  supports: Supports;
  pending?: { seq: number; resolve(r: WorkerReply): void; reject(e: Error): void; timer: NodeJS.Timeout };
  dead: boolean;
  /** Why it died, when no call was in flight (reported with the next call). */
  diedBetweenCalls?: string;
}

function forwardLines(stream: NodeJS.ReadableStream, log: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      log(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (buffered) log(buffered);
    buffered = '';
  });
}

/**
 * Starts the worker, loads the target and resolves to a Subject. Rejects with TargetError when the
 * module cannot be loaded or declares a malformed `supports` (verify exits 2).
 */
export async function openWorkerSubject(target: ModuleTarget, options: WorkerSubjectOptions = {}): Promise<Subject> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const loadTimeoutMs = options.loadTimeoutMs ?? 60_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`[adapter] ${line}\n`));
  const script = workerScript();
  let seq = 0;

  function spawn(): Promise<Live> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(script, {
        workerData: target,
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 2048 },
      });
      forwardLines(worker.stdout, log);
      forwardLines(worker.stderr, log);
      const live: Live = { worker, name: '', supports: {}, dead: false };
      let loaded = false;
      const loadTimer = setTimeout(() => {
        void worker.terminate();
        reject(new TargetError(`loading the adapter took longer than ${loadTimeoutMs} ms`));
      }, loadTimeoutMs);
      const die = (why: string) => {
        if (live.dead) return;
        live.dead = true;
        clearTimeout(loadTimer);
        if (!loaded) {
          reject(new TargetError(`the adapter's worker died while loading it: ${why}`));
          return;
        }
        const p = live.pending;
        if (p) {
          live.pending = undefined;
          clearTimeout(p.timer);
          p.reject(new AdapterFault('crash', `the adapter crashed: ${why}`));
        } else {
          live.diedBetweenCalls = why;
        }
      };
      worker.on('error', (e) => die(e instanceof Error ? `${e.name}: ${e.message}` : describeThrown(e)));
      worker.on('exit', (code) => die(`its thread exited with code ${code}`));
      worker.on('message', (msg: WorkerReply) => {
        if (msg.type === 'loaded') {
          clearTimeout(loadTimer);
          try {
            const declared = sanitizeSupports(msg.supports);
            // Like subjectFromImplementation: undeclared ops default to the methods present.
            live.supports = { ...declared, ops: declared.ops ?? msg.methods };
          } catch (e) {
            void worker.terminate();
            reject(new TargetError(`the adapter ${msg.name} declares ${(e as SupportsError).message}`));
            return;
          }
          live.name = msg.name;
          loaded = true;
          resolve(live);
          return;
        }
        if (msg.type === 'loadError') {
          clearTimeout(loadTimer);
          live.dead = true;
          void worker.terminate();
          reject(new TargetError(msg.message));
          return;
        }
        const p = live.pending;
        if (!p || p.seq !== msg.seq) return; // an answer to a call that already timed out
        live.pending = undefined;
        clearTimeout(p.timer);
        p.resolve(msg);
      });
    });
  }

  let current: Live = await spawn();
  const { name, supports } = current;

  async function liveWorker(): Promise<Live> {
    if (!current.dead) return current;
    try {
      current = await spawn();
    } catch (e) {
      throw new AdapterFault('crash', `the adapter could not be restarted: ${(e as Error).message}`);
    }
    return current;
  }

  const subject: Subject = {
    name,
    supports,
    async run(op, x, w, b, attrs) {
      const live = await liveWorker();
      if (live.diedBetweenCalls) {
        const why = live.diedBetweenCalls;
        live.diedBetweenCalls = undefined;
        throw new AdapterFault('crash', `the adapter crashed after its previous call returned: ${why}`);
      }
      const id = ++seq;
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          live.pending = undefined;
          live.dead = true;
          void live.worker.terminate();
          reject(new AdapterFault('timeout', `no result within ${timeoutMs} ms (the adapter was stopped and restarted)`));
        }, timeoutMs);
        live.pending = { seq: id, resolve, reject, timer };
        const message: CallMessage = { type: 'call', seq: id, op, x, w, b, attrs };
        try {
          live.worker.postMessage(message);
        } catch (e) {
          live.pending = undefined;
          clearTimeout(timer);
          reject(e);
        }
      });
      switch (reply.type) {
        case 'result':
          return reply.y as never; // checked by the guard
        case 'thrown': {
          const t = reply.thrown;
          if (!t.isError) throw new AdapterFault('non-error-throw', `the adapter threw ${t.description}, not an Error`);
          const err = new Error(t.message);
          if (t.name) err.name = t.name;
          if (t.code !== undefined) (err as Error & { code?: unknown }).code = t.code;
          throw err;
        }
        case 'contract':
          throw new AdapterFault('contract', reply.message);
        case 'unsendable':
          throw new AdapterFault('wrong-type', reply.message);
        default:
          throw new AdapterFault('protocol', `unexpected worker reply ${JSON.stringify(reply).slice(0, 100)}`);
      }
    },
    async close() {
      current.dead = true;
      await current.worker.terminate();
    },
  };
  return subject;
}
