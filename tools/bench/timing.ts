/** Timing helpers for the benchmark: warm-up, then the median of repeated runs. */

export interface TimingOptions {
  /** Fewest calls before measuring (JIT warm-up, session and table caches). Default 3. */
  warmup?: number;
  /** Keep warming up until this many milliseconds passed: V8 moves hot code up its compiler tiers
   *  over hundreds of calls (a tiny convolution ran 2.5× slower after 150 ms than after 1 s). Default 500. */
  warmupMs?: number;
  /** Fewest measured calls. Default 5. */
  minReps?: number;
  /** Most measured calls. Default 25. */
  maxReps?: number;
  /** Keep repeating (up to maxReps) until this many milliseconds were measured. Default 300. */
  minTotalMs?: number;
}

export interface Timing {
  /** Median of the measured figure (CPU or wall, as requested), ms. */
  medianMs: number;
  /** Median wall time, ms. */
  wallMs: number;
  /** Median process CPU time (user + system, all threads), ms. */
  cpuMs: number;
  reps: number;
}

/** Which figure medianMs reports. CPU time is steadier when other processes share the cores. */
export type Clock = 'cpu' | 'wall';
let clock: Clock = 'cpu';
export function setClock(c: Clock): void {
  clock = c;
}

/** Calls per sample so that one sample lasts about 2 ms: the clocks' own cost (a few µs) then stays negligible. */
function batchSize(msPerCall: number): number {
  return Math.max(1, Math.min(1000, Math.round(2 / Math.max(msPerCall, 1e-3))));
}

/**
 * Times `fn` (awaiting it when it returns a promise): wall time and this process's CPU time
 * (process.cpuUsage: user + system over all threads, so ORT's native work counts too). Calls
 * shorter than ~2 ms are timed in batches and divided.
 */
export async function measure(fn: () => unknown, options: TimingOptions = {}): Promise<Timing> {
  const [timing] = await measureInterleaved([fn], { minReps: 5, maxReps: 25, minTotalMs: 300, ...options });
  return timing;
}

export const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Times several functions round-robin (A, B, C, A, B, C, …) after warming each up, so that a
 * ratio between them is taken under the same machine conditions; returns one Timing per function.
 * Defaults as in TimingOptions, except minReps 7, maxReps 41, minTotalMs 600.
 */
export async function measureInterleaved(fns: readonly (() => unknown)[], options: TimingOptions = {}): Promise<Timing[]> {
  const warmup = options.warmup ?? 3;
  const warmupMs = options.warmupMs ?? 500;
  const minReps = options.minReps ?? 7;
  const maxReps = options.maxReps ?? 41;
  const minTotal = options.minTotalMs ?? 600;
  const w0 = performance.now();
  let rounds = 0;
  for (; rounds < warmup || (performance.now() - w0 < warmupMs && rounds < 20000); rounds++) for (const fn of fns) await fn();
  const batch = batchSize((performance.now() - w0) / rounds / fns.length);
  const walls = fns.map((): number[] => []);
  const cpus = fns.map((): number[] => []);
  let total = 0;
  let reps = 0;
  while (reps < minReps || (total < minTotal && reps < maxReps)) {
    for (let f = 0; f < fns.length; f++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) await fns[f]();
      const dt = performance.now() - t0;
      const c = process.cpuUsage(c0);
      walls[f].push(dt / batch);
      cpus[f].push((c.user + c.system) / 1000 / batch);
      total += dt;
    }
    reps++;
  }
  return fns.map((_, f) => {
    const wallMs = median(walls[f]);
    const cpuMs = median(cpus[f]);
    return { medianMs: clock === 'cpu' ? cpuMs : wallMs, wallMs, cpuMs, reps };
  });
}
