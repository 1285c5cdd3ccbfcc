/**
 * Row-run loops: Conv and ConvTranspose as y += w[κ]·x along contiguous runs of in-range positions
 * (tables.ts RowRuns), skipping padded and cropped positions exactly like impl/direct.ts — no
 * product with a position outside the tensor is ever formed, so NaN/±∞ propagate as in the direct
 * definition. Used for groups too narrow for the GEMM tile (depthwise) and for non-finite inputs.
 * Runs in WebAssembly (wasmKernel.ts runsGather/runsScatter) where available, else in JS; both
 * add the same terms in the same order per output element.
 */
import type { ConvGeometry } from '../resolve';
import { product } from '../resolve';
import { activeWasm } from './gemm';
import { convRowRuns, convTransposeRowRuns, type RowRuns } from './tables';
import { wasmBuffer, type RunsFn, type WasmGemm } from './wasmKernel';

/** Largest memory (bytes) the WebAssembly row runs may use; beyond it the JS loops run. */
const MAX_WASM_BYTES = 2 ** 29;

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
  /** Bytes per element of x, w, y: 8, or 4 for the float32 magnitude lane. */
  elem: number;
}

/**
 * Copies x, w, y (as float64, or as float32 when `f32`) and the run tables into WebAssembly memory,
 * calls `visit` with their byte offsets, and copies y back. Returns false (doing nothing) when it
 * would not fit.
 */
function inWasm(
  k: WasmGemm, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array, runs: RowRuns, f32: boolean,
  visit: (at: Offsets) => void,
): boolean {
  const elem = f32 ? 4 : 8;
  const kl = runs.lo.length;
  const xAt = 0;
  const wAt = xAt + x.length * elem;
  const yAt = wAt + w.length * elem;
  const rowsAt = Math.ceil((yAt + y.length * elem) / 8) * 8;
  const loAt = rowsAt + runs.rows.length * 4;
  const hiAt = loAt + kl * 4;
  const shiftAt = hiAt + kl * 4;
  const end = shiftAt + kl * 4;
  if (end > MAX_WASM_BYTES) return false;
  const buf = wasmBuffer(k, end);
  const view = f32 ? (o: number, n: number) => new Float32Array(buf, o, n) : (o: number, n: number) => new Float64Array(buf, o, n);
  view(xAt, x.length).set(x);
  view(wAt, w.length).set(w);
  const yw = view(yAt, y.length);
  yw.set(y);
  new Int32Array(buf, rowsAt, runs.rows.length).set(runs.rows);
  new Int32Array(buf, loAt, kl).set(runs.lo);
  new Int32Array(buf, hiAt, kl).set(runs.hi);
  new Int32Array(buf, shiftAt, kl).set(runs.shift);
  visit({ x: xAt, w: wAt, y: yAt, rows: rowsAt, lo: loAt, hi: hiAt, shift: shiftAt, elem });
  y.set(yw);
  return true;
}

function gatherAll(g: ConvGeometry, runs: RowRuns, f: RunsFn, at: Offsets): void {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = product(g.inputSpatial);
  const P = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
  const e = at.elem;
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const grp = (m / mg) | 0;
      const yb = at.y + (n * g.outChannels + m) * P * e;
      for (let c = 0; c < cg; c++) {
        const xb = at.x + (n * g.inChannels + grp * cg + c) * inS * e;
        const wb = at.w + (m * cg + c) * kSize * e;
        f(yb, xb, wb, at.rows, runs.outer, runs.length, kSize, kLast, at.lo, at.hi, at.shift, runs.stride);
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
  const e = at.elem;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const grp = (c / cg) | 0;
      const xb = at.x + (n * g.inChannels + c) * J * e;
      for (let mo = 0; mo < mg; mo++) {
        const yb = at.y + (n * g.outChannels + grp * mg + mo) * outS * e;
        const wb = at.w + (c * mg + mo) * kSize * e;
        f(yb, xb, wb, at.rows, runs.outer, runs.length, kSize, kLast, at.lo, at.hi, at.shift, runs.stride);
      }
    }
  }
}

/** Conv by row runs into y (which holds the bias already). */
export function runsConv(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const k = activeWasm();
  const runs = convRowRuns(g);
  const done = k !== undefined && inWasm(k, x, w, y, runs, false, (at) => gatherAll(g, runs, k.runsGather, at));
  if (!done) convByRunsJs(g, x, w, y);
}

/** ConvTranspose by row runs into y (which holds the bias already). */
export function runsConvTranspose(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const k = activeWasm();
  const runs = convTransposeRowRuns(g);
  const done = k !== undefined && inWasm(k, x, w, y, runs, false, (at) => scatterAll(g, runs, k.runsScatter, at));
  if (!done) convTransposeByRunsJs(g, x, w, y);
}

/**
 * Adds Σ|x||w| accumulated in float32 (WebAssembly f32x4 row runs) to `mag` — the caller inflates
 * it to an upper bound (gemm.ts inflateMagnitude32; one chain of (C/group)·Πk terms per element).
 * Only for float32, finite data (exact absolute values); returns false, doing nothing, otherwise or
 * where WebAssembly is unavailable or the data does not fit.
 */
export function runsMagnitude32(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, mag: Float64Array): boolean {
  const k = activeWasm();
  if (k === undefined || !(x instanceof Float32Array) || !(w instanceof Float32Array)) return false;
  const abs32 = (v: Float32Array): Float32Array => {
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]);
    return out;
  };
  const sum = new Float64Array(mag.length); // float32 sums land here (converted exactly)
  const conv = g.op === 'Conv';
  const runs = conv ? convRowRuns(g) : convTransposeRowRuns(g);
  const done = inWasm(k, abs32(x), abs32(w), sum, runs, true, (at) =>
    conv ? gatherAll(g, runs, k.runsGather32, at) : scatterAll(g, runs, k.runsScatter32, at),
  );
  if (!done) return false;
  for (let i = 0; i < mag.length; i++) mag[i] += sum[i];
  return true;
}
