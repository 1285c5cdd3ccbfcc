/**
 * Splitting a target size into dimensions: the scale tier (scale.ts) draws a derived quantity first
 * (a reduction K = (C/g)·Πk of 4097, a plane Πo of 2^16 + 1) and solves for the dimensions whose
 * product it is, so the case lands exactly on the target. Each factor is a divisor of what is left,
 * chosen by a unit draw (0 picks 1, so shrinking moves the whole target into the last dimension).
 */
import { unitIndex } from './boundary';

const cache = new Map<number, number[]>();

/** The divisors of n, ascending (trial division up to √n; remembered for the last few thousand n). */
export function divisors(n: number): number[] {
  const known = cache.get(n);
  if (known) return known;
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i === 0) {
      low.push(i);
      if (i * i !== n) high.push(n / i);
    }
  }
  const all = [...low, ...high.reverse()];
  if (cache.size >= 4096) cache.clear();
  cache.set(n, all);
  return all;
}

/**
 * A divisor of n in [min, cap], picked by a unit draw (0 → the smallest); when none is that large,
 * the largest divisor at most `cap` (min defaults to 1, so 0 → 1).
 */
export function pickDivisor(n: number, cap: number, u: number, min = 1): number {
  const ds = divisors(n);
  let count = 0;
  while (count < ds.length && ds[count] <= cap) count++;
  let first = 0;
  while (first < count && ds[first] < min) first++;
  if (first >= count) return ds[Math.max(0, count - 1)];
  return ds[first + unitIndex(u, count - first)];
}

/**
 * Splits `target` into one factor per cap: each but the last a divisor of what remains, at most its
 * cap and at least its entry of `mins` where such a divisor exists, picked by its unit draw; the last
 * takes the rest (its cap is not enforced: it absorbs the target).
 */
export function splitTarget(target: number, caps: readonly number[], picks: readonly number[], mins: readonly number[] = []): number[] {
  const out: number[] = [];
  let rest = target;
  for (let n = 0; n < caps.length - 1; n++) {
    const f = pickDivisor(rest, caps[n], picks[n % picks.length], mins[n] ?? 1);
    out.push(f);
    rest /= f;
  }
  out.push(rest);
  return out;
}

/**
 * Splits `n` into `parts` factors near its parts-th root: each but the last a divisor of what remains
 * within a factor of 4 of the remaining root, picked by its unit draw (the largest divisor below 4×
 * the root when none is that close: a prime leaves everything to the last), the last the rest.
 */
export function balancedSplit(n: number, parts: number, picks: readonly number[]): number[] {
  const out: number[] = [];
  let rest = n;
  for (let j = 0; j < parts - 1; j++) {
    const root = rest ** (1 / (parts - j));
    const f = pickDivisor(rest, Math.max(1, Math.floor(4 * root)), picks[j % picks.length], Math.max(1, Math.ceil(root / 4)));
    out.push(f);
    rest /= f;
  }
  out.push(rest);
  return out;
}

/**
 * `parts` factors whose product is at least `n` and within a few percent of it: each but the last the
 * rounded parts-th root of what remains, the last what remains rounded up. For a size whose divisors
 * allow no even split (a prime plane).
 */
export function roundedSplit(n: number, parts: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (let j = 0; j < parts - 1; j++) {
    const f = Math.max(1, Math.round(rest ** (1 / (parts - j))));
    out.push(f);
    rest = Math.ceil(rest / f);
  }
  out.push(Math.max(1, rest));
  return out;
}
