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
  let finite = true;
  for (let base = 0, m = 0; base < mag.length; base += spatial, m = m + 1 === channels ? 0 : m + 1) {
    const bm = b ? Math.abs(b[m]) : 0;
    for (let i = base, end = base + spatial; i < end; i++) {
      const v = (mag[i] + f.floor) * f.factor + bm;
      mag[i] = v;
      if (v === Infinity) finite = false;
    }
  }
  return finite;
}

/** inflateMagnitude32 reading the float32 sums from `src` (e.g. WebAssembly memory) and writing `dst`: the copy-out and the inflation in one pass. */
export function inflateMagnitude32Into(src: ArrayLike<number>, dst: Float64Array, chain: number, chains: number): boolean {
  const f = inflation(chain, chains);
  if (!f) return false;
  const { factor, floor } = f;
  let finite = true;
  for (let i = 0; i < dst.length; i++) {
    const v = (src[i] + floor) * factor;
    dst[i] = v;
    if (v === Infinity) finite = false;
  }
  return finite;
}
