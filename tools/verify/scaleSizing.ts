/**
 * How large the scale tier's cases are in one run (issue 26): sized by the target's measured speed,
 * not the reference's — a fast native target gets cases of up to 2³⁰ multiply-adds, a slow one fewer
 * — so that the tier costs about SCALE_TIME_SHARE_S of the target's time per default run. The limit
 * is a power of two (quantiseScaleMacs), printed in the report and in every replay line
 * (`--scale-macs 2^k`), so a replay draws the same cases whatever the machine measures then.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { fillData } from '../../spec/arbitraries/data';
import { formatScaleMacs, quantiseScaleMacs, SCALE_TIER_ON, type ScaleSummary } from '../../spec/arbitraries/scaleTier';
import { unsupportedReason, type Subject } from '../../spec/framework/subject';


/** The target time per default run the scale tier's full-size cases aim at, in seconds. */
export const SCALE_TIME_SHARE_S = 20;
/**
 * Calls of full-size scale cases in a default run: the sampled clauses (numeric.withinBound, both ops,
 * 80 cases each) draw one case in seven from the tier. Other clauses' scale cases are capped at
 * REFERENCE_SCALE_MACS and cost little beside them.
 */
export const SCALE_CALLS_PER_RUN = 24;
/** The limit used when the speed cannot be measured (the target refuses every measuring case). */
export const UNMEASURED_SCALE_MACS = 2 ** 24;
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
export async function measureSpeed(subject: Subject): Promise<{ macsPerSecond?: number; note: string }> {
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
        return { macsPerSecond: macs / seconds, note: `${op}, rank ${rank}, ${probe.macs} multiply-adds per call, ${calls} calls` };
      } catch (e) {
        return { note: `the measuring call (${op}, rank ${rank}) failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
      }
    }
  }
  return { note: 'the target supports none of the measuring cases (Conv or ConvTranspose, 32 channels, no groups, stride 1)' };
}

/** The largest power of two of multiply-adds that keeps SCALE_CALLS_PER_RUN calls within SCALE_TIME_SHARE_S. */
export function scaleMacsForSpeed(macsPerSecond: number): number {
  return quantiseScaleMacs((macsPerSecond * SCALE_TIME_SHARE_S) / SCALE_CALLS_PER_RUN);
}

/**
 * The run's scale limit: `given` (a flag or CONVSPEC_SCALE_MACS; 0 is off) when set, none when the
 * tier is off (CONVSPEC_TIER=small), else from the target's measured speed.
 */
export async function decideScale(subject: Subject | undefined, given: number | undefined): Promise<ScaleSummary> {
  const base = { timeShareSeconds: SCALE_TIME_SHARE_S };
  if (!SCALE_TIER_ON) return { ...base, maxMacs: 0, maxMacsText: 'off', source: 'off', note: 'CONVSPEC_TIER=small' };
  if (given !== undefined) return { ...base, maxMacs: given, maxMacsText: formatScaleMacs(given), source: given === 0 ? 'off' : 'option' };
  const measured = subject ? await measureSpeed(subject) : { note: 'no target to measure' };
  if (measured.macsPerSecond === undefined || !(measured.macsPerSecond > 0)) {
    return { ...base, maxMacs: UNMEASURED_SCALE_MACS, maxMacsText: formatScaleMacs(UNMEASURED_SCALE_MACS), source: 'unmeasured', note: measured.note };
  }
  const maxMacs = scaleMacsForSpeed(measured.macsPerSecond);
  return { ...base, maxMacs, maxMacsText: formatScaleMacs(maxMacs), source: 'measured', macsPerSecond: Math.round(measured.macsPerSecond), note: measured.note };
}
