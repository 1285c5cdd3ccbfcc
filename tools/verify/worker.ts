/**
 * The worker thread an in-process adapter runs in (started by workerSubject.ts). It loads the adapter
 * once, then answers one call at a time. Because the main thread only ever sees copies, the checks
 * that need the adapter's own objects are made here: inputs unchanged by the call, and the result of
 * the previous call unchanged by this one (a reused output buffer).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { loadImplementation } from './loadModule';
import type { ModuleTarget } from './workerSubject';

export interface CallMessage {
  type: 'call';
  seq: number;
  op: OpName;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

/** A thrown value as it crosses the thread boundary. */
export interface ThrownInfo {
  isError: boolean;
  name?: string;
  message: string;
  code?: unknown;
  /** For non-Errors: a description of the value. */
  description?: string;
}

export type WorkerReply =
  | { type: 'loaded'; name: string; supports: unknown; methods: OpName[] }
  | { type: 'loadError'; message: string }
  | { type: 'result'; seq: number; y: unknown }
  | { type: 'thrown'; seq: number; thrown: ThrownInfo }
  | { type: 'contract'; seq: number; message: string }
  | { type: 'unsendable'; seq: number; message: string };

async function load(target: ModuleTarget): Promise<ImplementationWithSupports> {
  if (target.kind === 'ort') {
    // Resolved at run time so the verify core does not load onnxruntime-node unless it is the target.
    const mod = require('../adapters/onnxruntime');
    return mod.default ?? mod.onnxruntime;
  }
  return loadImplementation(target.path, target.exportName);
}

function thrownInfo(e: unknown): ThrownInfo {
  if (e instanceof Error) {
    return { isError: true, name: e.name, message: e.message, code: (e as { code?: unknown }).code };
  }
  let description: string;
  try {
    description = typeof e === 'string' ? JSON.stringify(e) : `${e === null ? 'null' : typeof e} ${JSON.stringify(e) ?? String(e)}`;
  } catch {
    description = typeof e;
  }
  return { isError: false, message: String(description).slice(0, 200), description: String(description).slice(0, 200) };
}

/** Index of the first element where a and b differ bitwise (NaN payloads included), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

function copy(t: Tensor | undefined): Float32Array | undefined {
  return t && t.data instanceof Float32Array ? t.data.slice() : undefined;
}

async function main(): Promise<void> {
  const port = parentPort!;
  const target = workerData as ModuleTarget;
  let impl: ImplementationWithSupports;
  try {
    impl = await load(target);
    const methods: OpName[] = [];
    if (typeof impl.conv === 'function') methods.push('Conv');
    if (typeof impl.convTranspose === 'function') methods.push('ConvTranspose');
    // Through JSON: a declaration with functions or cycles must not break the message channel.
    const supports = impl.supports === undefined ? null : JSON.parse(JSON.stringify(impl.supports));
    port.postMessage({ type: 'loaded', name: impl.name, supports, methods } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'loadError', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
    return;
  }
  // The previous result as returned (the adapter's own object) and a snapshot of its data.
  let previous: { data: Float32Array; snapshot: Float32Array } | undefined;

  port.on('message', async (msg: CallMessage) => {
    const { seq, op, x, w, b, attrs } = msg;
    const before = { x: copy(x), w: copy(w), b: copy(b) };
    let y: unknown;
    try {
      const fn = op === 'Conv' ? impl.conv : impl.convTranspose;
      if (typeof fn !== 'function') throw new Error(`${impl.name} has no ${op === 'Conv' ? 'conv' : 'convTranspose'} method`);
      y = await fn.call(impl, x, w, b, attrs);
    } catch (e) {
      port.postMessage({ type: 'thrown', seq, thrown: thrownInfo(e) } satisfies WorkerReply);
      return;
    }
    for (const [name, t] of [['X', x], ['W', w], ['B', b]] as const) {
      const snap = before[name.toLowerCase() as 'x' | 'w' | 'b'];
      if (!t || !snap) continue;
      const i = firstDifference(snap, t.data);
      if (i >= 0) {
        port.postMessage({ type: 'contract', seq, message: `the adapter modified its input ${name} (element ${i}: ${snap[i]} → ${t.data[i]})` } satisfies WorkerReply);
        return;
      }
    }
    if (previous) {
      const i = firstDifference(previous.snapshot, previous.data);
      previous = undefined;
      if (i >= 0) {
        port.postMessage({
          type: 'contract',
          seq,
          message: `the adapter reused the output buffer of its previous call: the tensor it returned before changed (element ${i})`,
        } satisfies WorkerReply);
        return;
      }
    }
    const data = (y as { data?: unknown } | null)?.data;
    if (data instanceof Float32Array) {
      if (data.length <= 1 << 22) previous = { data, snapshot: data.slice() };
      // Post a compact copy: a view into a large buffer (e.g. WebAssembly memory) would otherwise be
      // cloned whole.
      y = { dims: (y as { dims: unknown }).dims, data: data.slice() };
    }
    try {
      port.postMessage({ type: 'result', seq, y } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ type: 'unsendable', seq, message: `the result cannot be copied out of the worker: ${e instanceof Error ? e.message : String(e)}` } satisfies WorkerReply);
    }
  });
}

void main();
