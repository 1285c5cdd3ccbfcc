/**
 * The fault models (SPEC.md, "Fault models"): the reference with one classic defect each, under a
 * stable id. They ship with the verifier, so a report can say a finding is "consistent with" one of
 * them (spec/faults/consistent.ts), and tools/faults builds its mutants for these defects from the
 * same entries, so each model is proved recognised by the mutant that carries it: one catalogue.
 */
import { rowMajorStrides } from '../../impl/direct';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../framework/subject';
import { roundToFloat16 } from './rounding';
import { variant, withAttributes, withGeometry, type VariantParts } from './variant';

export interface FaultModel {
  /** Stable kebab-case id, as SPEC.md lists it. */
  id: string;
  /** The defect, in one line. */
  defect: string;
  /** When it shows, in words. */
  trigger: string;
  /** The operators the defect is in; on the other the model is the reference. */
  ops: OpName[];
  /** Precision under which the model's output is matched: a float16 accumulation rounds in its own order. */
  precision?: 'float16';
  /** The defect as parts, so that several models compose into one implementation (withDefects). */
  defectParts: Defect;
  impl: ImplementationWithSupports;
}

/** Reversed kernel tap along axis a. */
const flipped = (g: ConvGeometry, a: number, k: number) => g.kernel[a] - 1 - k;

/** Flat tap index of multi-index k when the kernel's spatial axes are read in reverse order. */
function transposedTap(g: ConvGeometry, k: readonly number[]): number {
  const strides = rowMajorStrides([...g.kernel].reverse());
  return [...k].reverse().reduce((acc, v, i) => acc + v * strides[i], 0);
}

/** X with every batch item replaced by the first. */
function everyItemFirst(x: Tensor): Tensor {
  const item = x.dims.slice(1).reduce((p, d) => p * d, 1);
  const data = new Float32Array(x.data.length);
  for (let n = 0; n < x.dims[0]; n++) data.set(x.data.subarray(0, item), n * item);
  return { dims: [...x.dims], data };
}

/** X with the channels of every group replaced by the first group's. */
function everyGroupFirst(x: Tensor, group: number): Tensor {
  if (!(group > 1) || x.dims.length < 2 || x.dims[1] % group !== 0) return x;
  const spatial = x.dims.slice(2).reduce((p, d) => p * d, 1);
  const perGroup = (x.dims[1] / group) * spatial;
  const data = new Float32Array(x.data.length);
  for (let n = 0; n < x.dims[0]; n++) {
    const item = n * x.dims[1] * spatial;
    for (let g = 0; g < group; g++) data.set(x.data.subarray(item, item + perGroup), item + g * perGroup);
  }
  return { dims: [...x.dims], data };
}

/** A defect: parts of the hooked reference replaced (spec/faults/variant.ts), and/or X read from the wrong place. */
export interface Defect {
  parts?: VariantParts;
  /** An edit of X before the (hooked) reference runs on it. */
  input?: (x: Tensor, group: number) => Tensor;
}
const parts = (p: VariantParts): Defect => ({ parts: p });
const input = (edit: NonNullable<Defect['input']>): Defect => ({ input: edit });
const both = (hooks: VariantParts['conv'] & object): VariantParts => ({ conv: hooks, convTranspose: hooks });

/** The reference with these defects, together (one geometry step at most: two would not compose). */
export function withDefects(defects: readonly Defect[], name = 'variant'): ImplementationWithSupports {
  const geometries = defects.filter((d) => d.parts?.geometry);
  if (geometries.length > 1) throw new Error('two defects of the geometry step do not compose');
  const merged: VariantParts = {
    geometry: geometries[0]?.parts?.geometry,
    conv: Object.assign({}, ...defects.map((d) => d.parts?.conv ?? {})),
    convTranspose: Object.assign({}, ...defects.map((d) => d.parts?.convTranspose ?? {})),
  };
  const base = variant(merged, name);
  const edit = (x: Tensor, group: number) => defects.reduce((t, d) => (d.input ? d.input(t, group) : t), x);
  return {
    name,
    conv: (x, w, b, attrs) => base.conv!(edit(x, attrs.group ?? 1), w, b, attrs),
    convTranspose: (x, w, b, attrs) => base.convTranspose!(edit(x, attrs.group ?? 1), w, b, attrs),
  };
}

const model = (id: string, ops: OpName[], defect: string, trigger: string, d: Defect, precision?: 'float16'): FaultModel => ({
  id, ops, defect, trigger, defectParts: d, impl: withDefects([d], `fault model ${id}`), ...(precision ? { precision } : {}),
});
const BOTH: OpName[] = ['Conv', 'ConvTranspose'];

export const faultModels: FaultModel[] = [
  model('kernel-not-flipped', BOTH, 'the kernel applied reversed on every spatial axis: ConvTranspose without its flip (the zero-insertion form), or Conv as a true convolution', 'a kernel of more than one tap on some axis', parts(both({
    position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + flipped(g, a, k) * g.dilations[a],
  }))),
  model('weight-layout-transposed', BOTH, 'W read with its two channel axes exchanged: Conv as [C/group, M, k…], ConvTranspose as [M/group, C, k…]', 'more than one channel on both channel axes of W', parts({
    conv: { weightIndex: (g, m, c, kf) => (c * g.outChannels + m) * product(g.kernel) + kf },
    convTranspose: { weightIndex: (g, c, mo, kf) => (mo * g.inChannels + c) * product(g.kernel) + kf },
  })),
  model('kernel-axes-transposed', BOTH, 'kernel taps read with the spatial axes in reverse order (W[kh, kw] as W[kw, kh])', 'two or more spatial axes with different kernel taps', parts({
    conv: { weightIndex: (g, m, c, _kf, k) => (m * g.weightDims[1] + c) * product(g.kernel) + transposedTap(g, k) },
    convTranspose: { weightIndex: (g, c, mo, _kf, k) => (c * g.weightDims[1] + mo) * product(g.kernel) + transposedTap(g, k) },
  })),
  model('pads-begin-end-swapped', BOTH, 'begin and end pads exchanged after resolution', 'pads (explicit or SAME_*) that differ between the start and the end of an axis', parts({
    geometry: withGeometry((g) => {
      [g.padsBegin, g.padsEnd] = [g.padsEnd, g.padsBegin];
    }),
  })),
  model('pads-symmetric', BOTH, 'explicit pads taken as symmetric: pads_begin used at both ends of each axis', 'explicit pads with pads_begin ≠ pads_end on an axis', parts({
    geometry: withAttributes((_op, attrs) => {
      if (attrs.pads && (attrs.auto_pad ?? 'NOTSET') === 'NOTSET') {
        const r = attrs.pads.length / 2;
        attrs.pads = [...attrs.pads.slice(0, r), ...attrs.pads.slice(0, r)];
      }
      return attrs;
    }),
  })),
  model('same-upper-lower-swapped', BOTH, 'SAME_UPPER puts the odd padding where SAME_LOWER should, and vice versa', 'auto_pad SAME_UPPER or SAME_LOWER with an odd total padding on an axis', parts({
    geometry: withAttributes((_op, attrs) => {
      if (attrs.auto_pad === 'SAME_UPPER') attrs.auto_pad = 'SAME_LOWER';
      else if (attrs.auto_pad === 'SAME_LOWER') attrs.auto_pad = 'SAME_UPPER';
      return attrs;
    }),
  })),
  model('same-pads-ignore-stride', ['Conv'], 'Conv SAME total padding d(k−1) as if the stride were 1: right output size, windows shifted when s > 1', 'auto_pad SAME_* with stride > 1 on the padded axis', parts({
    geometry: withGeometry((g) => {
      if (g.op !== 'Conv' || (g.autoPad !== 'SAME_UPPER' && g.autoPad !== 'SAME_LOWER')) return;
      g.padsBegin = g.kernel.map((k, a) => {
        const total = g.dilations[a] * (k - 1);
        return g.autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
      });
    }),
  })),
  model('dilation-ignored', BOTH, 'sizes use the dilation but the kernel taps are read as if d = 1', 'dilation > 1 with a kernel of more than one tap on that axis', parts(both({
    position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + k,
  }))),
  model('dilated-extent-dk', BOTH, 'effective kernel size taken as d·k instead of d·(k−1)+1 (sizes wrong whenever d > 1)', 'dilation > 1', parts({
    geometry: withGeometry((g) => {
      g.outputSpatial = g.outputSpatial.map((o, a) => {
        const wrongBy = g.dilations[a] * g.kernel[a] - (g.dilations[a] * (g.kernel[a] - 1) + 1);
        if (g.op === 'ConvTranspose') return o + wrongBy;
        const span = g.inputSpatial[a] + g.padsBegin[a] + g.padsEnd[a] - g.dilations[a] * g.kernel[a];
        return Math.floor(span / g.strides[a]) + 1;
      });
    }),
  })),
  model('stride-first-axis-only', BOTH, 'the stride applied on the first spatial axis only; the other axes stepped by 1', 'stride > 1 on a spatial axis after the first', parts({
    geometry: withAttributes((_op, attrs) => (attrs.strides ? { ...attrs, strides: attrs.strides.map((s, a) => (a === 0 ? s : 1)) } : attrs)),
  })),
  model('output-padding-ignored', ['ConvTranspose'], 'ConvTranspose drops output_padding (output one short per axis where it is set)', 'ConvTranspose with output_padding > 0', parts({
    geometry: withAttributes((_op, attrs) => ({ ...attrs, output_padding: undefined })),
  })),
  model('output-padding-at-start', ['ConvTranspose'], 'ConvTranspose output_padding added before the first element instead of after the last', 'ConvTranspose with output_padding > 0', parts({
    geometry: withGeometry((g) => {
      g.outputPadding.forEach((p, a) => {
        g.padsBegin[a] -= p;
        g.padsEnd[a] += p;
      });
    }),
  })),
  model('output-shape-ignored', ['ConvTranspose'], 'ConvTranspose ignores output_shape and returns the natural size', 'ConvTranspose with an output_shape other than the natural size', parts({
    geometry: withAttributes((_op, attrs) => ({ ...attrs, output_shape: undefined })),
  })),
  model('bias-missing', BOTH, 'the bias input is never added', 'a non-zero bias', parts(both({ bias: () => 0 }))),
  model('bias-first-channel-only', BOTH, 'only output channel 0 gets its bias', 'a non-zero bias on an output channel after the first', parts(both({ bias: (b, m) => (m === 0 ? b[0] : 0) }))),
  model('group-offset-zero', BOTH, 'every group reads the first group\'s input channels', 'group > 1', input((x, group) => everyGroupFirst(x, group))),
  model('batch-items-as-first', BOTH, 'every batch item computed from the first item\'s input', 'batch > 1', input((x) => everyItemFirst(x))),
  model('accumulation-float16', BOTH, 'every partial sum rounded to float16 while declaring float32', 'sums whose partial sums need more than float16\'s 11 significant bits', parts(both({
    multiplyAdd: (acc, x, w) => roundToFloat16(acc + x * w),
  })), 'float16'),
  model('ceil-output-size', ['Conv'], 'Conv output size ⌈(i + p − d(k−1) − 1)/s⌉ + 1 (ceil mode) instead of ⌊…⌋ + 1', 'Conv with stride > 1 where the stride does not divide i + p − d(k−1) − 1', parts({
    geometry: withGeometry((g) => {
      if (g.op !== 'Conv') return;
      g.outputSpatial = g.outputSpatial.map((_o, a) => {
        const span = g.inputSpatial[a] + g.padsBegin[a] + g.padsEnd[a] - (g.dilations[a] * (g.kernel[a] - 1) + 1);
        return Math.ceil(span / g.strides[a]) + 1;
      });
    }),
  })),
  model('overlap-overwrites', ['ConvTranspose'], 'ConvTranspose assigns each contribution instead of accumulating it: the last write to an output wins', 'ConvTranspose where two contributions meet on one output (overlapping windows, or more than one input channel)', parts({
    convTranspose: { multiplyAdd: (_acc, x, w) => x * w },
  })),
];

/** The model with this id (throws for an unknown id: a catalogue bug). */
export function faultModel(id: string): FaultModel {
  const m = faultModels.find((f) => f.id === id);
  if (!m) throw new Error(`no fault model ${id}`);
  return m;
}

/** The model's implementation restricted to one operator: the reference on the other (a mutant that carries the defect in one op). */
export function onlyIn(op: OpName, m: FaultModel): ImplementationWithSupports {
  const ref = variant();
  return op === 'Conv' ? { ...m.impl, convTranspose: ref.convTranspose } : { ...m.impl, conv: ref.conv };
}

/** The reference with several fault models' defects at once (tools/faults' multi-bug mutants). */
export function withFaults(ids: readonly string[], name = `faults ${ids.join(' + ')}`): ImplementationWithSupports {
  return withDefects(ids.map((id) => faultModel(id).defectParts), name);
}
