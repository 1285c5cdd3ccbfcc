/**
 * Both operators as one stride-S correlation of a "virtual" float32 input with a float32 kernel,
 * so the transform algorithms (Winograd, FFT) need one core each:
 *
 *   y[n, m, o] = b[m] + Σ_{c ∈ group} Σ_e x̃[n, c, o·S + e] · w̃[m, c, e]
 *
 * Conv: x̃ is x padded by p_b in front (zeros outside), w̃ the kernel with d − 1 zeros between taps
 * (extent d(k−1)+1), S = s. ConvTranspose: x̃ is x with s − 1 zeros inserted between elements and
 * d(k−1) − p_b zeros in front (negative crops), w̃ the kernel flipped on every axis, zero-dilated and
 * with its channel axes swapped within the group, S = 1 (the zero-insertion algorithm). Only values
 * are moved here, never combined, so the lowering adds no rounding.
 */
import { multiIndices, rowMajorStrides } from '../../../impl/direct';
import { product, type ConvGeometry } from '../../../impl/resolve';
import type { OpName } from '../../../impl/types';

export interface Lowered {
  rank: number;
  /** Virtual input length per axis: just long enough for every output. */
  inLen: number[];
  /** Kernel extent per axis (dilated). */
  extent: number[];
  /** Output stride per axis (S). */
  stride: number[];
  outLen: number[];
  /** Input channels per group, output channels per group. */
  cg: number;
  mg: number;
  /** x̃[n, c] (c within the whole channel range), row-major over inLen. */
  input(n: number, c: number): Float32Array;
  /** w̃[m, c] (m global, c within its group), row-major over extent. */
  kernel(m: number, c: number): Float32Array;
}

export function lower(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array): Lowered {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const extent = g.kernel.map((k, a) => g.dilations[a] * (k - 1) + 1);
  const stride = op === 'Conv' ? [...g.strides] : g.kernel.map(() => 1);
  const outLen = [...g.outputSpatial];
  const inLen = outLen.map((o, a) => (o - 1) * stride[a] + extent[a]);
  const inSpatial = product(g.inputSpatial);
  const inStrides = rowMajorStrides(g.inputSpatial);
  const virtualIdx = multiIndices(inLen);
  const kSize = product(g.kernel);
  const extentStrides = rowMajorStrides(extent);
  const kernelIdx = multiIndices(g.kernel);
  // Source position on axis a of virtual position q, or −1 for a zero.
  const source = (a: number, q: number): number => {
    if (op === 'Conv') {
      const j = q - g.padsBegin[a];
      return j >= 0 && j < g.inputSpatial[a] ? j : -1;
    }
    const t = q - (g.dilations[a] * (g.kernel[a] - 1) - g.padsBegin[a]);
    if (t < 0 || t % g.strides[a] !== 0) return -1;
    const j = t / g.strides[a];
    return j < g.inputSpatial[a] ? j : -1;
  };
  const offsets = virtualIdx.map((q) => {
    let off = 0;
    for (let a = 0; a < q.length; a++) {
      const j = source(a, q[a]);
      if (j < 0) return -1;
      off += j * inStrides[a];
    }
    return off;
  });
  return {
    rank: g.rank, inLen, extent, stride, outLen, cg, mg,
    input(n, c) {
      const base = (n * g.inChannels + c) * inSpatial;
      // A loop, not Float32Array.from with a map function (several times slower; called per channel and output channel).
      const out = new Float32Array(offsets.length);
      for (let i = 0; i < offsets.length; i++) {
        const off = offsets[i];
        out[i] = off < 0 ? 0 : x[base + off];
      }
      return out;
    },
    kernel(m, c) {
      const out = new Float32Array(product(extent));
      const grp = Math.floor(m / mg);
      for (let kf = 0; kf < kSize; kf++) {
        const k = kernelIdx[kf];
        // ConvTranspose: W[grp·cg + c, m − grp·mg, κ] placed flipped.
        const wi = op === 'Conv' ? (m * cg + c) * kSize + kf : ((grp * cg + c) * mg + (m - grp * mg)) * kSize + kf;
        let e = 0;
        for (let a = 0; a < k.length; a++) {
          const tap = op === 'Conv' ? k[a] : g.kernel[a] - 1 - k[a];
          e += tap * g.dilations[a] * extentStrides[a];
        }
        out[e] = w[wi];
      }
      return out;
    },
  };
}

/**
 * Where each output's window reads x̃ (row-major over inLen): output p (row-major over outLen) at tap e
 * (row-major over extent) reads x̃[start[p] + tap[e]], start[p] = Σ_a o_a·S_a·r_a and tap[e] = Σ_a e_a·r_a
 * with r the row-major strides of inLen — the flat index of o·S + e, split into its two parts so the
 * inner loops only add.
 */
export function windowOffsets(L: Lowered): { start: Int32Array; tap: Int32Array } {
  const r = rowMajorStrides(L.inLen);
  const start = Int32Array.from(multiIndices(L.outLen), (o) => o.reduce((q, v, a) => q + v * L.stride[a] * r[a], 0));
  const tap = Int32Array.from(multiIndices(L.extent), (e) => e.reduce((q, v, a) => q + v * r[a], 0));
  return { start, tap };
}

/** Adds the bias (float32) and lays out [N, M, out…]; `perOutput(n, m)` gives the channel's float32 correlation. */
export function assemble(g: ConvGeometry, b: Float32Array | undefined, perOutput: (n: number, m: number) => ArrayLike<number>): Float64Array {
  const outSpatial = product(g.outputSpatial);
  const y = new Float64Array(g.batch * g.outChannels * outSpatial);
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const v = perOutput(n, m);
      const base = (n * g.outChannels + m) * outSpatial;
      for (let p = 0; p < outSpatial; p++) y[base + p] = b ? Math.fround(v[p] + b[m]) : Math.fround(v[p]);
    }
  }
  return y;
}
