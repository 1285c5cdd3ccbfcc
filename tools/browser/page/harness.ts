/**
 * The page side of `convspec verify --browser`: loads the module under test and answers one call at
 * a time from Node (tools/browser/browserSubject.ts). Unlike the Node host, whose checks run in the
 * judge's process (tools/hosts/childSubject.ts), the page cannot hand the adapter's own objects back,
 * so the checks are made here: inputs unchanged by the call, the
 * previous result unchanged by this one (a reused output buffer), and data being a Float32Array.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';
import { firstDifference } from '../../hosts/bitwise';
import { base64ToFloat32, float32ToBase64, jsonFaithful, type WireLoaded, type WireReply, type WireTensor } from './wire';

let impl: ImplementationWithSupports | undefined;
let previous: { data: Float32Array; snapshot: Float32Array } | undefined;

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

async function load(url: string, exportName?: string): Promise<WireLoaded> {
  try {
    const mod = (await import(url)) as Record<string, unknown>;
    const candidate = (exportName ? mod[exportName] : mod.default) as ImplementationWithSupports | undefined;
    if (!candidate || typeof candidate !== 'object') return { type: 'loadError', message: `${url} has no ${exportName ? `export ${exportName}` : 'default export'} that is an Implementation object` };
    if (typeof candidate.name !== 'string') return { type: 'loadError', message: `${url}: the Implementation has no string name` };
    const methods: ('Conv' | 'ConvTranspose')[] = [];
    if (typeof candidate.conv === 'function') methods.push('Conv');
    if (typeof candidate.convTranspose === 'function') methods.push('ConvTranspose');
    if (methods.length === 0) return { type: 'loadError', message: `${url}: the Implementation has neither conv nor convTranspose` };
    impl = candidate;
    const supports = candidate.supports === undefined ? null : JSON.parse(JSON.stringify(candidate.supports));
    return { type: 'loaded', name: candidate.name, supports, methods };
  } catch (e) {
    return { type: 'loadError', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** The tensor as the caller passed it: Float32Array data from base64, anything else as it came. */
function unwire(t: WireTensor | null): unknown {
  if (t === null) return undefined;
  if (t.b64 !== undefined) return { dims: t.dims, data: base64ToFloat32(t.b64) };
  return t.notObject ? t.raw : { dims: t.dims, data: t.raw };
}

async function call(op: OpName, xw: WireTensor | null, ww: WireTensor | null, bw: WireTensor | null, attrs: ConvTransposeAttributes): Promise<WireReply> {
  if (!impl) return { type: 'thrown', isError: true, message: 'no module loaded' };
  const x = unwire(xw) as Tensor;
  const w = unwire(ww) as Tensor;
  const b = (bw ? unwire(bw) : undefined) as Tensor | undefined;
  const snapshot = (t: Tensor | undefined) => (t && t.data instanceof Float32Array ? t.data.slice() : undefined);
  const before = { X: snapshot(x), W: snapshot(w), B: snapshot(b) };
  let y: unknown;
  try {
    const fn = op === 'Conv' ? impl.conv : impl.convTranspose;
    if (typeof fn !== 'function') throw new Error(`${impl.name} has no ${op === 'Conv' ? 'conv' : 'convTranspose'} method`);
    y = await fn.call(impl, x, w, b, attrs);
  } catch (e) {
    if (e instanceof Error) return { type: 'thrown', isError: true, name: e.name, message: e.message, code: (e as { code?: unknown }).code };
    let description: string;
    try {
      description = typeof e === 'string' ? JSON.stringify(e) : `${e === null ? 'null' : typeof e} ${JSON.stringify(e) ?? String(e)}`;
    } catch {
      description = typeof e;
    }
    return { type: 'thrown', isError: false, message: description.slice(0, 200) };
  }
  for (const [name, t] of [['X', x], ['W', w], ['B', b]] as const) {
    const snap = before[name];
    if (!t || !snap || !(t.data instanceof Float32Array)) continue;
    const i = firstDifference(snap, t.data);
    if (i >= 0) return { type: 'contract', message: `the adapter modified its input ${name} (element ${i}: ${snap[i]} → ${t.data[i]})` };
  }
  if (previous) {
    const i = firstDifference(previous.snapshot, previous.data);
    previous = undefined;
    if (i >= 0) return { type: 'contract', message: `the adapter reused the output buffer of its previous call: the tensor it returned before changed (element ${i})` };
  }
  const result = y as { dims?: unknown; data?: unknown } | null;
  if (result === null || typeof result !== 'object') return { type: 'wrong-type', message: `the result is ${describe(result)}, not a tensor {dims, data}` };
  if (!(result.data instanceof Float32Array)) return { type: 'wrong-type', message: `result.data is ${describe(result.data)}, not a Float32Array` };
  if (result.data.length <= 1 << 22) previous = { data: result.data, snapshot: result.data.slice() };
  return { type: 'result', dims: result.dims, b64: float32ToBase64(result.data) };
}

/** A reply JSON cannot carry unchanged, kept for `takeHeld` (playwright's serializer). */
let held: WireReply | undefined;

/**
 * `call` for the JSON fast path (browserSubject.ts): the reply itself when JSON carries it unchanged,
 * else `{ type: 'held' }` and the reply stays here for one `takeHeld`.
 */
async function callJson(...args: Parameters<typeof call>): Promise<WireReply | { type: 'held' }> {
  const reply = await call(...args);
  if (jsonFaithful(reply)) return reply;
  held = reply;
  return { type: 'held' };
}

function takeHeld(): WireReply | undefined {
  const reply = held;
  held = undefined;
  return reply;
}

(globalThis as unknown as { __convspec: unknown }).__convspec = { load, call, callJson, takeHeld };
