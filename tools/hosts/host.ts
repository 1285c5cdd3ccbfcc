/**
 * The child process an in-process adapter runs in (started by childSubject.ts). It loads the adapter
 * once, then answers one call at a time over two private pipes (hostFrames.ts): fd 3 brings the
 * judge's calls, fd 4 takes the replies back, each reply signed with a key the judge sends first, read
 * before the adapter is loaded. There is no Node IPC channel here: `process.send` and
 * `process.on('message')` reach nothing, so an adapter cannot read the calls through them or answer
 * in the host's place (issue 21), and a frame it writes onto fd 4 itself lacks the key's MAC and is
 * refused by the judge.
 *
 * Why a process and not a worker thread: a worker shares the judge's process, so an adapter could abort
 * it from native code (ONNX Runtime terminated mid-call raised SIGABRT), or reach the judge through
 * `node:inspector`. Here a crash, an abort or a kill ends only this process.
 *
 * The host judges nothing. It sends back, with each result, the inputs as they are after the call (the
 * very arrays it handed over, held before the call, not whatever the input objects point to then) and
 * the current contents of the previous result, and the parent compares them with its own copies
 * (inputs unchanged, no reused output buffer). The built-ins the host relies on are captured before the
 * adapter is loaded, so an adapter that patches `Float32Array.prototype.slice`, `v8.Serializer` or the
 * like cannot change what is sent.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as util from 'node:util';
import * as v8 from 'node:v8';
import type { OpName } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import type { CallMessage, HostReply, ModuleTarget, SentTensor, ThrownInfo } from './hostProtocol';
import { loadImplementation } from './loadModule';
import { exitWhenOrphaned } from './orphanWatch';

// --- Built-ins captured before any adapter code runs. ---
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
const writeSync = fs.writeSync;
const readSync = fs.readSync;
const Serializer = v8.Serializer;
const { writeHeader, writeValue, releaseBuffer } = Serializer.prototype;
const Deserializer = v8.Deserializer;
const { readHeader, readValue } = Deserializer.prototype;
const createHmac = crypto.createHmac;
const hmacProto = Object.getPrototypeOf(createHmac('sha256', 'probe')) as { update: (data: Uint8Array) => unknown; digest: () => Buffer };
const { update: hmacUpdate, digest: hmacDigest } = hmacProto;
const bufferAlloc = Buffer.alloc;
const bufferConcat = Buffer.concat;
const { writeUInt32BE, readUInt32BE, copy: bufferCopy, subarray: bufferSubarray } = Buffer.prototype;

const REQUEST_FD = 3;
const REPLY_FD = 4;
const KEY_BYTES = 32;
const HEAD_BYTES = 4 + 32;

/** Reads exactly `n` bytes from a blocking fd (the key, before anything else runs). */
function readExactly(fd: number, n: number): Buffer {
  const out = bufferAlloc(n);
  let got = 0;
  while (got < n) {
    const r = apply(readSync, fs, [fd, out, got, n - got, null]) as number;
    if (r === 0) exit(0); // the judge went away before sending the key
    got += r;
  }
  return out;
}

/** The key every reply is signed with; it lives only in this closure. */
const key = readExactly(REQUEST_FD, KEY_BYTES);

/** Sends one reply: length, HMAC-SHA256(key, body), body (V8 serialization, base Serializer). */
function send(message: HostReply): void {
  const ser = new Serializer();
  apply(writeHeader, ser, []);
  apply(writeValue, ser, [message]);
  const body = apply(releaseBuffer, ser, []) as Buffer;
  const hmac = apply(createHmac, crypto, ['sha256', key]);
  apply(hmacUpdate, hmac, [body]);
  const mac = apply(hmacDigest, hmac, []) as Buffer;
  const head = bufferAlloc(HEAD_BYTES);
  apply(writeUInt32BE, head, [body.length, 0]);
  apply(bufferCopy, mac, [head, 4]);
  for (const part of [head, body]) {
    let off = 0;
    while (off < part.length) off += apply(writeSync, fs, [REPLY_FD, part, off, part.length - off]) as number;
  }
}

/** Calls from the judge, frame by frame (length, MAC the host does not need, V8 body). */
function onRequests(handle: (message: unknown) => void): void {
  const socket = new net.Socket({ fd: REQUEST_FD, readable: true, writable: false });
  let chunks: Buffer[] = [];
  let buffered = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks[chunks.length] = chunk;
    buffered += chunk.length;
    while (buffered >= HEAD_BYTES) {
      if (chunks[0].length < HEAD_BYTES) chunks = [bufferConcat(chunks)];
      const length = apply(readUInt32BE, chunks[0], [0]) as number;
      // Joined once the whole frame is here, so a large call in many chunks is copied once.
      if (buffered < HEAD_BYTES + length) return;
      const all = chunks.length === 1 ? chunks[0] : bufferConcat(chunks, buffered);
      const body = apply(bufferSubarray, all, [HEAD_BYTES, HEAD_BYTES + length]) as Buffer;
      const rest = apply(bufferSubarray, all, [HEAD_BYTES + length]) as Buffer;
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
      const de = new Deserializer(body);
      apply(readHeader, de, []);
      handle(apply(readValue, de, []));
    }
  });
  // The judge went away (or closed us): nothing left to answer.
  socket.on('end', () => exit(0));
  socket.on('error', () => exit(0));
}

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

/** The parts of an input tensor the host hands over, read before the call (the adapter cannot swap them). */
interface HeldInput {
  dims: unknown;
  data: unknown;
  dtype: unknown;
}

function hold(t: unknown): HeldInput | unknown {
  if (t === null || typeof t !== 'object') return t;
  const o = t as { dims?: unknown; data?: unknown; dtype?: unknown };
  return { dims: o.dims, data: o.data, dtype: o.dtype };
}

async function main(): Promise<void> {
  const target = jsonParse(process.env.CONVSPEC_HOST_TARGET ?? 'null') as ModuleTarget;
  // A call that spins keeps the main thread: if the judge dies meanwhile, a thread ends this process group.
  exitWhenOrphaned(Number(process.env.CONVSPEC_HOST_PARENT) || process.ppid);
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

  onRequests(async (message) => {
    const msg = message as CallMessage;
    if (!msg || msg.type !== 'call') return;
    const { seq, op, x, w, b, attrs } = msg;
    // What the adapter is handed, held now: after the call the host reports these very arrays, not
    // whatever the adapter has made x.data or x.dims point to (a getter returning clean copies).
    const held = { x: hold(x), w: hold(w), b: hold(b) };
    const inputsAfter = () => ({ x: sendable(held.x), w: sendable(held.w), b: sendable(held.b) });
    let y: unknown;
    try {
      const fn = op === 'Conv' ? impl.conv : impl.convTranspose;
      if (typeof fn !== 'function') throw new Error(`${impl.name} has no ${op === 'Conv' ? 'conv' : 'convTranspose'} method`);
      y = await apply(fn, impl, [x, w, b, attrs]);
    } catch (e) {
      send({ type: 'thrown', seq, thrown: thrownInfo(e), inputsAfter: inputsAfter() });
      return;
    }
    const after = inputsAfter();
    const previousAfter = previous === undefined ? undefined : compactCopy(previous);
    const data = y !== null && typeof y === 'object' ? (y as { data?: unknown }).data : undefined;
    previous = isView(data) && (data as ArrayBufferView & { length?: number }).length! <= PREVIOUS_CHECK_MAX ? data : undefined;
    let reply: HostReply;
    try {
      reply = { type: 'result', seq, y: sendable(y), inputsAfter: after, previousAfter };
      send(reply);
    } catch (e) {
      send({ type: 'unsendable', seq, message: `the result cannot be copied out of the adapter's process: ${e instanceof Error ? e.message : StringCtor(e)}` });
    }
  });
}

void main();
