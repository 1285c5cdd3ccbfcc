/** Timing helpers for the benchmark: warm-up, then the median of repeated runs. */

export interface TimingOptions {
  /** Calls before measuring (JIT warm-up, session and table caches). Default 2. */
  warmup?: number;
  /** Fewest measured calls. Default 5. */
  minReps?: number;
  /** Most measured calls. Default 25. */
  maxReps?: number;
  /** Keep repeating (up to maxReps) until this many milliseconds were measured. Default 300. */
  minTotalMs?: number;
}

export interface Timing {
  medianMs: number;
  reps: number;
}

/** Median wall time of `fn` in milliseconds (awaits it when it returns a promise). */
export async function measure(fn: () => unknown, options: TimingOptions = {}): Promise<Timing> {
  const warmup = options.warmup ?? 2;
  const minReps = options.minReps ?? 5;
  const maxReps = options.maxReps ?? 25;
  const minTotal = options.minTotalMs ?? 300;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  let total = 0;
  while (times.length < minReps || (total < minTotal && times.length < maxReps)) {
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { medianMs, reps: times.length };
}

export const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
