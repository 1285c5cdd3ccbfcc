/**
 * The equivalent-matrix view of a convolution: for one batch item, Conv(x) = C·vec(x), with C of
 * shape (M·Πo) × (C_in·Πi) in the column-vector convention used here. The tutorial writes the same
 * linear map with row vectors, x(1×16)·C(16×4) for a 4×4 input and 3×3 kernel, i.e. the transpose
 * of this matrix as a literal array; both describe one map. ConvTranspose with the same W is Cᵀ.
 */
import { ConvSpecError } from './errors';
import { convTapOffset, multiIndices, rowMajorStrides } from './direct';
import { product, resolveConv, type ConvGeometry } from './resolve';
import type { ConvAttributes } from './types';

export interface EquivalentMatrix {
  rows: number;
  cols: number;
  /** Row-major rows × cols. */
  data: Float64Array;
  /** For each entry, the flat index into W that it holds, or −1 for a structural zero. */
  weightIndex: Int32Array;
  geometry: ConvGeometry;
}

/** Largest matrix this module builds: it is for small, explanatory sizes. */
export const MAX_MATRIX_ENTRIES = 2 ** 24;

/**
 * Builds C for Conv with input dims [1, C, i…] (batch must be 1), weight W, and attributes.
 * Entry (row = m·Πo + o, col = c·Πi + p) holds W[m, c − g·C/g, κ] when input position p = o·s − p_b + κ·d.
 */
export function convMatrix(xDims: readonly number[], w: { dims: readonly number[]; data: ArrayLike<number> }, attrs: ConvAttributes = {}): EquivalentMatrix {
  const g = resolveConv(xDims, w.dims, attrs);
  if (g.batch !== 1) throw new ConvSpecError('NOT_POSITIVE', `the equivalent matrix is built per batch item: X must have N = 1, got ${g.batch}`);
  const inSpatial = product(g.inputSpatial);
  const outSpatial = product(g.outputSpatial);
  const rows = g.outChannels * outSpatial;
  const cols = g.inChannels * inSpatial;
  if (rows * cols > MAX_MATRIX_ENTRIES) {
    throw new ConvSpecError('SIZE_LIMIT', `the equivalent matrix would be ${rows}×${cols}, above ${MAX_MATRIX_ENTRIES} entries; use smaller sizes`);
  }
  const data = new Float64Array(rows * cols);
  const weightIndex = new Int32Array(rows * cols).fill(-1);
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const kSize = product(g.kernel);
  const kIdx = multiIndices(g.kernel);
  const oIdx = multiIndices(g.outputSpatial);
  const inStrides = rowMajorStrides(g.inputSpatial);
  for (let m = 0; m < g.outChannels; m++) {
    const grp = Math.floor(m / mg);
    for (let of = 0; of < outSpatial; of++) {
      const row = m * outSpatial + of;
      for (let kf = 0; kf < kSize; kf++) {
        const p = convTapOffset(g, oIdx[of], kIdx[kf], inStrides);
        if (p < 0) continue;
        for (let c = 0; c < cg; c++) {
          const col = (grp * cg + c) * inSpatial + p;
          const wi = (m * cg + c) * kSize + kf;
          data[row * cols + col] = w.data[wi];
          weightIndex[row * cols + col] = wi;
        }
      }
    }
  }
  return { rows, cols, data, weightIndex, geometry: g };
}

/** C·v. */
export function matVec(c: EquivalentMatrix, v: ArrayLike<number>): Float64Array {
  if (v.length !== c.cols) throw new ConvSpecError('DATA_LENGTH', `vector of length ${v.length} for a ${c.rows}×${c.cols} matrix`);
  const out = new Float64Array(c.rows);
  for (let r = 0; r < c.rows; r++) {
    let acc = 0;
    for (let j = 0; j < c.cols; j++) acc += c.data[r * c.cols + j] * v[j];
    out[r] = acc;
  }
  return out;
}

/** Cᵀ·v. */
export function matTVec(c: EquivalentMatrix, v: ArrayLike<number>): Float64Array {
  if (v.length !== c.rows) throw new ConvSpecError('DATA_LENGTH', `vector of length ${v.length} for the transpose of a ${c.rows}×${c.cols} matrix`);
  const out = new Float64Array(c.cols);
  for (let r = 0; r < c.rows; r++) {
    const vr = v[r];
    if (vr === 0) continue;
    for (let j = 0; j < c.cols; j++) out[j] += c.data[r * c.cols + j] * vr;
  }
  return out;
}

/** Numerical rank by Gaussian elimination with partial pivoting (for explanation, small sizes). */
export function matrixRank(c: EquivalentMatrix, tolerance = 1e-9): number {
  const a = Float64Array.from(c.data);
  const { rows, cols } = c;
  let rank = 0;
  const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  for (let col = 0; col < cols && rank < rows; col++) {
    let pivot = rank;
    for (let r = rank + 1; r < rows; r++) if (Math.abs(a[r * cols + col]) > Math.abs(a[pivot * cols + col])) pivot = r;
    if (Math.abs(a[pivot * cols + col]) <= tolerance * scale) continue;
    for (let j = 0; j < cols; j++) [a[rank * cols + j], a[pivot * cols + j]] = [a[pivot * cols + j], a[rank * cols + j]];
    for (let r = rank + 1; r < rows; r++) {
      const f = a[r * cols + col] / a[rank * cols + col];
      if (f === 0) continue;
      for (let j = col; j < cols; j++) a[r * cols + j] -= f * a[rank * cols + j];
    }
    rank++;
  }
  return rank;
}
