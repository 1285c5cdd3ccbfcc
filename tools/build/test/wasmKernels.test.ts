/**
 * The build step of the WebAssembly kernels: every generated module was compiled from the source
 * as it is now (a stale module would test and ship old kernels), and the benchmark's peak kernel
 * computes what its loop says (its GFLOP/s would otherwise measure something else).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WASM_BASE64 } from '../../bench/peakWasm';
// @ts-expect-error plain-JavaScript build script without type declarations
import { keyOf, TARGETS } from '../wasmKernels.mjs';

describe('tools/build/wasmKernels.mjs', () => {
  for (const { source, output } of TARGETS as { source: string; output: string }[]) {
    it(`${output.replace(/.*\/(impl|tools)\//, '$1/')} is compiled from the current ${source.replace(/.*\/(impl|tools)\//, '$1/')}`, () => {
      expect(readFileSync(output, 'utf8')).toContain(`WASM_KEY = '${keyOf(source)}'`);
    });
  }

  it('the peak kernel sums Σ m·c over its eight chains exactly (small integers, so the sum is exact)', () => {
    const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
    // the project's TypeScript lib has no WebAssembly types
    const api = (globalThis as unknown as { WebAssembly: { Instance: new (m: object) => { exports: unknown }; Module: new (b: Uint8Array) => object } }).WebAssembly;
    const k = new api.Instance(new api.Module(bytes)).exports as { memory: { buffer: ArrayBuffer }; peak(m: number, steps: number, out: number): void };
    const m = new Float64Array(k.memory.buffer, 0, 132);
    for (let i = 0; i < 128; i++) m[i] = (i * 5) % 7; // multiplicands
    m.set([3, -1, 2, 5], 128); // c0 = (3, −1), c1 = (2, 5)
    const steps = 37; // not a multiple of the 16 groups the offset cycles through
    k.peak(0, steps, 2048);
    const expected = [0, 0];
    for (let step = 0; step < steps; step++) {
      const base = (step % 16) * 8;
      for (let v = 0; v < 4; v++) for (let lane = 0; lane < 2; lane++) expected[lane] += m[base + 2 * v + lane] * (m[128 + lane] + m[130 + lane]);
    }
    expect(Array.from(new Float64Array(k.memory.buffer, 2048, 2))).toEqual(expected);
  });
});
