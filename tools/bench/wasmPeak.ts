/**
 * The WebAssembly float64 multiply-add peak, measured in the benchmark's own run (so the same
 * machine conditions as the figures it is compared with): the hand-made kernel of wasm/peak.ts,
 * eight independent f64x2 mul+add chains, compiled at build time into peakWasm.ts.
 */
import { WASM_BASE64 } from './peakWasm';
import { measure } from './timing';

interface PeakExports {
  memory: { buffer: ArrayBuffer };
  peak(m: number, steps: number, out: number): void;
}

/** Steps per call: 32·2¹⁸ ≈ 8.4 MFLOP, a few hundred microseconds. */
const STEPS = 1 << 18;

export interface Peak {
  gflops: number;
  /** The accumulators' sum, checked against its closed form so a miscompiled kernel cannot pass. */
  checked: boolean;
}

export interface PeakKernel {
  /** One call: FLOPS floating-point operations. */
  run(): void;
  /** The accumulators' sum equals its closed form (so a miscompiled kernel cannot pass). */
  check(): boolean;
}

/** Floating-point operations of one PeakKernel.run(). */
export const PEAK_FLOPS = 32 * STEPS;

export function peakKernel(): PeakKernel {
  const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
  const api = (globalThis as unknown as { WebAssembly: { Instance: new (m: object) => { exports: unknown }; Module: new (b: Uint8Array) => object } }).WebAssembly;
  const k = new api.Instance(new api.Module(bytes)).exports as PeakExports;
  // multiplicands 1…8 and constants 1 and 2: every sum is an exact integer, so the result is checkable
  const m = new Float64Array(k.memory.buffer, 0, 132);
  for (let i = 0; i < 128; i++) m[i] = (i % 8) + 1;
  m.set([1, 1, 2, 2], 128);
  const out = 2048;
  return {
    run: () => k.peak(0, STEPS, out),
    check() {
      k.peak(0, STEPS, out);
      const lanes = new Float64Array(k.memory.buffer, out, 2);
      return lanes[0] === expectedLane(0) && lanes[1] === expectedLane(1);
    },
  };
}

/** Median GFLOP/s of the peak kernel alone (the clock of timing.ts: CPU or wall). */
export async function measureWasmPeak(kernel = peakKernel()): Promise<Peak> {
  const t = await measure(() => kernel.run(), { warmupMs: 300 });
  return { gflops: PEAK_FLOPS / (t.medianMs * 1e6), checked: kernel.check() };
}

/** Σ over steps and the eight chains of lane `lane`: Σ m·c, m cycling over 16 groups of 8 doubles. */
function expectedLane(lane: number): number {
  let perCycle = 0; // one pass over the 16 groups
  for (let group = 0; group < 16; group++) {
    for (let v = 0; v < 4; v++) {
      const mv = ((group * 8 + v * 2 + lane) % 8) + 1;
      perCycle += mv * 1 + mv * 2; // times c0 (lanes 1, 1) and c1 (lanes 2, 2)
    }
  }
  return (perCycle * STEPS) / 16;
}
