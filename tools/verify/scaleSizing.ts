/**
 * How large the scale tier's cases are in one run (issue 26): sized by the target's measured speed,
 * not the reference's — a fast native target gets cases of up to 2³⁰ multiply-adds, a slow one fewer
 * — so that the tier costs about SCALE_TIME_SHARE_S of the target's time per default run. The limit
 * is a power of two (quantiseScaleMacs), printed in the report and in every replay line
 * (`--scale-macs 2^k`), so a replay draws the same cases whatever the machine measures then.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { fillData } from '../../spec/arbitraries/data';
import {
  formatScaleMacs, MAX_SCALE_ELEMENTS, MIN_SCALE_ELEMENTS, quantisePowerOfTwo, quantiseScaleMacs, SCALE_TIER_ON, type ScaleSummary,
} from '../../spec/arbitraries/scaleTier';
import { DEFAULT_SCALE_LIMITS } from '../../spec/arbitraries/scale';
import { unsupportedReason, type Subject } from '../../spec/framework/subject';


/** The target time per default run the scale tier's full-size cases aim at, in seconds. */
export const SCALE_TIME_SHARE_S = 30;
/**
 * What the tier's cases of a default run cost, in calls of full-size cases: the sampled clauses
 * (numeric.withinBound, both ops, 80 cases each, two in fifteen from the tier) make about 24; the ~20
 * full-reference clauses make about 400 calls at an eighth of the size (REFERENCE_SCALE_SHARE); the
 * two atScale clauses the rest. Measured on the 2-core machine (ORT and the float32 loop adapter,
 * under load) with 24 here, the tier cost about twice its share, and 48 for 20 s made the stated
 * share the real one with atScale at 30 cases; at 60 cases the share is 30 s, for 72 calls, so each
 * case keeps the size it had (30 / 72 = 20 / 48).
 */
export const SCALE_CALLS_PER_RUN = 72;
/** The limits used when the speed cannot be measured (the target refuses every measuring case). */
export const UNMEASURED_SCALE_MACS = 2 ** 24;
export const UNMEASURED_SCALE_ELEMENTS = 2 ** 20;
/** The tensor-size probe: a 1×1 convolution of one channel over this many elements. */
const ELEMENT_PROBE = 2 ** 20;
/** Measuring stops after this long (seconds of target time) or MAX_MEASURE_CALLS calls. */
const MEASURE_SECONDS = 0.3;
const MAX_MEASURE_CALLS = 6;

/** The measuring case for `op` at spatial rank `rank`: 32 → 32 channels, 3-wide kernel, about 10⁷ multiply-adds. */
function measuringCase(op: OpName, rank: number, scale: number): { x: Tensor; w: Tensor; attrs: ConvTransposeAttributes; macs: number } {
  const k = rank === 1 ? 9 : 3;
  const side = Math.round((rank === 1 ? 1024 : rank === 2 ? 32 : 10) * scale ** (1 / rank));
  const c = 32;
  const m = 32;
  const spatial = new Array<number>(rank).fill(side);
  const kernel = new Array<number>(rank).fill(k);
  const x: Tensor = { dims: [1, c, ...spatial], data: fillData(c * side ** rank, 1) };
  const w: Tensor = { dims: op === 'Conv' ? [m, c, ...kernel] : [c, m, ...kernel], data: fillData(c * m * k ** rank, 2) };
  const outSide = op === 'Conv' ? side - k + 1 : side + k - 1;
  const macs = op === 'Conv' ? m * outSide ** rank * c * k ** rank : c * side ** rank * m * k ** rank;
  return { x, w, attrs: { kernel_shape: kernel }, macs };
}

/**
 * Measures the target's multiply-adds per second on a plain convolution (Conv, else ConvTranspose,
 * at a spatial rank it declares): one warm-up call, then timed calls (the case grown until a call
 * takes 20 ms) for about MEASURE_SECONDS. Undefined with the reason when no measuring case is
 * supported or a call fails (the clauses then report the failure themselves).
 */
export async function measureSpeed(subject: Subject): Promise<{ macsPerSecond?: number; elementsPerSecond?: number; note: string }> {
  const ops: OpName[] = ['Conv', 'ConvTranspose'];
  for (const op of ops) {
    for (const rank of [2, 1, 3]) {
      let probe = measuringCase(op, rank, 1);
      if (unsupportedReason(subject.supports, op, probe.x.dims, undefined, probe.attrs)) continue;
      try {
        await subject.run(op, probe.x, probe.w, undefined, probe.attrs);
        let calls = 0;
        let seconds = 0;
        let macs = 0;
        for (let scale = 1; calls < MAX_MEASURE_CALLS && seconds < MEASURE_SECONDS; ) {
          const t0 = performance.now();
          await subject.run(op, probe.x, probe.w, undefined, probe.attrs);
          const dt = (performance.now() - t0) / 1000;
          calls++;
          seconds += dt;
          macs += probe.macs;
          // Too fast to time well: a larger case (up to 64 × ~10⁷ multiply-adds).
          if (dt < 0.02 && scale < 64) {
            scale *= 4;
            probe = measuringCase(op, rank, scale);
            await subject.run(op, probe.x, probe.w, undefined, probe.attrs);
            calls = 0;
            seconds = 0;
            macs = 0;
          }
        }
        const elementsPerSecond = await measureThroughput(subject, op, rank);
        return { macsPerSecond: macs / seconds, elementsPerSecond, note: `${op}, rank ${rank}, ${probe.macs} multiply-adds per call, ${calls} calls; 1×1 probe of ${ELEMENT_PROBE} elements` };
      } catch (e) {
        return { note: `the measuring call (${op}, rank ${rank}) failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
      }
    }
  }
  return { note: 'the target supports none of the measuring cases (Conv or ConvTranspose, 32 channels, no groups, stride 1)' };
}

/**
 * Elements of x and y per second through the target on a 1×1 convolution of one channel over
 * ELEMENT_PROBE elements (the best of two timed calls after a warm-up): what moving large tensors
 * costs, whatever the arithmetic — a target behind a process or browser boundary pays it per case.
 */
async function measureThroughput(subject: Subject, op: OpName, rank: number): Promise<number> {
  const side = Math.round(ELEMENT_PROBE ** (1 / rank));
  const n = side ** rank;
  const x: Tensor = { dims: [1, 1, ...new Array<number>(rank).fill(side)], data: fillData(n, 3) };
  const w: Tensor = { dims: [1, 1, ...new Array<number>(rank).fill(1)], data: Float32Array.of(0.5) };
  const attrs = { kernel_shape: new Array<number>(rank).fill(1) };
  await subject.run(op, x, w, undefined, attrs);
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    await subject.run(op, x, w, undefined, attrs);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return (2 * n) / best;
}

/** The largest power of two of multiply-adds that keeps SCALE_CALLS_PER_RUN calls within SCALE_TIME_SHARE_S. */
export function scaleMacsForSpeed(macsPerSecond: number): number {
  return quantiseScaleMacs((macsPerSecond * SCALE_TIME_SHARE_S) / SCALE_CALLS_PER_RUN);
}

/**
 * The largest power of two of elements per tensor that keeps one full-size case's tensors (x and y,
 * each at most this) within its share of SCALE_TIME_SHARE_S. The share is wall time under the default
 * two jobs: counted in clause time the tier costs about twice it where the element limit sets the
 * cost (the bundled ONNX Runtime adapter, 12.2 M elements/s, 2^21: its two atScale clauses 31.5 +
 * 29.8 s, run at once; 2026-12-07). Sizing them to 30 s of clause time (about 360 passes of a
 * full-size tensor, to the nearest power of two) gave 2^20 there and cut a default verify from 50 to
 * 30–34 s, but the kill table then lost two mutants whose bugs need tensors past 2^24 elements
 * (scale-float32-flat-index, scale2-mul24-item-offset: the JavaScript mutants drew 2^21 and 2^22
 * elements where this sizing gives them 2^22 and 2^23), so the reach was kept.
 */
export function scaleElementsForThroughput(elementsPerSecond: number): number {
  return quantisePowerOfTwo((elementsPerSecond * SCALE_TIME_SHARE_S) / SCALE_CALLS_PER_RUN / 2, MIN_SCALE_ELEMENTS, Math.min(MAX_SCALE_ELEMENTS, DEFAULT_SCALE_LIMITS.maxTensorElements));
}

/** What a run was asked: multiply-adds (0: off) and elements per tensor, each undefined when not given. */
export interface ScaleRequest {
  maxMacs?: number;
  maxTensorElements?: number;
}

/**
 * The run's scale limits: those given (flags, CONVSPEC_SCALE_MACS / CONVSPEC_SCALE_ELEMENTS; 0 MACs
 * is off), none when the tier is off (CONVSPEC_TIER=small), the rest from the target's measured
 * speed and throughput (measured only when something is not given).
 */
export async function decideScale(subject: Subject | undefined, given: ScaleRequest = {}): Promise<ScaleSummary> {
  const summary = (maxMacs: number, maxTensorElements: number, source: ScaleSummary['source'], extra: Partial<ScaleSummary> = {}): ScaleSummary => ({
    maxMacs, maxMacsText: formatScaleMacs(maxMacs), maxTensorElements, maxTensorElementsText: formatScaleMacs(maxTensorElements), source, timeShareSeconds: SCALE_TIME_SHARE_S, ...extra,
  });
  if (!SCALE_TIER_ON) return summary(0, 0, 'off', { note: 'CONVSPEC_TIER=small' });
  if (given.maxMacs === 0) return summary(0, 0, 'off');
  if (given.maxMacs !== undefined && given.maxTensorElements !== undefined) return summary(given.maxMacs, given.maxTensorElements, 'option');
  const measured = subject ? await measureSpeed(subject) : { note: 'no target to measure' } as Awaited<ReturnType<typeof measureSpeed>>;
  if (!(measured.macsPerSecond! > 0) || !(measured.elementsPerSecond! > 0)) {
    return summary(given.maxMacs ?? UNMEASURED_SCALE_MACS, given.maxTensorElements ?? UNMEASURED_SCALE_ELEMENTS, given.maxMacs !== undefined || given.maxTensorElements !== undefined ? 'option' : 'unmeasured', { note: measured.note });
  }
  return summary(given.maxMacs ?? scaleMacsForSpeed(measured.macsPerSecond!), given.maxTensorElements ?? scaleElementsForThroughput(measured.elementsPerSecond!), 'measured', {
    macsPerSecond: Math.round(measured.macsPerSecond!),
    elementsPerSecond: Math.round(measured.elementsPerSecond!),
    note: measured.note,
  });
}
