/**
 * Section "Output size" of SPEC.md: output dims by formula for both operators and every padding
 * mode, where auto_pad and output_shape put their padding, the convolution-arithmetic guide's
 * relationships, and relationship 14 (output_padding restores the Conv input size).
 */
import fc from 'fast-check';
import { effectiveKernel } from '../../impl/resolve';
import type { AutoPad, ConvTransposeAttributes, OpName } from '../../impl/types';
import { convShape, buildCase, channelCounts, outputSpatialOf, type Axis, type ConvShape, type OpCase } from '../arbitraries/cases';
import { dataSeed, makeTensor } from '../arbitraries/data';
import { defineClause, type ClauseContext } from '../framework/clause';
import { assertWithinBound } from '../framework/compare';
import { expectedWithBound } from '../tolerance';
import { assertDims } from './lib/judge';

const outputDims = (s: ConvShape): number[] => [s.batch, channelCounts(s).m, ...outputSpatialOf(s)];

/** A seed example: one batch item, one channel, square sizes, integer data 1…n. */
function seedCase(op: OpName, i: number, k: number, s: number, p: number): OpCase {
  const shape: ConvShape = {
    op, batch: 1, channels: { group: 1, inPerGroup: 1, outPerGroup: 1 }, bias: false, explicit: true,
    axes: [0, 1].map(() => ({ i, k, s, d: 1, pb: p, pe: p, op: 0 })),
  };
  const c = buildCase(shape, 1);
  c.x.data.forEach((_, j) => (c.x.data[j] = j + 1));
  c.w.data.forEach((_, j) => (c.w.data[j] = j + 1));
  return c;
}

export const convSizeFormula = defineClause({
  id: 'conv.size.formula',
  title: 'Conv output dims are [N, M, ⌊(i + p_b + p_e − d(k−1) − 1)/s⌋ + 1 …]',
  category: 'shape',
  ops: ['Conv'],
  arbitrary: fc.tuple(convShape('Conv'), dataSeed()).map(([s, seed]) => buildCase(s, seed)),
  examples: [seedCase('Conv', 4, 3, 1, 0)],
  runs: 60,
  async check(c, ctx) {
    const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    assertDims(y, outputDims(c.shape));
  },
});

export const convTSizeFormula = defineClause({
  id: 'convT.size.formula',
  title: 'ConvTranspose output dims are [N, M, s(i−1) + output_padding + d(k−1) + 1 − p_b − p_e …]',
  category: 'shape',
  ops: ['ConvTranspose'],
  arbitrary: fc.tuple(convShape('ConvTranspose'), dataSeed()).map(([s, seed]) => buildCase(s, seed)),
  examples: [seedCase('ConvTranspose', 2, 3, 1, 0), seedCase('ConvTranspose', 3, 3, 2, 1)],
  runs: 60,
  async check(c, ctx) {
    const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    assertDims(y, outputDims(c.shape));
  },
});

/** A case run with auto_pad (or output_shape) and the explicit pads the clause says it must equal. */
interface PaddingModeCase {
  case: OpCase;
  autoPad: AutoPad;
  /** Attributes given to the subject. */
  attrs: ConvTransposeAttributes;
  /** The explicit pads that the mode stands for, and the output spatial dims. */
  pads: number[];
  outputSpatial: number[];
}

const SAME_OR_VALID = fc.constantFrom<AutoPad>('SAME_UPPER', 'SAME_LOWER', 'VALID');

/** Splits a total padding by the ONNX rule: the odd extra goes to the end for SAME_UPPER, the start otherwise. */
export function splitPadding(total: number, upper: boolean): [number, number] {
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

function withPads(c: OpCase, pads: number[], extra: ConvTransposeAttributes = {}): ConvTransposeAttributes {
  const { auto_pad: _a, pads: _p, output_shape: _o, ...rest } = c.attrs;
  return { ...rest, ...extra, pads };
}

const convAutoPadCase = fc
  .tuple(convShape('Conv'), SAME_OR_VALID, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }), dataSeed())
  .map(([shape, autoPad, extras, seed]): PaddingModeCase => {
    const axes: Axis[] = shape.axes.map((a, n) => {
      const eff = effectiveKernel(a.k, a.d);
      // VALID needs i ≥ d(k−1)+1; SAME works for any i ≥ 1.
      return { ...a, i: autoPad === 'VALID' ? eff + extras[n] : 1 + extras[n] + (a.i % 3), pb: 0, pe: 0 };
    });
    const s: ConvShape = { ...shape, axes };
    const c = buildCase(s, seed);
    const begins: number[] = [];
    const ends: number[] = [];
    const outputSpatial = axes.map((a) => {
      const eff = effectiveKernel(a.k, a.d);
      if (autoPad === 'VALID') {
        begins.push(0);
        ends.push(0);
        return Math.floor((a.i - eff) / a.s) + 1;
      }
      const out = Math.ceil(a.i / a.s);
      const [pb, pe] = splitPadding(Math.max(0, (out - 1) * a.s + eff - a.i), autoPad === 'SAME_UPPER');
      begins.push(pb);
      ends.push(pe);
      return out;
    });
    const { pads: _p, ...rest } = c.attrs;
    return { case: c, autoPad, attrs: { ...rest, auto_pad: autoPad }, pads: [...begins, ...ends], outputSpatial };
  });

async function checkPaddingMode(v: PaddingModeCase, ctx: ClauseContext): Promise<void> {
  const c = v.case;
  const y = await ctx.call(c.op, c.x, c.w, c.b, v.attrs);
  assertDims(y, [c.shape.batch, channelCounts(c.shape).m, ...v.outputSpatial]);
  const expected = expectedWithBound(c.op, c.x, c.w, c.b, withPads(c, v.pads), ctx.profile);
  assertWithinBound(y, expected, `${v.autoPad} output vs explicit pads ${JSON.stringify(v.pads)}`);
}

export const convSizeAutoPad = defineClause({
  id: 'conv.size.autoPad',
  title: 'Conv SAME_* gives ⌈i/s⌉ with the odd pad at the end (UPPER) or start (LOWER); VALID pads nothing',
  category: 'shape',
  ops: ['Conv'],
  arbitrary: convAutoPadCase,
  runs: 60,
  check: checkPaddingMode,
});

const convTAutoPadCase = fc
  .tuple(convShape('ConvTranspose', { outputPadding: false }), SAME_OR_VALID, dataSeed())
  .map(([shape, autoPad, seed]): PaddingModeCase => {
    // SAME only where every reading agrees (spec/AMBIGUITIES.md): output_padding 0 and d(k−1)+1 ≥ s.
    const axes = shape.axes.map((a) => ({ ...a, s: autoPad === 'VALID' ? a.s : Math.min(a.s, effectiveKernel(a.k, a.d)), pb: 0, pe: 0, op: 0 }));
    const c = buildCase({ ...shape, axes }, seed);
    const begins: number[] = [];
    const ends: number[] = [];
    const outputSpatial = axes.map((a) => {
      const natural = a.s * (a.i - 1) + effectiveKernel(a.k, a.d);
      const [pb, pe] = autoPad === 'VALID' ? [0, 0] : splitPadding(natural - a.s * a.i, autoPad === 'SAME_UPPER');
      begins.push(pb);
      ends.push(pe);
      return natural - pb - pe;
    });
    const { pads: _p, output_padding: _o, ...rest } = c.attrs;
    return { case: c, autoPad, attrs: { ...rest, auto_pad: autoPad }, pads: [...begins, ...ends], outputSpatial };
  });

export const convTSizeAutoPad = defineClause({
  id: 'convT.size.autoPad',
  title: 'ConvTranspose SAME_* gives s·i (odd pad at the end for UPPER, start for LOWER); VALID gives the natural size',
  category: 'shape',
  ops: ['ConvTranspose'],
  arbitrary: convTAutoPadCase,
  runs: 60,
  check: checkPaddingMode,
});

const outputShapeCase = fc
  .tuple(
    convShape('ConvTranspose'),
    fc.constantFrom<AutoPad>('NOTSET', 'SAME_UPPER', 'SAME_LOWER'),
    fc.array(fc.nat({ max: 4 }), { minLength: 3, maxLength: 3 }),
    dataSeed(),
  )
  .map(([shape, autoPad, cuts, seed]): PaddingModeCase => {
    const axes = shape.axes.map((a) => ({ ...a, pb: 0, pe: 0 }));
    const c = buildCase({ ...shape, axes }, seed);
    const begins: number[] = [];
    const ends: number[] = [];
    const outputSpatial = axes.map((a, n) => {
      const natural = a.s * (a.i - 1) + a.op + effectiveKernel(a.k, a.d);
      const out = natural - Math.min(cuts[n], natural - 1); // from natural down to 1: the range every reading accepts
      const [pb, pe] = splitPadding(natural - out, autoPad === 'SAME_UPPER');
      begins.push(pb);
      ends.push(pe);
      return out;
    });
    const { pads: _p, ...rest } = c.attrs;
    const attrs: ConvTransposeAttributes = { ...rest, output_shape: outputSpatial };
    if (autoPad !== 'NOTSET') attrs.auto_pad = autoPad;
    return { case: c, autoPad, attrs, pads: [...begins, ...ends], outputSpatial };
  });

export const convTSizeOutputShape = defineClause({
  id: 'convT.size.outputShape',
  title: 'ConvTranspose output_shape sets the output dims; total padding natural − output_shape split by auto_pad',
  category: 'shape',
  ops: ['ConvTranspose'],
  arbitrary: outputShapeCase,
  runs: 60,
  check: checkPaddingMode,
});

/** A Conv case and the ConvTranspose (same W, strides, pads, dilations, group) that should restore its input size. */
export interface RoundTripShape {
  conv: ConvShape;
  /** output_padding a = (i + p_b + p_e − d(k−1) − 1) mod s per axis. */
  outputPadding: number[];
  /** Conv output spatial dims (the ConvTranspose input). */
  convOutput: number[];
}

export function roundTripShape(conv: ConvShape): RoundTripShape {
  const outputPadding = conv.axes.map((a) => (a.i + a.pb + a.pe - a.d * (a.k - 1) - 1) % a.s);
  return { conv, outputPadding, convOutput: outputSpatialOf(conv) };
}

/** ConvTranspose attributes mirroring the Conv case, with output_padding a. */
export function transposeAttributes(r: RoundTripShape): ConvTransposeAttributes {
  const a = r.conv.axes;
  return {
    strides: a.map((x) => x.s), dilations: a.map((x) => x.d), pads: [...a.map((x) => x.pb), ...a.map((x) => x.pe)],
    group: r.conv.channels.group, output_padding: r.outputPadding,
  };
}

export const convTSizeRelationship14 = defineClause({
  id: 'convT.size.relationship14',
  title: 'ConvTranspose with output_padding a = (i + p_b + p_e − d(k−1) − 1) mod s restores the Conv input size i',
  category: 'shape',
  ops: ['ConvTranspose'],
  arbitrary: fc.tuple(convShape('Conv'), dataSeed()).map(([s, seed]) => ({ ...roundTripShape(s), seed })),
  runs: 60,
  async check(r, ctx) {
    const conv = buildCase(r.conv, r.seed);
    const { c, m } = channelCounts(r.conv);
    // The Conv weight [M, C/g, k…] read as a ConvTranspose weight [C' = M, M'/g = C/g, k…].
    const y = makeTensor([r.conv.batch, m, ...r.convOutput], r.seed + 1);
    const out = await ctx.call('ConvTranspose', y, conv.w, undefined, transposeAttributes(r));
    assertDims(out, [r.conv.batch, c, ...r.conv.axes.map((a) => a.i)], 'ConvTranspose output (should restore the Conv input dims)');
  },
});

/**
 * The guide's relationships (Dumoulin & Visin 2016), each in the guide's setting: 2-D, square input
 * and kernel, equal strides and symmetric padding p on both axes. Transposed ones (8–14) are stated
 * for the ONNX ConvTranspose with the direct convolution's k, s, p (and output_padding a); the
 * guide's p′ is the padding of the equivalent direct convolution, not an attribute. 7 is pooling.
 */
interface Relationship {
  n: number;
  op: OpName;
  i: number;
  k: number;
  s: number;
  p: number;
  d: number;
  a: number;
}

const REL_FORMULA: Record<number, (r: Relationship) => number> = {
  1: (r) => r.i - r.k + 1,
  2: (r) => r.i - r.k + 2 * r.p + 1,
  3: (r) => r.i,
  4: (r) => r.i + (r.k - 1),
  5: (r) => Math.floor((r.i - r.k) / r.s) + 1,
  6: (r) => Math.floor((r.i + 2 * r.p - r.k) / r.s) + 1,
  8: (r) => r.i + (r.k - 1),
  9: (r) => r.i + (r.k - 1) - 2 * r.p,
  10: (r) => r.i,
  11: (r) => r.i - (r.k - 1),
  12: (r) => r.s * (r.i - 1) + r.k,
  13: (r) => r.s * (r.i - 1) + r.k - 2 * r.p,
  14: (r) => r.s * (r.i - 1) + r.a + r.k - 2 * r.p,
  15: (r) => Math.floor((r.i + 2 * r.p - r.k - (r.k - 1) * (r.d - 1)) / r.s) + 1,
};

const small = (min: number, max: number) => fc.integer({ min, max });
const rel = (n: number, op: OpName, parts: Partial<Record<'i' | 'k' | 's' | 'p' | 'd' | 'a', fc.Arbitrary<number>>>, fix?: (r: Relationship) => Relationship) =>
  fc.record({ i: parts.i ?? small(1, 6), k: parts.k ?? small(1, 4), s: parts.s ?? fc.constant(1), p: parts.p ?? fc.constant(0), d: parts.d ?? fc.constant(1), a: parts.a ?? fc.constant(0) })
    .map((v) => {
      const r = { n, op, ...v };
      return fix ? fix(r) : r;
    });
// Fix-ups keep each relationship's premises (k odd, p = ⌊k/2⌋, i large enough for an output ≥ 1).
const atLeastKernel = (r: Relationship) => ({ ...r, i: Math.max(r.i, r.d * (r.k - 1) + 1 - 2 * r.p) });
const relationships = fc.oneof(
  rel(1, 'Conv', {}, atLeastKernel),
  rel(2, 'Conv', { p: small(0, 2) }, atLeastKernel),
  rel(3, 'Conv', { k: small(0, 2) }, (r) => ({ ...r, k: 2 * r.k + 1, p: r.k })),
  rel(4, 'Conv', {}, (r) => ({ ...r, p: r.k - 1 })),
  rel(5, 'Conv', { s: small(1, 3) }, atLeastKernel),
  rel(6, 'Conv', { s: small(1, 3), p: small(0, 2) }, atLeastKernel),
  rel(8, 'ConvTranspose', {}),
  rel(9, 'ConvTranspose', { p: small(0, 2) }, (r) => ({ ...r, p: Math.min(r.p, Math.floor((r.i + r.k - 2) / 2)) })),
  rel(10, 'ConvTranspose', { k: small(0, 2) }, (r) => ({ ...r, k: 2 * r.k + 1, p: r.k })),
  rel(11, 'ConvTranspose', {}, (r) => ({ ...r, p: r.k - 1, i: Math.max(r.i, r.k) })),
  rel(12, 'ConvTranspose', { s: small(1, 3) }),
  rel(13, 'ConvTranspose', { s: small(1, 3), p: small(0, 2) }, (r) => ({ ...r, p: Math.min(r.p, Math.floor((r.s * (r.i - 1) + r.k - 1) / 2)) })),
  rel(14, 'ConvTranspose', { s: small(1, 3), p: small(0, 2), a: small(0, 2) }, (r) => {
    const a = r.a % r.s;
    return { ...r, a, p: Math.min(r.p, Math.floor((r.s * (r.i - 1) + a + r.k - 1) / 2)) };
  }),
  rel(15, 'Conv', { s: small(1, 3), p: small(0, 2), d: small(1, 3) }, atLeastKernel),
);

export const bothSizeGuide = defineClause({
  id: 'both.size.guideRelationships',
  title: 'relationships 1–6 and 8–15 of the convolution-arithmetic guide give the output size',
  category: 'shape',
  ops: ['Conv', 'ConvTranspose'],
  arbitrary: fc.tuple(relationships, dataSeed()),
  runs: 60,
  async check([r, seed], ctx) {
    const x = makeTensor([1, 1, r.i, r.i], seed);
    const w = makeTensor([1, 1, r.k, r.k], seed + 1);
    const attrs: ConvTransposeAttributes = { strides: [r.s, r.s], pads: [r.p, r.p, r.p, r.p], dilations: [r.d, r.d] };
    if (r.op === 'ConvTranspose') attrs.output_padding = [r.a, r.a];
    const o = REL_FORMULA[r.n](r);
    const y = await ctx.call(r.op, x, w, undefined, attrs);
    assertDims(y, [1, 1, o, o], `relationship ${r.n} (${r.op} i=${r.i} k=${r.k} s=${r.s} p=${r.p} d=${r.d} a=${r.a}) gives o = ${o}`);
  },
});

export const sizeClauses = [convSizeFormula, convTSizeFormula, convSizeAutoPad, convTSizeAutoPad, convTSizeOutputShape, convTSizeRelationship14, bothSizeGuide];
