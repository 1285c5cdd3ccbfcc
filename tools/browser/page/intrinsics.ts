/**
 * Built-ins the page harness (harness.ts) uses for its contract checks, captured when the harness is
 * evaluated, before the module under test loads. The module runs in the same JavaScript realm, so it
 * can patch anything reachable (`Float32Array.prototype.slice = function () { return this }`, a
 * `Symbol.hasInstance` on Float32Array, the typed arrays' `length` / `buffer` getters, the array
 * iterator): checks that looked those up at call time could be switched off. Everything here is a
 * function or getter taken now and later invoked through the captured `Reflect.apply`, so nothing the
 * checks do looks up a property the module can change.
 */
const apply = Reflect.apply;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const TypedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
const getter = (name: string) => getOwnPropertyDescriptor(TypedArrayPrototype, name)!.get!;
const toStringTag = getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag)!.get!;
const lengthOf = getter('length');
const bufferOf = getter('buffer');
const byteOffsetOf = getter('byteOffset');
const F32 = Float32Array;
const U32 = Uint32Array;
const U8 = Uint8Array;
const isArray = Array.isArray;
const is = Object.is;
const fromCharCode = String.fromCharCode;
const charCodeAt = String.prototype.charCodeAt;
const btoaNative = globalThis.btoa;
const atobNative = globalThis.atob;
/** Uint8Array ⇄ base64 built-ins (Chromium 140 on): native speed, and nothing in them can be patched. */
const toBase64 = (U8.prototype as unknown as { toBase64?: () => string }).toBase64;
const fromBase64 = (U8 as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
const freeze = Object.freeze;
const defineProperty = Object.defineProperty;
const hasOwnProperty = Object.prototype.hasOwnProperty;

export { apply, freeze, defineProperty, isArray, is };

/** Whether `o` has its own property `k`. */
export const hasOwn = (o: object, k: PropertyKey): boolean => apply(hasOwnProperty, o, [k]) as boolean;

/** Whether `v` is a genuine Float32Array (by its internal slots: no prototype, constructor or Symbol.hasInstance consulted). */
export function isFloat32Array(v: unknown): v is Float32Array {
  if (v === null || typeof v !== 'object') return false;
  try {
    return apply(toStringTag, v, []) === 'Float32Array';
  } catch {
    return false;
  }
}

/** The element count of a genuine typed array (0 once its buffer is detached). */
export const lengthOfArray = (a: Float32Array): number => apply(lengthOf, a, []) as number;

/** A copy of a genuine Float32Array, made by the captured constructor (which reads the source's slots). */
export const copyFloat32 = (a: Float32Array): Float32Array => new F32(a);

/** The bit patterns of a genuine Float32Array (so −0 and NaN payloads count). */
function bits(a: Float32Array): Uint32Array {
  return new U32(apply(bufferOf, a, []) as ArrayBuffer, apply(byteOffsetOf, a, []) as number, lengthOfArray(a));
}

/** Index of the first element where a and b differ bitwise, 0 when the lengths differ, or -1. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  if (lengthOfArray(a) !== lengthOfArray(b)) return 0;
  const ua = bits(a);
  const ub = bits(b);
  const n = lengthOfArray(a);
  for (let i = 0; i < n; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

/** Base64 of a genuine Float32Array's bytes. */
export function float32ToBase64(a: Float32Array): string {
  const bytes = new U8(apply(bufferOf, a, []) as ArrayBuffer, apply(byteOffsetOf, a, []) as number, lengthOfArray(a) * 4);
  if (toBase64) return apply(toBase64, bytes, []) as string;
  let s = '';
  const n = lengthOfArray(a) * 4;
  for (let i = 0; i < n; i++) s += apply(fromCharCode, undefined, [bytes[i]]) as string;
  return apply(btoaNative, globalThis, [s]) as string;
}

/** The Float32Array whose bytes `b64` holds. */
export function base64ToFloat32(b64: string): Float32Array {
  let bytes: Uint8Array;
  if (fromBase64) bytes = apply(fromBase64, U8, [b64]) as Uint8Array;
  else {
    const s = apply(atobNative, globalThis, [b64]) as string;
    bytes = new U8(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = apply(charCodeAt, s, [i]) as number;
  }
  return new F32(apply(bufferOf, bytes, []) as ArrayBuffer, 0, (apply(lengthOf, bytes, []) as number) >> 2);
}
