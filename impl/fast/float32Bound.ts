/** Turning a magnitude accumulated in float32 into a float64 upper bound (the magnitude lane). */

/**
 * Turns a magnitude whose products were accumulated in float32 (chains of at most `chain` rounded
 * products and adds each, round to nearest, gradual underflow; at most `chains` chains summed per
 * element in float64) into a float64 upper bound of the exact Σ|x||w| + |b|. Per chain
 * exact ≤ (m + 2·chain·2⁻¹⁵⁰)/(1 − γ), γ = γ_chain(2⁻²⁴); we store (m + e)·(1 + 3γ) with
 * e = 2·chain·chains·2⁻¹⁵⁰, which is at least that for γ ≤ 1/3 (the slack also covers the float64
 * roundings), so the tolerance bound never shrinks; it grows by at most about 3γ relative (1e-4 at
 * 576 terms). Returns false, leaving `mag` unusable, when γ is too large or a value overflowed.
 */
export function inflateMagnitude32(mag: Float64Array, chain: number, chains: number): boolean {
  return inflateMagnitude32Into(mag, mag, chain, chains);
}

/** The inflation's factor 1 + 3γ and absolute floor e (see inflateMagnitude32), or undefined when γ is too large. */
function inflation(chain: number, chains: number): { factor: number; floor: number } | undefined {
  const u = 2 ** -24;
  const g = (chain * u) / (1 - chain * u);
  if (!(g > 0 && g <= 1 / 3)) return undefined;
  return { factor: 1 + 3 * g, floor: 2 * chain * chains * 2 ** -150 };
}

/**
 * inflateMagnitude32 (one chain per element) on a magnitude holding the float32 sums of products
 * only (N × channels × spatial), then + |b[channel]|. Rounding is monotone, so the float64 sum
 * |b| + inflated is never below the float64 rounding of |b| + exact: the same guarantee as inflating
 * with |b| inside.
 */
export function inflateMagnitude32AddBias(mag: Float64Array, chain: number, b: ArrayLike<number> | undefined, channels: number, spatial: number): boolean {
  const f = inflation(chain, 1);
  if (!f) return false;
  const { factor, floor } = f;
  let nonFinite = 0; // as in inflateMagnitude32Into
  for (let base = 0, m = 0; base < mag.length; base += spatial, m = m + 1 === channels ? 0 : m + 1) {
    const bm = b ? Math.abs(b[m]) : 0;
    const end = base + spatial;
    let i = base;
    for (; i + 4 <= end; i += 4) {
      const v0 = (mag[i] + floor) * factor + bm;
      const v1 = (mag[i + 1] + floor) * factor + bm;
      const v2 = (mag[i + 2] + floor) * factor + bm;
      const v3 = (mag[i + 3] + floor) * factor + bm;
      mag[i] = v0;
      mag[i + 1] = v1;
      mag[i + 2] = v2;
      mag[i + 3] = v3;
      nonFinite += v0 * 0 + v1 * 0 + v2 * 0 + v3 * 0;
    }
    for (; i < end; i++) {
      const v = (mag[i] + floor) * factor + bm;
      mag[i] = v;
      nonFinite += v * 0;
    }
  }
  return nonFinite === 0 || !mag.includes(Infinity);
}

/**
 * inflateMagnitude32 reading the float32 sums from `src` (e.g. WebAssembly memory) and writing `dst`:
 * the copy-out and the inflation in one pass. Unrolled by four with a branch-free finiteness sum
 * (v·0 is 0 for finite v, NaN for NaN and ∞): a compare per element made this loop about twice as
 * slow. Only when that sum is not 0 is `dst` searched for +∞ (overflow), so a NaN magnitude (from
 * a NaN bias) stays NaN and still counts as usable, as before.
 */
export function inflateMagnitude32Into(src: ArrayLike<number>, dst: Float64Array, chain: number, chains: number): boolean {
  const f = inflation(chain, chains);
  if (!f) return false;
  const { factor, floor } = f;
  const n = dst.length;
  let nonFinite = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v0 = (src[i] + floor) * factor;
    const v1 = (src[i + 1] + floor) * factor;
    const v2 = (src[i + 2] + floor) * factor;
    const v3 = (src[i + 3] + floor) * factor;
    dst[i] = v0;
    dst[i + 1] = v1;
    dst[i + 2] = v2;
    dst[i + 3] = v3;
    nonFinite += v0 * 0 + v1 * 0 + v2 * 0 + v3 * 0;
  }
  for (; i < n; i++) {
    const v = (src[i] + floor) * factor;
    dst[i] = v;
    nonFinite += v * 0;
  }
  return nonFinite === 0 || !dst.includes(Infinity);
}
