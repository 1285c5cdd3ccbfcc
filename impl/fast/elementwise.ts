/** Element-wise helpers of the fast path: the finiteness scan, absolute values, bias fill. */

/**
 * True when every element is a finite number (no NaN, no ±∞). e·0 is ±0 for finite e and NaN for
 * NaN and ±∞, so the sum of those is 0 exactly when all are finite; summing four at a time without
 * a branch per element is about twice as fast as testing each one.
 */
export function allFinite(v: ArrayLike<number>): boolean {
  const n = v.length;
  let s = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) s += v[i] * 0 + v[i + 1] * 0 + v[i + 2] * 0 + v[i + 3] * 0;
  for (; i < n; i++) s += v[i] * 0;
  return s === 0;
}

/** |v| element-wise into a new Float64Array (a plain loop: TypedArray.map with a callback is far slower). */
export function absolute(v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]);
  return out;
}

/** dst[i] = |src[i]| for every i of src (dst at least as long; float32 dst rounds, exact for float32 data). */
export function absInto(src: Float64Array, dst: Float64Array | Float32Array): void {
  for (let i = 0, n = src.length; i < n; i++) dst[i] = Math.abs(src[i]);
}

/** Sets every element of channel m of every batch item of y (N × channels × spatial) to b[m]; no-op without b. */
export function fillBias(y: Float64Array | Float32Array, b: ArrayLike<number> | undefined, batch: number, channels: number, spatial: number): void {
  if (!b) return;
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < channels; m++) {
      const start = (n * channels + m) * spatial;
      y.fill(b[m], start, start + spatial);
    }
  }
}

/** Like fillBias, but without b sets y to zeros: for reused (WebAssembly) memory. */
export function initBias(y: Float64Array | Float32Array, b: ArrayLike<number> | undefined, batch: number, channels: number, spatial: number): void {
  if (b) fillBias(y, b, batch, channels, spatial);
  else y.fill(0, 0, batch * channels * spatial);
}
