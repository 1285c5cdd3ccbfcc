/**
 * The float32 bound at long reductions (issue 26: it must hold, without false alarms, for reductions
 * of 10⁵ products). A few cases with at least 10⁵ products per output — a 3×3 kernel over 11 112
 * channels, a 1-D kernel of 10 over 10 000 channels, a 1×1 kernel over 10⁵ channels (a GEMM path), a
 * ConvTranspose over 10⁵ channels — with small spatial sizes, filled with signed values (sums that
 * cancel), positive values (no cancellation: the error relative to the magnitude shows) and a
 * "swamping" pattern (one product of 1 first, then 10⁵ products just under half an ulp of 1, which a
 * sequential float32 sum drops every one of: the order where the bound is nearly tight).
 *
 *   npx tsc -p tsconfig.build.json && node dist/tools/bench/longReduction.js [--targets ort,numpy,torch,tfjs-cpu]
 *
 * Prints, per target and case, the largest and the median |error|/bound over the output (≤ 1 passes),
 * each target through its bundled adapter (openTarget), judged against the float64 reference.
 * tools/bench/test/longReduction.test.ts runs the same cases on convspec's own correct float32
 * variants (sequential, fused multiply-add, pairwise, shape-chosen paths) without any runtime.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { elementRatio } from '../../spec/framework/compare';
import { expectedWithBound } from '../../spec/tolerance';
import { openTarget } from '../verify/openTarget';

export type Fill = 'signed' | 'positive' | 'swamping';

export interface LongCase {
  name: string;
  op: OpName;
  x: number[];
  w: number[];
  attrs: ConvTransposeAttributes;
  /** Products per output: (C/group)·Πk. */
  products: number;
}

export const LONG_CASES: readonly LongCase[] = [
  { name: 'conv2d 11112 ch 3×3, 4×4 map', op: 'Conv', x: [1, 11112, 4, 4], w: [2, 11112, 3, 3], attrs: {}, products: 11112 * 9 },
  { name: 'conv1d 10000 ch k10, length 12', op: 'Conv', x: [1, 10000, 12], w: [2, 10000, 10], attrs: {}, products: 10000 * 10 },
  { name: 'conv2d 1×1 100000 ch, 2×2 map', op: 'Conv', x: [1, 100000, 2, 2], w: [2, 100000, 1, 1], attrs: {}, products: 100000 },
  { name: 'convT1d 100000 ch k1, length 4', op: 'ConvTranspose', x: [1, 100000, 4], w: [100000, 2, 1], attrs: {}, products: 100000 },
];

export const FILLS: readonly Fill[] = ['signed', 'positive', 'swamping'];

/** Deterministic values in [0, 1) (Park–Miller), the same on every machine. */
function uniform(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/**
 * X and W of a case. 'swamping': x[0, 0, first position] = 1 and the weights joining input channel 0
 * to every output channel at the first tap are 1; every other x is 2⁻¹² and every other w
 * 2⁻¹²·(1 − 2⁻¹⁰). The first product of each output at position 0 is 1 and its others are just under
 * 2⁻²⁴, half an ulp of 1: a sequential float32 sum that starts there rounds each one away.
 */
export function longCaseInputs(c: LongCase, fill: Fill): { x: Tensor; w: Tensor } {
  const next = uniform(fill === 'signed' ? 12345 : 54321);
  const make = (dims: number[], value: (i: number) => number): Tensor => ({ dims, data: Float32Array.from({ length: dims.reduce((a, d) => a * d, 1) }, (_, i) => value(i)) });
  if (fill === 'swamping') {
    // Conv W is [M, C, k…]: the first tap of channel 0 for every m. ConvTranspose W is [C, M, k…]: channel 0's.
    const perFirst = c.w.slice(1).reduce((a, d) => a * d, 1);
    const big = c.op === 'Conv' ? (i: number) => i % perFirst === 0 : (i: number) => i < perFirst;
    return {
      x: make(c.x, (i) => (i === 0 ? 1 : 2 ** -12)),
      w: make(c.w, (i) => (big(i) ? 1 : 2 ** -12 * (1 - 2 ** -10))),
    };
  }
  const value = fill === 'signed' ? () => next() * 2 - 1 : () => 1 - next();
  return { x: make(c.x, value), w: make(c.w, value) };
}

/** Largest and median |error|/bound of `actual` against the float64 reference with the float32 bound. */
export function boundRatios(c: LongCase, x: Tensor, w: Tensor, actual: Tensor): { max: number; median: number } {
  const e = expectedWithBound(c.op, x, w, undefined, c.attrs);
  if (actual.data.length !== e.y64.length) throw new Error(`${c.name}: ${actual.data.length} outputs, expected ${e.y64.length}`);
  const ratios = Array.from(e.y64, (y, i) => elementRatio(actual.data[i], y, e.bound[i], e.mayOverflow?.[i] === 1)).sort((a, b) => a - b);
  return { max: ratios[ratios.length - 1], median: ratios[(ratios.length - 1) >> 1] };
}

async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('--targets');
  const targets = (i >= 0 ? argv[i + 1] : 'ort,ort-optimized,numpy,torch,tfjs-cpu').split(',');
  let worst = 0;
  for (const name of targets) {
    const subject = await openTarget({ kind: 'named', name }, { timeoutMs: 120_000, log: () => undefined });
    try {
      for (const c of LONG_CASES) {
        for (const fill of FILLS) {
          const { x, w } = longCaseInputs(c, fill);
          const started = Date.now();
          const y = await subject.run(c.op, x, w, undefined, c.attrs);
          const ms = Date.now() - started;
          const r = boundRatios(c, x, w, y);
          worst = Math.max(worst, r.max);
          process.stdout.write(`${name}\t${c.name}\t${fill}\tK=${c.products}\tmax ${r.max.toPrecision(3)}\tmedian ${r.median.toPrecision(3)}\t${ms} ms\n`);
        }
      }
    } finally {
      await subject.close();
    }
  }
  process.stdout.write(`worst |error|/bound over every target and case: ${worst.toPrecision(3)} (≤ 1 passes)\n`);
  return worst <= 1 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`longReduction: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
