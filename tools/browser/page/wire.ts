/**
 * How tensors cross between Node and the page: dims as JSON, float32 data as base64 of its
 * little-endian bytes (the same encoding as the --cmd protocol). Shared by both sides.
 */
export interface WireTensor {
  dims: unknown;
  /** Float32Array data as base64. */
  b64?: string;
  /** Anything else the caller passed as data (the validation clauses pass malformed tensors), as is. */
  raw?: unknown;
  /** The "tensor" itself was not an object (a number, a string): it is `raw`. */
  notObject?: boolean;
}

/** What the page answers to one call. */
export type WireReply =
  | { type: 'result'; dims: unknown; b64: string }
  | { type: 'thrown'; isError: boolean; name?: string; message: string; code?: unknown }
  | { type: 'contract'; message: string }
  | { type: 'wrong-type'; message: string };

/** What the page answers to `load`. */
export type WireLoaded =
  | { type: 'loaded'; name: string; supports: unknown; methods: ('Conv' | 'ConvTranspose')[] }
  | { type: 'loadError'; message: string };

/** Base64 of the bytes of a Float32Array (little-endian on every platform a browser runs on). */
export function float32ToBase64(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToFloat32(b64: string): Float32Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}

/**
 * Whether JSON carries `v` unchanged: null, booleans, strings, finite numbers other than −0, and arrays
 * and plain objects of those (no holes, no undefined, at most 64 levels deep). Calls and replies that
 * are go over the DevTools protocol as JSON text, the fast way; anything else (the validation clauses'
 * NaN dims, a thrown error's odd `code`) goes through playwright's serializer, which keeps such values.
 */
export function jsonFaithful(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || depth >= 64) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonFaithful(v[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(v)) if (key === '__proto__' || !jsonFaithful((v as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}
