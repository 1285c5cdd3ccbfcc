/**
 * The readable definition of both operators: direct loops, float64 accumulation, any spatial rank.
 * These are the reference's ground truth; faster paths are tested against them.
 */
import type { ConvGeometry } from './resolve';
import { product } from './resolve';

/** Row-major strides of a dims list. */
export function rowMajorStrides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

/** All multi-indices of a shape, in row-major order. */
export function multiIndices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = product(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    out.push(idx.slice());
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

type Numeric = ArrayLike<number>;

/**
 * Conv's gather: the flat spatial offset in X of kernel tap `k` for output position `o`, at
 * o·s − p_begin + k·d on every axis, or −1 when the tap falls in the padding (it contributes nothing).
 */
export function convTapOffset(g: ConvGeometry, o: readonly number[], k: readonly number[], inStrides: readonly number[]): number {
  let offset = 0;
  for (let a = 0; a < g.rank; a++) {
    const q = o[a] * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a];
    if (q < 0 || q >= g.inputSpatial[a]) return -1;
    offset += q * inStrides[a];
  }
  return offset;
}

/**
 * ONNX Conv: y[n, m, o] = b[m] + Σ_{c, κ} x[n, g·C/g + c, o·s − p_begin + κ·d] · W[m, c, κ],
 * summed in float64, out-of-range input positions contributing nothing.
 */
export function convDirect(g: ConvGeometry, x: Numeric, w: Numeric, b: Numeric | undefined): Float64Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSpatial = product(g.inputSpatial);
  const outSpatial = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kernelIdx = multiIndices(g.kernel);
  const outIdx = multiIndices(g.outputSpatial);
  const inStrides = rowMajorStrides(g.inputSpatial);
  const y = new Float64Array(g.batch * g.outChannels * outSpatial);
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const grp = Math.floor(m / mg);
      const yBase = (n * g.outChannels + m) * outSpatial;
      for (let of = 0; of < outSpatial; of++) {
        const o = outIdx[of];
        let acc = b ? b[m] : 0;
        for (let kf = 0; kf < kSize; kf++) {
          const offset = convTapOffset(g, o, kernelIdx[kf], inStrides);
          if (offset < 0) continue;
          for (let c = 0; c < cg; c++) {
            const xi = (n * g.inChannels + grp * cg + c) * inSpatial + offset;
            const wi = (m * cg + c) * kSize + kf;
            acc += x[xi] * w[wi];
          }
        }
        y[yBase + of] = acc;
      }
    }
  }
  return y;
}

/**
 * ONNX ConvTranspose as the scatter that defines it: input element x[n, c, j] adds x·W[c, m', κ] to
 * y[n, g·M/g + m', j·s − p_begin + κ·d] wherever that position lies inside the output. Float64.
 */
export function convTransposeDirect(g: ConvGeometry, x: Numeric, w: Numeric, b: Numeric | undefined): Float64Array {
  const r = g.rank;
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSpatial = product(g.inputSpatial);
  const outSpatial = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kernelIdx = multiIndices(g.kernel);
  const inIdx = multiIndices(g.inputSpatial);
  const outStrides = rowMajorStrides(g.outputSpatial);
  const y = new Float64Array(g.batch * g.outChannels * outSpatial);
  if (b) {
    for (let n = 0; n < g.batch; n++) {
      for (let m = 0; m < g.outChannels; m++) y.fill(b[m], (n * g.outChannels + m) * outSpatial, (n * g.outChannels + m + 1) * outSpatial);
    }
  }
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const grp = Math.floor(c / cg);
      for (let jf = 0; jf < inSpatial; jf++) {
        const xv = x[(n * g.inChannels + c) * inSpatial + jf];
        const j = inIdx[jf];
        for (let kf = 0; kf < kSize; kf++) {
          const k = kernelIdx[kf];
          let offset = 0;
          let inside = true;
          for (let a = 0; a < r; a++) {
            const o = j[a] * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a];
            if (o < 0 || o >= g.outputSpatial[a]) {
              inside = false;
              break;
            }
            offset += o * outStrides[a];
          }
          if (!inside) continue;
          for (let mo = 0; mo < mg; mo++) {
            const m = grp * mg + mo;
            y[(n * g.outChannels + m) * outSpatial + offset] += xv * w[(c * mg + mo) * kSize + kf];
          }
        }
      }
    }
  }
  return y;
}
