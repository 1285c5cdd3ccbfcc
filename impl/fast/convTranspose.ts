/**
 * Fast exact ConvTranspose: float64 accumulation like impl/direct.ts, only the summation order
 * differs. Per (group, batch item) and block of input columns, the GEMM forms
 * cols[(m', κ), j] = Σ_c W[c, m', κ]·x[c, j] (that is W_gᵀ·X_g), then col2im scatters each column
 * entry to output j·s − p_begin + κ·d through the scatter table, skipping cropped positions. Output
 * elements no input reaches (output_shape above the natural size) keep the bias alone.
 *
 * The GEMM multiplies only real input and weight values (its zero padding lands in tile entries
 * that are never stored), so it would propagate NaN/∞ correctly; still, non-finite inputs take the
 * row-run scatter so that propagation is the direct definition's by construction, not by
 * argument. Groups with fewer than 4 input channels (depthwise) take it too: a GEMM of depth below
 * the tile size is all overhead.
 */
import type { ConvGeometry } from '../resolve';
import { product } from '../resolve';
import { float32MagnitudeApplies, type WithMagnitude } from './conv';
import { absInto, absolute, initBias } from './elementwise';
import { blockColumns, blockLayout, clearMagnitude, gemmWorkspace, KC, type MagnitudeLane, MR, multiplyBlock, NR, packA, packedASize } from './gemm';
import { inflateMagnitude32Into } from './float32Bound';
import { outputsOrRuns } from './runs';
import { convTransposeScatterTable } from './tables';

/** Input channels per group (the GEMM depth) below which the row-run scatter is used. */
const MIN_GEMM_DEPTH = 4;


/** Packs rows kStart … kStart+kc−1, columns jStart … jStart+cols−1 of X_g (cg × J, row-major) into NR-column panels. */
function packRows(x: ArrayLike<number>, xBase: number, J: number, kStart: number, kc: number, jStart: number, cols: number, bp: Float64Array): void {
  const panels = Math.ceil(cols / NR);
  for (let kk = 0; kk < kc; kk++) {
    const src = xBase + (kStart + kk) * J + jStart;
    for (let jp = 0; jp < panels; jp++) {
      const dst = (jp * kc + kk) * NR;
      const j0 = jp * NR;
      for (let jj = 0; jj < NR; jj++) {
        const j = j0 + jj;
        bp[dst + jj] = j < cols ? x[src + j] : 0;
      }
    }
  }
}

function convTransposeBoth(
  g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, withMagnitude: boolean, allow32 = true,
  out?: Float64Array,
): WithMagnitude {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const J = product(g.inputSpatial);
  const outS = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const { y, mag, done } = outputsOrRuns(g, x, w, b, withMagnitude, cg < MIN_GEMM_DEPTH, out); // every path overwrites all of y
  if (done) return { y, magnitude: mag };
  const table = convTransposeScatterTable(g);
  const rows = mg * kSize; // one GEMM row per (output channel m', kernel offset κ)
  const rowPanels = Math.ceil(rows / MR);
  const nb = blockColumns(rows);
  const sizes = { aLen: packedASize(rows, cg), cLen: rowPanels * MR * (nb + NR), tableLen: table.length, yLen: y.length, dual: !!mag, magnitude32: false };
  const m32 = !!mag && allow32 && float32MagnitudeApplies(x, w, sizes);
  sizes.magnitude32 = m32;
  const lane: MagnitudeLane = m32 ? 'f32' : mag ? 'f64' : 'none';
  const ws = gemmWorkspace(sizes);
  const ap32 = ws.ap32 as Float32Array;
  ws.ts.set(table);
  // the bias (or zeros) straight into the workspace: the fresh outputs are then written once, at the end
  initBias(ws.ys[0], b, g.batch, g.outChannels, outS);
  if (mag) initBias(ws.ys[1], b && absolute(b), g.batch, g.outChannels, outS);
  for (let grp = 0; grp < g.group; grp++) {
    // A[(m', κ), c] = W[grp·cg + c, m', κ]: row stride 1, column stride mg·kSize.
    const ap = ws.ap[0];
    packA(w, grp * cg * rows, 1, rows, rows, cg, ap);
    if (mag) absInto(ap, m32 ? ap32 : ws.ap[1]);
    for (let n = 0; n < g.batch; n++) {
      const xBase = (n * g.inChannels + grp * cg) * J;
      const yBase = (n * g.outChannels + grp * mg) * outS;
      for (let jc = 0; jc < J; jc += nb) {
        const nc = Math.min(nb, J - jc);
        const { colPanels, ldc, ldc32 } = blockLayout(nc);
        ws.cs[0].fill(0, 0, rowPanels * MR * ldc);
        clearMagnitude(ws, lane, rowPanels, ldc, ldc32);
        for (let pc = 0; pc < cg; pc += KC) {
          const kc = Math.min(KC, cg - pc);
          packRows(x, xBase, J, pc, kc, jc, nc, ws.bp);
          multiplyBlock(ws, lane, rowPanels, colPanels, kc, pc, cg, ldc, ldc32);
        }
        // col2im: row r = (m', κ) of the block scatters to output channel m' through table row κ.
        if (m32) ws.col2imBoth(yBase, rows, kSize, nc, ldc, ldc32, J, jc, outS);
        else {
          ws.col2im(0, yBase, rows, kSize, nc, ldc, J, jc, outS);
          if (mag) ws.col2im(1, yBase, rows, kSize, nc, ldc, J, jc, outS);
        }
      }
    }
  }
  y.set(ws.ys[0]);
  if (m32 && mag) {
    // each element sums up to kSize float32 chains of cg products (col2im adds them in float64)
    const chain = cg + Math.ceil(cg / KC) + 1;
    if (!inflateMagnitude32Into(ws.ys[1], mag, chain, kSize)) return { y, magnitude: convTransposeBoth(g, x, w, b, true, false).magnitude };
  } else if (mag) mag.set(ws.ys[1]);
  return { y, magnitude: mag };
}

/** ONNX ConvTranspose over a resolved geometry, float64, same layout and semantics as convTransposeDirect; `out` as for convFast. */
export function convTransposeFast(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, out?: Float64Array): Float64Array {
  return convTransposeBoth(g, x, w, b, false, true, out).y;
}

/** ConvTranspose and, in the same pass, its magnitude Σ|x||w| + |b| (see convFastWithMagnitude). */
export function convTransposeFastWithMagnitude(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): WithMagnitude {
  return convTransposeBoth(g, x, w, b, true);
}
