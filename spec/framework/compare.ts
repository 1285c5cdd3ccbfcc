/**
 * Judging an implementation's output against the reference with the per-element bound, and the
 * failure report: the worst element and a small window of actual vs expected vs bound around it.
 */
import type { Expected } from '../tolerance';
import type { Tensor } from '../../impl/types';
import { precisionRecorder } from './precision';

export interface WindowRow {
  /** Full index of the element (N, C, spatial…). */
  index: number[];
  actual: number;
  expected: number;
  bound: number;
  bad: boolean;
}

export interface Mismatch {
  kind: 'dims' | 'length' | 'type' | 'value';
  message: string;
  /** Flat index and multi-index of the worst element (value mismatches). */
  worst?: { flat: number; index: number[]; actual: number; expected: number; bound: number; ratio: number };
  badCount?: number;
  window?: WindowRow[];
  /** The 2-D slice of the output around the worst element (heat maps in the HTML report). */
  slice?: MismatchSlice;
}

/**
 * A rectangle of the output through the worst element, at most SLICE_MAX × SLICE_MAX: the indices of
 * every other axis fixed, the rows and columns along the two axes where the error varies most around
 * the worst element (sliceAxes), so a fault along depth or channels shows as a pattern, not as a
 * uniformly wrong square. Values row-major.
 */
export interface MismatchSlice {
  /** The fixed indices of the other axes, in axis order. */
  fixed: number[];
  rowStart: number;
  colStart: number;
  rows: number;
  cols: number;
  actual: number[];
  expected: number[];
  bound: number[];
  /**
   * The axes of the rows and of the columns (full-index numbering, rows first). Absent when they are
   * the default — the last two axes, or for a 1-D output the last one alone in a single row — so a
   * report whose slice is the default reads as it did before the field existed.
   */
  axes?: [number, number];
}

export const SLICE_MAX = 32;

/** Error thrown by a property when an output breaks the spec; carries the structured mismatch. */
export class MismatchError extends Error {
  override readonly name = 'MismatchError';
  constructor(readonly mismatch: Mismatch, readonly what = 'output') {
    super(`${what}: ${mismatch.message}${mismatch.window ? '\n' + formatWindow(mismatch.window) : ''}`);
  }
}

export function unravel(flat: number, dims: readonly number[]): number[] {
  const idx = new Array<number>(dims.length);
  for (let a = dims.length - 1; a >= 0; a--) {
    idx[a] = flat % dims[a];
    flat = Math.floor(flat / dims[a]);
  }
  return idx;
}

/**
 * How far outside the bound an element is: ≤ 1 passes. Non-finite rules: NaN must match NaN, ±∞ must
 * match exactly. A non-finite result where a finite one is due is admissible only when the rounded
 * reference itself overflows, or when `mayOverflow`: |b| + Σ|x||w| reaches the overflow threshold of
 * the accumulation format, so that some correct summation order overflows (to +∞, −∞, or both: NaN).
 * A finite result is always judged by the bound.
 */
export function elementRatio(actual: number, expected: number, bound: number, mayOverflow = false): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Infinity;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Infinity;
  if (!Number.isFinite(actual)) {
    if (mayOverflow) return 0;
    // float32 overflow is admissible only when the rounded reference itself overflows
    return Math.fround(expected) === actual ? 0 : Infinity;
  }
  const err = Math.abs(actual - expected);
  if (err === 0) return 0;
  // A NaN bound (a magnitude poisoned by 0·∞) must never let a finite difference pass.
  if (!(bound > 0)) return Infinity;
  return err / bound;
}

/**
 * Instrumentation for deep-run reports (how close a subject comes to its bounds): when `observe` is
 * set, every findMismatch call passes it the largest |error|/bound over its elements. Unset, it
 * costs nothing and changes nothing.
 */
export const ratioProbe: { observe?: (largestRatio: number) => void } = {};

/** Returns undefined when every element is within its bound, else the mismatch (worst element first). */
export function findMismatch(actual: Tensor, expected: Expected): Mismatch | undefined {
  if (!actual || !(actual.data instanceof Float32Array)) {
    return { kind: 'type', message: `result is not a {dims, data: Float32Array} tensor` };
  }
  const dimsOk = Array.isArray(actual.dims) && actual.dims.length === expected.dims.length && actual.dims.every((d, i) => d === expected.dims[i]);
  if (!dimsOk) return { kind: 'dims', message: `dims ${JSON.stringify(actual.dims)}, expected ${JSON.stringify(expected.dims)}` };
  if (actual.data.length !== expected.y64.length) {
    return { kind: 'length', message: `data.length ${actual.data.length}, expected ${expected.y64.length}` };
  }
  let worst = -1;
  let worstRatio = 1;
  let badCount = 0;
  let largest = 0;
  const recorder = precisionRecorder.current;
  for (let i = 0; i < expected.y64.length; i++) {
    const r = elementRatio(actual.data[i], expected.y64[i], expected.bound[i], expected.mayOverflow?.[i] === 1);
    recorder?.add(r);
    if (r > largest) largest = r;
    if (r > 1) {
      badCount++;
      if (r > worstRatio || worst < 0) {
        worstRatio = r;
        worst = i;
      }
    }
  }
  ratioProbe.observe?.(largest);
  if (worst < 0) return undefined;
  const index = unravel(worst, expected.dims);
  const w = {
    flat: worst, index, actual: actual.data[worst], expected: expected.y64[worst], bound: expected.bound[worst], ratio: worstRatio,
  };
  return {
    kind: 'value',
    message: `${badCount} of ${expected.y64.length} elements outside the bound; worst at [${index.join(', ')}]: actual ${w.actual}, expected ${w.expected}, |error| ${Math.abs(w.actual - w.expected)} = ${fmtRatio(worstRatio)} × bound ${w.bound}`,
    worst: w,
    badCount,
    window: windowAround(actual, expected, worst),
    slice: sliceAround(actual, expected, worst),
  };
}

/** The slice's default axes for an output of this rank: the last two, or the last one for 1-D (a single row). */
export function defaultSliceAxes(rank: number): number[] {
  return rank - 2 >= 2 ? [rank - 2, rank - 1] : [rank - 1];
}

/** The axes a slice runs along, rows first (one axis: a single row along it). */
export function sliceAxes(slice: MismatchSlice, rank: number): number[] {
  return slice.axes ?? defaultSliceAxes(rank);
}

/**
 * How a ratio reads on the heat map, in quarter decades: 0 inside the bound, then 1 + log10(ratio)
 * (non-finite: far above). Quantised, so float noise within one band does not pick an axis.
 */
function failureLevel(r: number): number {
  if (!(r > 1)) return 0;
  return Number.isFinite(r) ? Math.round((1 + Math.min(Math.log10(r), 40)) * 4) / 4 : 50;
}

/**
 * The two axes along which the error varies most through element `flat`: for each axis, the spread
 * (max − min of failureLevel) on the line of elements through `flat` along it. The default axes stay
 * unless another varies more than all of them, so an error that varies alike everywhere (one bad
 * element) keeps the default slice; ties go to an axis longer than 1, then to the later axis.
 */
function chooseSliceAxes(actual: Tensor, expected: Expected, flat: number): number[] {
  const dims = expected.dims;
  const index = unravel(flat, dims);
  const strides = dims.map((_, a) => dims.slice(a + 1).reduce((p, d) => p * d, 1));
  const spread = dims.map((n, a) => {
    const base = flat - index[a] * strides[a];
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < n; k++) {
      const i = base + k * strides[a];
      const level = failureLevel(elementRatio(actual.data[i], expected.y64[i], expected.bound[i], expected.mayOverflow?.[i] === 1));
      lo = Math.min(lo, level);
      hi = Math.max(hi, level);
    }
    return hi - lo;
  });
  const ranked = dims.map((_, a) => a).sort((a, b) => spread[b] - spread[a] || Number(dims[b] > 1) - Number(dims[a] > 1) || b - a);
  const fallback = defaultSliceAxes(dims.length);
  // Another axis only where the error varies more along it than along any default axis.
  const fallbackSpread = Math.max(...fallback.map((a) => spread[a]));
  const first = ranked.find((a) => !fallback.includes(a) && spread[a] > fallbackSpread);
  if (first === undefined) return fallback;
  const second = ranked.find((a) => a !== first)!;
  return [first, second].sort((a, b) => a - b);
}

/** The MismatchSlice through element `flat` (see its comment), along `axes` (default: those where the error varies most). */
export function sliceAround(actual: Tensor, expected: Expected, flat: number, max = SLICE_MAX, axes: number[] = chooseSliceAxes(actual, expected, flat)): MismatchSlice {
  const dims = expected.dims;
  const index = unravel(flat, dims);
  const strides = dims.map((_, a) => dims.slice(a + 1).reduce((p, d) => p * d, 1));
  const [rowAxis, colAxis] = axes.length === 2 ? axes : [undefined, axes[0]];
  const rowsAll = rowAxis === undefined ? 1 : dims[rowAxis];
  const colsAll = dims[colAxis!];
  const start = (pos: number, n: number) => Math.max(0, Math.min(pos - Math.floor(max / 2), n - max));
  const rowStart = rowAxis === undefined ? 0 : start(index[rowAxis], rowsAll);
  const colStart = start(index[colAxis!], colsAll);
  const rows = Math.min(rowsAll, max);
  const cols = Math.min(colsAll, max);
  const rowStride = rowAxis === undefined ? 0 : strides[rowAxis];
  const colStride = strides[colAxis!];
  const planeBase = flat - (rowAxis === undefined ? 0 : index[rowAxis] * rowStride) - index[colAxis!] * colStride;
  const fallback = defaultSliceAxes(dims.length);
  const isDefault = axes.length === fallback.length && axes.every((a, i) => a === fallback[i]);
  const out: MismatchSlice = {
    fixed: index.filter((_, a) => !axes.includes(a)), rowStart, colStart, rows, cols, actual: [], expected: [], bound: [],
    ...(isDefault ? {} : { axes: [rowAxis ?? colAxis!, colAxis!] as [number, number] }),
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = planeBase + (rowStart + r) * rowStride + (colStart + c) * colStride;
      out.actual.push(actual.data[i]);
      out.expected.push(expected.y64[i]);
      out.bound.push(expected.bound[i]);
    }
  }
  return out;
}

function fmtRatio(r: number): string {
  return Number.isFinite(r) ? r.toPrecision(3) : '∞';
}

/** Up to `radius` neighbours on each side along the last axis, so the reader sees the pattern (shifted? one side?). */
export function windowAround(actual: Tensor, expected: Expected, flat: number, radius = 3): WindowRow[] {
  const dims = expected.dims;
  const last = dims[dims.length - 1];
  const pos = flat % last;
  const rowStart = flat - pos;
  const rows: WindowRow[] = [];
  for (let p = Math.max(0, pos - radius); p <= Math.min(last - 1, pos + radius); p++) {
    const i = rowStart + p;
    rows.push({
      index: unravel(i, dims),
      actual: actual.data[i],
      expected: expected.y64[i],
      bound: expected.bound[i],
      bad: elementRatio(actual.data[i], expected.y64[i], expected.bound[i], expected.mayOverflow?.[i] === 1) > 1,
    });
  }
  return rows;
}

export function formatWindow(rows: WindowRow[]): string {
  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(8) : String(v));
  const header = ['index', 'actual', 'expected', 'bound', ''];
  const body = rows.map((r) => [`[${r.index.join(',')}]`, fmt(r.actual), fmt(r.expected), r.bound.toExponential(2), r.bad ? '<-- outside' : '']);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cols: string[]) => '  ' + cols.map((s, c) => s.padStart(c === 4 ? 0 : widths[c])).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

/** Throws MismatchError unless `actual` is within the bound of `expected` everywhere. */
export function assertWithinBound(actual: Tensor, expected: Expected, what = 'output'): void {
  const m = findMismatch(actual, expected);
  if (m) throw new MismatchError(m, what);
}
