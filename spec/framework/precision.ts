/**
 * How close a subject comes to its bounds: the distribution of |error|/bound over every judged
 * element (≤ 1 passes). A float32 kernel sits orders of magnitude below 1, TF32 or float16
 * accumulation near or above it, so drift shows here long before a failure.
 *
 * Elements are counted in a log histogram (BINS_PER_DECADE bins per decade from 10^MIN_LOG10 to
 * 10^MAX_LOG10; smaller nonzero ratios go to the first bin, larger finite ones to the last), plus
 * exact elements (ratio 0) and non-finite ratios (a NaN or ∞ where none was due) apart. The maximum
 * is exact; the median is read from the histogram, interpolated within its bin, so it is good to
 * about one bin width (a factor 10^(1/20) ≈ 1.12).
 */

export const BINS_PER_DECADE = 20;
export const MIN_LOG10 = -16;
export const MAX_LOG10 = 16;
const NUM_BINS = (MAX_LOG10 - MIN_LOG10) * BINS_PER_DECADE;

/** The JSON form (clause.precision, summary.precision in the report). */
export interface PrecisionSummary {
  /** Elements judged. */
  elements: number;
  /** Elements with |error| = 0 (or matching NaN/∞ where due). */
  exact: number;
  /** Elements whose ratio is ∞ (a non-finite value where none was due, or an error against a zero bound). */
  infinite: number;
  /** Median |error|/bound over all judged elements (exact ones count as 0). */
  median: number;
  /** Largest |error|/bound. */
  max: number;
  /** Nonzero finite ratios: [bin, count] pairs, bin b covering [10^(MIN_LOG10 + b/BINS_PER_DECADE), next). */
  histogram: { binsPerDecade: number; minLog10: number; bins: [number, number][] };
}

export class RatioHistogram {
  readonly counts = new Float64Array(NUM_BINS);
  elements = 0;
  exact = 0;
  infinite = 0;
  max = 0;

  add(ratio: number): void {
    this.elements++;
    if (ratio === 0) {
      this.exact++;
      return;
    }
    if (!Number.isFinite(ratio)) {
      this.infinite++;
      this.max = Infinity;
      return;
    }
    if (ratio > this.max) this.max = ratio;
    const b = Math.floor((Math.log10(ratio) - MIN_LOG10) * BINS_PER_DECADE);
    this.counts[b < 0 ? 0 : b >= NUM_BINS ? NUM_BINS - 1 : b]++;
  }

  /** Adds a summary's counts (e.g. every clause's, for the overall profile). */
  addSummary(s: PrecisionSummary): void {
    this.elements += s.elements;
    this.exact += s.exact;
    this.infinite += s.infinite;
    if (s.max > this.max) this.max = s.max;
    for (const [b, n] of s.histogram.bins) if (b >= 0 && b < NUM_BINS) this.counts[b] += n;
  }

  /** The value at rank `q` (0 … 1) of the sorted ratios, interpolated log-linearly within its bin. */
  quantile(q: number): number {
    if (this.elements === 0) return NaN;
    let rank = q * (this.elements - 1);
    if (rank < this.exact) return 0;
    rank -= this.exact;
    for (let b = 0; b < NUM_BINS; b++) {
      const n = this.counts[b];
      if (rank < n) {
        const lo = MIN_LOG10 + b / BINS_PER_DECADE;
        const v = 10 ** (lo + (rank + 0.5) / n / BINS_PER_DECADE);
        return Math.min(v, this.max);
      }
      rank -= n;
    }
    return Infinity;
  }

  summary(): PrecisionSummary {
    const bins: [number, number][] = [];
    for (let b = 0; b < NUM_BINS; b++) if (this.counts[b] > 0) bins.push([b, this.counts[b]]);
    return {
      elements: this.elements,
      exact: this.exact,
      infinite: this.infinite,
      median: this.quantile(0.5),
      max: this.max,
      histogram: { binsPerDecade: BINS_PER_DECADE, minLog10: MIN_LOG10, bins },
    };
  }
}

/** Lower edge of histogram bin `b`. */
export function binLowerEdge(b: number, binsPerDecade = BINS_PER_DECADE, minLog10 = MIN_LOG10): number {
  return 10 ** (minLog10 + b / binsPerDecade);
}

/**
 * Where findMismatch (compare.ts) counts the elements it judges. Unset, it costs nothing. Runners set
 * it around one clause (withPrecision) so each clause gets its own profile.
 */
export const precisionRecorder: { current?: RatioHistogram } = {};

/** Runs `fn` with a fresh histogram as the recorder; returns its summary (undefined when nothing was judged). */
export async function withPrecision<T>(fn: () => Promise<T>): Promise<{ result: T; precision?: PrecisionSummary }> {
  const hist = new RatioHistogram();
  const previous = precisionRecorder.current;
  precisionRecorder.current = hist;
  try {
    const result = await fn();
    return { result, ...(hist.elements > 0 ? { precision: hist.summary() } : {}) };
  } finally {
    precisionRecorder.current = previous;
  }
}

/** The overall profile of several clauses (undefined when none judged an element). */
export function mergePrecision(parts: (PrecisionSummary | undefined)[]): PrecisionSummary | undefined {
  const hist = new RatioHistogram();
  for (const p of parts) if (p) hist.addSummary(p);
  return hist.elements > 0 ? hist.summary() : undefined;
}

/** "0.012 / 0.23" for tables: median / max, 2 significant digits. */
export function formatPrecision(p: PrecisionSummary | undefined): string {
  if (!p) return '';
  return `${formatRatio(p.median)} / ${formatRatio(p.max)}`;
}

/** One ratio, 2 significant digits. */
export function formatRatio(v: number): string {
  return v === 0 ? '0' : !Number.isFinite(v) ? '∞' : v >= 0.01 && v < 100 ? String(Number(v.toPrecision(2))) : v.toExponential(1);
}
