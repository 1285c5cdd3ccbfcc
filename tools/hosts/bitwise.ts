/**
 * Bitwise comparison of float32 data, shared by the two places that check an adapter's contract:
 * the judge's side of the child-process host (childSubject.ts) and the browser page (page/harness.ts,
 * compiled for the page too, so this module imports nothing).
 */

/** Index of the first element where a and b differ bitwise (NaN payloads included), 0 when the lengths differ, or -1. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}
