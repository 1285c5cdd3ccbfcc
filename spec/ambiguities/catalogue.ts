/**
 * The catalogue of ambiguities (spec/AMBIGUITIES.md) as data. Each ambiguity has a stable id, named
 * readings, and probe cases; for every probe each reading states its outcome independently of
 * impl/resolve.ts — an error, or the exact geometry (pads and output size) — so an implementation's
 * answer can be classified as "follows reading X" rather than judged pass/fail, and ONNX Runtime's
 * current behaviour can be asserted (spec/ambiguities/test) so an upgrade that changes it is noticed.
 */
import { effectiveKernel, product, resolve, type ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName } from '../../impl/types';

export interface AmbiguityProbe {
  /** Short name, unique within its ambiguity (case-name grammar). */
  name: string;
  op: OpName;
  xDims: number[];
  wDims: number[];
  attrs: ConvTransposeAttributes;
}

/** What a reading says a probe gives: an error, or an output with this exact geometry. */
export type ReadingOutcome = { kind: 'error' } | { kind: 'output'; geometry: ConvGeometry };

export interface Reading {
  /** Stable id, e.g. 'ort', 'onnx-text'. */
  id: string;
  /** Who reads it this way (documents, implementations, versions). */
  sources: string[];
  statement: string;
  outcome(p: AmbiguityProbe): ReadingOutcome;
}

export interface Ambiguity {
  /** Stable id, e.g. ambiguity.convT.sameBelowStride. */
  id: string;
  title: string;
  op: OpName;
  readings: Reading[];
  /** The reading impl/resolve.ts follows (checked by a test that classifies the reference). */
  reference: string;
  why: string;
  probes: AmbiguityProbe[];
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers: build the exact geometry a reading implies, without going through the
// reference's own resolution of the disputed attribute.

const ERROR: ReadingOutcome = { kind: 'error' };

/** The attributes that are not in dispute (strides, dilations, group) resolved with no padding. */
function base(p: AmbiguityProbe, outputPadding?: number[]): ConvGeometry {
  const attrs: ConvTransposeAttributes = {};
  if (p.attrs.strides) attrs.strides = p.attrs.strides;
  if (p.attrs.dilations) attrs.dilations = p.attrs.dilations;
  if (p.attrs.group) attrs.group = p.attrs.group;
  const g = resolve(p.op, p.xDims, p.wDims, attrs);
  const rank = g.rank;
  return { ...g, outputPadding: outputPadding ?? new Array(rank).fill(0) };
}

/** ConvTranspose natural size per axis: s(i−1) + output_padding + d(k−1) + 1. */
function natural(g: ConvGeometry, outputPadding: number[]): number[] {
  return g.inputSpatial.map((i, a) => g.strides[a] * (i - 1) + outputPadding[a] + effectiveKernel(g.kernel[a], g.dilations[a]));
}

/** A ConvTranspose geometry with explicit (possibly negative) pads; output = natural − begin − end. */
function convTGeometry(p: AmbiguityProbe, outputPadding: number[], padsBegin: number[], padsEnd: number[]): ReadingOutcome {
  const g = base(p, outputPadding);
  const nat = natural(g, outputPadding);
  const outputSpatial = nat.map((n, a) => n - padsBegin[a] - padsEnd[a]);
  if (outputSpatial.some((o) => o < 1)) return ERROR;
  return { kind: 'output', geometry: { ...g, autoPad: p.attrs.auto_pad ?? 'NOTSET', padsBegin, padsEnd, outputSpatial, outputDims: [g.batch, g.outChannels, ...outputSpatial] } };
}

/** A Conv geometry with explicit pads; output = ⌊(i + begin + end − d(k−1) − 1)/s⌋ + 1. */
function convGeometry(p: AmbiguityProbe, padsBegin: number[], padsEnd: number[]): ReadingOutcome {
  const g = base(p);
  const outputSpatial = g.inputSpatial.map((i, a) => Math.floor((i + padsBegin[a] + padsEnd[a] - effectiveKernel(g.kernel[a], g.dilations[a])) / g.strides[a]) + 1);
  if (outputSpatial.some((o) => o < 1)) return ERROR;
  return { kind: 'output', geometry: { ...g, autoPad: p.attrs.auto_pad ?? 'NOTSET', padsBegin, padsEnd, outputSpatial, outputDims: [g.batch, g.outChannels, ...outputSpatial] } };
}

const rankOf = (p: AmbiguityProbe) => p.xDims.length - 2;
const opad = (p: AmbiguityProbe) => p.attrs.output_padding ?? new Array(rankOf(p)).fill(0);
const half = (t: number) => Math.floor(t / 2);

/** Splits a total pad per axis: SAME_UPPER puts the odd one at the end, everything else at the start (ONNX text). */
function split(total: number[], upper: boolean): [number[], number[]] {
  const begin = total.map((t) => (upper ? half(t) : t - half(t)));
  return [begin, total.map((t, a) => t - begin[a])];
}

/** ConvTranspose with output_shape: total = natural − out; ≥ 0 split by the text's rule, < 0 appended at the end. */
function outputShapeGeometry(p: AmbiguityProbe, out: number[], upperRule: (p: AmbiguityProbe) => boolean): ReadingOutcome {
  const g = base(p, opad(p));
  const nat = natural(g, opad(p));
  const begin: number[] = [];
  const end: number[] = [];
  nat.forEach((n, a) => {
    const total = n - out[a];
    if (total >= 0) {
      const [b, e] = split([total], upperRule(p));
      begin.push(b[0]);
      end.push(e[0]);
    } else {
      begin.push(0);
      end.push(total);
    }
  });
  return convTGeometry(p, opad(p), begin, end);
}

const isUpper = (p: AmbiguityProbe) => p.attrs.auto_pad === 'SAME_UPPER';

// ---------------------------------------------------------------------------------------------

const sameBelowStride: Ambiguity = {
  id: 'ambiguity.convT.sameBelowStride',
  title: 'ConvTranspose SAME_* when d(k−1) + 1 + output_padding < stride',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime ≥ 1.13 (probed on 1.30)'],
      statement: 'total pad = max(0, output_padding + d(k−1) + 1 − s): the output is the natural size s(i−1) + output_padding + d(k−1) + 1, below s·i',
      outcome: (p) => {
        const g = base(p, opad(p));
        const total = natural(g, opad(p)).map((n, a) => Math.max(0, n - g.strides[a] * g.inputSpatial[a]));
        const [b, e] = split(total, isUpper(p));
        return convTGeometry(p, opad(p), b, e);
      },
    },
    {
      id: 'onnx-text',
      sources: ['ONNX ConvTranspose-22 operator text', 'ONNX shape inference (output = i·s)'],
      statement: 'the output is s·i; the negative total pad (natural − s·i) is split by the text\'s SAME rule with floor division, i.e. zeros are added on the sides',
      outcome: (p) => {
        const g = base(p, opad(p));
        const total = natural(g, opad(p)).map((n, a) => n - g.strides[a] * g.inputSpatial[a]);
        const [b, e] = split(total, isUpper(p));
        return convTGeometry(p, opad(p), b, e);
      },
    },
  ],
  reference: 'ort',
  why: 'ONNX Runtime is the implementation users compare against, and its output never contains elements that no input reaches; the text\'s s·i would pad the output with zeros (plus bias).',
  probes: [
    { name: 'upper_k1_s3', op: 'ConvTranspose', xDims: [1, 1, 4], wDims: [1, 1, 1], attrs: { auto_pad: 'SAME_UPPER', strides: [3] } },
    { name: 'lower_k2_s3', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 2], attrs: { auto_pad: 'SAME_LOWER', strides: [3] } },
  ],
};

const sameOutputPadding: Ambiguity = {
  id: 'ambiguity.convT.sameOutputPadding',
  title: 'ConvTranspose SAME_* together with output_padding',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime (probed on 1.30)', 'ONNX Python reference (onnx#4299)', 'ONNX operator text (output = i·s)'],
      statement: 'output_padding is absorbed into the SAME total pad: the output is s·i',
      outcome: (p) => {
        const g = base(p, opad(p));
        const total = natural(g, opad(p)).map((n, a) => Math.max(0, n - g.strides[a] * g.inputSpatial[a]));
        const [b, e] = split(total, isUpper(p));
        return convTGeometry(p, opad(p), b, e);
      },
    },
    {
      id: 'onnx-shape-inference',
      sources: ['ONNX shape inference (onnx#4299, onnxruntime#11927)'],
      statement: 'the output is s·i + output_padding; the SAME total pad is computed for that size',
      outcome: (p) => {
        const g = base(p, opad(p));
        const total = natural(g, opad(p)).map((n, a) => Math.max(0, n - g.strides[a] * g.inputSpatial[a] - opad(p)[a]));
        const [b, e] = split(total, isUpper(p));
        return convTGeometry(p, opad(p), b, e);
      },
    },
  ],
  reference: 'ort',
  why: 'ONNX Runtime, the ONNX Python reference and the text\'s "output = i·s" agree; only shape inference adds output_padding.',
  probes: [
    { name: 'upper_s2_op1', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2], output_padding: [1] } },
    { name: 'lower_s3_op2', op: 'ConvTranspose', xDims: [1, 1, 2], wDims: [1, 1, 4], attrs: { auto_pad: 'SAME_LOWER', strides: [3], output_padding: [2] } },
  ],
};

const outputPaddingBound: Ambiguity = {
  id: 'ambiguity.convT.outputPaddingBound',
  title: 'output_padding below the stride, or below max(stride, dilation)',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime ≥ 1.29 (1.30 checks max(stride, dilation), then rejects output_padding ≥ stride in its shape check)'],
      statement: 'output_padding must be below the stride; anything else is an error',
      outcome: (p) => (opad(p).some((o, a) => o >= (p.attrs.strides?.[a] ?? 1)) ? ERROR : convTGeometry(p, opad(p), new Array(rankOf(p)).fill(0), new Array(rankOf(p)).fill(0))),
    },
    {
      id: 'pytorch',
      sources: ['PyTorch ConvTranspose (output padding must be smaller than either stride or dilation)', 'ONNX text "less than the corresponding stride/dilation dimension" (onnx#3187)'],
      statement: 'output_padding below max(stride, dilation) is valid and adds that many elements at the end',
      outcome: (p) => {
        const g = base(p, opad(p));
        if (opad(p).some((o, a) => o >= Math.max(g.strides[a], g.dilations[a]))) return ERROR;
        return convTGeometry(p, opad(p), new Array(rankOf(p)).fill(0), new Array(rankOf(p)).fill(0));
      },
    },
  ],
  reference: 'ort',
  why: 'ONNX Runtime rejects the wider range, so a model using it is not portable; the reference refuses it with OUTPUT_PADDING_RANGE and names the other reading in the message.',
  probes: [
    { name: 's1_d2_op1', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 2], attrs: { strides: [1], dilations: [2], output_padding: [1] } },
    { name: 's2_d3_op2', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], dilations: [3], output_padding: [2] } },
  ],
};

const convSameDilation: Ambiguity = {
  id: 'ambiguity.conv.sameDilation',
  title: 'Conv auto_pad SAME_* with dilation ≠ 1',
  op: 'Conv',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime (onnxruntime#20582; probed on 1.30)'],
      statement: 'rejected: "Dilation not supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER"',
      outcome: () => ERROR,
    },
    {
      id: 'effective-kernel',
      sources: ['ONNX shape inference', 'TensorFlow / PyTorch padding="same"', 'convspec reference'],
      statement: 'output ⌈i/s⌉ with total pad max(0, (⌈i/s⌉ − 1)s + d(k−1) + 1 − i), split by the SAME rule',
      outcome: (p) => {
        const g = base(p);
        const total = g.inputSpatial.map((i, a) => Math.max(0, (Math.ceil(i / g.strides[a]) - 1) * g.strides[a] + effectiveKernel(g.kernel[a], g.dilations[a]) - i));
        const [b, e] = split(total, isUpper(p));
        return convGeometry(p, b, e);
      },
    },
    {
      id: 'undilated-kernel',
      sources: ['no document prescribes it; listed so that an implementation computing SAME pads from kernel_shape alone is named'],
      statement: 'total pad computed with k instead of d(k−1) + 1, so the output is smaller than ⌈i/s⌉',
      outcome: (p) => {
        const g = base(p);
        const total = g.inputSpatial.map((i, a) => Math.max(0, (Math.ceil(i / g.strides[a]) - 1) * g.strides[a] + g.kernel[a] - i));
        const [b, e] = split(total, isUpper(p));
        return convGeometry(p, b, e);
      },
    },
  ],
  reference: 'effective-kernel',
  why: 'SAME means "output ⌈i/s⌉", which only the effective kernel delivers; ONNX shape inference and the major frameworks agree. ORT\'s rejection is a gap, so the ORT adapter declares the case unsupported (Supports.sameWithDilation).',
  probes: [
    { name: 'upper_d2', op: 'Conv', xDims: [1, 1, 7], wDims: [1, 1, 3], attrs: { auto_pad: 'SAME_UPPER', dilations: [2] } },
    { name: 'lower_d3_odd', op: 'Conv', xDims: [1, 1, 6], wDims: [1, 1, 2], attrs: { auto_pad: 'SAME_LOWER', dilations: [3] } },
  ],
};

const outputShapeRange: Ambiguity = {
  id: 'ambiguity.convT.outputShapeRange',
  title: 'accepted range of ConvTranspose output_shape',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime 1.30 (probed)'],
      statement: '1 ≤ output_shape ≤ s·i + d(k−1) = natural − output_padding + s − 1; larger sizes are an error; above natural the extra elements are appended at the end',
      outcome: (p) => {
        const g = base(p, opad(p));
        const out = p.attrs.output_shape!;
        if (out.length !== rankOf(p) || out.some((o, a) => o < 1 || o > g.strides[a] * g.inputSpatial[a] + g.dilations[a] * (g.kernel[a] - 1))) return ERROR;
        return outputShapeGeometry(p, out, isUpper);
      },
    },
    {
      id: 'natural-plus-stride',
      sources: ['WebNN convTranspose2d outputSizes: [natural, natural + stride)'],
      statement: '1 ≤ output_shape ≤ natural + s − 1 (natural including output_padding); above natural the extra elements are appended at the end',
      outcome: (p) => {
        const g = base(p, opad(p));
        const nat = natural(g, opad(p));
        const out = p.attrs.output_shape!;
        if (out.length !== rankOf(p) || out.some((o, a) => o < 1 || o > nat[a] + g.strides[a] - 1)) return ERROR;
        return outputShapeGeometry(p, out, isUpper);
      },
    },
    {
      id: 'onnx-text',
      sources: ['ONNX ConvTranspose-22 operator text (no bound stated)'],
      statement: 'any output_shape ≥ 1; pads = natural − output_shape, a negative total appended at the end',
      outcome: (p) => {
        const out = p.attrs.output_shape!;
        if (out.length !== rankOf(p) || out.some((o) => o < 1)) return ERROR;
        return outputShapeGeometry(p, out, isUpper);
      },
    },
  ],
  reference: 'ort',
  why: 'The reference meant to follow ORT ≥ 1.29 ("natural … natural + stride − 1"), but ORT 1.30 bounds the size by s·i + d(k−1), which differs when output_padding > 0; reported to the lead (see AMBIGUITIES.md).',
  probes: [
    { name: 'op1_above_ort_bound', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_padding: [1], output_shape: [9] } },
    { name: 'op0_natural_plus_stride', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [3], output_shape: [9] } },
    { name: 'far_above', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_shape: [12] } },
  ],
};

const outputShapeBatchChannels: Ambiguity = {
  id: 'ambiguity.convT.outputShapeBatchChannels',
  title: 'ConvTranspose output_shape given with the N and C dims',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime ≥ 1.29 (probed on 1.30: "Attribute output_shape has incorrect size")', 'convspec reference (ATTRIBUTE_LENGTH)'],
      statement: 'output_shape lists the spatial dims only; a full [N, C, …] shape is an error',
      outcome: (p) => (p.attrs.output_shape!.length !== rankOf(p) ? ERROR : outputShapeGeometry(p, p.attrs.output_shape!, isUpper)),
    },
    {
      id: 'full-shape',
      sources: ['ONNX Runtime before 1.29 and other runtimes that accept the full output shape'],
      statement: 'a full [N, C, spatial…] output_shape is accepted and its spatial tail used',
      outcome: (p) => outputShapeGeometry(p, p.attrs.output_shape!.slice(-rankOf(p)), isUpper),
    },
  ],
  reference: 'ort',
  why: 'The operator text describes output_shape per spatial axis; accepting both forms makes a length-3 attribute ambiguous for 1-D.',
  probes: [{ name: 'full_shape', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_shape: [1, 1, 6] } }],
};

const outputShapeSplit: Ambiguity = {
  id: 'ambiguity.convT.outputShapeSplit',
  title: 'where the pads derived from output_shape go when their total is odd',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX operator text', 'ONNX Runtime (probed on 1.30)'],
      statement: 'SAME_UPPER: begin = ⌊total/2⌋; NOTSET, SAME_LOWER and VALID: begin = total − ⌊total/2⌋ (the odd one at the start)',
      outcome: (p) => outputShapeGeometry(p, p.attrs.output_shape!, isUpper),
    },
    {
      id: 'upper-always',
      sources: ['no document prescribes it; the symmetric-then-end split many frameworks use for padding="same"'],
      statement: 'begin = ⌊total/2⌋ whatever auto_pad says (the odd one at the end)',
      outcome: (p) => outputShapeGeometry(p, p.attrs.output_shape!, () => true),
    },
  ],
  reference: 'ort',
  why: 'The operator text states the rule and ONNX Runtime implements it.',
  probes: [
    { name: 'notset_odd', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_shape: [6] } },
    { name: 'upper_odd', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_shape: [6], auto_pad: 'SAME_UPPER' } },
    { name: 'lower_odd', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_shape: [6], auto_pad: 'SAME_LOWER' } },
  ],
};

const sameOddSplit: Ambiguity = {
  id: 'ambiguity.convT.sameOddSplit',
  title: 'ConvTranspose SAME_* with an odd total pad: which side gets the extra one',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX operator text', 'ONNX Runtime ≥ 1.13 (PR #12537; probed on 1.30)'],
      statement: 'SAME_UPPER puts the extra pad at the end (begin = ⌊total/2⌋), SAME_LOWER at the start',
      outcome: (p) => {
        const g = base(p, opad(p));
        const total = natural(g, opad(p)).map((n, a) => Math.max(0, n - g.strides[a] * g.inputSpatial[a]));
        const [b, e] = split(total, isUpper(p));
        return convTGeometry(p, opad(p), b, e);
      },
    },
    {
      id: 'ort-pre-1.13',
      sources: ['ONNX Runtime before 1.13 (onnxruntime#9370, #11927)'],
      statement: 'reversed: SAME_UPPER puts the extra pad at the start, SAME_LOWER at the end',
      outcome: (p) => {
        const g = base(p, opad(p));
        const total = natural(g, opad(p)).map((n, a) => Math.max(0, n - g.strides[a] * g.inputSpatial[a]));
        const [b, e] = split(total, !isUpper(p));
        return convTGeometry(p, opad(p), b, e);
      },
    },
  ],
  reference: 'ort',
  why: 'The text is explicit and current ONNX Runtime follows it; the old split is what older exported results may show.',
  probes: [
    { name: 'upper_total3', op: 'ConvTranspose', xDims: [1, 1, 4], wDims: [1, 1, 4], attrs: { auto_pad: 'SAME_UPPER' } },
    { name: 'lower_total3', op: 'ConvTranspose', xDims: [1, 1, 4], wDims: [1, 1, 4], attrs: { auto_pad: 'SAME_LOWER' } },
  ],
};

const padsWithAutoPad: Ambiguity = {
  id: 'ambiguity.padsWithAutoPad',
  title: 'an all-zero pads attribute next to auto_pad ≠ NOTSET',
  op: 'Conv',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime (probed on 1.30: "has both \'auto_pad\' and \'pads\' attributes")', 'ONNX shape inference ("The pads attribute cannot be used simultaneously with auto_pad attribute")'],
      statement: 'any pads attribute next to auto_pad ≠ NOTSET is an error, even all zeros',
      outcome: (p) => {
        const zeros = new Array(rankOf(p)).fill(0);
        return p.attrs.pads !== undefined && (p.attrs.auto_pad ?? 'NOTSET') !== 'NOTSET' ? ERROR : convGeometry(p, zeros, zeros);
      },
    },
    {
      id: 'zeros-allowed',
      sources: ['convspec reference (PADS_CONFLICT only for non-zero pads)'],
      statement: 'all-zero pads are the same as no pads, so auto_pad applies',
      outcome: (p) => {
        const g = base(p);
        const mode = p.attrs.auto_pad ?? 'NOTSET';
        if (mode === 'VALID' || mode === 'NOTSET') return convGeometry(p, new Array(g.rank).fill(0), new Array(g.rank).fill(0));
        const total = g.inputSpatial.map((i, a) => Math.max(0, (Math.ceil(i / g.strides[a]) - 1) * g.strides[a] + effectiveKernel(g.kernel[a], g.dilations[a]) - i));
        const [b, e] = split(total, isUpper(p));
        return convGeometry(p, b, e);
      },
    },
  ],
  reference: 'zeros-allowed',
  why: 'Zero pads change nothing, and exporters write them; refusing them would reject harmless models. Non-zero pads next to auto_pad are refused (PADS_CONFLICT).',
  probes: [
    { name: 'same_upper_zero_pads', op: 'Conv', xDims: [1, 1, 6], wDims: [1, 1, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2], pads: [0, 0] } },
    { name: 'valid_zero_pads', op: 'Conv', xDims: [1, 1, 5], wDims: [1, 1, 3], attrs: { auto_pad: 'VALID', pads: [0, 0] } },
  ],
};

const padsWithOutputShape: Ambiguity = {
  id: 'ambiguity.convT.padsWithOutputShape',
  title: 'non-zero pads given together with output_shape',
  op: 'ConvTranspose',
  readings: [
    {
      id: 'ort',
      sources: ['ONNX Runtime (probed on 1.30)', 'ONNX text ("output_shape … will cause pads values to be auto generated")'],
      statement: 'the pads attribute is ignored; pads are derived from output_shape',
      outcome: (p) => outputShapeGeometry(p, p.attrs.output_shape!, isUpper),
    },
    {
      id: 'reject',
      sources: ['convspec reference (PADS_CONFLICT)'],
      statement: 'a model giving both is inconsistent and is refused',
      outcome: () => ERROR,
    },
  ],
  reference: 'reject',
  why: 'Silently ignoring an attribute hides exporter bugs; the reference names the conflict instead. Implementations following ORT are reported as such, not as failures.',
  probes: [{ name: 'pads_and_output_shape', op: 'ConvTranspose', xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2], output_shape: [6], pads: [0, 1] } }],
};

/** Every catalogued ambiguity, in AMBIGUITIES.md order. */
export const AMBIGUITIES: readonly Ambiguity[] = [
  sameBelowStride, sameOutputPadding, outputPaddingBound, convSameDilation, outputShapeRange,
  outputShapeBatchChannels, outputShapeSplit, sameOddSplit, padsWithAutoPad, padsWithOutputShape,
];

export function ambiguityById(id: string): Ambiguity | undefined {
  return AMBIGUITIES.find((a) => a.id === id);
}

/** Number of output elements a geometry gives (for quick size checks). */
export const outputElements = (g: ConvGeometry): number => product(g.outputDims);
