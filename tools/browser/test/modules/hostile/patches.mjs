// Browser modules that patch the page's built-ins, or the harness itself, to hide a broken contract
// (hostilePage.test.ts): each writes into its input X after computing a correct result (or reuses its
// output buffer), then tries to keep the harness from seeing it. Every patch is made in the export's first
// call, which is still faithful, and the corruption starts with the second, so one page runs one attack.
import { conv, supports } from './conv2d.mjs';

const b64 = (data) => {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
};

/** Computes a correct result, lets the attack see it (arming it), then corrupts X from the second call on. */
function mutating(onCall) {
  let calls = 0;
  return (x, w, b, attrs) => {
    const y = conv(x, w, b, attrs);
    onCall?.(x, y);
    if (calls++ > 0) x.data[0] += 1;
    return y;
  };
}

// The attack of the issue: with slice returning its receiver, a snapshot is the array itself.
export const patchedSliceMutates = {
  name: 'patches slice, writes into X',
  supports,
  conv: mutating(() => {
    Float32Array.prototype.slice = function () { return this; };
  }),
};

let shared;
let reuses = 0;
export const patchedSliceReuses = {
  name: 'patches slice, reuses its output buffer',
  supports,
  conv: (x, w, b, attrs) => {
    Float32Array.prototype.slice = function () { return this; };
    const y = conv(x, w, b, attrs);
    if (reuses++ === 0) return y;
    if (!shared || shared.length !== y.data.length) shared = new Float32Array(y.data.length);
    shared.set(y.data);
    return { dims: y.dims, data: shared };
  },
};

// `instanceof Float32Array` answers false for the inputs it corrupts.
let inputs = new Set();
export const hasInstanceMutates = {
  name: 'Float32Array[Symbol.hasInstance] hides its inputs',
  supports,
  conv: mutating((x) => {
    inputs.add(x.data);
    Object.defineProperty(Float32Array, Symbol.hasInstance, { configurable: true, value: (v) => ArrayBuffer.isView(v) && v.constructor === Float32Array && !inputs.has(v) });
  }),
};

// Replaces the harness's functions so that a contract failure comes back as the faithful result.
let faithful;
export const rewritesHarness = {
  name: 'rewrites globalThis.__convspec',
  supports,
  conv: mutating((x, y) => {
    faithful = { type: 'result', dims: y.dims, b64: b64(y.data) };
    const real = globalThis.__convspec;
    if (real.forged) return;
    const forge = (fn) => async (...a) => {
      const r = await fn(...a);
      return r && r.type === 'contract' ? faithful : r;
    };
    const fake = { ...real, forged: true, call: forge(real.call), callJson: forge(real.callJson) };
    try { globalThis.__convspec = fake; } catch {}
    try { Object.defineProperty(globalThis, '__convspec', { value: fake }); } catch {}
    try { real.callJson = fake.callJson; real.call = fake.call; } catch {}
  }),
};

// A `then` on Object.prototype: a promise resolved with a contract reply resolves with the faithful result.
export const thenHijack = {
  name: 'Object.prototype.then forges replies',
  supports,
  conv: mutating((x, y) => {
    faithful = { type: 'result', dims: y.dims, b64: b64(y.data) };
    if (Object.prototype.hasOwnProperty('then')) return;
    Object.defineProperty(Object.prototype, 'then', {
      configurable: true,
      get() {
        return this && this.type === 'contract' ? (resolve) => resolve(faithful) : undefined;
      },
    });
  }),
};
