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
 * Copies x, w, y (and the magnitude `mag`, when given, right after y) as float64 and the run tables
 * into WebAssembly memory, calls `visit` with their byte offsets, and copies y (and mag) back.
 * Returns false (doing nothing) when it would not fit.
 */
function inWasm(
  k: WasmGemm, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array, mag: Float64Array | undefined, runs: RowRuns,
  visit: (at: Offsets) => void,
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
  new Float64Array(buf, xAt, x.length).set(x);
  new Float64Array(buf, wAt, w.length).set(w);
  const yw = new Float64Array(buf, yAt, y.length);
  yw.set(y);
  const mw = mag ? new Float64Array(buf, magAt, mag.length) : undefined;
  if (mag && mw) mw.set(mag);
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

/** Conv by row runs into y (which holds the bias already). */
export function runsConv(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const k = activeWasm();
  const runs = convRowRuns(g);
  const done = k !== undefined && inWasm(k, x, w, y, undefined, runs, (at) => gatherAll(g, runs, k.runsGather, at));
  if (!done) convByRunsJs(g, x, w, y);
}

/** ConvTranspose by row runs into y (which holds the bias already). */
export function runsConvTranspose(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const k = activeWasm();
  const runs = convTransposeRowRuns(g);
  const done = k !== undefined && inWasm(k, x, w, y, undefined, runs, (at) => scatterAll(g, runs, k.runsScatter, at));
  if (!done) convTransposeByRunsJs(g, x, w, y);
}

/**
 * The result into y and its magnitude Σ|x||w| into mag (both holding the bias, resp. |b|, already)
 * in one pass of row runs: the loads of x and the index work are shared. Falls back to two passes
 * (the second on |x|, |W|) where WebAssembly is unavailable or the data does not fit.
 */
export function runsBoth(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array, mag: Float64Array): void {
  const k = activeWasm();
  const conv = g.op === 'Conv';
  const runs = conv ? convRowRuns(g) : convTransposeRowRuns(g);
  const done =
    k !== undefined &&
    inWasm(k, x, w, y, mag, runs, (at) => (conv ? gatherAll(g, runs, k.runsGatherBoth, at) : scatterAll(g, runs, k.runsScatterBoth, at)));
  if (done) return;
  const run = conv ? runsConv : runsConvTranspose;
  run(g, x, w, y);
  const abs = (v: ArrayLike<number>): Float64Array => Float64Array.from(v, Math.abs);
  run(g, abs(x), abs(w), mag);
}
