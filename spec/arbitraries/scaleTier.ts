/**
 * The run-time side of the scale-and-edges tier (issue 26): which limits its cases are drawn within
 * during one run, how those limits are written (a power of two of multiply-adds, so that a replay
 * names them exactly: `--scale-macs 2^27`), and the hard memory cap per case.
 *
 * The generator (scale.ts scaleShape) is pure: limits in, shapes out. The limits are not known when
 * the clauses are defined (module load) — they come from the target's measured speed or from a flag —
 * so the tier's arbitrary reads them at draw time from `scaleTier.current`, which runClause sets
 * around one clause's cases (like the precision recorder). Unset, the tier draws nothing and
 * valueShape draws exactly what it drew before the tier existed.
 */
import type { ConvShape } from './shape';
import { DEFAULT_SCALE_LIMITS, type ScaleLimits } from './scale';
import { REALISTIC_TIER_ON } from './realistic';

/** The largest case the tier draws: 2³⁰ ≈ 1.07·10⁹ multiply-adds (a fast native target's size). */
export const MAX_SCALE_MACS = 2 ** 30;
/** The smallest limit a run may set: below it the tier would draw nothing the other tiers do not. */
export const MIN_SCALE_MACS = 2 ** 10;
/** Hard cap on the float32 tensors of one case (x, W, b and y together): 2 GiB. */
export const MEMORY_CAP_BYTES = 2 ** 31;
/** The largest tensor (x, W or y) the tier draws: three of them stay below the memory cap. */
export const MAX_SCALE_ELEMENTS = 2 ** Math.floor(Math.log2(MEMORY_CAP_BYTES / 4 / 3));
/** The smallest tensor limit a run may set. */
export const MIN_SCALE_ELEMENTS = 2 ** 10;
/**
 * The scale limits of a clause whose check runs the full float64 reference and judges every element
 * (every clause but the sampled ones): an eighth of the run's limits, and at most 2²² multiply-adds
 * and 2¹⁸ elements per tensor. There are about twenty such clauses calling the target two to four
 * times a case, against the two sampled withinBound clauses the run's limits are sized for
 * (tools/verify/scaleSizing.ts): measured on the 2-core machine under load, the run's own limits
 * cost them 4–7 s each. They still get the tier's joint dimensions and edges, at a size their
 * per-element work and the target's throughput afford.
 */
export const REFERENCE_SCALE_SHARE = 8;
export const REFERENCE_SCALE_MACS = 2 ** 22;
export const REFERENCE_SCALE_ELEMENTS = 2 ** 18;

/** The limits of a full-reference clause in a run with limits `run` (see REFERENCE_SCALE_SHARE). */
export function referenceScaleLimits(run: ScaleLimits): ScaleLimits {
  return {
    maxMacs: Math.min(REFERENCE_SCALE_MACS, run.maxMacs / REFERENCE_SCALE_SHARE),
    maxTensorElements: Math.min(REFERENCE_SCALE_ELEMENTS, run.maxTensorElements / REFERENCE_SCALE_SHARE),
  };
}

/**
 * The limits of the edge cases (edges.ts: four edge conditions combined, at a small size): at most
 * 2²² multiply-adds and 2¹⁸ elements per tensor, and never above the run's limits. A run draws about
 * a hundred of them per operator, so each must cost milliseconds; 2¹⁸ elements still holds a row of
 * 2¹⁷, a batch of 2¹⁷ + 1 items or 2¹⁷ output channels next to small other dimensions.
 */
export const EDGE_SCALE_MACS = 2 ** 20;
export const EDGE_SCALE_ELEMENTS = 2 ** 18;

export function edgeLimits(run: ScaleLimits): ScaleLimits {
  return { maxMacs: Math.min(EDGE_SCALE_MACS, run.maxMacs), maxTensorElements: Math.min(EDGE_SCALE_ELEMENTS, run.maxTensorElements) };
}

/**
 * Cap cases: one case in CAP_CASE_SHARE of numeric.atScale draws a tensor (x or y) just past a
 * power of two at up to CAP_CASE_FACTOR times the run's per-case tensor limit (at most
 * MAX_SCALE_ELEMENTS). The per-case limit is sized so that ~50 full-size calls fit the run's time
 * share; a few cases at eight times that size cost about as much as the rest together and are what
 * crosses 2²⁴ elements (float32 index arithmetic, 64 MiB buffers) on any target that moves more than
 * ~20 million elements a second.
 */
export const CAP_CASE_FACTOR = 8;
export const CAP_CASE_SHARE = 10;

export function capLimits(run: ScaleLimits): ScaleLimits {
  return { maxMacs: run.maxMacs, maxTensorElements: Math.min(MAX_SCALE_ELEMENTS, run.maxTensorElements * CAP_CASE_FACTOR) };
}

/** Whether the scale tier runs at all: not with CONVSPEC_TIER=small (the domain before the tiers). */
export const SCALE_TIER_ON = REALISTIC_TIER_ON;

/** The limits scale cases are drawn within right now (set by runClause for one clause), if any. */
export const scaleTier: { current?: ScaleLimits } = {};

/**
 * The limits for a run whose scale cases may reach `maxMacs` multiply-adds and tensors of
 * `maxTensorElements` (default: the generator's default), never above MAX_SCALE_ELEMENTS.
 */
export function scaleLimits(maxMacs: number, maxTensorElements = DEFAULT_SCALE_LIMITS.maxTensorElements): ScaleLimits {
  return { maxMacs, maxTensorElements: Math.min(maxTensorElements, MAX_SCALE_ELEMENTS) };
}

/** `2^27` for 134 217 728: how limits are printed in reports and replay lines. */
export function formatScaleMacs(maxMacs: number): string {
  return maxMacs === 0 ? 'off' : `2^${Math.log2(maxMacs)}`;
}

/**
 * Parses a limit as a flag or CONVSPEC_SCALE_MACS gives it: `2^k`, a power of two written out, or
 * `off` (0: no scale cases). Throws an Error naming what is wrong; `what` names the source.
 */
export function parseScaleMacs(text: string, what = '--scale-macs'): number {
  return parsePowerOfTwo(text, what, MIN_SCALE_MACS, MAX_SCALE_MACS, 'multiply-adds per case', true);
}

/** Parses `--scale-elements` / CONVSPEC_SCALE_ELEMENTS: the largest tensor of a scale case, 2^k elements. */
export function parseScaleElements(text: string, what = '--scale-elements'): number {
  return parsePowerOfTwo(text, what, MIN_SCALE_ELEMENTS, MAX_SCALE_ELEMENTS, 'elements per tensor', false);
}

function parsePowerOfTwo(text: string, what: string, min: number, max: number, unit: string, offAllowed: boolean): number {
  const t = text.trim().toLowerCase();
  if (offAllowed && (t === 'off' || t === '0')) return 0;
  const m = /^2\^(\d{1,2})$/.exec(t);
  const v = m ? 2 ** Number(m[1]) : /^\d{1,16}$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(v) || v <= 0 || 2 ** Math.round(Math.log2(v)) !== v) {
    throw new Error(`${what} ${text}: expected a power of two of ${unit}, as 2^k (e.g. 2^20)${offAllowed ? ', or off' : ''}`);
  }
  if (v < min || v > max) throw new Error(`${what} ${text}: must be from ${formatScaleMacs(min)} to ${formatScaleMacs(max)} ${unit}${offAllowed ? ' (or off)' : ''}`);
  return v;
}

/** The largest power of two at most `v`, within min … max. */
export function quantisePowerOfTwo(v: number, min: number, max: number): number {
  if (!(v >= min)) return min;
  return Math.min(max, 2 ** Math.floor(Math.log2(v)));
}

/** The largest power of two at most `macs`, within MIN_SCALE_MACS … MAX_SCALE_MACS. */
export function quantiseScaleMacs(macs: number): number {
  return quantisePowerOfTwo(macs, MIN_SCALE_MACS, MAX_SCALE_MACS);
}

/** Bytes of the float32 tensors of a case: x, W, b and y. */
export function caseBytes(s: ConvShape): number {
  const { group, inPerGroup, outPerGroup } = s.channels;
  const c = group * inPerGroup;
  const m = group * outPerGroup;
  const k = s.axes.reduce((p, a) => p * a.k, 1);
  const x = s.batch * c * s.axes.reduce((p, a) => p * a.i, 1);
  const w = (s.op === 'Conv' ? m * inPerGroup : c * outPerGroup) * k;
  const o = s.axes.reduce(
    (p, a) => p * (s.op === 'Conv' ? Math.floor((a.i + a.pb + a.pe - a.d * (a.k - 1) - 1) / a.s) + 1 : a.s * (a.i - 1) + a.op + a.d * (a.k - 1) + 1 - a.pb - a.pe),
    1,
  );
  return 4 * (x + w + (s.bias ? m : 0) + s.batch * m * o);
}

/** Thrown when a drawn case would need more memory than MEMORY_CAP_BYTES: convspec's own fault, never a verdict. */
export class MemoryCapError extends Error {
  override readonly name = 'MemoryCapError';
}

/** Returns the shape, or throws MemoryCapError with the sizes when its tensors exceed the cap. */
export function withinMemoryCap(s: ConvShape): ConvShape {
  const bytes = caseBytes(s);
  if (bytes > MEMORY_CAP_BYTES) {
    throw new MemoryCapError(
      `a scale case needs ${(bytes / 2 ** 30).toFixed(2)} GiB of float32 tensors (x, W, b, y), above the ${MEMORY_CAP_BYTES / 2 ** 30} GiB cap per case: ` +
        `${s.op} N=${s.batch} channels ${JSON.stringify(s.channels)} axes ${JSON.stringify(s.axes.map((a) => [a.i, a.k]))}; run with a smaller --scale-macs`,
    );
  }
  return s;
}

/** How the run's scale limit was set: the report's summary.scale. */
export interface ScaleSummary {
  /** Multiply-adds per scale case at most (0: no scale cases), and as printed (`2^27`, `off`). */
  maxMacs: number;
  maxMacsText: string;
  /** Elements per tensor at most, and as printed (`2^22`). */
  maxTensorElements: number;
  maxTensorElementsText: string;
  /** The target's measured throughput on a large 1×1 case, elements of x and y per second (source 'measured'). */
  elementsPerSecond?: number;
  source: 'measured' | 'option' | 'unmeasured' | 'off';
  /** The target's measured speed, multiply-adds per second (source 'measured'). */
  macsPerSecond?: number;
  /** The time per default run the tier's full-size cases were sized to. */
  timeShareSeconds: number;
  /** Why no measurement, or what it ran on. */
  note?: string;
}
