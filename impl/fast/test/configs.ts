/**
 * Test support: random valid Conv / ConvTranspose configurations (rank 1–3, groups, dilation,
 * stride, asymmetric pads, output_padding, output_shape above and below the natural size, auto_pad,
 * bias, batch 1–2) with seeded tensor data, and the float64-level agreement check between two
 * kernel pairs. Valid by construction: raw draws are mapped onto the valid domain, never filtered.
 */
import fc from 'fast-check';
import { convDirect, convTransposeDirect } from '../../direct';
import { resolve, effectiveKernel, product, type ConvGeometry } from '../../resolve';
import type { ConvTransposeAttributes, OpName } from '../../types';

export interface Case {
  op: OpName;
  xDims: number[];
  wDims: number[];
  attrs: ConvTransposeAttributes;
  bias: boolean;
  dataSeed: number;
}

const axisArb = fc.record({
  k: fc.integer({ min: 1, max: 3 }),
  d: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 3 }),
  pb: fc.integer({ min: 0, max: 3 }),
  pe: fc.integer({ min: 0, max: 3 }),
  extra: fc.integer({ min: 0, max: 6 }),
  op: fc.nat(),
  shapeDelta: fc.integer({ min: -4, max: 2 }),
});

/** Arbitrary of valid cases. Channel counts reach 4–7 per group so both the GEMM and the table paths run. */
export const caseArb: fc.Arbitrary<Case> = fc
  .record({
    op: fc.constantFrom<OpName>('Conv', 'ConvTranspose'),
    axes: fc.array(axisArb, { minLength: 1, maxLength: 3 }),
    batch: fc.integer({ min: 1, max: 2 }),
    group: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 7 }),
    mg: fc.integer({ min: 1, max: 7 }),
    padMode: fc.constantFrom('pads', 'pads', 'pads', 'none', 'SAME_UPPER', 'SAME_LOWER', 'VALID', 'output_shape'),
    outputPadding: fc.boolean(),
    bias: fc.boolean(),
    dataSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((r) => {
    // 3-D cases keep every axis short so the direct loops stay cheap.
    const axes = r.axes.map((a) => ({ ...a, extra: r.axes.length === 3 ? a.extra % 3 : a.extra }));
    const kernel = axes.map((a) => a.k);
    const strides = axes.map((a) => a.s);
    const dilations = axes.map((a) => a.d);
    const attrs: ConvTransposeAttributes = { kernel_shape: kernel, strides, dilations, group: r.group };
    const inputSpatial: number[] = [];
    const padsBegin: number[] = [];
    const padsEnd: number[] = [];
    const outputPadding: number[] = [];
    const outputShape: number[] = [];
    for (const a of axes) {
      const eff = effectiveKernel(a.k, a.d);
      if (r.op === 'Conv') {
        // keep pads below the effective kernel, and the input long enough for one output
        const pb = a.pb % eff;
        const pe = a.pe % eff;
        inputSpatial.push(Math.max(1, eff - pb - pe) + a.extra);
        padsBegin.push(pb);
        padsEnd.push(pe);
      } else {
        const i = 1 + a.extra;
        const op = r.outputPadding ? a.op % a.s : 0;
        const natural = a.s * (i - 1) + op + eff;
        const pb = Math.min(a.pb, natural - 1);
        const pe = Math.min(a.pe, natural - 1 - pb);
        inputSpatial.push(i);
        padsBegin.push(pb);
        padsEnd.push(pe);
        outputPadding.push(op);
        // output_shape from 1 up to natural + s − 1 (above natural: appended elements get bias only)
        outputShape.push(Math.max(1, Math.min(natural + a.s - 1, natural + a.shapeDelta)));
      }
    }
    if (r.padMode === 'pads') attrs.pads = [...padsBegin, ...padsEnd];
    else if (r.padMode === 'output_shape' && r.op === 'ConvTranspose') attrs.output_shape = outputShape;
    else if (r.padMode !== 'none' && r.padMode !== 'output_shape') attrs.auto_pad = r.padMode as ConvTransposeAttributes['auto_pad'];
    if (r.op === 'ConvTranspose' && r.outputPadding) attrs.output_padding = outputPadding;
    const C = r.group * r.cg;
    const M = r.group * r.mg;
    const wDims = r.op === 'Conv' ? [M, r.cg, ...kernel] : [C, r.mg, ...kernel];
    return { op: r.op, xDims: [r.batch, C, ...inputSpatial], wDims, attrs, bias: r.bias, dataSeed: r.dataSeed };
  })
  .filter((c) => {
    // Conv SAME/VALID can still leave no output on a short axis; those are invalid, not interesting here.
    try {
      resolve(c.op, c.xDims, c.wDims, c.attrs, c.bias ? [outChannels(c)] : undefined);
      return true;
    } catch {
      return false;
    }
  });

export const outChannels = (c: Case): number => (c.op === 'Conv' ? c.wDims[0] : c.wDims[1] * (c.attrs.group ?? 1));

/** mulberry32: small seeded generator for tensor data (fast-check picks only the seed). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32 data in [−2, 2] with some exact zeros and mixed magnitudes (cancellation happens). */
export function randomData(n: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rand();
    a[i] = u < 0.05 ? 0 : (rand() * 4 - 2) * (u < 0.2 ? 2 ** -20 : u > 0.95 ? 2 ** 20 : 1);
  }
  return a;
}

export interface Data {
  g: ConvGeometry;
  x: Float32Array;
  w: Float32Array;
  b: Float32Array | undefined;
}

export function materialise(c: Case): Data {
  const M = outChannels(c);
  const g = resolve(c.op, c.xDims, c.wDims, c.attrs, c.bias ? [M] : undefined);
  const rand = seeded(c.dataSeed);
  return { g, x: randomData(product(c.xDims), rand), w: randomData(product(c.wDims), rand), b: c.bias ? randomData(M, rand) : undefined };
}

type Kernel = (g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined) => Float64Array;

const gamma = (n: number, u: number): number => (n * u) / (1 - n * u);

/**
 * Checks `actual` against the direct definition: identical NaN and ±∞ positions, and elsewhere
 * |actual − direct| ≤ 2·γ_{n+1}(2⁻⁵³)·(|b| + Σ|x||w|) — each side is within γ_{n+1}·Σ|x||w| of the
 * exact sum whatever its summation order (Higham), n = (C/group)·Πk. The magnitude comes from the
 * direct kernel run on |x|, |W|, |b|. Returns a message for the first violation, or undefined.
 */
export function disagreement(d: Data, actual: Float64Array): string | undefined {
  const direct: Kernel = d.g.op === 'Conv' ? convDirect : convTransposeDirect;
  const expected = direct(d.g, d.x, d.w, d.b);
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const abs = (v: Float32Array): Float32Array => v.map(Math.abs);
  const magnitude = direct(d.g, abs(d.x), abs(d.w), d.b && abs(d.b));
  const n = (d.g.inChannels / d.g.group) * product(d.g.kernel);
  const factor = 2 * gamma(n + 1, 2 ** -53);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const special = nonFiniteDisagreement(i, a, e);
    if (special !== undefined) {
      if (special) return special;
      continue;
    }
    const bound = factor * magnitude[i];
    if (Math.abs(a - e) > bound) return `element ${i}: ${a}, expected ${e}, |diff| ${Math.abs(a - e)} > bound ${bound}`;
  }
  return undefined;
}

/**
 * For element i with a or e not finite: '' when they agree (NaN where NaN is expected, the same
 * infinity), else a message; undefined when both are finite (the caller compares them).
 */
function nonFiniteDisagreement(i: number, a: number, e: number): string | undefined {
  if (Number.isFinite(a) && Number.isFinite(e)) return undefined;
  const agree = Number.isNaN(e) || Number.isNaN(a) ? Number.isNaN(e) === Number.isNaN(a) : a === e;
  return agree ? '' : `element ${i}: ${a}, expected ${e}`;
}

/**
 * Checks a magnitude (Σ|x||w| + |b| per element) that may have been accumulated in float32 and
 * inflated (impl/fast/gemm.ts inflateMagnitude32): NaN and +∞ exactly where the direct run on
 * |x|, |W|, |b| has them; elsewhere never below the direct value (minus float64 rounding: the
 * tolerance bound must not shrink) and at most (1 + γ_c)(1 + 3γ_c) − 1 ≈ 4γ_c(2⁻²⁴) relative above
 * it plus the underflow floor, c = n + ⌈n/256⌉ + 1 the longest float32 chain, n = (C/group)·Πk.
 */
export function magnitudeDisagreement(d: Data, actual: Float64Array): string | undefined {
  const direct: Kernel = d.g.op === 'Conv' ? convDirect : convTransposeDirect;
  const abs = (v: Float32Array): Float32Array => v.map(Math.abs);
  const expected = direct(d.g, abs(d.x), abs(d.w), d.b && abs(d.b));
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const kSize = product(d.g.kernel);
  const n = (d.g.inChannels / d.g.group) * kSize;
  const chain = n + Math.ceil(n / 256) + 1;
  const low = 1 - 2 * gamma(n + 1, 2 ** -53);
  // the float32 sum itself may land up to γ above the exact value, then the inflation adds 3γ
  const g32 = gamma(chain, 2 ** -24);
  const high = (1 + g32) * (1 + 3 * g32) * (1 + 2 * gamma(n + 1, 2 ** -53));
  const floor = 2 * chain * kSize * 2 ** -150 * 2;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const special = nonFiniteDisagreement(i, a, e);
    if (special !== undefined) {
      if (special) return special;
      continue;
    }
    if (a < e * low) return `element ${i}: ${a} below the direct magnitude ${e}`;
    if (a > e * high + floor) return `element ${i}: ${a} above the direct magnitude ${e} by more than the float32 allowance`;
  }
  return undefined;
}
