/**
 * The child process an in-process adapter runs in (started by childSubject.ts through `fork`). It loads
 * the adapter once, then answers one call at a time over the IPC channel (V8 serialization, so typed
 * arrays cross as copies).
 *
 * Why a process and not a worker thread: a worker shares the judge's process, so an adapter could abort
 * it from native code (ONNX Runtime terminated mid-call raised SIGABRT), or reach the judge through
 * `node:inspector`. Here a crash, an abort or a kill ends only this process.
 *
 * The host judges nothing. It sends back, with each result, the inputs as they are after the call and
 * the current contents of the previous result, and the parent compares them with its own copies
 * (inputs unchanged, no reused output buffer). The few built-ins the host relies on are captured
 * before the adapter is loaded, so an adapter that patches `Float32Array.prototype.slice` or the like
 * cannot change what is sent.
 */
import * as util from 'node:util';
import type { OpName } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import type { CallMessage, HostReply, ModuleTarget, SentTensor, ThrownInfo } from './hostProtocol';
import { loadImplementation } from './loadModule';
import { exitWhenOrphaned } from './orphanWatch';

// --- Built-ins captured before any adapter code runs. ---
const send = process.send!.bind(process) as (message: HostReply) => boolean;
const { apply } = Reflect;
const isArray = Array.isArray;
const arrayFrom = Array.from;
const isView = ArrayBuffer.isView;
const isDataView = util.types.isDataView;
const jsonParse = JSON.parse;
const jsonStringify = JSON.stringify;
const StringCtor = String;
const typedArrayProto = Object.getPrototypeOf(Float32Array.prototype) as object;
const typedArrayTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)!.get! as (this: unknown) => string | undefined;
const typedArrayConstructors: Record<string, new (source: ArrayLike<number> | ArrayLike<bigint>) => ArrayBufferView> = {
  Float32Array, Float64Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array,
};
const exit = process.exit.bind(process);

/** A compact copy of a typed array (a view into a larger buffer, e.g. WebAssembly memory, is not sent whole). */
function compactCopy(v: unknown): unknown {
  if (!isView(v) || isDataView(v)) return v;
  const tag = apply(typedArrayTag, v, []);
  const Ctor = tag !== undefined ? typedArrayConstructors[tag] : undefined;
  return Ctor ? new Ctor(v as unknown as ArrayLike<number>) : v;
}

/** A tensor-like value as it will be sent: its own dims array and a compact copy of its data. */
function sendable(t: unknown): SentTensor | unknown {
  if (t === null || typeof t !== 'object') return t;
  const o = t as { dims?: unknown; data?: unknown; dtype?: unknown };
  const dims = o.dims;
  const data = o.data;
  // Element types (issue 16): a declared dtype travels with the tensor (a string, or nothing).
  const dtype = o.dtype;
  const sent = { dims: isArray(dims) ? arrayFrom(dims) : dims, data: compactCopy(data) };
  return typeof dtype === 'string' ? { ...sent, dtype: StringCtor(dtype).slice(0, 16) } : sent;
}

function thrownInfo(e: unknown): ThrownInfo {
  if (e instanceof Error) {
    return { isError: true, name: StringCtor(e.name), message: StringCtor(e.message), code: safeCode((e as { code?: unknown }).code) };
  }
  let description: string;
  try {
    description = typeof e === 'string' ? jsonStringify(e) : `${e === null ? 'null' : typeof e} ${jsonStringify(e) ?? StringCtor(e)}`;
  } catch {
    description = typeof e;
  }
  description = StringCtor(description).slice(0, 200);
  return { isError: false, message: description, description };
}

function safeCode(code: unknown): unknown {
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

async function load(target: ModuleTarget): Promise<ImplementationWithSupports> {
  if (target.kind === 'ort') {
    // Resolved at run time so the verify core does not load onnxruntime-node unless it is the target.
    const mod = require('../adapters/onnxruntime');
    return mod.default ?? mod.onnxruntime;
  }
  return loadImplementation(target.path, target.exportName);
}

/** Largest previous result whose contents are sent back for the reused-buffer check (elements). */
const PREVIOUS_CHECK_MAX = 1 << 22;

async function main(): Promise<void> {
  const target = jsonParse(process.env.CONVSPEC_HOST_TARGET ?? 'null') as ModuleTarget;
  // A call that spins keeps the main thread: if the judge dies meanwhile, a thread ends this process group.
  exitWhenOrphaned(Number(process.env.CONVSPEC_HOST_PARENT) || process.ppid);
  // The judge went away (or closed us): nothing left to answer.
  process.on('disconnect', () => exit(0));
  // An adapter's asynchronous throw ends this process, like any uncaught error; the judge learns why.
  const fatal = (e: unknown) => {
    try {
      send({ type: 'fatal', message: e instanceof Error ? `${StringCtor(e.name)}: ${StringCtor(e.message)}` : thrownInfo(e).message });
    } finally {
      setTimeout(() => exit(70), 50);
    }
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  let impl: ImplementationWithSupports;
  try {
    impl = await load(target);
    const methods: OpName[] = [];
    if (typeof impl.conv === 'function') methods.push('Conv');
    if (typeof impl.convTranspose === 'function') methods.push('ConvTranspose');
    // Through JSON: a declaration with functions or cycles must not break the channel.
    let supports: unknown = null;
    try {
      supports = impl.supports === undefined ? null : jsonParse(jsonStringify(impl.supports) ?? 'null');
    } catch (e) {
      send({ type: 'loadError', message: `its supports cannot be read as JSON: ${e instanceof Error ? e.message : StringCtor(e)}` });
      return;
    }
    send({ type: 'loaded', name: typeof impl.name === 'string' ? impl.name : StringCtor(impl.name), supports, methods });
  } catch (e) {
    send({ type: 'loadError', message: e instanceof Error ? e.message : StringCtor(e) });
    return;
  }
  // The adapter's own previous result (not a copy), so a later call that writes into it shows.
  let previous: unknown;

  process.on('message', async (msg: CallMessage) => {
    if (!msg || msg.type !== 'call') return;
    const { seq, op, x, w, b, attrs } = msg;
    let y: unknown;
    try {
      const fn = op === 'Conv' ? impl.conv : impl.convTranspose;
      if (typeof fn !== 'function') throw new Error(`${impl.name} has no ${op === 'Conv' ? 'conv' : 'convTranspose'} method`);
      y = await apply(fn, impl, [x, w, b, attrs]);
    } catch (e) {
      send({ type: 'thrown', seq, thrown: thrownInfo(e), inputsAfter: { x: sendable(x), w: sendable(w), b: sendable(b) } });
      return;
    }
    const previousAfter = previous === undefined ? undefined : compactCopy(previous);
    const data = y !== null && typeof y === 'object' ? (y as { data?: unknown }).data : undefined;
    previous = isView(data) && (data as ArrayBufferView & { length?: number }).length! <= PREVIOUS_CHECK_MAX ? data : undefined;
    const reply: HostReply = { type: 'result', seq, y: sendable(y), inputsAfter: { x: sendable(x), w: sendable(w), b: sendable(b) }, previousAfter };
    try {
      send(reply);
    } catch (e) {
      send({ type: 'unsendable', seq, message: `the result cannot be copied out of the adapter's process: ${e instanceof Error ? e.message : StringCtor(e)}` });
    }
  });
}

void main();
