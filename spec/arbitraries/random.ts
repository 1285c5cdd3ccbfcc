/**
 * Deterministic tensor data from a seed. fast-check draws the seed (so a counterexample replays
 * exactly); the values come from a small PRNG, which is far cheaper than drawing every element
 * through fast-check and keeps the counterexample's configuration, not its noise, shrinking.
 */

/** mulberry32: a tiny 32-bit PRNG, good enough for test data (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
