/**
 * The WebAssembly float64 multiply-add peak the benchmark measures the reference against
 * (AssemblyScript, compiled by tools/build/wasmKernels.mjs into tools/bench/peakWasm.ts).
 *
 * The same instructions as the reference's GEMM (f64x2.mul then f64x2.add, no fused or relaxed
 * SIMD), but nothing else in the way: eight independent accumulator chains (enough to hide the
 * add latency on two add pipes), multiplicands re-loaded each step from a 1 KiB buffer (in L1)
 * (so the compiler cannot hoist the products out of the loop; loads are not the limit: one per two
 * multiply-adds), no stores until the end.
 */

/**
 * 8·steps f64x2 multiply-adds (32·steps floating-point operations); m: 1 KiB of f64 multiplicands,
 * then the two f64x2 constants (1056 bytes in all);
 * out: where the eight accumulators' sum goes (so the work is observable).
 */
export function peak(m: usize, steps: u32, out: usize): void {
  const c0 = v128.load(m, 1024);
  const c1 = v128.load(m, 1040);
  let acc0 = f64x2.splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
  let offset: usize = 0;
  for (let i: u32 = 0; i < steps; i++) {
    const p = m + offset;
    const m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32), m3 = v128.load(p, 48);
    acc0 = f64x2.add(acc0, f64x2.mul(m0, c0));
    acc1 = f64x2.add(acc1, f64x2.mul(m0, c1));
    acc2 = f64x2.add(acc2, f64x2.mul(m1, c0));
    acc3 = f64x2.add(acc3, f64x2.mul(m1, c1));
    acc4 = f64x2.add(acc4, f64x2.mul(m2, c0));
    acc5 = f64x2.add(acc5, f64x2.mul(m2, c1));
    acc6 = f64x2.add(acc6, f64x2.mul(m3, c0));
    acc7 = f64x2.add(acc7, f64x2.mul(m3, c1));
    offset = (offset + 64) & 1023; // cycle through the first 1 KiB (16 groups of four)
  }
  const sum = f64x2.add(f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3)), f64x2.add(f64x2.add(acc4, acc5), f64x2.add(acc6, acc7)));
  v128.store(out, sum);
}
