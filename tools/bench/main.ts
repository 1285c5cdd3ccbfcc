/**
 * `npm run bench` (node dist/tools/bench/main.js; needs `npm run build` first): times the reference
 * (fast exact path) against the direct float64 definition, ONNX Runtime (onnxruntime-node, 1 intra-op
 * thread, optimisation disabled), onnxruntime-web's WebAssembly kernels (1 thread, SIMD128) and
 * tfjs-backend-cpu over the fixed shape set of shapes.ts; measures the WebAssembly f64x2 multiply-add
 * peak in the same run; prints the ratios the performance goals are stated in, GFLOP/s and its
 * fraction of that peak, the tolerance bound pass against the main pass, and peak RSS. `--e2e` adds
 * the end-to-end figures (test suite, verify, fixture generation).
 *
 * A benchmark, not a test: nothing here asserts a time. Each figure is the median of several runs
 * after warm-up; every implementation's result is checked against the reference's bound once, so a
 * fast wrong answer cannot pass as a figure.
 */
import { Command } from 'commander';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { directKernels, reference, runReference } from '../../impl/reference';
import { product, resolve } from '../../impl/resolve';
import type { Tensor } from '../../impl/types';
import { findMismatch } from '../../spec/framework/compare';
import { expectedWithBound } from '../../spec/tolerance';
import { createOnnxRuntime, ORT_VERSION } from '../adapters/onnxruntime';
import { endToEnd } from './e2e';
import { initOrtWeb, ORT_WEB_VERSION, prepareOrtWeb } from './ortWeb';
import { BENCH_SHAPES, PEER_GOAL_SHAPES, type BenchShape } from './shapes';
import { initTfjs, prepareTfjs, TFJS_VERSION } from './tfjs';
import { measure, measureInterleaved, median, setClock, type Clock } from './timing';
import { measureWasmPeak, PEAK_FLOPS, peakKernel, type PeakKernel } from './wasmPeak';

interface Row {
  shape: BenchShape;
  mflop: number;
  refMs: number;
  refWallMs: number;
  /** The WebAssembly f64x2 peak, GFLOP/s, timed round-robin with the reference on this shape. */
  peakGflops: number;
  ortWallMs?: number;
  directMs?: number;
  ortMs?: number;
  /** onnxruntime-web, WebAssembly EP. */
  webMs?: number;
  tfjsMs?: number;
  tfjsNote?: string;
  /** runReference (validation + fast kernels + rounding to float32). */
  mainMs: number;
  /** expectedWithBound − main: what the tolerance bound adds (magnitude lane, γ loop). */
  boundMs: number;
  checks: string[];
}

/** Seeded float32 data in [−1, 1) (mulberry32), so every run times the same numbers. */
function data(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    a[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return a;
}

/**
 * A shape whose work is mostly the GEMM micro-kernel: at least 64 deep (Conv: C/g·Πk; ConvTranspose:
 * C/g), at least 32 rows (Conv: M/g; ConvTranspose: M/g·Πk) and 10 MFLOP. The goal "≥ 70 % of the
 * WebAssembly f64 peak" is stated for these; elsewhere gathers, scatters and validation dominate.
 */
function gemmHeavy(shape: BenchShape, mflop: number): boolean {
  const g = resolve(shape.op, shape.x, shape.w, shape.attrs);
  const k = product(g.kernel);
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const [depth, rows] = g.op === 'Conv' ? [cg * k, mg] : [cg, mg * k];
  return depth >= 64 && rows >= 32 && mflop >= 10;
}

/** Nominal multiply-adds: outputs × (C/g)·Πk for Conv, inputs × (M/g)·Πk for ConvTranspose. */
function macs(shape: BenchShape): number {
  const g = resolve(shape.op, shape.x, shape.w, shape.attrs);
  const k = product(g.kernel);
  return g.op === 'Conv'
    ? product(g.outputDims) * (g.inChannels / g.group) * k
    : product(g.inputDims) * (g.outChannels / g.group) * k;
}

/**
 * One untimed call of every timed path on every shape first: V8 compiles hot functions on other
 * threads, and that CPU time would otherwise be charged to whichever shapes come first.
 */
async function warmUp(shapes: readonly BenchShape[], ort: ReturnType<typeof createOnnxRuntime>): Promise<void> {
  for (const shape of shapes) {
    const x: Tensor = { dims: shape.x, data: data(product(shape.x), 1) };
    const w: Tensor = { dims: shape.w, data: data(product(shape.w), 2) };
    const g = resolve(shape.op, shape.x, shape.w, shape.attrs);
    const b: Tensor | undefined = shape.bias ? { dims: [g.outChannels], data: data(g.outChannels, 3) } : undefined;
    for (let i = 0; i < 3; i++) {
      await (shape.op === 'Conv' ? reference.conv! : reference.convTranspose!)(x, w, b, shape.attrs);
      expectedWithBound(shape.op, x, w, b, shape.attrs);
    }
    await ort.run(shape.op, x, w, b, shape.attrs).catch(() => undefined);
    const web = await prepareOrtWeb(shape.op, x, w, b, shape.attrs).catch(() => undefined);
    await web?.run().catch(() => undefined);
    await web?.release();
    const tc = prepareTfjs(g, x, w, b);
    if (typeof tc !== 'string') {
      tc.run().dispose();
      tc.dispose();
    }
  }
}

async function benchShape(shape: BenchShape, ort: ReturnType<typeof createOnnxRuntime>, withDirect: boolean, peak: PeakKernel): Promise<Row> {
  const x: Tensor = { dims: shape.x, data: data(product(shape.x), 1) };
  const w: Tensor = { dims: shape.w, data: data(product(shape.w), 2) };
  const g = resolve(shape.op, shape.x, shape.w, shape.attrs);
  const b: Tensor | undefined = shape.bias ? { dims: [g.outChannels], data: data(g.outChannels, 3) } : undefined;
  const call = shape.op === 'Conv' ? reference.conv! : reference.convTranspose!;
  const checks: string[] = [];
  const expected = expectedWithBound(shape.op, x, w, b, shape.attrs);
  const judge = (who: string, y: Tensor): void => {
    const m = findMismatch(y, expected);
    if (m) checks.push(`${who}: ${m.message}`);
  };

  judge('reference', (await call(x, w, b, shape.attrs)) as Tensor);
  // the reference, onnxruntime-web and the WebAssembly peak timed round-robin: the goals are their
  // ratios, and on a shared machine only interleaving puts all three under the same load
  let web: Awaited<ReturnType<typeof prepareOrtWeb>> | undefined;
  try {
    web = await prepareOrtWeb(shape.op, x, w, b, shape.attrs);
    judge('ORT-web', await web.run());
  } catch (e) {
    checks.push(`ORT-web: ${(e as Error).message}`);
    await web?.release();
    web = undefined;
  }
  const timed = await measureInterleaved(
    [() => call(x, w, b, shape.attrs), () => peak.run(), ...(web ? [() => web!.run()] : [])],
    { minReps: 5, maxReps: 25, minTotalMs: 600 },
  );
  const [refTiming, peakTiming, webTiming] = timed;
  await web?.release();
  const webMs = webTiming?.medianMs;
  // main and expectedWithBound timed round-robin: their difference is the bound pass
  const [mainT, fullT] = await measureInterleaved([
    () => runReference(shape.op, x, w, b, shape.attrs),
    () => expectedWithBound(shape.op, x, w, b, shape.attrs),
  ]);
  const mainMs = mainT.medianMs;
  const fullMs = fullT.medianMs;

  let directMs: number | undefined;
  if (withDirect) {
    judge('direct', runReference(shape.op, x, w, b, shape.attrs, { kernels: directKernels }).y);
    directMs = (await measure(() => runReference(shape.op, x, w, b, shape.attrs, { kernels: directKernels }), { warmup: 1, warmupMs: 0, minReps: 3, maxReps: 9 })).medianMs;
  }

  let ortMs: number | undefined;
  let ortWallMs: number | undefined;
  try {
    judge('ORT', await ort.run(shape.op, x, w, b, shape.attrs));
    const t = await measure(() => ort.run(shape.op, x, w, b, shape.attrs));
    ortMs = t.medianMs;
    ortWallMs = t.wallMs;
  } catch (e) {
    checks.push(`ORT: ${(e as Error).message}`);
  }

  let tfjsMs: number | undefined;
  let tfjsNote: string | undefined;
  const tc = prepareTfjs(g, x, w, b);
  if (typeof tc === 'string') {
    tfjsNote = tc;
  } else {
    const y = tc.run();
    judge('tfjs', { dims: g.outputDims, data: tc.toOnnxLayout(y) });
    y.dispose();
    tfjsMs = (await measure(() => {
      const r = tc.run();
      r.dataSync();
      r.dispose();
    })).medianMs;
    tc.dispose();
  }
  return { shape, mflop: (2 * macs(shape)) / 1e6, refMs: refTiming.medianMs, refWallMs: refTiming.wallMs, peakGflops: PEAK_FLOPS / (peakTiming.medianMs * 1e6), ortWallMs, directMs, ortMs, webMs, tfjsMs, tfjsNote, mainMs, boundMs: fullMs - mainMs, checks };
}

/** Fixed digits, one more below 1 and two more below 0.1, so microsecond figures keep three significant digits. */
const fmt = (v: number | undefined, digits = 2): string =>
  v === undefined ? '—' : v.toFixed(Math.abs(v) < 0.1 && digits === 2 ? 4 : Math.abs(v) < 1 && digits === 2 ? 3 : digits);

function printTable(rows: Row[]): void {
  const header = ['shape', 'MFLOP', 'ref ms', 'GFLOP/s', '% peak', 'direct ms', 'ORT ms', 'web ms', 'ref/web', 'tfjs ms', 'tfjs/ref', 'ref/ORT', 'main ms', 'bound ms', 'bound/main', 'ref wall', 'ORT wall'];
  const lines = rows.map((r) => [
    r.shape.name + (PEER_GOAL_SHAPES.includes(r.shape.name) ? ' *' : '') + (gemmHeavy(r.shape, r.mflop) ? ' G' : ''),
    fmt(r.mflop, 1),
    fmt(r.refMs),
    fmt(r.mflop / r.refMs, 2),
    ((100 * r.mflop) / r.refMs / r.peakGflops).toFixed(0) + ' %',
    fmt(r.directMs),
    fmt(r.ortMs),
    fmt(r.webMs),
    r.webMs === undefined ? '—' : fmt(r.refMs / r.webMs, 2) + '×',
    r.tfjsMs === undefined ? 'n/a' : fmt(r.tfjsMs),
    r.tfjsMs === undefined ? 'n/a' : fmt(r.tfjsMs / r.refMs, 1) + '×',
    r.ortMs === undefined ? '—' : fmt(r.refMs / r.ortMs, 1) + '×',
    fmt(r.mainMs),
    fmt(r.boundMs),
    fmt(r.boundMs / r.mainMs, 2),
    fmt(r.refWallMs),
    fmt(r.ortWallMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

function printGoals(rows: Row[]): void {
  const withTfjs = rows.filter((r) => r.tfjsMs !== undefined);
  const worstTfjs = withTfjs.reduce((a, r) => (r.tfjsMs! / r.refMs < a.tfjsMs! / a.refMs ? r : a), withTfjs[0]);
  const ortRatios = rows.filter((r) => r.ortMs !== undefined).map((r) => r.refMs / r.ortMs!);
  const boundRatios = rows.map((r) => r.boundMs / r.mainMs);
  const verdict = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');
  console.log('\nGoals (issues 7 and 14):');
  const peer = rows.filter((r) => PEER_GOAL_SHAPES.includes(r.shape.name) && r.webMs !== undefined);
  if (peer.length) {
    const m = median(peer.map((r) => r.refMs / r.webMs!));
    const each = peer.map((r) => `${r.shape.name} ${(r.refMs / r.webMs!).toFixed(2)}×`).join(', ');
    console.log(`  reference ≤ 1.25× onnxruntime-web wasm (1 thread) on the median of the ${peer.length} shapes marked *: median ${m.toFixed(2)}× (${each}) — ${verdict(peer.length === PEER_GOAL_SHAPES.length && m <= 1.25)}`);
  }
  const heavy = rows.filter((r) => gemmHeavy(r.shape, r.mflop));
  if (heavy.length) {
    const fractions = heavy.map((r) => r.mflop / r.refMs / r.peakGflops);
    const worst = heavy[fractions.indexOf(Math.min(...fractions))];
    console.log(`  reference ≥ 70 % of the WebAssembly f64x2 mul+add peak (timed with each shape; median ${median(heavy.map((r) => r.peakGflops)).toFixed(1)} GFLOP/s) on the ${heavy.length} GEMM-heavy shapes marked G: median ${(100 * median(fractions)).toFixed(0)} %, worst ${(100 * Math.min(...fractions)).toFixed(0)} % (${worst.shape.name}) — ${verdict(Math.min(...fractions) >= 0.7)}`);
  }
  if (worstTfjs) {
    const s = worstTfjs.tfjsMs! / worstTfjs.refMs;
    console.log(`  reference ≥ 5× faster than tfjs-backend-cpu on every shape tfjs runs (${withTfjs.length}/${rows.length}): worst ${s.toFixed(1)}× (${worstTfjs.shape.name}) — ${verdict(s >= 5)}`);
  }
  const untimed = rows.filter((r) => r.tfjsMs === undefined).map((r) => `${r.shape.name}: ${r.tfjsNote}`);
  if (untimed.length) console.log(`    tfjs n/a: ${untimed.join('; ')}`);
  if (ortRatios.length) {
    const m = median(ortRatios);
    console.log(`  (retired by issue 14, information only) ref/ORT native 1-thread float32: median ${m.toFixed(2)}× (range ${Math.min(...ortRatios).toFixed(1)}–${Math.max(...ortRatios).toFixed(1)}×)`);
  }
  const mb = median(boundRatios);
  const below = boundRatios.filter((v) => v < 1).length;
  const worstBound = rows.reduce((a, r) => (r.boundMs / r.mainMs > a.boundMs / a.mainMs ? r : a), rows[0]);
  console.log(`  bound pass (expectedWithBound − main) cheaper than the main pass: median bound/main ${mb.toFixed(2)}, below 1 on ${below}/${rows.length} shapes (worst ${(worstBound.boundMs / worstBound.mainMs).toFixed(2)}, ${worstBound.shape.name}) — ${verdict(below === rows.length)}`);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .description('convspec benchmark: reference (fast exact path) vs direct, onnxruntime-node, onnxruntime-web wasm, tfjs-backend-cpu and the WebAssembly f64 peak')
    .option('--filter <text>', 'only shapes whose name contains this text')
    .option('--no-direct', 'skip the (slow) direct float64 definition')
    .option('--e2e', 'also time npm test, convspec verify and fixture generation by spawning them')
    .option('--clock <cpu|wall>', 'cpu: process CPU time per call (steady on a shared machine); wall: elapsed time', 'cpu')
    .parse(argv);
  const opts = program.opts<{ filter?: string; direct: boolean; e2e?: boolean; clock: string }>();
  if (opts.clock !== 'cpu' && opts.clock !== 'wall') {
    console.error(`bench: --clock must be cpu or wall, got ${opts.clock}`);
    process.exitCode = 2;
    return;
  }
  setClock(opts.clock as Clock);
  const shapes = BENCH_SHAPES.filter((s) => !opts.filter || s.name.includes(opts.filter));
  const pkg = require('../../../package.json') as { version: string };
  console.log(`convspec ${pkg.version} bench — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log(`peers: onnxruntime-node ${ORT_VERSION} (CPU EP, 1 intra-op thread, graph optimisation disabled, float32), onnxruntime-web ${ORT_WEB_VERSION} ("web": wasm EP in Node, SIMD128, 1 thread, graph optimisation disabled, float32), @tensorflow/tfjs-core + tfjs-backend-cpu ${TFJS_VERSION} (float32, bare op + bias on prepared NHWC tensors)`);
  console.log(`times: median ${opts.clock === 'cpu' ? 'process CPU ms (user+sys, all threads)' : 'wall ms'} of ≥5 samples after warm-up (direct: ≥3; calls under ~2 ms timed in batches); ref = reference.conv/convTranspose (validation + fast float64 kernels + rounding)`);
  console.log('main: runReference (validation + fast kernels + rounding); bound: spec/tolerance.ts expectedWithBound (result and magnitude Σ|x||w|+|b| in one pass, then the γ loop) − main\n');
  await initTfjs();
  initOrtWeb();
  const ort = createOnnxRuntime({ graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  const peak = peakKernel();
  if (!peak.check()) throw new Error('the WebAssembly peak kernel computed a wrong sum: its figure would mean nothing');
  const alone = await measureWasmPeak(peak);
  process.stderr.write('  warm-up pass over every shape…\n');
  await warmUp(shapes, ort);
  const rows: Row[] = [];
  for (const shape of shapes) {
    process.stderr.write(`  ${shape.name}…\n`);
    rows.push(await benchShape(shape, ort, opts.direct, peak));
  }
  await ort.close();
  console.log(`WebAssembly f64x2 mul+add peak (tools/bench/wasm/peak.ts: 8 independent chains, no FMA): ${alone.gflops.toFixed(1)} GFLOP/s alone before the shapes; each shape's "% peak" divides by the peak timed round-robin with that shape (median ${median(rows.map((r) => r.peakGflops)).toFixed(1)}, range ${Math.min(...rows.map((r) => r.peakGflops)).toFixed(1)}–${Math.max(...rows.map((r) => r.peakGflops)).toFixed(1)} GFLOP/s).`);
  console.log('* = shapes of the onnxruntime-web goal; G = GEMM-heavy shapes (the peak goal)\n');
  printTable(rows);
  printGoals(rows);
  const problems = rows.flatMap((r) => r.checks.map((c) => `  ${r.shape.name}: ${c}`));
  console.log(problems.length ? `\nResult checks against the reference bound FAILED:\n${problems.join('\n')}` : '\nEvery timed result (reference, direct, ORT, ORT-web, tfjs) is within the reference bound.');
  console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; load average now ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  if (opts.e2e) {
    console.log('\nEnd to end (spawned; wall time and peak RSS of the largest process):');
    for (const f of endToEnd(join(__dirname, '..', '..', '..'))) {
      const t = f.seconds === undefined ? '' : ` ${f.seconds.toFixed(1)} s`;
      const rss = f.peakRssMiB === undefined ? '' : `, peak RSS ${f.peakRssMiB.toFixed(0)} MiB`;
      console.log(`  ${f.what}:${t}${rss} — ${f.note}   [${f.command}]`);
    }
  }
}

main(process.argv).catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 2;
});
