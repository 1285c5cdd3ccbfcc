/**
 * A correct float32 implementation that shares neither the loop order nor the algorithm of the
 * reference: every output element is a gather (ConvTranspose included, by solving j·s = o + p − κ·d
 * for j instead of scattering), its products are summed pairwise as a tree in float32, and the bias
 * is added last. The verifier must accept it: the tolerance model is order-free, and a suite that
 * only passes the reference's own summation order would raise false alarms on GEMM, Winograd or
 * tree-reduction kernels.
 */
import { multiIndices, rowMajorStrides } from '../../impl/direct';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { OpName } from '../../impl/types';

/** Pairwise (tree) sum with every addition rounded to float32. */
function pairwiseFloat32(v: Float64Array, from: number, to: number): number {
  if (to - from === 0) return 0;
  if (to - from === 1) return v[from];
  const mid = (from + to) >>> 1;
  return Math.fround(pairwiseFloat32(v, from, mid) + pairwiseFloat32(v, mid, to));
}

/**
 * For output index o on one axis and kernel tap k: the input index j that reaches o, or −1.
 * Conv: j = o·s − p + k·d. ConvTranspose: j·s = o + p − k·d, so it must divide exactly.
 */
function sourceIndex(op: OpName, g: ConvGeometry, a: number, o: number, k: number): number {
  if (op === 'Conv') return o * g.strides[a] - g.padsBegin[a] + k * g.dilations[a];
  const t = o + g.padsBegin[a] - k * g.dilations[a];
  return t % g.strides[a] === 0 ? t / g.strides[a] : -1;
}

/** Both operators as gathers with pairwise float32 sums (see the module comment). */
export function pairwiseGatherKernel(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float64Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSpatial = product(g.inputSpatial);
  const outSpatial = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kernelIdx = multiIndices(g.kernel);
  const outIdx = multiIndices(g.outputSpatial);
  const inStrides = rowMajorStrides(g.inputSpatial);
  const terms = new Float64Array(cg * kSize);
  const y = new Float64Array(g.batch * g.outChannels * outSpatial);
  // The taps that reach output position `of`, and where they read, depend on the position only: found
  // once per position, in the order the sum takes them, then used for every (n, m, c).
  const tapKf = new Int32Array(kSize);
  const tapOffset = new Int32Array(kSize);
  for (let of = 0; of < outSpatial; of++) {
    let taps = 0;
    // Taps in reverse order and channels outermost: deliberately not the reference's order.
    for (let kf = kSize - 1; kf >= 0; kf--) {
      let offset = 0;
      let inside = true;
      for (let a = 0; a < g.rank && inside; a++) {
        const j = sourceIndex(op, g, a, outIdx[of][a], kernelIdx[kf][a]);
        if (j < 0 || j >= g.inputSpatial[a]) inside = false;
        offset += j * inStrides[a];
      }
      if (!inside) continue;
      tapKf[taps] = kf;
      tapOffset[taps++] = offset;
    }
    for (let n = 0; n < g.batch; n++) {
      for (let m = 0; m < g.outChannels; m++) {
        const grp = Math.floor(m / mg);
        const mo = m - grp * mg;
        let count = 0;
        for (let c = cg - 1; c >= 0; c--) {
          const ch = grp * cg + c;
          const xBase = (n * g.inChannels + ch) * inSpatial;
          const wBase = (op === 'Conv' ? m * cg + c : ch * mg + mo) * kSize;
          for (let t = 0; t < taps; t++) terms[count++] = Math.fround(x[xBase + tapOffset[t]] * w[wBase + tapKf[t]]);
        }
        const sum = pairwiseFloat32(terms, 0, count);
        y[(n * g.outChannels + m) * outSpatial + of] = b ? Math.fround(sum + b[m]) : sum;
      }
    }
  }
  return y;
}
