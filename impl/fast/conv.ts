/**
 * Fast exact Conv: float64 accumulation like impl/direct.ts, only the summation order differs.
 * Per (group, batch item) the product Y_g = W_g · im2col(X_g) runs through the blocked GEMM, the
 * im2col block being gathered straight into the packed B panels through the gather table.
 *
 * The GEMM writes 0 for padded positions and multiplies it by W; that is exact only while W and X
 * are finite (0·∞ = NaN where the direct loops skip the position). With any non-finite input, and
 * when a group has too few output channels to fill the 4-row register tile, the row-run loop
 * below runs instead: it skips padded positions exactly like the direct definition.
 */
import type { ConvGeometry } from '../resolve';
import { product } from '../resolve';
import { allFinite } from './finite';
import { blockColumns, gemmWorkspace, KC, MR, NR, packA, packedASize } from './gemm';
import { runsConv } from './runs';
import { convGatherTable } from './tables';

/** Output channels per group below which the GEMM's 4-row tile would mostly multiply zeros. */
const MIN_GEMM_ROWS = 4;

function fillBias(y: Float64Array, b: ArrayLike<number> | undefined, batch: number, channels: number, spatial: number): void {
  if (!b) return;
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < channels; m++) {
      const start = (n * channels + m) * spatial;
      y.fill(b[m], start, start + spatial);
    }
  }
}


/** ONNX Conv over a resolved geometry, float64, same layout and semantics as convDirect. */
export function convFast(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): Float64Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = product(g.inputSpatial);
  const P = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const y = new Float64Array(g.batch * g.outChannels * P);
  fillBias(y, b, g.batch, g.outChannels, P);
  if (mg < MIN_GEMM_ROWS || !allFinite(x) || !allFinite(w)) {
    runsConv(g, x, w, y);
    return y;
  }
  const table = convGatherTable(g);
  const depth = cg * kSize;
  const rowPanels = Math.ceil(mg / MR);
  const nb = blockColumns(mg);
  const ws = gemmWorkspace(packedASize(mg, depth), rowPanels * MR * nb, x.length, table.length);
  ws.xs.set(x); // float64 copy: one element type in the packing loop
  ws.ts.set(table);
  const cs = ws.cs;
  for (let grp = 0; grp < g.group; grp++) {
    // W[m, c, κ] rows are contiguous: A = W_g is mg × (cg·kSize) with unit column stride.
    packA(w, grp * mg * depth, depth, 1, mg, depth, ws.ap);
    for (let n = 0; n < g.batch; n++) {
      const xBase = (n * g.inChannels + grp * cg) * inS;
      const yBase = (n * g.outChannels + grp * mg) * P;
      for (let jc = 0; jc < P; jc += nb) {
        const cols = Math.min(nb, P - jc);
        const colPanels = Math.ceil(cols / NR);
        const ldc = colPanels * NR;
        cs.fill(0, 0, rowPanels * MR * ldc);
        for (let pc = 0; pc < depth; pc += KC) {
          const kc = Math.min(KC, depth - pc);
          ws.im2col(xBase, inS, P, kSize, pc, kc, jc, cols);
          ws.run(rowPanels, colPanels, kc, pc, depth, ldc);
        }
        for (let i = 0; i < mg; i++) {
          const yo = yBase + i * P + jc;
          const co = i * ldc;
          for (let j = 0; j < cols; j++) y[yo + j] += cs[co + j];
        }
      }
    }
  }
  return y;
}
