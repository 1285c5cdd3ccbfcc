/**
 * Bitwise comparison of float32 data, for the judge's side of the child-process host (childSubject.ts),
 * where the built-ins are convspec's own. The browser page, which shares its realm with the module
 * under test, has its own copy built on captured built-ins (tools/browser/page/intrinsics.ts).
 */

/** Index of the first element where a and b differ bitwise (NaN payloads included), 0 when the lengths differ, or -1. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}
