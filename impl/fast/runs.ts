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
import { absolute, allFinite, initBias } from './elementwise';
import { activeWasm } from './gemm';
import { convRowRuns, convTransposeRowRuns, type RowRuns } from './tables';
import { wasmBuffer, type RunsFn, type WasmGemm } from './wasmKernel';

/** Largest memory (bytes, 256 MiB) the WebAssembly row runs may use (it never shrinks); beyond it the JS loops run. */
const MAX_WASM_BYTES = 2 ** 28;

const rowRuns = (g: ConvGeometry): RowRuns => (g.op === 'Conv' ? convRowRuns(g) : convTransposeRowRuns(g));

/**
 * Calls visit(yb, xb, wb) — the element offsets of one output channel, one input channel and the
 * kernel slice joining them — for every such pair, in the direct loops' order: Conv n, m, c (W is
 * [M, C/group, k…]); ConvTranspose n, c, m' (W is [C, M/group, k…]).
 */
function forEachPair(g: ConvGeometry, visit: (yb: number, xb: number, wb: number) => void): void {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = product(g.inputSpatial);
  const outS = product(g.outputSpatial);
  const kSize = product(g.kernel);
  for (let n = 0; n < g.batch; n++) {
    if (g.op === 'Conv') {
      for (let m = 0; m < g.outChannels; m++) {
        const grp = (m / mg) | 0;
        for (let c = 0; c < cg; c++) visit((n * g.outChannels + m) * outS, (n * g.inChannels + grp * cg + c) * inS, (m * cg + c) * kSize);
      }
    } else {
      for (let c = 0; c < g.inChannels; c++) {
        const grp = (c / cg) | 0;
        for (let mo = 0; mo < mg; mo++) visit((n * g.outChannels + grp * mg + mo) * outS, (n * g.inChannels + c) * inS, (c * mg + mo) * kSize);
      }
    }
  }
}

/**
 * Row runs in JS, pair by pair. Conv (gather): y[m, q, o] += w[m, c, κ]·x[c, rows[κ, q] + o·s + shift]
 * for o in the run of in-range positions only (padded positions are skipped, never multiplied, as
 * in the direct loops). ConvTranspose (scatter): y[m, rows[κ, q] + j·s + shift] += x[c, q, j]·w[c, m', κ]
 * for the run of input positions j whose target lies inside the output (cropped ones are skipped).
 */
function byRunsJs(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, y: Float64Array): void {
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
  const { rows, outer, length, lo, hi, shift, stride } = rowRuns(g);
  const scatter = g.op === 'ConvTranspose';
  forEachPair(g, (yb, xb, wb) => {
    for (let kf = 0; kf < kSize; kf++) {
      const wv = w[wb + kf];
      const kl = kf % kLast;
      const t0 = lo[kl];
      const t1 = hi[kl];
      const sh = shift[kl];
      const rb = kf * outer;
      for (let q = 0; q < outer; q++) {
        const row = rows[rb + q];
        if (row < 0) continue;
        if (scatter) {
          const xr = xb + q * length;
          const yr = yb + row + sh;
          for (let j = t0; j < t1; j++) y[yr + j * stride] += wv * x[xr + j];
        } else {
          const yr = yb + q * length;
          const xr = xb + row + sh;
          for (let o = t0; o < t1; o++) y[yr + o] += wv * x[xr + o * stride];
        }
      }
    }
  });
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

/** The WebAssembly row runs `f` over every pair (see forEachPair), with the byte offsets `at`. */
function allPairs(g: ConvGeometry, runs: RowRuns, f: RunsFn, at: Offsets): void {
  const kSize = product(g.kernel);
  const kLast = g.kernel[g.rank - 1];
  forEachPair(g, (yb, xb, wb) =>
    f(at.y + yb * 8, at.x + xb * 8, at.w + wb * 8, at.rows, runs.outer, runs.length, kSize, kLast, at.lo, at.hi, at.shift, runs.stride, at.magDelta),
  );
}

/**
 * Conv or ConvTranspose by row runs into y (overwritten: bias, or zeros, plus the sums), with the
 * magnitude Σ|x||w| + |b| into `mag` when given, in the same loop where WebAssembly runs.
 */
function byRuns(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, y: Float64Array, mag?: Float64Array): void {
  const k = activeWasm();
  const runs = rowRuns(g);
  if (k) {
    const f = g.op === 'Conv' ? (mag ? k.runsGatherBoth : k.runsGather) : mag ? k.runsScatterBoth : k.runsScatter;
    if (inWasm(k, g, x, w, b, y, mag, runs, (at) => allPairs(g, runs, f, at))) return;
  }
  const spatial = y.length / (g.batch * g.outChannels);
  initBias(y, b, g.batch, g.outChannels, spatial);
  byRunsJs(g, x, w, y);
  if (mag) {
    initBias(mag, b && absolute(b), g.batch, g.outChannels, spatial);
    byRunsJs(g, absolute(x), absolute(w), mag);
  }
}

/**
 * The start both fast kernels share: the output (`out`, or a new array) and, when asked, a new
 * magnitude array. Where the GEMM does not apply — `narrow` groups, whose 4-row tiles would mostly
 * multiply zeros, or data that is not all finite (the GEMM would form 0·∞ at padded positions) —
 * computes both by row runs at once and says so (`done`).
 */
export function outputsOrRuns(
  g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined,
  withMagnitude: boolean, narrow: boolean, out: Float64Array | undefined,
): { y: Float64Array; mag: Float64Array | undefined; done: boolean } {
  const y = out ?? new Float64Array(g.batch * g.outChannels * product(g.outputSpatial));
  const mag = withMagnitude ? new Float64Array(y.length) : undefined;
  const done = narrow || !(allFinite(x) && allFinite(w));
  if (done) byRuns(g, x, w, b, y, mag);
  return { y, mag, done };
}
