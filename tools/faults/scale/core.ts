/**
 * The fast float32 kernels under the scale-path catalogue (tools/faults/scalePaths.ts): Conv as
 * im2col blocks + a 4×2 register-blocked GEMM, ConvTranspose as a GEMM (Wᵀ·X) + col2im scatter,
 * both on Float32Array data with float32 outputs. They must be fast (the verifier runs them on cases
 * of 10⁸–10⁹ multiply-adds and tensors above 2²⁴ elements), so every index is precomputed per
 * axis and per column block, and the inner loops touch only typed arrays.
 *
 * Arithmetic: each output (or col entry) is a dot product accumulated in float64 and rounded once to
 * float32; ConvTranspose adds its col entries into the float32 output (one rounding per add), the
 * bias first. Every such order is a correct float32 summation for the tolerance model.
 *
 * The options are the seams where the catalogue's bugs live (an index rounded to float32, an offset
 * table that keeps 16 bits, a reduction range, a batch range, a position rule): the default of each
 * is the correct kernel. Padded positions are skipped by construction only where no product is
 * formed; Conv's im2col multiplies zeros for them, so non-finite inputs must not come here (the
 * caller routes them elsewhere).
 */
import { product, type ConvGeometry } from '../../../impl/resolve';

export interface CoreOptions {
  /** Batch items to compute, [n0, n1); the others are left as they are in `out`. Default all. */
  items?: [number, number];
  /** Reduction range over input channels of each group, [c0, c1). Default all. */
  channels?: [number, number];
  /** Conv only: reduction range over the flat K = (C/group)·Πk, [k0, k1) (split-K). Default all. */
  kRange?: [number, number];
  /** Add the bias (default true). Partial results (split-K) leave it out. */
  bias?: boolean;
  /**
   * Conv: the input coordinate read on axis a by output o and tap k (default o·s − p_begin + k·d);
   * outside [0, I_a) reads padding. ConvTranspose: the output coordinate written by input i, tap k.
   */
  position?: (a: number, o: number, k: number) => number;
  /** Strides of the spatial axes that turn coordinates into in-plane offsets. Default row-major. */
  planeStrides?: number[];
  /** Post-processing of each in-plane offset (a bug's wrap). Default none. */
  planeOffset?: (offset: number) => number;
  /** Post-processing of each flat X index (a bug's rounding). Default none. */
  flatIndex?: (index: number) => number;
  /** ConvTranspose only: input positions to scatter, [j0, j1) of the flattened input plane. Default all. */
  inputRange?: [number, number];
  /** Where to write (must have the output's length). Default a new zeroed array. */
  out?: Float32Array;
  /**
   * ConvTranspose only: a cache kept across calls on the same geometry, weights and options but other
   * `inputRange`s (col2im in chunks), so each chunk does not rebuild the axis tables and the transposed
   * weights of the whole layer (O(chunks · |W|) otherwise). Default none.
   */
  reuse?: { tabs?: Int32Array[]; weights?: Map<number, Float32Array> };
}

/** Elements of one im2col / transposed block: 2¹⁸ floats (1 MiB), so a block stays in L2. */
const BLOCK_FLOATS = 1 << 18;

export const rowMajor = (dims: readonly number[]): number[] => dims.map((_, a) => product(dims.slice(a + 1)));

/** Per axis a table [o·k_a + k] of coordinates (−1 when outside [0, limit_a)). */
function axisTables(g: ConvGeometry, from: readonly number[], limit: readonly number[], position: (a: number, o: number, k: number) => number): Int32Array[] {
  return g.kernel.map((k, a) => {
    const t = new Int32Array(from[a] * k);
    for (let o = 0; o < from[a]; o++) {
      for (let kk = 0; kk < k; kk++) {
        const p = position(a, o, kk);
        t[o * k + kk] = p >= 0 && p < limit[a] ? p : -1;
      }
    }
    return t;
  });
}

/**
 * Offsets table of a block of flat positions [p0, p0 + count) of a plane with dims `from`: for each
 * position and tap, Σ coordinate·stride over the axes, or −1 when any axis is outside. Taps in
 * row-major order (the last axis fastest). The sums over the axes before the last are kept per tap of
 * those axes and recomputed only when a position's outer coordinates change (once per row), so a
 * position costs one axis per tap (the same integers: every sum is exact).
 */
function blockOffsets(tabs: Int32Array[], kernel: readonly number[], from: readonly number[], strides: readonly number[], p0: number, count: number, into: Int32Array, post?: (o: number) => number): void {
  const r = kernel.length;
  const last = r - 1;
  const T = product(kernel);
  const kl = kernel[last];
  const outerTaps = T / kl;
  const coord = new Array<number>(r);
  let rem = p0;
  for (let a = r - 1; a >= 0; a--) {
    coord[a] = rem % from[a];
    rem = Math.floor(rem / from[a]);
  }
  // outer[u]: Σ over the axes before the last of coordinate·stride at outer tap u, −1 when outside
  const outer = new Float64Array(outerTaps);
  const tap = new Array<number>(r).fill(0);
  const fillOuter = () => {
    tap.fill(0);
    for (let u = 0; u < outerTaps; u++) {
      let sum = 0;
      for (let a = 0; a < last && sum >= 0; a++) {
        const c = tabs[a][coord[a] * kernel[a] + tap[a]];
        sum = c < 0 ? -1 : sum + c * strides[a];
      }
      outer[u] = sum;
      for (let a = last - 1; a >= 0; a--) {
        if (++tap[a] < kernel[a]) break;
        tap[a] = 0;
      }
    }
  };
  fillOuter();
  const tl = tabs[last];
  const sl = strides[last];
  for (let j = 0; j < count; j++) {
    const base = coord[last] * kl;
    let at = j * T;
    for (let u = 0; u < outerTaps; u++) {
      const o = outer[u];
      for (let k = 0; k < kl; k++, at++) {
        const c = tl[base + k];
        const off = o < 0 || c < 0 ? -1 : o + c * sl;
        into[at] = off >= 0 && post ? post(off) : off;
      }
    }
    if (++coord[last] < from[last]) continue;
    coord[last] = 0;
    for (let a = last - 1; a >= 0; a--) {
      if (++coord[a] < from[a]) break;
      coord[a] = 0;
    }
    if (j + 1 < count) fillOuter();
  }
}

/** Float32 Conv over a resolved geometry (see the module comment and CoreOptions). */
export function convCore(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, o: CoreOptions = {}): Float32Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const T = product(g.kernel);
  const K = cg * T;
  const P = product(g.outputSpatial);
  const inS = product(g.inputSpatial);
  const y = o.out ?? new Float32Array(g.batch * g.outChannels * P);
  const [n0, n1] = o.items ?? [0, g.batch];
  const [k0, k1] = o.kRange ?? (o.channels ? [o.channels[0] * T, o.channels[1] * T] : [0, K]);
  const Kc = k1 - k0;
  const withBias = (o.bias ?? true) && b !== undefined;
  const position = o.position ?? ((a, out, k) => out * g.strides[a] - g.padsBegin[a] + k * g.dilations[a]);
  const tabs = axisTables(g, g.outputSpatial, g.inputSpatial, position);
  const strides = o.planeStrides ?? rowMajor(g.inputSpatial);
  const pb = Math.max(1, Math.min(P, Math.floor(BLOCK_FLOATS / Math.max(1, Kc))));
  const off = new Int32Array(pb * T);
  const col = new Float32Array(pb * Math.max(1, Kc));
  const flat = o.flatIndex;
  for (let p0 = 0; p0 < P; p0 += pb) {
    const cols = Math.min(pb, P - p0);
    blockOffsets(tabs, g.kernel, g.outputSpatial, strides, p0, cols, off, o.planeOffset);
    for (let n = n0; n < n1; n++) {
      for (let grp = 0; grp < g.group; grp++) {
        const xBase = (n * g.inChannels + grp * cg) * inS;
        if (!flat && mg < 4 && Kc <= 32 && k0 % T === 0 && k1 % T === 0) {
          // short reductions in small groups (depthwise): no im2col, each output's few products
          // gathered straight from X, padding skipped
          const cStart = k0 / T;
          const cEnd = k1 / T;
          for (let mm = 0; mm < mg; mm++) {
            const m = grp * mg + mm;
            const wRow = m * K + cStart * T;
            const bias = withBias ? b![m] : 0;
            const yRow = (n * g.outChannels + m) * P + p0;
            for (let j = 0; j < cols; j++) {
              const ot = j * T;
              let s = 0;
              for (let c = cStart, cBase = xBase + cStart * inS, wc = wRow; c < cEnd; c++, cBase += inS, wc += T) {
                for (let t = 0; t < T; t++) {
                  const q = off[ot + t];
                  if (q >= 0) s += w[wc + t] * x[cBase + q];
                }
              }
              y[yRow + j] = s + bias;
            }
          }
          continue;
        }
        // gather: col[j·Kc + (k − k0)] = X[c, off(j, t)] for k = c·T + t
        if (!flat && k0 % T === 0 && k1 % T === 0) {
          // whole channels (every path but split-K): no division, no tap counter
          const cEnd = k1 / T;
          for (let j = 0, d = 0; j < cols; j++) {
            const ot = j * T;
            for (let c = k0 / T, cBase = xBase + c * inS; c < cEnd; c++, cBase += inS) {
              for (let t = 0; t < T; t++, d++) {
                const q = off[ot + t];
                col[d] = q < 0 ? 0 : x[cBase + q];
              }
            }
          }
        } else {
          for (let j = 0; j < cols; j++) {
            const dst = j * Kc - k0;
            const ot = j * T;
            let c = Math.floor(k0 / T);
            let t = k0 - c * T;
            let cBase = xBase + c * inS;
            for (let k = k0; k < k1; k++) {
              const q = off[ot + t];
              col[dst + k] = q < 0 ? 0 : flat ? x[flat(cBase + q)] : x[cBase + q];
              if (++t === T) {
                t = 0;
                cBase += inS;
              }
            }
          }
        }
        gemm(w, (grp * mg) * K + k0, K, mg, col, Kc, cols, y, (n * g.outChannels + grp * mg) * P + p0, P, withBias ? b : undefined, grp * mg);
      }
    }
  }
  return y;
}

/**
 * y[yBase + m·P + j] = round32(Σ_k A[aBase + m·lda + k]·B[j·Kc + k] (+ bias[bBase + m])) for m < rows,
 * j < cols: 4 rows × 2 columns per register tile, float64 accumulators; the rows mod 4 one at a time.
 */
export function gemm(a: Float32Array, aBase: number, lda: number, rows: number, bm: Float32Array, Kc: number, cols: number, y: Float32Array, yBase: number, P: number, bias: Float32Array | undefined, bBase: number): void {
  const full = rows - (rows % 4);
  for (let m = full; m < rows; m++) {
    // remainder rows one at a time (depthwise and small groups live here)
    const w0 = aBase + m * lda;
    const b0 = bias ? bias[bBase + m] : 0;
    const y0 = yBase + m * P;
    for (let j = 0; j < cols; j++) {
      const u0 = j * Kc;
      let s = 0;
      for (let k = 0; k < Kc; k++) s += a[w0 + k] * bm[u0 + k];
      y[y0 + j] = s + b0;
    }
  }
  for (let m = 0; m < full; m += 4) {
    const w0 = aBase + m * lda;
    const w1 = w0 + lda;
    const w2 = w1 + lda;
    const w3 = w2 + lda;
    const b0 = bias ? bias[bBase + m] : 0;
    const b1 = bias ? bias[bBase + m + 1] : 0;
    const b2 = bias ? bias[bBase + m + 2] : 0;
    const b3 = bias ? bias[bBase + m + 3] : 0;
    const y0 = yBase + m * P;
    for (let j = 0; j < cols; j += 2) {
      const two = j + 1 < cols;
      const u0 = j * Kc;
      const v0 = two ? u0 + Kc : u0;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < Kc; k++) {
        const u = bm[u0 + k];
        const v = bm[v0 + k];
        const q0 = a[w0 + k];
        const q1 = a[w1 + k];
        const q2 = a[w2 + k];
        const q3 = a[w3 + k];
        s00 += q0 * u; s01 += q0 * v;
        s10 += q1 * u; s11 += q1 * v;
        s20 += q2 * u; s21 += q2 * v;
        s30 += q3 * u; s31 += q3 * v;
      }
      const yo = y0 + j;
      y[yo] = s00 + b0;
      y[yo + P] = s10 + b1;
      y[yo + 2 * P] = s20 + b2;
      y[yo + 3 * P] = s30 + b3;
      if (two) {
        y[yo + 1] = s01 + b0;
        y[yo + P + 1] = s11 + b1;
        y[yo + 2 * P + 1] = s21 + b2;
        y[yo + 3 * P + 1] = s31 + b3;
      }
    }
  }
}

/** Float32 ConvTranspose over a resolved geometry: GEMM (Wᵀ·X) per input block, then col2im scatter. */
export function convTransposeCore(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, o: CoreOptions = {}): Float32Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const T = product(g.kernel);
  const J = product(g.inputSpatial);
  const outS = product(g.outputSpatial);
  const y = o.out ?? new Float32Array(g.batch * g.outChannels * outS);
  const [n0, n1] = o.items ?? [0, g.batch];
  const [c0, c1] = o.channels ?? [0, cg];
  const Kc = c1 - c0;
  const [j0, j1] = o.inputRange ?? [0, J];
  if ((o.bias ?? true) && b) {
    for (let n = n0; n < n1; n++) for (let m = 0; m < g.outChannels; m++) y.fill(b[m], (n * g.outChannels + m) * outS, (n * g.outChannels + m + 1) * outS);
  }
  if (Kc <= 0 || j1 <= j0) return y;
  const position = o.position ?? ((a, i, k) => i * g.strides[a] - g.padsBegin[a] + k * g.dilations[a]);
  const tabs = o.reuse?.tabs ?? axisTables(g, g.inputSpatial, g.outputSpatial, position);
  if (o.reuse) o.reuse.tabs = tabs;
  const strides = o.planeStrides ?? rowMajor(g.outputSpatial);
  const rows = mg * T;
  // a block of jb input positions: jb·Kc transposed inputs and rows·jb col entries, each ≤ 2²⁰ floats
  const jb = Math.max(2, Math.min(j1 - j0, Math.floor(BLOCK_FLOATS / Kc), Math.floor((4 * BLOCK_FLOATS) / rows)));
  const off = new Int32Array(jb * T);
  // The block's offsets tap by tap (offT[t·cols + j]) for the scatter's inner loop over j. They do not
  // depend on the group: with several groups each block's table is kept for the next group (up to
  // 2²² entries in all; beyond that they are recomputed per group, as a table per block costs memory).
  const keep = g.group > 1 && (j1 - j0) * T <= 1 << 22 ? new Map<number, Int32Array>() : undefined;
  const offTShared = keep ? undefined : new Int32Array(jb * T);
  const xt = new Float32Array(jb * Kc);
  const reusedWeights = o.reuse ? (o.reuse.weights ??= new Map()) : undefined;
  let wt = new Float32Array(reusedWeights ? 0 : rows * Kc);
  const colBuf = new Float32Array(rows * jb);
  const flat = o.flatIndex;
  for (let grp = 0; grp < g.group; grp++) {
    // Wt[(m'·T + t)·Kc + c] = W[grp·cg + c0 + c, m', t]: each GEMM row contiguous along the reduction.
    const kept = reusedWeights?.get(grp);
    if (kept) wt = kept;
    else {
      if (reusedWeights) reusedWeights.set(grp, (wt = new Float32Array(rows * Kc)));
      for (let c = 0; c < Kc; c++) {
        const src = (grp * cg + c0 + c) * rows;
        for (let r = 0; r < rows; r++) wt[r * Kc + c] = w[src + r];
      }
    }
    for (let p0 = j0; p0 < j1; p0 += jb) {
      const cols = Math.min(jb, j1 - p0);
      let offT = keep?.get(p0);
      if (!offT) {
        blockOffsets(tabs, g.kernel, g.inputSpatial, strides, p0, cols, off, o.planeOffset);
        offT = offTShared ?? new Int32Array(cols * T);
        for (let j = 0; j < cols; j++) for (let t = 0; t < T; t++) offT[t * cols + j] = off[j * T + t];
        keep?.set(p0, offT);
      }
      for (let n = n0; n < n1; n++) {
        const xBase = (n * g.inChannels + grp * cg + c0) * J + p0;
        for (let c = 0; c < Kc; c++) {
          const src = xBase + c * J;
          if (flat) for (let j = 0; j < cols; j++) xt[j * Kc + c] = x[flat(src + j)];
          else for (let j = 0; j < cols; j++) xt[j * Kc + c] = x[src + j];
        }
        // col[r, j] = Σ_c Wt[r, c]·xt[j, c], then scattered: row r = (m', t) to output channel m' at off(j, t)
        gemm(wt, 0, Kc, rows, xt, Kc, cols, colBuf, 0, cols, undefined, 0);
        const yBase = (n * g.outChannels + grp * mg) * outS;
        for (let r = 0; r < rows; r++) {
          const m = Math.floor(r / T);
          const t = r - m * T;
          const ym = yBase + m * outS;
          const cr = r * cols;
          const ot = t * cols;
          for (let j = 0; j < cols; j++) {
            const d = offT[ot + j];
            if (d >= 0) y[ym + d] += colBuf[cr + j];
          }
        }
      }
    }
  }
  return y;
}
