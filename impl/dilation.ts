/**
 * Dilated-convolution coverage by combinatorics: for a stack of stride-1 dilated convolutions with
 * kernel size K and rates r₁…rₙ, which input pixels feed one output pixel and along how many paths.
 *
 * One layer with rate r reaches the input offsets {0, r, …, (K−1)r} (its "tap indicator"); a stack
 * reaches the Minkowski sum of its layers' taps, and the number of paths to each offset is the
 * repeated convolution of the tap indicators. Offsets are measured from the first input pixel of the
 * receptive field, so they run from 0 to (K−1)Σrᵢ. Convolution is commutative, so the layer order does
 * not change the counts (it does change the HDC verdict, which reads the rates in order).
 *
 * Square K×K kernels are separable: the 2-D count at (a, b) is count1D[a]·count1D[b].
 *
 * Sources: Yu & Koltun 2016 (dilated convolutions, receptive field growth); Wang et al. 2018,
 * "Understanding Convolution for Semantic Segmentation" (gridding and hybrid dilated convolution).
 */
import { ConvSpecError, show } from './errors';

/** Largest 1-D receptive field handled (offsets 0 … MAX_EXTENT_1D − 1). */
export const MAX_EXTENT_1D = 2 ** 16;
/** Largest number of cells in a 2-D usage grid (4096 × 4096). */
export const MAX_CELLS_2D = 2 ** 24;
/** Most layers in a stack. */
export const MAX_LAYERS = 1024;

function checkPositiveInteger(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v)) {
    throw new ConvSpecError('NOT_AN_INTEGER', `${what} must be a finite integer, got ${show(v)}`);
  }
  if (v < 1) throw new ConvSpecError('NOT_POSITIVE', `${what} must be at least 1, got ${v}`);
  return v;
}

/** Validates kernel and rates and returns the receptive-field extent, refusing absurd sizes. */
function checkStack(kernel: unknown, rates: unknown): { k: number; r: number[]; extent: number } {
  const k = checkPositiveInteger('kernel', kernel);
  if (!Array.isArray(rates)) throw new ConvSpecError('NOT_AN_INTEGER', `rates must be an array of integers, got ${show(rates)}`);
  if (rates.length === 0) throw new ConvSpecError('ATTRIBUTE_LENGTH', 'rates must name at least one layer, got []');
  if (rates.length > MAX_LAYERS) {
    throw new ConvSpecError('SIZE_LIMIT', `rates has ${rates.length} layers, above the limit of ${MAX_LAYERS}`);
  }
  const r = rates.map((x, i) => checkPositiveInteger(`rates[${i}]`, x));
  // Sum with early exit so a huge rate cannot overflow into a wrong but plausible extent.
  let extent = 1;
  for (const ri of r) {
    extent += (k - 1) * ri;
    if (extent > MAX_EXTENT_1D) {
      throw new ConvSpecError(
        'SIZE_LIMIT',
        `the receptive field of kernel ${k} with rates ${show(r)} exceeds ${MAX_EXTENT_1D} pixels per axis`,
      );
    }
  }
  return { k, r, extent };
}

/** log2 of the number of paths K^n; counts stay exact integers while the total is at most 2^53. */
function checkExactCounts(k: number, layers: number, axes: number): void {
  if (k > 1 && axes * layers * Math.log2(k) > 53) {
    throw new ConvSpecError(
      'SIZE_LIMIT',
      `kernel ${k} with ${layers} layers gives ${k}^${axes * layers} paths, too many to count exactly (limit 2^53)`,
    );
  }
}

/** Receptive-field extent of the stack along one axis: 1 + (K−1)Σrᵢ. */
export function receptiveField(kernel: number, rates: number[]): number {
  return checkStack(kernel, rates).extent;
}

/**
 * For each input offset 0 … (K−1)Σr, the number of paths through the stack that connect it to one
 * output pixel. The counts sum to K^n. Throws ConvSpecError on invalid or absurd arguments.
 */
export function usageCounts1D(kernel: number, rates: number[]): number[] {
  const { k, r, extent } = checkStack(kernel, rates);
  checkExactCounts(k, r.length, 1);
  let counts = [1];
  for (const rate of r) {
    const next = new Array<number>(counts.length + (k - 1) * rate).fill(0);
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) continue;
      for (let t = 0; t < k; t++) next[i + t * rate] += counts[i];
    }
    counts = next;
  }
  if (counts.length !== extent) throw new Error('internal: usage counts length differs from the extent');
  return counts;
}

/** The K×K version: a grid [row][column] of path counts, the outer product of the 1-D counts. */
export function usageCounts2D(kernel: number, rates: number[]): number[][] {
  const { k, r, extent } = checkStack(kernel, rates);
  if (extent * extent > MAX_CELLS_2D) {
    throw new ConvSpecError('SIZE_LIMIT', `a ${extent}×${extent} usage grid exceeds ${MAX_CELLS_2D} cells`);
  }
  checkExactCounts(k, r.length, 2);
  const c = usageCounts1D(k, r);
  return c.map((a) => c.map((b) => a * b));
}

/** Offsets in 0 … (K−1)Σr that no path reaches (the "gridding" holes), in increasing order. */
export function holes1D(kernel: number, rates: number[]): number[] {
  const out: number[] = [];
  usageCounts1D(kernel, rates).forEach((c, i) => {
    if (c === 0) out.push(i);
  });
  return out;
}

/**
 * The hybrid-dilated-convolution values M₁ … Mₙ of Wang et al. 2018 (index 0 holds M₁):
 * Mₙ = rₙ and Mᵢ = max[Mᵢ₊₁ − 2rᵢ, Mᵢ₊₁ − 2(Mᵢ₊₁ − rᵢ), rᵢ]. Mᵢ is the largest gap between two
 * non-zero taps that the layers i … n leave for the layers below to fill. The kernel only takes part
 * through validation; the formula itself does not use it.
 */
export function hdcValues(kernel: number, rates: number[]): number[] {
  const { r } = checkStack(kernel, rates);
  const n = r.length;
  const m = new Array<number>(n);
  m[n - 1] = r[n - 1];
  for (let i = n - 2; i >= 0; i--) {
    const next = m[i + 1];
    m[i] = Math.max(next - 2 * r[i], next - 2 * (next - r[i]), r[i]);
  }
  return m;
}

/**
 * Wang et al.'s HDC goal M₂ ≤ K. Read its verdict with care:
 * - it assumes r₁ = 1 (the first layer fills every gap of size ≤ K it is left); under that assumption
 *   and K ≥ 3 it is SUFFICIENT for a hole-free field (checked exhaustively in the tests for K = 3…7,
 *   up to 5 layers, rates up to 9), not necessary: it rejects hole-free stacks such as K = 3,
 *   rates [1, 3, 1] (M₂ = 5);
 * - for K = 2 it is not even sufficient: the recurrence's "Mᵢ₊₁ − 2rᵢ" term assumes a tap on each
 *   side of the centre, which a 2-tap kernel lacks; K = 2, rates [1, 1, 4] gives M₂ = 2 ≤ 2, yet
 *   offset 3 is a hole ({0,1,2} ⊕ {0,4});
 * - with r₁ > 1 the assumption fails and the goal says nothing: it accepts [2, 2] (M₂ = 2 ≤ 3),
 *   whose field has holes at every odd offset;
 * - with a single layer there is no M₂; the goal holds vacuously (true), which again is only
 *   meaningful when r₁ = 1.
 * Use holes1D for the exact answer; this function reports the rule as published.
 */
export function hdcSatisfied(kernel: number, rates: number[]): boolean {
  const m = hdcValues(kernel, rates);
  return m.length < 2 || m[1] <= kernel;
}
