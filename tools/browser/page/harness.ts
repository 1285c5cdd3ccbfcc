/**
 * The page side of `convspec verify --browser`: loads the module under test and answers one call at
 * a time from Node (tools/browser/browserSubject.ts). Unlike the Node host, whose checks run in the
 * judge's process (tools/hosts/childSubject.ts), the page cannot hand the adapter's own objects back,
 * so the checks are made here: inputs unchanged by the call (data and dims), the previous result
 * unchanged by this one (a reused output buffer), and data being a Float32Array.
 *
 * The module shares this realm, so the checks use only built-ins captured before it loads
 * (intrinsics.ts), iterate with indices (never the patchable array iterator), keep their own references
 * to what they compare, and build replies with a null prototype (resolving a promise with an object
 * looks up its `then`, which the module could define on Object.prototype). `__convspec` is a frozen,
 * non-writable, non-configurable global, so the module cannot replace the functions Node calls.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';
import { capConsole, cut } from './consoleCap';
import { apply, base64ToFloat32, copyFloat32, defineProperty, firstDifference, float32ToBase64, freeze, hasOwn, is, isArray, isFloat32Array, lengthOfArray } from './intrinsics';
import { jsonFaithful, type WireLoaded, type WireReply, type WireTensor } from './wire';

// Before the module loads: what it logs is cut on this side, not carried whole to Node.
capConsole();

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

/** What an input was before the call: the harness's own references and copies, nothing the module can reach. */
interface Before {
  name: string;
  tensor: object;
  dims: unknown[] | undefined;
  data: Float32Array | undefined;
}

function before(name: string, t: unknown, wired: WireTensor | null): Before | undefined {
  if (!wired || wired.notObject || t === null || typeof t !== 'object') return undefined;
  const dims = isArray(wired.dims) ? copyElements(wired.dims) : undefined;
  const data = wired.b64 !== undefined ? copyFloat32((t as { data: Float32Array }).data) : undefined;
  return { name, tensor: t, dims, data };
}

function copyElements(a: unknown[]): unknown[] {
  const out: unknown[] = [];
  // Descriptors without a prototype: a `get` the module put on Object.prototype would apply to a plain one.
  for (let i = 0; i < a.length; i++) defineProperty(out, i, { __proto__: null, value: a[i], writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  return out;
}

/** How the call changed an input, or undefined (the checks of the Node host's inputChange, tools/hosts/childSubject.ts). */
function inputChange(b: Before): string | undefined {
  const t = b.tensor as { dims?: unknown; data?: unknown };
  if (b.dims) {
    const dims = t.dims as unknown[];
    let same = isArray(dims) && dims.length === b.dims.length;
    for (let i = 0; same && i < b.dims.length; i++) same = is(dims[i], b.dims[i]);
    if (!same) return `the adapter changed the dims of its input ${b.name} in place`;
  }
  if (!b.data) return undefined;
  const data = t.data;
  if (!isFloat32Array(data)) return `the adapter replaced the data of its input ${b.name} (Float32Array → ${describe(data)})`;
  if (lengthOfArray(data) !== lengthOfArray(b.data)) return `the adapter changed the length of its input ${b.name}'s data (${lengthOfArray(b.data)} → ${lengthOfArray(data)})`;
  const i = firstDifference(b.data, data);
  return i < 0 ? undefined : `the adapter modified its input ${b.name} (element ${i}: ${b.data[i]} → ${data[i]})`;
}

/** A reply object without a prototype: no `then` or getter the module put on Object.prototype applies to it. */
function reply<R extends WireReply>(r: R): R {
  const out = { __proto__: null } as unknown as Record<string, unknown>;
  const keys = ['type', 'dims', 'b64', 'isError', 'name', 'message', 'code'] as const;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!hasOwn(r, k)) continue; // not looked up: Object.prototype may carry anything
    defineProperty(out, k, { __proto__: null, value: (r as Record<string, unknown>)[k], writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  }
  return out as unknown as R;
}

/** The checks after the module answered `y` (or threw `thrown`), and the reply they make. */
function judge(inputs: (Before | undefined)[], y: unknown, thrown: { e: unknown } | undefined): WireReply {
  if (thrown) {
    const e = thrown.e;
    // An error message crosses to Node and into the report: cut like a log line.
    if (e instanceof Error) return reply({ type: 'thrown', isError: true, name: e.name, message: typeof e.message === 'string' ? cut(e.message) : e.message, code: (e as { code?: unknown }).code });
    let description: string;
    try {
      description = typeof e === 'string' ? JSON.stringify(e) : `${e === null ? 'null' : typeof e} ${JSON.stringify(e) ?? String(e)}`;
    } catch {
      description = typeof e;
    }
    return reply({ type: 'thrown', isError: false, message: description.slice(0, 200) });
  }
  for (let k = 0; k < inputs.length; k++) {
    const change = inputs[k] && inputChange(inputs[k]!);
    if (change) return reply({ type: 'contract', message: change });
  }
  if (previous) {
    const i = firstDifference(previous.snapshot, previous.data);
    previous = undefined;
    if (i >= 0) return reply({ type: 'contract', message: `the adapter reused the output buffer of its previous call: the tensor it returned before changed (element ${i})` });
  }
  const result = y as { dims?: unknown; data?: unknown } | null;
  if (result === null || typeof result !== 'object') return reply({ type: 'wrong-type', message: `the result is ${describe(result)}, not a tensor {dims, data}` });
  const data = result.data; // read once: a getter could answer differently each time
  if (!isFloat32Array(data)) return reply({ type: 'wrong-type', message: `result.data is ${describe(data)}, not a Float32Array` });
  // What goes to Node is this copy, taken now: the reused-buffer check compares the module's array with it.
  const snapshot = copyFloat32(data);
  if (lengthOfArray(snapshot) <= 1 << 22) previous = { data, snapshot };
  return reply({ type: 'result', dims: result.dims, b64: float32ToBase64(snapshot) });
}

/** A reply JSON cannot carry unchanged, kept for `takeHeld` (playwright's serializer). */
let held: WireReply | undefined;

/**
 * One call, its checks and its reply. The only promise awaited is the module's own answer: awaiting one
 * of the harness's would look up `constructor` and `then` on Promise.prototype, which the module can
 * patch. `json` (the fast path of browserSubject.ts): the reply itself when JSON carries it unchanged,
 * else `{ type: 'held' }` and the reply stays here for one `takeHeld`.
 */
async function answer(json: boolean, op: OpName, xw: WireTensor | null, ww: WireTensor | null, bw: WireTensor | null, attrs: ConvTransposeAttributes): Promise<WireReply | { type: 'held' }> {
  let r: WireReply;
  if (!impl) r = reply({ type: 'thrown', isError: true, message: 'no module loaded' });
  else {
    const x = unwire(xw) as Tensor;
    const w = unwire(ww) as Tensor;
    const b = (bw ? unwire(bw) : undefined) as Tensor | undefined;
    const inputs = [before('X', x, xw), before('W', w, ww), before('B', b, bw)];
    let y: unknown;
    let thrown: { e: unknown } | undefined;
    try {
      const fn = op === 'Conv' ? impl.conv : impl.convTranspose;
      if (typeof fn !== 'function') throw new Error(`${impl.name} has no ${op === 'Conv' ? 'conv' : 'convTranspose'} method`);
      y = await apply(fn, impl, [x, w, b, attrs]);
    } catch (e) {
      thrown = { e };
    }
    r = judge(inputs, y, thrown);
  }
  if (!json || jsonFaithful(r)) return r;
  held = r;
  return reply({ type: 'held' } as unknown as WireReply) as unknown as { type: 'held' };
}

const call = (op: OpName, xw: WireTensor | null, ww: WireTensor | null, bw: WireTensor | null, attrs: ConvTransposeAttributes) => answer(false, op, xw, ww, bw, attrs);
const callJson = (op: OpName, xw: WireTensor | null, ww: WireTensor | null, bw: WireTensor | null, attrs: ConvTransposeAttributes) => answer(true, op, xw, ww, bw, attrs);

function takeHeld(): WireReply | undefined {
  const reply = held;
  held = undefined;
  return reply;
}

// Frozen and fixed: Node calls `__convspec.callJson(…)`, and a module that could swap these functions
// could turn a contract failure into a result. A `let __convspec` elsewhere is then a SyntaxError.
defineProperty(globalThis, '__convspec', { value: freeze({ __proto__: null, load, call, callJson, takeHeld }), writable: false, enumerable: false, configurable: false });
