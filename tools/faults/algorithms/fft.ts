/**
 * A correct float32 FFT convolution, as a good variant the verifier must accept. In 1-D and 2-D the
 * lowered correlation (lowering.ts: padding, zero insertion for ConvTranspose, zero-dilated kernels)
 * is computed by radix-2 complex FFTs of size N = the next power of two ≥ the virtual input length on
 * each axis: X_c = FFT(x̃_c), W_mc = FFT(w̃_mc), the channels summed in the frequency domain
 * (Z = Σ_c X_c · conj(W_mc), the conjugate turning convolution into correlation), z = IFFT(Z)/N, and
 * outputs o·S read off (strided Conv subsamples). Twiddles are float32 (rounded from float64 once,
 * as a table would be); every butterfly multiply and add, the pointwise products and the 1/N scaling
 * are rounded to float32. No wrap-around: N ≥ the virtual input length, so every output's window
 * lies inside one period. The error is normwise (≈ u·log₂N·‖x̃‖₂·‖w̃‖₁ for the whole channel), not
 * componentwise: an output that is exactly 0 or b comes out with that normwise noise.
 *
 * Rank 3 falls back to a float32 direct correlation on the lowered form, summing taps in reverse
 * order.
 */
import { product, type ConvGeometry } from '../../../impl/resolve';
import type { OpName } from '../../../impl/types';
import { assemble, lower, windowOffsets, type Lowered } from './lowering';

const f = Math.fround;

export const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * The float32 twiddles of an n-point transform, for every stage len = 2, 4, …, n and k < len/2 at
 * index len/2 − 1 + k: the same values fft computed per stage before (cos and sin of one angle
 * expression, rounded once), kept per size and direction since fft runs thousands of times per case.
 */
const twiddleTables = new Map<number, { wr: Float32Array; wi: Float32Array }>();

function twiddles(n: number, inverse: boolean): { wr: Float32Array; wi: Float32Array } {
  const key = inverse ? -n : n;
  let t = twiddleTables.get(key);
  if (!t) {
    t = { wr: new Float32Array(Math.max(1, n - 1)), wi: new Float32Array(Math.max(1, n - 1)) };
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      for (let k = 0; k < half; k++) {
        const angle = ((inverse ? 2 : -2) * Math.PI * k) / len;
        t.wr[half - 1 + k] = f(Math.cos(angle));
        t.wi[half - 1 + k] = f(Math.sin(angle));
      }
    }
    twiddleTables.set(key, t);
  }
  return t;
}

/** In-place radix-2 FFT (decimation in time) of one complex float32 vector; `inverse` conjugates the twiddles (no 1/N). */
export function fft(re: Float32Array, im: Float32Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i];
      re[i] = re[j];
      re[j] = r;
      const m = im[i];
      im[i] = im[j];
      im[j] = m;
    }
  }
  const { wr: twr, wi: twi } = twiddles(n, inverse);
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      const wr = twr[half - 1 + k];
      const wi = twi[half - 1 + k];
      for (let s = 0; s < n; s += len) {
        const a = s + k;
        const b = a + half;
        const tr = f(f(wr * re[b]) - f(wi * im[b]));
        const ti = f(f(wr * im[b]) + f(wi * re[b]));
        re[b] = f(re[a] - tr);
        im[b] = f(im[a] - ti);
        re[a] = f(re[a] + tr);
        im[a] = f(im[a] + ti);
      }
    }
  }
}

/** 2-D (or 1-D when rows = 1) FFT of a row-major [rows, cols] complex array: rows first, then columns. */
function fft2(re: Float32Array, im: Float32Array, rows: number, cols: number, inverse = false): void {
  const rr = new Float32Array(cols);
  const ri = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    rr.set(re.subarray(r * cols, (r + 1) * cols));
    ri.set(im.subarray(r * cols, (r + 1) * cols));
    fft(rr, ri, inverse);
    re.set(rr, r * cols);
    im.set(ri, r * cols);
  }
  if (rows === 1) return;
  const cr = new Float32Array(rows);
  const ci = new Float32Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      cr[r] = re[r * cols + c];
      ci[r] = im[r * cols + c];
    }
    fft(cr, ci, inverse);
    for (let r = 0; r < rows; r++) {
      re[r * cols + c] = cr[r];
      im[r * cols + c] = ci[r];
    }
  }
}

/** Copies a row-major real block of `shape` into the top-left of a zero [rows, cols] array. */
function embed(v: Float32Array, shape: number[], rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const [h, w] = shape.length === 1 ? [1, shape[0]] : shape;
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[r * cols + c] = v[r * w + c];
  return out;
}

/**
 * The spectra of image n's input channels of group grp: the same for every output channel of the
 * group, so they are computed once and kept for the next call (the callers run the output channels
 * of one image in order).
 */
const lastSpectra = new WeakMap<Lowered, { n: number; grp: number; spectra: [Float32Array, Float32Array][] }>();

function inputSpectra(L: Lowered, n: number, grp: number, rows: number, cols: number): [Float32Array, Float32Array][] {
  const kept = lastSpectra.get(L);
  if (kept && kept.n === n && kept.grp === grp) return kept.spectra;
  const spectra = Array.from({ length: L.cg }, (_v, c): [Float32Array, Float32Array] => {
    const xr = embed(L.input(n, grp * L.cg + c), L.inLen, rows, cols);
    const xi = new Float32Array(rows * cols);
    fft2(xr, xi, rows, cols);
    return [xr, xi];
  });
  lastSpectra.set(L, { n, grp, spectra });
  return spectra;
}

function fftCorrelate(L: Lowered, n: number, m: number): Float32Array {
  const two = L.rank === 2;
  const rows = two ? nextPow2(L.inLen[0]) : 1;
  const cols = nextPow2(L.inLen[L.rank - 1]);
  const size = rows * cols;
  const zr = new Float32Array(size);
  const zi = new Float32Array(size);
  const grp = Math.floor(m / L.mg);
  const spectra = inputSpectra(L, n, grp, rows, cols);
  for (let c = 0; c < L.cg; c++) {
    const [xr, xi] = spectra[c];
    const wr = embed(L.kernel(m, c), L.extent, rows, cols);
    const wi = new Float32Array(size);
    fft2(wr, wi, rows, cols);
    // Z += X · conj(W)
    for (let k = 0; k < size; k++) {
      zr[k] = f(zr[k] + f(f(xr[k] * wr[k]) + f(xi[k] * wi[k])));
      zi[k] = f(zi[k] + f(f(xi[k] * wr[k]) - f(xr[k] * wi[k])));
    }
  }
  fft2(zr, zi, rows, cols, true);
  const scale = f(1 / size);
  const [oh, ow] = two ? L.outLen : [1, L.outLen[0]];
  const [sh, sw] = two ? L.stride : [1, L.stride[0]];
  const y = new Float32Array(oh * ow);
  for (let r = 0; r < oh; r++) for (let c = 0; c < ow; c++) y[r * ow + c] = f(zr[r * sh * cols + c * sw] * scale);
  return y;
}

/** Float32 direct correlation on the lowered form, taps (and channels) in reverse order. */
function directReversed(L: Lowered, n: number, m: number): Float32Array {
  const outCount = product(L.outLen);
  const eCount = product(L.extent);
  const grp = Math.floor(m / L.mg);
  const y = new Float32Array(outCount);
  const inputs = Array.from({ length: L.cg }, (_, c) => L.input(n, grp * L.cg + c));
  const kernels = Array.from({ length: L.cg }, (_, c) => L.kernel(m, c));
  const { start, tap } = windowOffsets(L);
  for (let p = 0; p < outCount; p++) {
    const s = start[p];
    let acc = 0;
    for (let c = L.cg - 1; c >= 0; c--) {
      const xs = inputs[c];
      const ws = kernels[c];
      for (let e = eCount - 1; e >= 0; e--) acc = f(acc + f(xs[s + tap[e]] * ws[e]));
    }
    y[p] = acc;
  }
  return y;
}

/** Kernel step (variant.ts) of the FFT variant. */
export function fftKernel(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float64Array {
  const L = lower(op, g, x, w);
  const core = L.rank <= 2 ? fftCorrelate : directReversed;
  return assemble(g, b, (n, m) => core(L, n, m));
}
