/**
 * Valid Conv and ConvTranspose cases, built by construction (never by filtering): per axis the input
 * length or the pads are derived from the other draws so that every output size is at least 1.
 *
 * A case is drawn in two parts: its shape (`ConvShape`: op, batch, channels, per-axis geometry, bias,
 * how attributes are written) and a data seed; `buildCase` turns them into tensors and attributes.
 * Clauses that need special inputs (impulses, poisoned elements) reuse the shape and build their own
 * data. All sizes are bounded (see axes.ts and channels.ts) so every clause runs fast.
 */
import fc from 'fast-check';
import { effectiveKernel, product } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import {
  dilationValue, extraLength, kernelSize, padValue, perAxis, spatialRank, strideValue, type AxisBounds,
} from './axes';
import { batchSize, channels, hasBias, type ChannelBounds } from './channels';
import { dataSeed, makeTensor, type DataOptions } from './data';
import { realisticShape, REALISTIC_TIER_ON } from './realistic';
import { steerToSupport } from './steer';
import { capShape, scaleShape, type ScaleLimits } from './scale';
import { edgeShape } from './edges';
import { CAP_CASE_SHARE, capLimits, edgeLimits, referenceScaleLimits, SCALE_TIER_ON, scaleTier, withinMemoryCap } from './scaleTier';
import type { Axis, ConvShape } from './shape';

export type { Axis, ConvShape } from './shape';

export interface OpCase {
  /** The configuration the tensors were built from (shown in counterexamples). */
  shape: ConvShape;
  op: OpName;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

export interface ShapeOptions extends AxisBounds, ChannelBounds {
  /** Spatial ranks, default 1–3. */
  minRank?: number;
  maxRank?: number;
  /** Default 2. */
  maxBatch?: number;
  /** Default 'random'. */
  bias?: 'random' | 'never' | 'always';
  /** Allow output_padding > 0 (ConvTranspose). Default true. */
  outputPadding?: boolean;
  /** ConvTranspose input length 1 … maxInput, default 4. */
  maxInput?: number;
  /**
   * valueShape only: how the clause judges scale cases. 'reference' (default): it runs the full
   * float64 reference, so its scale cases get referenceScaleLimits (an eighth of the run's, capped); 'sampled': it judges
   * large outputs at sampled positions (spec/framework/sampled.ts), so it gets the run's full
   * limits; 'never': no scale cases.
   */
  scale?: 'reference' | 'sampled' | 'never';
}

/** A Conv axis: input length chosen so that ⌊(i + p_b + p_e − d(k−1) − 1)/s⌋ + 1 ≥ 1. */
export function convAxis(b: AxisBounds = {}): fc.Arbitrary<Axis> {
  return fc
    .record({
      k: kernelSize(b.maxKernel), s: strideValue(b.maxStride), d: dilationValue(b.maxDilation),
      pb: padValue(b.maxPad), pe: padValue(b.maxPad), extra: extraLength(b.maxExtra),
    })
    .map(({ k, s, d, pb, pe, extra }) => ({ i: Math.max(1, effectiveKernel(k, d) - pb - pe) + extra, k, s, d, pb, pe, op: 0 }));
}

/** A ConvTranspose axis: pads clamped so that s(i−1) + output_padding + d(k−1) + 1 − p_b − p_e ≥ 1. */
export function convTransposeAxis(b: AxisBounds & { maxInput?: number; outputPadding?: boolean } = {}): fc.Arbitrary<Axis> {
  return fc
    .record({
      i: fc.integer({ min: 1, max: b.maxInput ?? 4 }), k: kernelSize(b.maxKernel), s: strideValue(b.maxStride),
      d: dilationValue(b.maxDilation), pb: padValue(b.maxPad), pe: padValue(b.maxPad), opRaw: fc.nat({ max: 2 }),
    })
    .map(({ i, k, s, d, pb, pe, opRaw }) => {
      const op = b.outputPadding === false ? 0 : opRaw % s;
      const room = s * (i - 1) + op + effectiveKernel(k, d) - 1; // the most padding that leaves one output
      const pbC = Math.min(pb, room);
      return { i, k, s, d, pb: pbC, pe: Math.min(pe, room - pbC), op };
    });
}

/** The shape of a valid case of `op`. Defaults as in axes.ts and channels.ts. */
export function convShape(op: OpName, o: ShapeOptions = {}): fc.Arbitrary<ConvShape> {
  const axis = op === 'Conv' ? convAxis(o) : convTransposeAxis(o);
  const bias = o.bias === 'never' ? fc.constant(false) : o.bias === 'always' ? fc.constant(true) : hasBias();
  return spatialRank(o.minRank ?? 1, o.maxRank ?? 3)
    .chain((rank) =>
      fc.record({
        op: fc.constant(op), batch: batchSize(o.maxBatch), channels: channels(o), axes: perAxis(rank, axis), bias, explicit: fc.boolean(),
      }),
    )
    .map((s) => steerToSupport(s, o));
}

/**
 * The domain of the clauses that compute values: the small tier (convShape), unless
 * CONVSPEC_TIER=small the realistic tier (realistic.ts: network-like shapes within a multiply-add
 * budget), and, while a run has set scale limits (scaleTier.ts), the scale-and-edges tier: scale.ts
 * two draws in fifteen, edges.ts (four edge conditions at a small size) one in fifteen, small and
 * realistic keeping their 2 : 1. The scale tier's limits are read at
 * draw time; with none set the draws are exactly those of the small and realistic tiers alone.
 * Only `bias` of the options applies to the realistic and scale tiers.
 */
export function valueShape(op: OpName, o: ShapeOptions = {}): fc.Arbitrary<ConvShape> {
  const small = convShape(op, o);
  if (!REALISTIC_TIER_ON) return small;
  const setBias = (s: ConvShape): ConvShape => (o.bias === 'never' ? { ...s, bias: false } : o.bias === 'always' ? { ...s, bias: true } : s);
  const realistic = realisticShape(op).map(setBias);
  const mixed = fc.oneof({ weight: 2, arbitrary: small }, { weight: 1, arbitrary: realistic });
  if (o.scale === 'never' || !SCALE_TIER_ON) return mixed;
  // One arbitrary per limits (a run uses one), so fast-check's shrinking sees a stable tree.
  const byLimits = new Map<string, fc.Arbitrary<ConvShape>>();
  const withScale = (limits: ScaleLimits): fc.Arbitrary<ConvShape> => {
    const capped = o.scale === 'sampled' ? limits : referenceScaleLimits(limits);
    const key = `${capped.maxMacs}/${capped.maxTensorElements}`;
    let arb = byLimits.get(key);
    if (!arb) {
      const scale = scaleShape(op, capped).map((s) => withinMemoryCap(setBias(s)));
      const edges = edgeShape(op, edgeLimits(capped)).map((s) => withinMemoryCap(setBias(s)));
      arb = fc.oneof({ weight: 8, arbitrary: small }, { weight: 4, arbitrary: realistic }, { weight: 2, arbitrary: scale }, { weight: 1, arbitrary: edges });
      byLimits.set(key, arb);
    }
    return arb;
  };
  // fc.constant draws no randomness: without limits this generates and shrinks exactly as `mixed`.
  return fc.constant(null).chain(() => (scaleTier.current && scaleTier.current.maxMacs > 0 ? withScale(scaleTier.current) : mixed)).map((s) => steerToSupport(s, { bias: o.bias }));
}

/** The limits scaleOnlyShape draws within when a run sets none (`--scale-macs off`): the tier's edges at a small size. */
export const FALLBACK_SCALE_LIMITS: ScaleLimits = { maxMacs: 2 ** 16, maxTensorElements: 2 ** 14 };

/**
 * The scale-and-edges tier alone (scale.ts), within the run's full limits: for the clauses given to
 * the tier (numeric.atScale), which judge large outputs at sampled positions. One case in
 * CAP_CASE_SHARE is a cap case (scale.ts capShape): a tensor past a power of two at up to
 * CAP_CASE_FACTOR times the per-case tensor limit. A run without limits gets FALLBACK_SCALE_LIMITS;
 * CONVSPEC_TIER=small gets the small tier.
 */
export function scaleOnlyShape(op: OpName): fc.Arbitrary<ConvShape> {
  if (!SCALE_TIER_ON) return convShape(op);
  const byLimits = new Map<string, fc.Arbitrary<ConvShape>>();
  const within = (limits: ScaleLimits): fc.Arbitrary<ConvShape> => {
    const key = `${limits.maxMacs}/${limits.maxTensorElements}`;
    let arb = byLimits.get(key);
    if (!arb) {
      const cap = capLimits(limits);
      arb = fc
        .oneof({ weight: CAP_CASE_SHARE - 1, arbitrary: scaleShape(op, limits) }, { weight: 1, arbitrary: capShape(op, cap, limits.maxTensorElements) })
        .map(withinMemoryCap);
      byLimits.set(key, arb);
    }
    return arb;
  };
  return fc.constant(null).chain(() => within(runLimits())).map((s) => steerToSupport(s));
}

/** The run's scale limits, or FALLBACK_SCALE_LIMITS when it set none. */
const runLimits = (): ScaleLimits => (scaleTier.current && scaleTier.current.maxMacs > 0 ? scaleTier.current : FALLBACK_SCALE_LIMITS);

/**
 * Edge cases alone (edges.ts: four edge conditions combined), within the run's edge limits
 * (scaleTier.ts edgeLimits; FALLBACK_SCALE_LIMITS when it set none): for numeric.atEdges.
 * CONVSPEC_TIER=small gets the small tier.
 */
export function edgeOnlyShape(op: OpName): fc.Arbitrary<ConvShape> {
  if (!SCALE_TIER_ON) return convShape(op);
  const byLimits = new Map<string, fc.Arbitrary<ConvShape>>();
  const within = (limits: ScaleLimits): fc.Arbitrary<ConvShape> => {
    const key = `${limits.maxMacs}/${limits.maxTensorElements}`;
    let arb = byLimits.get(key);
    if (!arb) byLimits.set(key, (arb = edgeShape(op, limits).map(withinMemoryCap)));
    return arb;
  };
  return fc.constant(null).chain(() => within(edgeLimits(runLimits()))).map((s) => steerToSupport(s));
}

/** Input channels C, output channels M. */
export function channelCounts(s: ConvShape): { c: number; m: number } {
  return { c: s.channels.group * s.channels.inPerGroup, m: s.channels.group * s.channels.outPerGroup };
}

export function inputDims(s: ConvShape): number[] {
  return [s.batch, channelCounts(s).c, ...s.axes.map((a) => a.i)];
}

/** Conv W [M, C/group, k…]; ConvTranspose W [C, M/group, k…]. */
export function weightDims(s: ConvShape): number[] {
  const { c, m } = channelCounts(s);
  const k = s.axes.map((a) => a.k);
  return s.op === 'Conv' ? [m, s.channels.inPerGroup, ...k] : [c, s.channels.outPerGroup, ...k];
}

/** The ONNX attributes of a shape (NOTSET with explicit pads). */
export function attributesOf(s: ConvShape): ConvTransposeAttributes {
  const attrs: ConvTransposeAttributes = {};
  const put = <K extends keyof ConvTransposeAttributes>(key: K, value: ConvTransposeAttributes[K], isDefault: boolean) => {
    if (s.explicit || !isDefault) attrs[key] = value;
  };
  put('strides', s.axes.map((a) => a.s), s.axes.every((a) => a.s === 1));
  put('dilations', s.axes.map((a) => a.d), s.axes.every((a) => a.d === 1));
  put('pads', [...s.axes.map((a) => a.pb), ...s.axes.map((a) => a.pe)], s.axes.every((a) => a.pb === 0 && a.pe === 0));
  put('group', s.channels.group, s.channels.group === 1);
  if (s.explicit) attrs.kernel_shape = s.axes.map((a) => a.k);
  if (s.op === 'ConvTranspose') put('output_padding', s.axes.map((a) => a.op), s.axes.every((a) => a.op === 0));
  return attrs;
}

/** Output spatial dims by the formulas of SPEC.md (conv.size.formula, convT.size.formula). */
export function outputSpatialOf(s: ConvShape): number[] {
  return s.axes.map((a) =>
    s.op === 'Conv'
      ? Math.floor((a.i + a.pb + a.pe - a.d * (a.k - 1) - 1) / a.s) + 1
      : a.s * (a.i - 1) + a.op + a.d * (a.k - 1) + 1 - a.pb - a.pe,
  );
}

/** Tensors and attributes for a shape, data drawn from `seed` (x, w, b use derived seeds). */
export function buildCase(s: ConvShape, seed: number, data: DataOptions = {}): OpCase {
  const { m } = channelCounts(s);
  return {
    shape: s,
    op: s.op,
    x: makeTensor(inputDims(s), seed, data),
    w: makeTensor(weightDims(s), seed ^ 0x5bd1e995, data),
    b: s.bias ? makeTensor([m], seed ^ 0x1b873593, data) : undefined,
    attrs: attributesOf(s),
  };
}

/** Shape plus data: the usual arbitrary of a clause. */
export function opCase(op: OpName, o: ShapeOptions & { data?: DataOptions } = {}): fc.Arbitrary<OpCase> {
  return fc.tuple(convShape(op, o), dataSeed()).map(([s, seed]) => buildCase(s, seed, o.data));
}

/** Element count of a tensor (for budgets in checks). */
export const sizeOf = (t: Tensor): number => product(t.dims);
