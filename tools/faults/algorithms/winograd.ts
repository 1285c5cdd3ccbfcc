/**
 * A correct float32 Winograd implementation, as a good variant the verifier must accept:
 * F(2,3) in 1-D and F(2×2,3×3) in 2-D (Lavin & Gray 2016) wherever the lowered correlation
 * (lowering.ts) has a 3-tap kernel and stride 1 — Conv with k = 3, s = 1, d = 1, and ConvTranspose
 * with k = 3, s = 1, d = 1 through its zero-insertion form. Kernel transform U = G g Gᵀ, input
 * transform V = Bᵀ d B, channels summed in the transform domain (M = Σ_c U ⊙ V), output Y = Aᵀ M A;
 * every addition and multiplication rounded to float32. Its outputs are NOT sums of the direct
 * products: the transforms mix neighbouring inputs and taps, so its error is bounded by the tile's
 * Σ|x|·Σ|w|, not by the element's own Σ|x||w|.
 *
 * Everything else (other ranks, kernels, strides, dilations) runs a float32 im2col + GEMM in blocks
 * of 4 along the reduction, block sums added in float32: another order than the reference's.
 */
import { product, type ConvGeometry } from '../../../impl/resolve';
import type { OpName } from '../../../impl/types';
import { assemble, lower, windowOffsets, type Lowered } from './lowering';

const f = Math.fround;

/** G·g for one 3-tap row: [g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2]. */
function kernelTransform(g0: number, g1: number, g2: number): [number, number, number, number] {
  const s = f(g0 + g2);
  return [g0, f(f(s + g1) * 0.5), f(f(s - g1) * 0.5), g2];
}

/** Bᵀ·d for one 4-element row: [d0−d2, d1+d2, d2−d1, d1−d3]. */
function inputTransform(d0: number, d1: number, d2: number, d3: number): [number, number, number, number] {
  return [f(d0 - d2), f(d1 + d2), f(d2 - d1), f(d1 - d3)];
}

/** Aᵀ·m for one 4-element row: [m0+m1+m2, m1−m2−m3]. */
function outputTransform(m0: number, m1: number, m2: number, m3: number): [number, number] {
  return [f(f(m0 + m1) + m2), f(f(m1 - m2) - m3)];
}

function winograd1d(L: Lowered, n: number, m: number): Float32Array {
  const out = L.outLen[0];
  const tiles = Math.ceil(out / 2);
  const acc = new Float32Array(tiles * 4);
  const grp = Math.floor(m / L.mg);
  for (let c = 0; c < L.cg; c++) {
    const xs = L.input(n, grp * L.cg + c);
    const g = L.kernel(m, c);
    const u = kernelTransform(g[0], g[1], g[2]);
    const at = (q: number) => (q < xs.length ? xs[q] : 0);
    for (let t = 0; t < tiles; t++) {
      const v = inputTransform(at(2 * t), at(2 * t + 1), at(2 * t + 2), at(2 * t + 3));
      for (let i = 0; i < 4; i++) acc[t * 4 + i] = f(acc[t * 4 + i] + f(u[i] * v[i]));
    }
  }
  const y = new Float32Array(out);
  for (let t = 0; t < tiles; t++) {
    const r = outputTransform(acc[t * 4], acc[t * 4 + 1], acc[t * 4 + 2], acc[t * 4 + 3]);
    y[2 * t] = r[0];
    if (2 * t + 1 < out) y[2 * t + 1] = r[1];
  }
  return y;
}

/** U = G g Gᵀ (4×4, row-major) for a 3×3 kernel. */
function kernelTransform2d(g: Float32Array): Float32Array {
  const rows = [0, 1, 2].map((r) => kernelTransform(g[r * 3], g[r * 3 + 1], g[r * 3 + 2])); // g·Gᵀ, 3×4
  const u = new Float32Array(16);
  for (let j = 0; j < 4; j++) {
    const col = kernelTransform(rows[0][j], rows[1][j], rows[2][j]);
    for (let i = 0; i < 4; i++) u[i * 4 + j] = col[i];
  }
  return u;
}

function winograd2d(L: Lowered, n: number, m: number): Float32Array {
  const [oh, ow] = L.outLen;
  const [ih, iw] = L.inLen;
  const th = Math.ceil(oh / 2);
  const tw = Math.ceil(ow / 2);
  const acc = new Float32Array(th * tw * 16);
  const grp = Math.floor(m / L.mg);
  const d = new Float32Array(16);
  const bd = new Float32Array(16);
  for (let c = 0; c < L.cg; c++) {
    const xs = L.input(n, grp * L.cg + c);
    const u = kernelTransform2d(L.kernel(m, c));
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++) {
        for (let r = 0; r < 4; r++) {
          for (let s = 0; s < 4; s++) {
            const q = 2 * ty + r;
            const p = 2 * tx + s;
            d[r * 4 + s] = q < ih && p < iw ? xs[q * iw + p] : 0;
          }
        }
        // V = Bᵀ d B: columns first, then rows.
        for (let s = 0; s < 4; s++) {
          const col = inputTransform(d[s], d[4 + s], d[8 + s], d[12 + s]);
          for (let r = 0; r < 4; r++) bd[r * 4 + s] = col[r];
        }
        const base = (ty * tw + tx) * 16;
        for (let r = 0; r < 4; r++) {
          const v = inputTransform(bd[r * 4], bd[r * 4 + 1], bd[r * 4 + 2], bd[r * 4 + 3]);
          for (let s = 0; s < 4; s++) acc[base + r * 4 + s] = f(acc[base + r * 4 + s] + f(u[r * 4 + s] * v[s]));
        }
      }
    }
  }
  const y = new Float32Array(oh * ow);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const mm = acc.subarray((ty * tw + tx) * 16, (ty * tw + tx + 1) * 16);
      // Aᵀ M: 2×4, then (Aᵀ M) A: 2×2.
      const c0 = [0, 1, 2, 3].map((s) => outputTransform(mm[s], mm[4 + s], mm[8 + s], mm[12 + s]));
      for (let i = 0; i < 2; i++) {
        const r = outputTransform(c0[0][i], c0[1][i], c0[2][i], c0[3][i]);
        for (let j = 0; j < 2; j++) {
          const q = 2 * ty + i;
          const p = 2 * tx + j;
          if (q < oh && p < ow) y[q * ow + p] = r[j];
        }
      }
    }
  }
  return y;
}

/**
 * im2col + GEMM in float32: the column matrix holds x̃ at every (c, e) for every output, and each
 * output is the dot product of a kernel row with its column, summed in blocks of 4 (each block in
 * float32, then the block sums in float32).
 */
/**
 * The column matrix of image n, group grp, one output's column after another (cols[p·K + c·E + e]):
 * the same for every output channel of the group, so it is built once and kept for the next call (the
 * callers run the output channels of one image in order).
 */
const lastColumns = new WeakMap<Lowered, { n: number; grp: number; cols: Float32Array }>();

function columnsOf(L: Lowered, n: number, grp: number): Float32Array {
  const kept = lastColumns.get(L);
  if (kept && kept.n === n && kept.grp === grp) return kept.cols;
  const outCount = product(L.outLen);
  const eCount = product(L.extent);
  const K = L.cg * eCount;
  const cols = new Float32Array(K * outCount);
  const { start, tap } = windowOffsets(L);
  for (let c = 0; c < L.cg; c++) {
    const xs = L.input(n, grp * L.cg + c);
    for (let p = 0; p < outCount; p++) {
      const row = p * K + c * eCount;
      const s = start[p];
      for (let e = 0; e < eCount; e++) cols[row + e] = xs[s + tap[e]];
    }
  }
  lastColumns.set(L, { n, grp, cols });
  return cols;
}

function im2colGemm(L: Lowered, n: number, m: number): Float32Array {
  const outCount = product(L.outLen);
  const eCount = product(L.extent);
  const K = L.cg * eCount;
  const grp = Math.floor(m / L.mg);
  const row = new Float32Array(K);
  for (let c = 0; c < L.cg; c++) row.set(L.kernel(m, c), c * eCount);
  const cols = columnsOf(L, n, grp);
  const y = new Float32Array(outCount);
  for (let p = 0; p < outCount; p++) {
    const col = p * K;
    let total = 0;
    for (let k0 = 0; k0 < K; k0 += 4) {
      const end = Math.min(K, k0 + 4);
      let block = 0;
      for (let k = k0; k < end; k++) block = f(block + f(row[k] * cols[col + k]));
      total = f(total + block);
    }
    y[p] = total;
  }
  return y;
}

/** Which path a lowered case takes. */
export function winogradPath(L: Lowered): 'winograd-1d' | 'winograd-2d' | 'im2col-gemm' {
  const threeTapsStride1 = L.extent.every((e) => e === 3) && L.stride.every((s) => s === 1);
  if (threeTapsStride1 && L.rank === 1) return 'winograd-1d';
  if (threeTapsStride1 && L.rank === 2) return 'winograd-2d';
  return 'im2col-gemm';
}

/** Kernel step (variant.ts) of the Winograd variant. */
export function winogradKernel(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float64Array {
  const L = lower(op, g, x, w);
  const path = winogradPath(L);
  const core = path === 'winograd-1d' ? winograd1d : path === 'winograd-2d' ? winograd2d : im2colGemm;
  return assemble(g, b, (n, m) => core(L, n, m));
}
