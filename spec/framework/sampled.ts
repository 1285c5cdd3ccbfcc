/**
 * Sampled judging (SPEC.md, "Values and the tolerance model"): a large output is judged against the
 * float64 reference and the per-element bound at a chosen sample of its positions, at a cost of
 * O(samples · products per output) instead of the whole convolution. The reference at one position
 * is Conv's gather, and ConvTranspose's scatter read as a gather (output o gets x[j]·W[k] wherever
 * j·s − p_b + k·d = o). The bound is expectedWithBound's: γ_{n+1}·(|b| + Σ|x||w|) + (n+1)η, plus
 * the transform term for a 'transform' profile, with elementRatio's overflow rule.
 *
 * The sample (samplePositions) aims where kernels break: corners and borders, the first and last
 * elements of planes and rows, both sides of tile and block boundaries on every axis and in the
 * flattened index (4 … 256, and every power of two up to the tensor size, 2¹⁶ and 2²⁴ included),
 * the planes either side of N·M = 65 535, a few whole rows, and random interior positions seeded
 * from the case (a replay judges the same positions).
 *
 * The whole output is still checked: type, dims and length; every element finite where no
 * non-finite value can be due; every element no larger than its plane's magnitude cap (a cheap upper
 * bound of |b| + Σ|x||w| over the plane) — elements caught by those two scans are judged like the
 * sampled ones, so the verdict always comes from the exact per-element rule. What sampling cannot
 * see: a wrong value that is finite, within its plane's cap, and outside the sample.
 */
import { convTapOffset, multiIndices, rowMajorStrides } from '../../impl/direct';
import { prepare } from '../../impl/reference';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { mulberry32 } from '../arbitraries/random';
import { gamma, productsPerOutput, transformChannelTerms, type Expected, type PrecisionProfile } from '../tolerance';
import { defaultSliceAxes, elementRatio, sliceAround, unravel, windowAround, type Mismatch } from './compare';
import { precisionRecorder } from './precision';

/** Cases of at most this many multiply-adds are judged in full (every element), as before sampling existed. */
export const FULL_JUDGING_MACS = 2 ** 24;
/** Reference products a sampled judgement aims to spend (~0.1 s): the sample is about this / products per output. */
export const SAMPLE_PRODUCTS = 2 ** 25;
/** Fewest and most positions of a sample (boundary positions come first; random ones fill up to the size). */
export const MIN_SAMPLES = 1024;
export const MAX_SAMPLES = 16384;
/** Tile and block sizes whose boundaries are sampled on every axis and in the flat index. */
export const BLOCKS = [4, 8, 16, 32, 64, 128, 256];
/** The plane count some launch grids cap (65 535 blocks in a CUDA grid's y and z). */
export const GRID_PLANES = 65535;
/** At most this many planes get their first and last elements judged; beyond, an evenly spaced subset. */
export const MAX_PLANES_ENDS = 4096;
/** Whole rows judged, each at most this long (a longer row: a window of this length through it). */
export const WHOLE_ROWS = 3;
export const MAX_ROW = 2048;

/** What one case's sampled judgement judged: counted per clause into the report. */
export interface SamplingTally {
  /** Cases judged at sampled positions. */
  cases: number;
  /** Elements judged in those cases. */
  judgedElements: number;
  /** Output elements those cases had. */
  outputElements: number;
}

/** Where sampled judgements are counted (runClause sets it around one clause, as the precision recorder). */
export const samplingRecorder: { current?: SamplingTally } = {};

/** Whether a case of this geometry is judged in full: its multiply-adds at most FULL_JUDGING_MACS. */
export function judgedInFull(g: ConvGeometry): boolean {
  return product(g.outputDims) * productsPerOutput(g) <= FULL_JUDGING_MACS;
}

/** How many positions a sample aims at for `products` per output: SAMPLE_PRODUCTS / products, within MIN_SAMPLES … MAX_SAMPLES. */
export function sampleSize(products: number): number {
  return Math.min(MAX_SAMPLES, Math.max(MIN_SAMPLES, Math.floor(SAMPLE_PRODUCTS / Math.max(1, products))));
}

/** A seed from the case itself (dims and a few data values), so a replay samples the same positions. */
export function caseSeed(x: Tensor, w: Tensor): number {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;
  };
  for (const t of [x, w]) {
    t.dims.forEach(mix);
    const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    const step = Math.max(1, Math.floor(bits.length / 16));
    for (let i = 0; i < bits.length; i += step) mix(bits[i]);
  }
  return h;
}

/** Coordinates worth sampling on an axis of length L: its ends, both sides of each block boundary and of powers of two. */
export function axisCoordinates(L: number, next: () => number): number[] {
  const out = new Set<number>([0, 1, L - 2, L - 1]);
  const blocks = [...BLOCKS];
  for (let p = 512; p < L; p *= 2) blocks.push(p);
  for (const B of blocks) {
    if (B >= L) continue;
    const last = Math.floor((L - 1) / B) * B;
    const some = B * (1 + Math.floor(next() * Math.floor((L - 1) / B)));
    for (const v of [B - 1, B, B + 1, last - 1, last, Math.min(last + 1, L - 1), some - 1, some]) out.add(v);
  }
  if (L > GRID_PLANES) for (const v of [GRID_PLANES - 1, GRID_PLANES, GRID_PLANES + 1]) out.add(v);
  return [...out].filter((v) => v >= 0 && v < L).sort((a, b) => a - b);
}

/**
 * The flat output positions to judge, sorted and distinct, for output dims [N, M, spatial…]: the
 * boundary classes of the file comment first, then random positions up to `size` (a few more when the
 * boundary classes alone exceed it). `seed` makes the random part repeatable.
 */
export function samplePositions(dims: readonly number[], seed: number, size: number): number[] {
  const next = mulberry32(seed);
  const total = product(dims);
  const strides = rowMajorStrides(dims);
  const set = new Set<number>();
  const add = (f: number) => {
    if (f >= 0 && f < total) set.add(f);
  };
  const flatOf = (idx: number[]) => idx.reduce((s, v, a) => s + v * strides[a], 0);
  const randomIndex = () => dims.map((d) => Math.floor(next() * d));
  const rank = dims.length - 2;
  const spatial = dims.slice(2);
  const planeSize = product(spatial);
  const planes = dims[0] * dims[1];
  const lastLen = dims[dims.length - 1];

  // Every axis (N, M and spatial): each interesting coordinate once, the other axes random.
  const coords = dims.map((d) => axisCoordinates(d, next));
  coords.forEach((values, a) => {
    for (const v of values) {
      const idx = randomIndex();
      idx[a] = v;
      add(flatOf(idx));
    }
  });
  // The flattened index: both sides of block boundaries and of every power of two it reaches.
  for (const v of axisCoordinates(total, next)) add(v);
  // Planes of interest: the ends, both sides of plane-count boundaries and of N·M = 65 535, a few random.
  const planesOfInterest = new Set(axisCoordinates(planes, next));
  for (let i = 0; i < 4; i++) planesOfInterest.add(Math.floor(next() * planes));
  for (const p of planesOfInterest) {
    if (p < 0 || p >= planes) continue;
    const base = p * planeSize;
    // Every corner of the plane, and its first and last elements.
    for (let corner = 0; corner < 2 ** rank; corner++) {
      add(base + spatial.reduce((s, d, a) => s + ((corner >> a) & 1 ? d - 1 : 0) * strides[2 + a], 0));
    }
    add(base);
    add(base + planeSize - 1);
  }
  // Border bands of three planes: on every spatial axis, the two outer coordinates at each end, the
  // other axes at their interesting coordinates.
  const bandPlanes = [0, planes - 1, Math.floor(next() * planes)];
  for (const p of bandPlanes) {
    const n = Math.floor(p / dims[1]);
    const m = p % dims[1];
    for (let a = 0; a < rank; a++) {
      const L = spatial[a];
      for (const edge of [0, 1, L - 2, L - 1]) {
        if (edge < 0 || edge >= L) continue;
        for (let b = 0; b < rank; b++) {
          if (b === a && rank > 1) continue;
          for (const v of coords[2 + b]) {
            const idx = [n, m, ...spatial.map((d) => Math.floor(next() * d))];
            idx[2 + a] = edge;
            if (b !== a) idx[2 + b] = v;
            add(flatOf(idx));
          }
        }
      }
    }
  }
  // The first and last element of every plane (an evenly spaced subset of planes when there are many).
  const planeStep = Math.max(1, Math.ceil(planes / MAX_PLANES_ENDS));
  for (let p = 0; p < planes; p += planeStep) {
    add(p * planeSize);
    add((p + 1) * planeSize - 1);
  }
  // The first and last element of every row of the planes of interest, while the sample has room.
  const rowsPerPlane = planeSize / lastLen;
  for (const p of planesOfInterest) {
    if (set.size >= size) break;
    const rowStep = Math.max(1, Math.ceil(rowsPerPlane / 256));
    for (let r = 0; r < rowsPerPlane; r += rowStep) {
      add(p * planeSize + r * lastLen);
      add(p * planeSize + (r + 1) * lastLen - 1);
    }
  }
  // A few whole rows: the first, the last and a random one (a window of MAX_ROW through a longer row).
  const rows = total / lastLen;
  for (const r of [0, rows - 1, Math.floor(next() * rows)].slice(0, WHOLE_ROWS)) {
    const from = lastLen <= MAX_ROW ? 0 : Math.floor(next() * (lastLen - MAX_ROW + 1));
    for (let c = from; c < Math.min(lastLen, from + MAX_ROW); c++) add(r * lastLen + c);
  }
  // Random interior positions, up to the size (at least 64 of them).
  const want = Math.min(total, Math.max(size, set.size + 64));
  for (let guard = 0; set.size < want && guard < 8 * want; guard++) add(Math.floor(next() * total));
  return [...set].sort((a, b) => a - b);
}

/** The reference, its magnitude |b| + Σ|x||w| and its bound at chosen output positions. */
export interface PointReference {
  /** Float64 reference at a flat output position. */
  at(flat: number): { y: number; magnitude: number; bound: number; mayOverflow: boolean };
  geometry: ConvGeometry;
  /** Products per output (n of the bound). */
  products: number;
  /** The transform term per output plane [n, m] ('transform' profiles only). */
  transform?: Float64Array;
}

/**
 * The reference at single output positions, each at the cost of its products (Conv: the gather of
 * convDirect; ConvTranspose: the scatter read backwards). The magnitude is summed in float64 from
 * exact products of float32 values and inflated by 1 + 2(n+2)·2⁻⁵³, so it is never below the exact
 * magnitude; the bound is then expectedWithBound's formula.
 */
export function pointReference(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes, profile: PrecisionProfile): PointReference {
  const g = prepare(op, x, w, b, attrs);
  const n = productsPerOutput(g);
  const gam = gamma(n + 1, profile.u);
  const floor = (n + 1) * profile.eta;
  const limit = profile.max / (1 + gam);
  const inflate = 1 + 2 * (n + 2) * 2 ** -53;
  const transform = profile.algorithm === 'transform' ? transformChannelTerms(g, x, w, profile) : undefined;
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSize = product(g.inputSpatial);
  const outSize = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kernelIdx = multiIndices(g.kernel);
  const inStrides = rowMajorStrides(g.inputSpatial);
  const xd = x.data;
  const wd = w.data;
  const bd = b?.data;
  const at = (flat: number) => {
    const plane = Math.floor(flat / outSize);
    const nIdx = Math.floor(plane / g.outChannels);
    const m = plane % g.outChannels;
    const o = unravel(flat % outSize, g.outputSpatial);
    const grp = Math.floor(m / mg);
    let y = bd ? bd[m] : 0;
    let mag = bd ? Math.abs(bd[m]) : 0;
    const xPlane0 = (nIdx * g.inChannels + grp * cg) * inSize;
    for (let kf = 0; kf < kSize; kf++) {
      let offset: number;
      if (op === 'Conv') {
        offset = convTapOffset(g, o, kernelIdx[kf], inStrides);
      } else {
        // ConvTranspose: input j feeds output o through tap k where j·s − p_b + k·d = o.
        offset = 0;
        for (let a = 0; a < g.rank && offset >= 0; a++) {
          const t = o[a] + g.padsBegin[a] - kernelIdx[kf][a] * g.dilations[a];
          const j = t / g.strides[a];
          offset = t >= 0 && t % g.strides[a] === 0 && j < g.inputSpatial[a] ? offset + j * inStrides[a] : -1;
        }
      }
      if (offset < 0) continue;
      for (let c = 0; c < cg; c++) {
        const xv = xd[xPlane0 + c * inSize + offset];
        const wv = op === 'Conv' ? wd[(m * cg + c) * kSize + kf] : wd[((grp * cg + c) * mg + (m - grp * mg)) * kSize + kf];
        const p = xv * wv;
        y += p;
        mag += Math.abs(p);
      }
    }
    mag *= inflate;
    return { y, magnitude: mag, bound: gam * mag + floor + (transform ? transform[plane] : 0), mayOverflow: mag >= limit };
  };
  return { at, geometry: g, products: n, transform };
}

/** Largest |v| of a float array, NaN when it holds a non-finite value. */
function maxAbsFinite(v: ArrayLike<number>, from = 0, to = v.length): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(v[i]);
    if (a > m) m = a;
    else if (!(a <= m)) return NaN; // NaN
  }
  return m === Infinity ? NaN : m;
}

/**
 * Whole-output scans: indices of elements that cannot be right — a non-finite value where every
 * input is finite and no summation order can overflow, or a value above its plane's magnitude cap
 * (|b_m| + Σ_c max|x[n, c, ·]|·‖W_{m,c}‖₁, inflated as the bound) — at most `max` of them.
 */
export function suspiciousElements(actual: Float32Array, ref: PointReference, x: Tensor, w: Tensor, b: Tensor | undefined, profile: PrecisionProfile, max = 16): number[] {
  const g = ref.geometry;
  const n = ref.products;
  const gam = gamma(n + 1, profile.u);
  const limit = profile.max / (1 + gam);
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSize = product(g.inputSpatial);
  const kSize = product(g.kernel);
  const outSize = product(g.outputSpatial);
  const maxX = new Float64Array(g.batch * g.inChannels);
  for (let i = 0; i < maxX.length; i++) maxX[i] = maxAbsFinite(x.data, i * inSize, (i + 1) * inSize);
  const wNorm1 = new Float64Array(w.data.length / kSize);
  for (let i = 0; i < wNorm1.length; i++) {
    let s = 0;
    for (let p = 0; p < kSize; p++) s += Math.abs(w.data[i * kSize + p]);
    wNorm1[i] = s;
  }
  const found: number[] = [];
  const inflate = 1 + 2 * (n + 2) * 2 ** -53 + 2 ** -40;
  for (let nIdx = 0; nIdx < g.batch && found.length < max; nIdx++) {
    for (let m = 0; m < g.outChannels && found.length < max; m++) {
      const grp = Math.floor(m / mg);
      let cap = b ? Math.abs(b.data[m]) : 0;
      for (let c = 0; c < cg; c++) {
        const wi = g.op === 'Conv' ? m * cg + c : (grp * cg + c) * mg + (m - grp * mg);
        cap += maxX[nIdx * g.inChannels + grp * cg + c] * wNorm1[wi];
      }
      cap *= inflate;
      // A non-finite input, or a plane where some order may overflow: nothing is known here cheaply.
      if (!Number.isFinite(cap) || cap >= limit) continue;
      // |ŷ| ≤ (1 + γ)·magnitude + (n+1)η + transform term for every correct result, and magnitude ≤ cap.
      const allowed = (1 + gam) * cap + (n + 1) * profile.eta + (ref.transform ? ref.transform[nIdx * g.outChannels + m] : 0);
      const base = (nIdx * g.outChannels + m) * outSize;
      for (let i = base; i < base + outSize; i++) {
        const v = actual[i];
        if (!(Math.abs(v) <= allowed)) {
          found.push(i);
          if (found.length >= max) break;
        }
      }
    }
  }
  return found;
}

/**
 * Judges `actual` at sampled positions (plus whatever the whole-output scans flag) and returns the
 * Mismatch of the worst judged element, or undefined when every judged element is within its bound.
 * Type, dims and length are checked first, on the whole output, as findMismatch does.
 */
export function findSampledMismatch(
  actual: Tensor,
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes,
  profile: PrecisionProfile,
): Mismatch | undefined {
  const ref = pointReference(op, x, w, b, attrs, profile);
  const dims = ref.geometry.outputDims;
  if (!actual || !(actual.data instanceof Float32Array)) return { kind: 'type', message: `result is not a {dims, data: Float32Array} tensor` };
  const dimsOk = Array.isArray(actual.dims) && actual.dims.length === dims.length && actual.dims.every((d, i) => d === dims[i]);
  if (!dimsOk) return { kind: 'dims', message: `dims ${JSON.stringify(actual.dims)}, expected ${JSON.stringify(dims)}` };
  const total = product(dims);
  if (actual.data.length !== total) return { kind: 'length', message: `data.length ${actual.data.length}, expected ${total}` };

  const positions = samplePositions(dims, caseSeed(x, w), sampleSize(ref.products));
  const flagged = suspiciousElements(actual.data, ref, x, w, b, profile);
  const judged = flagged.length ? [...new Set([...positions, ...flagged])].sort((p, q) => p - q) : positions;

  const known = new Map<number, { y: number; bound: number; mayOverflow: boolean }>();
  const recorder = precisionRecorder.current;
  let worst = -1;
  let worstRatio = 1;
  let badCount = 0;
  for (const f of judged) {
    const r = ref.at(f);
    known.set(f, r);
    const ratio = elementRatio(actual.data[f], r.y, r.bound, r.mayOverflow);
    recorder?.add(ratio);
    if (ratio > 1) {
      badCount++;
      if (ratio > worstRatio || worst < 0) {
        worstRatio = ratio;
        worst = f;
      }
    }
  }
  const tally = samplingRecorder.current;
  if (tally) {
    tally.cases++;
    tally.judgedElements += judged.length;
    tally.outputElements += total;
  }
  if (worst < 0) return undefined;

  // The window and the slice show real values: the reference is computed at each of their points.
  const expected = lazyExpected(dims, ref, known);
  const index = unravel(worst, dims);
  const wr = known.get(worst)!;
  return {
    kind: 'value',
    message:
      `${badCount} of ${judged.length} judged elements outside the bound (sampled judging: ${judged.length} of ${total} elements); ` +
      `worst at [${index.join(', ')}]: actual ${actual.data[worst]}, expected ${wr.y}, |error| ${Math.abs(actual.data[worst] - wr.y)} = ${Number.isFinite(worstRatio) ? worstRatio.toPrecision(3) : '∞'} × bound ${wr.bound}`,
    worst: { flat: worst, index, actual: actual.data[worst], expected: wr.y, bound: wr.bound, ratio: worstRatio },
    badCount,
    window: windowAround(actual, expected, worst),
    slice: sliceAround(actual, expected, worst, undefined, defaultSliceAxes(dims.length)),
  };
}

/**
 * An Expected whose y64, bound and mayOverflow compute the reference on first read of an index: the
 * window and slice builders of compare.ts read a few hundred points of an output too large to hold.
 */
function lazyExpected(dims: number[], ref: PointReference, known: Map<number, { y: number; bound: number; mayOverflow: boolean }>): Expected {
  const get = (f: number) => {
    let r = known.get(f);
    if (!r) known.set(f, (r = ref.at(f)));
    return r;
  };
  const view = <T>(pick: (r: { y: number; bound: number; mayOverflow: boolean }) => T) =>
    new Proxy({}, { get: (_, key) => (typeof key === 'string' && /^\d+$/.test(key) ? pick(get(Number(key))) : undefined) });
  return {
    dims,
    geometry: ref.geometry,
    y64: view((r) => r.y) as unknown as Float64Array,
    bound: view((r) => r.bound) as unknown as Float64Array,
    mayOverflow: view((r) => (r.mayOverflow ? 1 : 0)) as unknown as Uint8Array,
  };
}
