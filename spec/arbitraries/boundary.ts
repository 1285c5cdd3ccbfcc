/**
 * Boundary-biased integers for the scale-and-edges tier (scale.ts): open distributions that favour
 * the values where real kernels change path — just below, on and just above a power of two
 * (2^k − 1, 2^k, 2^k + 1), multiples of the usual block sizes (4, 8, 16, 32, 64, 256), every remainder
 * mod 8 — plus log-uniform values in between, so a range has no closed list and every octave is as
 * likely as any other. One arbitrary per concern; `boundaryInt` mixes them for a dimension and
 * `boundaryTarget` for a derived quantity (reduction length, plane size, …).
 *
 * Every arbitrary is a `map` over plain integer draws (no `chain`, no filter), so fast-check shrinks
 * each towards its minimum: the octave towards the lowest, the offset towards 0.
 */
import fc from 'fast-check';

/** Raw draws in [0, UNIT): a position in a range, read as a fraction of it. */
const UNIT = 65_536;
const unit = fc.integer({ min: 0, max: UNIT - 1 });

const log2floor = (n: number): number => Math.floor(Math.log2(n));
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The value of two unit draws in [lo, hi], log-uniform: `a` picks an octave 2^e … 2^(e+1) − 1 (every
 * octave that meets the range equally often), `u` a value inside it. (0, 0) gives lo.
 */
export function logScale(a: number, u: number, lo: number, hi: number): number {
  lo = Math.max(1, Math.ceil(lo));
  hi = Math.max(lo, Math.floor(hi));
  const eLo = log2floor(lo);
  const e = eLo + Math.floor((a * (log2floor(hi) - eLo + 1)) / UNIT);
  const base = 2 ** e;
  return clamp(base + Math.floor((u * base) / UNIT), lo, hi);
}

/** The same, from a unit draw alone: an octave-uniform index into [lo, hi] (for picking among lists). */
export const unitIndex = (u: number, n: number): number => Math.min(n - 1, Math.floor((u * n) / UNIT));

/** Log-uniform integers in [min, max] (every octave equally likely). Default 1 … 2^20. */
export function logUniform(min = 1, max = 2 ** 20): fc.Arbitrary<number> {
  return fc.tuple(unit, unit).map(([a, u]) => logScale(a, u, min, max));
}

/**
 * 2^e + δ with δ ∈ {0, −1, +1}, e uniform over the exponents that land in [min, max]. A value that
 * falls outside the range takes the other side of the same power (2^e − 1 instead of 2^e + 1 at the
 * top), else is clamped. Default 1 … 2^20.
 */
export function nearPowerOfTwo(min = 1, max = 2 ** 20): fc.Arbitrary<number> {
  return fc.tuple(unit, fc.constantFrom(0, -1, 1)).map(([a, delta]) => powerNear(a, delta, min, max));
}

/** The pure part of nearPowerOfTwo (shared with boundaryTarget). */
function powerNear(a: number, delta: number, min: number, max: number): number {
  const eLo = Math.max(0, log2floor(Math.max(1, min - 1)));
  const eHi = Math.max(eLo, log2floor(max + 1));
  const p = 2 ** (eLo + unitIndex(a, eHi - eLo + 1));
  for (const v of [p + delta, p - delta, p]) if (v >= min && v <= max) return v;
  return clamp(p, min, max);
}

/** The block sizes that `multipleOf` draws multiples of. */
export const BLOCK_SIZES = [4, 8, 16, 32, 64, 256] as const;

/**
 * m·j + δ: a multiple of a block size m (default 4, 8, 16, 32, 64, 256, or the given `sizes`), j
 * log-uniform, plus δ from `offsets` (default just {0}). Values stay in [min, max] (default 1 … 2^20):
 * m falls back to the largest size that fits.
 */
export function multipleOf(min = 1, max = 2 ** 20, sizes: readonly number[] = BLOCK_SIZES, offsets: readonly number[] = [0]): fc.Arbitrary<number> {
  return fc.tuple(fc.constantFrom(...sizes), unit, unit, fc.constantFrom(...offsets)).map(([m0, a, u, delta]) => multipleNear(m0, a, u, delta, min, max, sizes));
}

function multipleNear(m0: number, a: number, u: number, delta: number, min: number, max: number, sizes: readonly number[]): number {
  const m = m0 <= max ? m0 : Math.max(1, ...sizes.filter((s) => s <= max));
  const j = logScale(a, u, Math.max(1, Math.ceil((min - delta) / m)), Math.max(1, Math.floor((max - delta) / m)));
  return clamp(m * j + delta, min, max);
}

/**
 * Every remainder mod 8 equally often: a log-uniform value in [min, max] (default 1 … 2^20) moved to
 * the drawn remainder r ∈ 0 … 7 within its block of 8 (channel loops over blocks of 8 leave a tail of
 * r).
 */
export function anyRemainderMod8(min = 1, max = 2 ** 20): fc.Arbitrary<number> {
  return fc.tuple(unit, unit, fc.integer({ min: 0, max: 7 })).map(([a, u, r]) => {
    const v = logScale(a, u, min, max);
    const w = v - (v % 8) + r;
    for (const c of [w, w - 8, w + 8]) if (c >= min && c <= max) return c;
    return clamp(w, min, max);
  });
}

/**
 * A dimension from an open distribution biased to boundaries, in [min, max] (default 1 … 2^20): log-
 * uniform (weight 1), near a power of two (3), a multiple of a block size (2), any remainder mod 8
 * (3). Shrinks towards min.
 */
export function boundaryInt(min = 1, max = 2 ** 20): fc.Arbitrary<number> {
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 1, arbitrary: logUniform(min, max) },
    { weight: 3, arbitrary: nearPowerOfTwo(min, max) },
    { weight: 2, arbitrary: multipleOf(min, max) },
    { weight: 3, arbitrary: anyRemainderMod8(min, max) },
  );
}

/**
 * A target for a derived quantity (reduction length, plane size, plane count, im2col buffer, tensor
 * size) in [1, 2^maxExp]: just below, on or just above a power of two (weight 2) or a multiple of 64
 * or 256 (weight 1). Half of the power-of-two draws sit in the octaves around 2^crossExp (crossExp − 1
 * … crossExp + 2, capped at maxExp), the size a kernel is known to switch on (2^16 for planes, 2^12
 * for reductions, 2^24 for buffers); the rest anywhere.
 */
export function boundaryTarget(crossExp: number, maxExp: number): fc.Arbitrary<number> {
  maxExp = Math.max(0, maxExp);
  const max = 2 ** maxExp;
  const lo = Math.max(0, Math.min(crossExp - 1, maxExp));
  const around = fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, -1, 1))
    .map(([j, delta]) => Math.max(1, 2 ** Math.min(maxExp, lo + j) + delta));
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: nearPowerOfTwo(1, max) },
    { weight: 2, arbitrary: around },
    { weight: 1, arbitrary: multipleOf(1, max, [64, 256], [0, -1, 1]) },
  );
}

/**
 * A smaller instance of the same boundary: 2^k + δ → 2^(k−1) + δ (|δ| ≤ 1); m·j + δ → m·⌊j/2⌋ + δ for
 * the largest block size m ∈ {256, 64, 32, 16, 8, 4} it sits at (|δ| ≤ 1, j ≥ 2); otherwise ⌊v/2⌋.
 * Never below 1. What a case re-aims with when its essential feature does not fit the limits.
 */
export function halveKeepingOffset(v: number): number {
  if (v <= 1) return 1;
  for (const delta of [0, -1, 1]) {
    const p = v - delta;
    if (p >= 2 && Number.isInteger(Math.log2(p)) && p / 2 + delta >= 1 && p / 2 + delta < v) return p / 2 + delta;
  }
  for (const m of [256, 64, 32, 16, 8, 4]) {
    for (const delta of [0, -1, 1]) {
      const j = (v - delta) / m;
      if (Number.isInteger(j) && j >= 2) return m * Math.floor(j / 2) + delta;
    }
  }
  return Math.max(1, Math.floor(v / 2));
}
