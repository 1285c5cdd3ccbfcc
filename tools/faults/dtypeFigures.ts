/**
 * The figures of the element-type precision model (spec/SPEC.md, Tolerance, "Element types"):
 * 1. the float16 bound near zero against WebNN WPT's conv2d rule (kW·kH·(C/g)·2 ULPs of float16), per
 *    declared accumulation, and against the float32-model float16 profile it replaces for typed tensors;
 * 2. the worst |error| / bound of every typed catalogue entry (tools/faults/dtypes.ts) over
 *    seeded random 2-D cases: the correct ones must stay below 1, the mistakes go above it.
 * `node dist/tools/faults/dtypeFigures.js [cases]` prints them; the dtype-model test asserts them.
 */
import { typedTensor } from '../../impl/typedReference';
import type { AnyTensor, ConvTransposeAttributes, OpName } from '../../impl/types';
import { mulberry32 } from '../../spec/arbitraries/random';
import { decodeValues, type DType } from '../../impl/dtype';
import { dtypeProfileFor, typedExpectedWithBound, wptBound } from '../../spec/dtypeTolerance';
import { boundFromMagnitude, PRECISION_PROFILES } from '../../spec/tolerance';
import type { Supports } from '../../spec/framework/subject';
import { typedElementRatio } from '../../spec/properties/lib/typedJudge';
import { dtypeCatalogue } from './dtypes';

export interface FigureCase {
  op: OpName;
  x: AnyTensor;
  w: AnyTensor;
  b: AnyTensor | undefined;
  attrs: ConvTransposeAttributes;
}

/**
 * WPT-like 2-D cases of one type: N 1, C ∈ {1, 2, 4}, M ∈ {1, 2, 3}, k ∈ {2, 3}, spatial 4–7,
 * stride 1–2, bias half the time, values uniform in [−1, 1) rounded to the type; every fourth case
 * scales x by 2⁻¹⁰ so that outputs reach float16's subnormal range.
 */
export function figureCases(dtype: DType, count: number, seed = 20261201): FigureCase[] {
  const next = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const values = (n: number, scale = 1) => Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  const out: FigureCase[] = [];
  for (let i = 0; i < count; i++) {
    const op: OpName = i % 2 === 0 ? 'Conv' : 'ConvTranspose';
    const c = pick([1, 2, 4]);
    const m = pick([1, 2, 3]);
    const k = pick([2, 3]);
    const h = 4 + Math.floor(next() * 4);
    const s = pick([1, 2]);
    const scale = i % 4 === 3 ? 2 ** -10 : 1;
    const wDims = op === 'Conv' ? [m, c, k, k] : [c, m, k, k];
    out.push({
      op,
      x: typedTensor(dtype, [1, c, h, h], values(c * h * h, scale)),
      w: typedTensor(dtype, wDims, values(m * c * k * k)),
      b: next() < 0.5 ? typedTensor(dtype, [m], values(m, scale)) : undefined,
      attrs: { strides: [s, s] },
    });
  }
  return out;
}

export interface NearZeroFigures {
  /** Output elements with 0 < |y| ≤ 2⁻¹⁰ seen. */
  elements: number;
  /** bound / WPT bound over those elements, per profile: median and largest. */
  ratios: Record<string, { median: number; max: number }>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** The float16 bound near zero against WPT's, for several declarations, and the float32-model float16 profile. */
export function nearZeroFigures(count = 200): NearZeroFigures {
  const declarations: Record<string, Supports> = {
    'float32 accumulation (default)': {},
    'float16 accumulation (declared)': { precision: 'float16' },
    'float32 accumulation, flushToZero declared': { flushToZero: true },
  };
  const ratios: Record<string, number[]> = Object.fromEntries([...Object.keys(declarations), 'float32 model, float16 profile (the old floor)'].map((k) => [k, []]));
  let elements = 0;
  for (const c of figureCases('float16', count)) {
    // Products per output: C·k² for Conv (W [M, C, k, k]), and the same bound C·k² for ConvTranspose.
    const n = c.x.dims[1] * c.w.dims[2] * c.w.dims[3];
    const per = Object.entries(declarations).map(([name, s]) => [name, typedExpectedWithBound(c.op, c.x, c.w, c.b, c.attrs, dtypeProfileFor(s, 'float16'))] as const);
    const first = per[0][1];
    const old = boundFromMagnitude(first.magnitude, n, PRECISION_PROFILES.float16);
    for (let i = 0; i < first.y64.length; i++) {
      const y = first.y64[i];
      if (!(Math.abs(y) > 0 && Math.abs(y) <= 2 ** -10)) continue;
      elements++;
      const wpt = wptBound('float16', y, n);
      for (const [name, e] of per) ratios[name].push(e.bound[i] / wpt);
      ratios['float32 model, float16 profile (the old floor)'].push(old[i] / wpt);
    }
  }
  return { elements, ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, { median: median(v), max: Math.max(...v) }])) };
}

export interface EntryFigure {
  id: string;
  verdict: 'accept' | 'reject';
  dtype: DType;
  /** Largest |error| / bound over the cases (∞ for a wrong type or an inadmissible non-finite value). */
  worst: number;
  /** Cases with at least one element outside the bound. */
  casesOutside: number;
  cases: number;
}

/** Worst error / bound of every typed catalogue entry on `count` figure cases of its type. */
export async function entryFigures(count = 120): Promise<EntryFigure[]> {
  const out: EntryFigure[] = [];
  for (const entry of dtypeCatalogue) {
    const supports = entry.impl.supports ?? {};
    const dtype = supports.dtypes![0];
    const profile = dtypeProfileFor(supports, dtype);
    let worst = 0;
    let casesOutside = 0;
    const cases = figureCases(dtype, count);
    for (const c of cases) {
      const fn = (c.op === 'Conv' ? entry.impl.conv : entry.impl.convTranspose) as unknown as (...a: unknown[]) => AnyTensor;
      const y = await fn(c.x, c.w, c.b, c.attrs);
      const e = typedExpectedWithBound(c.op, c.x, c.w, c.b, c.attrs, profile);
      let caseWorst = (y.dtype ?? 'float32') === dtype ? 0 : Infinity;
      const values = decodeValues(y.dtype ?? 'float32', y.data);
      for (let i = 0; i < values.length && caseWorst < Infinity; i++) caseWorst = Math.max(caseWorst, typedElementRatio(dtype, values[i], e.y64[i], e.bound[i]));
      if (caseWorst > 1) casesOutside++;
      worst = Math.max(worst, caseWorst);
    }
    out.push({ id: entry.id, verdict: entry.verdict, dtype, worst, casesOutside, cases: cases.length });
  }
  return out;
}

/** The bound at the example output (8.7·10⁻⁴, one 2×2 tap set, no cancellation) under each model. */
export function exampleFigures(): { y: number; wpt: number; oldFloor: number; float32Acc: number; float16Acc: number } {
  const y = 8.7e-4;
  const n = 4;
  const profile = (s: Supports) => dtypeProfileFor(s, 'float16');
  const x = typedTensor('float16', [1, 1, 2, 2], [y / 4, y / 4, y / 4, y / 4]);
  const w = typedTensor('float16', [1, 1, 2, 2], [1, 1, 1, 1]);
  const at = (s: Supports) => typedExpectedWithBound('Conv', x, w, undefined, {}, profile(s));
  const e32 = at({});
  return {
    y: e32.y64[0],
    wpt: wptBound('float16', e32.y64[0], n),
    oldFloor: boundFromMagnitude(e32.magnitude, n, PRECISION_PROFILES.float16)[0],
    float32Acc: e32.bound[0],
    float16Acc: at({ precision: 'float16' }).bound[0],
  };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  const ex = exampleFigures();
  console.log(`Example output ${ex.y.toPrecision(4)} (2×2 kernel, C = 1: WPT allows 8 ULPs):`);
  console.log(`  WPT ${ex.wpt.toExponential(2)} | old float16 profile ${ex.oldFloor.toExponential(2)} (${(ex.oldFloor / ex.wpt).toFixed(0)}×) | float16 tensors, float32 accumulation ${ex.float32Acc.toExponential(2)} (${(ex.float32Acc / ex.wpt).toFixed(3)}×) | float16 accumulation ${ex.float16Acc.toExponential(2)} (${(ex.float16Acc / ex.wpt).toFixed(3)}×)`);
  const nz = nearZeroFigures(count);
  console.log(`\nNear zero (0 < |y| ≤ 2⁻¹⁰), ${nz.elements} float16 outputs of ${count} cases: bound / WPT bound`);
  for (const [k, v] of Object.entries(nz.ratios)) console.log(`  ${k.padEnd(48)} median ${v.median.toPrecision(3)}  max ${v.max.toPrecision(3)}`);
  console.log(`\nWorst |error| / bound per typed catalogue entry (${Math.round(count / 2)} cases each):`);
  for (const f of await entryFigures(Math.round(count / 2))) {
    const ok = f.verdict === 'accept' ? f.worst <= 1 : f.worst > 1;
    console.log(`  ${f.verdict === 'accept' ? 'correct' : 'mistake'} ${f.id.padEnd(44)} ${f.dtype.padEnd(8)} worst ${Number.isFinite(f.worst) ? f.worst.toPrecision(3) : '∞'}  outside in ${f.casesOutside}/${f.cases}  ${ok ? 'as expected' : 'NOT AS EXPECTED'}`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
