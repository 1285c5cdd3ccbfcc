/**
 * Row-run loops: Conv and ConvTranspose as y += w[κ]·x along contiguous runs of in-range positions
 * (tables.ts RowRuns), skipping padded and cropped positions exactly like impl/direct.ts — no
 * product with a position outside the tensor is ever formed, so NaN/±∞ propagate as in the direct
 * definition. Used for groups too narrow for the GEMM tile (depthwise) and for non-finite inputs.
 * Runs in WebAssembly (wasmKernel.ts runsGather/runsScatter) where available, else in JS; both
 * add the same terms in the same order per output element. The output arrays are written whole
 * (bias, or zeros, then the sums): in WebAssembly the bias is set in its memory and each output
 * copied out once, so a fresh output array is touched only once.
 */
import type { ConvGeometry } from '../resolve';
import { product } from '../resolve';
import { absolute, initBias } from './elementwise';
import { activeWasm } from './gemm';
import { convRowRuns, convTransposeRowRuns, type RowRuns } from './tables';
import { wasmBuffer, type RunsFn, type WasmGemm } from './wasmKernel';

/** Largest memory (bytes, 256 MiB) the WebAssembly row runs may use (it never shrinks); beyond it the JS loops run. */
const MAX_WASM_BYTES = 2 ** 28;

/**
 * Conv by row runs: y[m, q, o] += w[m, c, κ]·x[c, rows[κ, q] + o·s + shift] for o in the run of
 * in-range positions only (padded positions are skipped, never multiplied, as in the direct loops).
 */
function convByRunsJs(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = product(g.inputSpatial);
  const P = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
  const { rows, outer, length, lo, hi, shift, stride } = convRowRuns(g);
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const grp = (m / mg) | 0;
      const yb = (n * g.outChannels + m) * P;
      for (let c = 0; c < cg; c++) {
        const xb = (n * g.inChannels + grp * cg + c) * inS;
        const wb = (m * cg + c) * kSize;
        for (let kf = 0; kf < kSize; kf++) {
          const wv = w[wb + kf];
          const kl = kf % kLast;
          const o0 = lo[kl];
          const o1 = hi[kl];
          const sh = shift[kl];
          const rb = kf * outer;
          for (let q = 0; q < outer; q++) {
            const row = rows[rb + q];
            if (row < 0) continue;
            const yr = yb + q * length;
            const xr = xb + row + sh;
            for (let o = o0; o < o1; o++) y[yr + o] += wv * x[xr + o * stride];
          }
        }
      }
    }
  }
}

/**
 * ConvTranspose by row runs: y[m, rows[κ, q] + j·s + shift] += x[c, q, j]·w[c, m', κ] for the run of
 * input positions j whose target lies inside the output (cropped positions are skipped).
 */
function convTransposeByRunsJs(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const J = product(g.inputSpatial);
  const outS = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
  const { rows, outer, length, lo, hi, shift, stride } = convTransposeRowRuns(g);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const grp = (c / cg) | 0;
      const xb = (n * g.inChannels + c) * J;
      for (let mo = 0; mo < mg; mo++) {
        const yb = (n * g.outChannels + grp * mg + mo) * outS;
        const wb = (c * mg + mo) * kSize;
        for (let kf = 0; kf < kSize; kf++) {
          const wv = w[wb + kf];
          const kl = kf % kLast;
          const j0 = lo[kl];
          const j1 = hi[kl];
          const sh = shift[kl];
          const rb = kf * outer;
          for (let q = 0; q < outer; q++) {
            const row = rows[rb + q];
            if (row < 0) continue;
            const xr = xb + q * length;
            const yr = yb + row + sh;
            for (let j = j0; j < j1; j++) y[yr + j * stride] += wv * x[xr + j];
          }
        }
      }
    }
  }
}

interface Offsets {
  x: number;
  w: number;
  y: number;
  rows: number;
  lo: number;
  hi: number;
  shift: number;
  /** Bytes from an output element to its magnitude element (0 when there is none). */
  magDelta: number;
}

/**
 * Lays out x, w (float64), y with the bias (and, when `mag` is given, the magnitude with |b| right
 * after y) and the run tables in WebAssembly memory, calls `visit` with their byte offsets, and
 * copies y (and mag) out: each fresh output array is written once. Returns false (doing nothing)
 * when it would not fit.
 */
function inWasm(
  k: WasmGemm, g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined,
  y: Float64Array, mag: Float64Array | undefined, runs: RowRuns, visit: (at: Offsets) => void,
): boolean {
  const kl = runs.lo.length;
  const xAt = 0;
  const wAt = xAt + x.length * 8;
  const yAt = wAt + w.length * 8;
  const magAt = yAt + y.length * 8;
  const rowsAt = magAt + (mag ? mag.length * 8 : 0);
  const loAt = rowsAt + runs.rows.length * 4;
  const hiAt = loAt + kl * 4;
  const shiftAt = hiAt + kl * 4;
  const end = shiftAt + kl * 4;
  if (end > MAX_WASM_BYTES) return false;
  const buf = wasmBuffer(k, end);
  const P = y.length / (g.batch * g.outChannels);
  new Float64Array(buf, xAt, x.length).set(x);
  new Float64Array(buf, wAt, w.length).set(w);
  const yw = new Float64Array(buf, yAt, y.length);
  initBias(yw, b, g.batch, g.outChannels, P);
  const mw = mag ? new Float64Array(buf, magAt, mag.length) : undefined;
  if (mw) initBias(mw, b && absolute(b), g.batch, g.outChannels, P);
  new Int32Array(buf, rowsAt, runs.rows.length).set(runs.rows);
  new Int32Array(buf, loAt, kl).set(runs.lo);
  new Int32Array(buf, hiAt, kl).set(runs.hi);
  new Int32Array(buf, shiftAt, kl).set(runs.shift);
  visit({ x: xAt, w: wAt, y: yAt, rows: rowsAt, lo: loAt, hi: hiAt, shift: shiftAt, magDelta: magAt - yAt });
  y.set(yw);
  if (mag && mw) mag.set(mw);
  return true;
}

function gatherAll(g: ConvGeometry, runs: RowRuns, f: RunsFn, at: Offsets): void {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = product(g.inputSpatial);
  const P = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
    for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const grp = (m / mg) | 0;
      const yb = at.y + (n * g.outChannels + m) * P * 8;
      for (let c = 0; c < cg; c++) {
        const xb = at.x + (n * g.inChannels + grp * cg + c) * inS * 8;
        const wb = at.w + (m * cg + c) * kSize * 8;
        f(yb, xb, wb, at.rows, runs.outer, runs.length, kSize, kLast, at.lo, at.hi, at.shift, runs.stride, at.magDelta);
      }
    }
  }
}

function scatterAll(g: ConvGeometry, runs: RowRuns, f: RunsFn, at: Offsets): void {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const J = product(g.inputSpatial);
  const outS = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
    for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const grp = (c / cg) | 0;
      const xb = at.x + (n * g.inChannels + c) * J * 8;
      for (let mo = 0; mo < mg; mo++) {
        const yb = at.y + (n * g.outChannels + grp * mg + mo) * outS * 8;
        const wb = at.w + (c * mg + mo) * kSize * 8;
        f(yb, xb, wb, at.rows, runs.outer, runs.length, kSize, kLast, at.lo, at.hi, at.shift, runs.stride, at.magDelta);
      }
    }
  }
}

const rowRuns = (g: ConvGeometry): RowRuns => (g.op === 'Conv' ? convRowRuns(g) : convTransposeRowRuns(g));

/**
 * Conv or ConvTranspose by row runs into y (overwritten: bias, or zeros, plus the sums), with the
 * magnitude Σ|x||w| + |b| into `mag` when given, in the same loop where WebAssembly runs.
 */
function byRuns(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, y: Float64Array, mag?: Float64Array): void {
  const k = activeWasm();
  const runs = rowRuns(g);
  if (k) {
    const all = g.op === 'Conv' ? gatherAll : scatterAll;
    const f = g.op === 'Conv' ? (mag ? k.runsGatherBoth : k.runsGather) : mag ? k.runsScatterBoth : k.runsScatter;
    if (inWasm(k, g, x, w, b, y, mag, runs, (at) => all(g, runs, f, at))) return;
  }
  const js = g.op === 'Conv' ? convByRunsJs : convTransposeByRunsJs;
  const spatial = y.length / (g.batch * g.outChannels);
  initBias(y, b, g.batch, g.outChannels, spatial);
  js(g, x, w, y);
  if (mag) {
    initBias(mag, b && absolute(b), g.batch, g.outChannels, spatial);
    js(g, absolute(x), absolute(w), mag);
  }
}

/** Conv by row runs into y (overwritten with the bias plus the sums). */
export function runsConv(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, y: Float64Array): void {
  byRuns(g, x, w, b, y);
}

/** ConvTranspose by row runs into y (overwritten with the bias plus the sums). */
export function runsConvTranspose(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, y: Float64Array): void {
  byRuns(g, x, w, b, y);
}

/**
 * The result into y and its magnitude Σ|x||w| + |b| into mag (both overwritten) in one pass of row
 * runs where WebAssembly runs (the loads of x and the index work shared); else two JS passes, the
 * second on |x|, |W|.
 */
export function runsBoth(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, y: Float64Array, mag: Float64Array): void {
  byRuns(g, x, w, b, y, mag);
}
