/**
 * Fast exact Conv: float64 accumulation like impl/direct.ts, only the summation order differs.
 * Per (group, batch item) the product Y_g = W_g · im2col(X_g) runs through the blocked GEMM, the
 * im2col block being gathered straight into the packed B panels through the gather table.
 *
 * The GEMM writes 0 for padded positions and multiplies it by W; that is exact only while W and X
 * are finite (0·∞ = NaN where the direct loops skip the position). With any non-finite input, and
 * when a group has too few output channels to fill the 4-row register tile (depthwise), the row
 * runs of runs.ts compute it instead: they skip padded positions exactly like the direct definition.
 *
 * With the magnitude (withMagnitude), the same im2col block, made absolute, feeds a second
 * accumulator lane: in float32 (WebAssembly f32x4, then inflated to an upper bound, see
 * float32Bound.ts) for float32 data, else in float64.
 */
import type { ConvGeometry } from '../resolve';
import { product } from '../resolve';
import { absInto, absolute, fillBias } from './elementwise';
import { blockColumns, blockLayout, canUseMagnitude32, clearMagnitude, gemmWorkspace, KC, type MagnitudeLane, MR, multiplyBlock, NR, packA, packedASize } from './gemm';
import { inflateMagnitude32AddBias } from './float32Bound';
import { outputsOrRuns } from './runs';
import { convGatherTable } from './tables';

/** Output channels per group below which the GEMM's 4-row tile would mostly multiply zeros. */
const MIN_GEMM_ROWS = 4;



/** The result y and, when asked for, the magnitude Σ|x||w| + |b| of every output element. */
export interface WithMagnitude {
  y: Float64Array;
  magnitude: Float64Array | undefined;
}

/**
 * Whether the magnitude may run in float32 (then inflated to a float64 upper bound): only for
 * float32 data, whose absolute values convert exactly, and where the WebAssembly lane fits.
 */
export function float32MagnitudeApplies(x: ArrayLike<number>, w: ArrayLike<number>, sizes: Parameters<typeof canUseMagnitude32>[0]): boolean {
  return magnitude32Enabled && x instanceof Float32Array && w instanceof Float32Array && canUseMagnitude32(sizes);
}

let magnitude32Enabled = true;
/** Chooses the float32 magnitude lane (default, where it applies) or float64 throughout; for tests and the benchmark. */
export function setMagnitude32(enabled: boolean): void {
  magnitude32Enabled = enabled;
}

/** out[yBase + i·P + jc + j] += cs[i·stride + j] for i < rows, j < cols: one C block added to its place. */
function addBlock(out: Float64Array, cs: Float64Array, stride: number, yBase: number, rows: number, P: number, jc: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const yo = yBase + i * P + jc;
    const co = i * stride;
    for (let j = 0; j < cols; j++) out[yo + j] += cs[co + j];
  }
}

function convBoth(
  g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, withMagnitude: boolean, allow32 = true,
  out?: Float64Array,
): WithMagnitude {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = product(g.inputSpatial);
  const P = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const { y, mag, done } = outputsOrRuns(g, x, w, b, withMagnitude, mg < MIN_GEMM_ROWS, out);
  if (done) return { y, magnitude: mag };
  const table = convGatherTable(g);
  const depth = cg * kSize;
  const rowPanels = Math.ceil(mg / MR);
  const nb = blockColumns(mg);
  const sizes = { aLen: packedASize(mg, depth), cLen: rowPanels * MR * (nb + NR), xLen: x.length, tableLen: table.length, dual: !!mag, magnitude32: false };
  const m32 = !!mag && allow32 && float32MagnitudeApplies(x, w, sizes);
  sizes.magnitude32 = m32;
  const lane: MagnitudeLane = m32 ? 'f32' : mag ? 'f64' : 'none';
  // the float64 lane adds its sums to |b|; the float32 lane's sums are copied, |b| added at the inflation
  if (mag && !m32) fillBias(mag, b && absolute(b), g.batch, g.outChannels, P);
  const ws = gemmWorkspace(sizes);
  const ap32 = ws.ap32 as Float32Array;
  const cs32 = ws.cs32 as Float32Array;
  ws.xs.set(x); // float64 copy: one element type in the packing loop
  ws.ts.set(table);
  for (let grp = 0; grp < g.group; grp++) {
    // W[m, c, κ] rows are contiguous: A = W_g is mg × (cg·kSize) with unit column stride.
    const ap = ws.ap[0];
    packA(w, grp * mg * depth, depth, 1, mg, depth, ap);
    if (mag) absInto(ap, m32 ? ap32 : ws.ap[1]);
    for (let n = 0; n < g.batch; n++) {
      const xBase = (n * g.inChannels + grp * cg) * inS;
      const yBase = (n * g.outChannels + grp * mg) * P;
      for (let jc = 0; jc < P; jc += nb) {
        const cols = Math.min(nb, P - jc);
        const { colPanels, ldc, ldc32 } = blockLayout(cols);
        // The result's C block starts from the bias (one rounded add b + Σ, as before), so it is then
        // copied into y, which it covers exactly once, instead of added by a JS loop.
        const c0 = ws.cs[0];
        for (let i = 0; i < rowPanels * MR; i++) c0.fill(b && i < mg ? b[grp * mg + i] : 0, i * ldc, (i + 1) * ldc);
        clearMagnitude(ws, lane, rowPanels, ldc, ldc32);
        for (let pc = 0; pc < depth; pc += KC) {
          const kc = Math.min(KC, depth - pc);
          ws.im2col(xBase, inS, P, kSize, pc, kc, jc, cols);
          multiplyBlock(ws, lane, rowPanels, colPanels, kc, pc, depth, ldc, ldc32);
        }
        for (let i = 0; i < mg; i++) y.set(c0.subarray(i * ldc, i * ldc + cols), yBase + i * P + jc);
        if (m32 && mag) for (let i = 0; i < mg; i++) mag.set(cs32.subarray(i * ldc32, i * ldc32 + cols), yBase + i * P + jc);
        else if (mag) addBlock(mag, ws.cs[1], ldc, yBase, mg, P, jc, cols);
      }
    }
  }
  if (m32 && mag) {
    const chain = depth + Math.ceil(depth / KC) + 1;
    // overflow of float32 products (|x|·|w| above 3.4e38): redo the magnitude in float64
    if (!inflateMagnitude32AddBias(mag, chain, b, g.outChannels, P)) return { y, magnitude: convBoth(g, x, w, b, true, false).magnitude };
  }
  return { y, magnitude: mag };
}

/**
 * ONNX Conv over a resolved geometry, float64, same layout and semantics as convDirect. The result
 * goes into `out` when given (its length must be the output's; its contents are overwritten), else
 * into a new array.
 */
export function convFast(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, out?: Float64Array): Float64Array {
  return convBoth(g, x, w, b, false, true, out).y;
}

/**
 * Conv and, in the same pass, its magnitude Σ|x||w| + |b| (the tolerance model's second run): the
 * index tables, im2col blocks and validation are shared, only the products are done twice.
 */
export function convFastWithMagnitude(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): WithMagnitude {
  return convBoth(g, x, w, b, true);
}
