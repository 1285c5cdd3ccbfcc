/**
 * Attribute resolution: from ONNX attributes and the input/weight dims to explicit pads and output
 * dims. Pure (no tensor data), so it is shared by the reference, the property suite, the fixture
 * generator and `convspec shape`. Every check throws a ConvSpecError before anything is allocated.
 *
 * Where the ONNX text, ONNX shape inference and ONNX Runtime disagree, this module follows ONNX
 * Runtime ≥ 1.29 and spec/AMBIGUITIES.md names the other readings:
 * - ConvTranspose SAME_*: total padding = max(0, output_padding + d(k−1) + 1 − s), so the output is
 *   s·i when the effective kernel plus output_padding reaches the stride and the natural size
 *   s(i−1) + output_padding + d(k−1) + 1 when it does not (the text says s·i always); output_padding
 *   is absorbed into the SAME total (shape inference says s·i + output_padding).
 * - output_padding must be below the stride (PyTorch's reading allows below max(stride, dilation)).
 * - Conv SAME_* with dilation uses the effective kernel d(k−1)+1 (ORT rejects dilation ≠ 1 there).
 * - ConvTranspose output_shape: spatial dims only; from 1 up to s·i + d(k−1) (= natural − output_padding
 *   + stride − 1); a size above the natural one appends the extra elements at the end.
 */
import { ConvSpecError, show } from './errors';
import type { AutoPad, ConvAttributes, ConvTransposeAttributes, OpName } from './types';

export interface ResolveOptions {
  /** Largest element count allowed for any tensor, input or output. Default 2^28. */
  maxElements?: number;
  /** Largest number of multiply-adds one call may need. Default 2^33. */
  maxMultiplyAdds?: number;
}

export const DEFAULT_MAX_ELEMENTS = 2 ** 28;
export const DEFAULT_MAX_MULTIPLY_ADDS = 2 ** 33;
/** No single dimension or attribute value may exceed this (keeps index arithmetic exact). */
const MAX_VALUE = 2 ** 31 - 1;

/** Everything a kernel needs, with auto_pad and output_shape already applied. */
export interface ConvGeometry {
  op: OpName;
  autoPad: AutoPad;
  batch: number;
  /** Channels of X. */
  inChannels: number;
  /** Channels of Y (M). */
  outChannels: number;
  group: number;
  /** Spatial rank r. */
  rank: number;
  inputSpatial: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  /** For ConvTranspose with output_shape above the natural size this is negative: elements appended at the end. */
  padsEnd: number[];
  /** Zeros for Conv. */
  outputPadding: number[];
  outputSpatial: number[];
  inputDims: number[];
  weightDims: number[];
  outputDims: number[];
  hasBias: boolean;
}

const CONV_ATTRS = ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'];
const CONVT_ATTRS = [...CONV_ATTRS, 'output_padding', 'output_shape'];
const AUTO_PADS: readonly AutoPad[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/**
 * Π v (1 for none), multiplied left to right. A plain loop, not reduce: the faults' kernels call it in
 * their innermost loops. Holes are skipped, as reduce skips them.
 */
export function product(v: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (e === undefined && !(i in v)) continue;
    p *= e;
  }
  return p;
}
export const effectiveKernel = (k: number, d: number): number => d * (k - 1) + 1;

function checkInteger(what: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v)) {
    throw new ConvSpecError('NOT_AN_INTEGER', `${what} must be a finite integer, got ${show(v)}`);
  }
  if (v < min) {
    if (min === 1) throw new ConvSpecError('NOT_POSITIVE', `${what} must be at least 1, got ${v}`);
    throw new ConvSpecError(
      what.startsWith('output_padding') ? 'OUTPUT_PADDING_RANGE' : 'NEGATIVE_PADS',
      `${what} must be at least ${min}, got ${v}`,
    );
  }
  if (v > MAX_VALUE) throw new ConvSpecError('SIZE_LIMIT', `${what} is ${v}, above the limit ${MAX_VALUE}`);
  return v;
}

/** True when checkInteger would accept v as is: the fast path, so messages are built only for errors. */
const integerIn = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_VALUE;

function checkDims(name: string, dims: unknown, maxElements: number): number[] {
  if (!Array.isArray(dims)) throw new ConvSpecError('TENSOR_TYPE', `${name}.dims must be an array of integers, got ${show(dims)}`);
  const out = dims.map((d, i) => (integerIn(d, 1) ? d : checkInteger(`${name}.dims[${i}]`, d, 1)));
  const n = product(out);
  if (n > maxElements) {
    throw new ConvSpecError('SIZE_LIMIT', `${name} has ${n} elements (dims ${show(out)}), above the cap of ${maxElements}`);
  }
  return out;
}

function checkList(name: string, v: unknown, length: number, min: number, rankNote: string): number[] {
  if (!Array.isArray(v)) throw new ConvSpecError('NOT_AN_INTEGER', `${name} must be an array of integers, got ${show(v)}`);
  if (v.length !== length) {
    throw new ConvSpecError('ATTRIBUTE_LENGTH', `${name} must have ${length} values (${rankNote}), got ${v.length}: ${show(v)}`);
  }
  return v.map((x, i) => (integerIn(x, min) ? x : checkInteger(`${name}[${i}]`, x, min)));
}

interface Common {
  attrs: ConvTransposeAttributes;
  autoPad: AutoPad;
  x: number[];
  w: number[];
  rank: number;
  group: number;
  strides: number[];
  dilations: number[];
  kernel: number[];
  pads: number[] | undefined;
  maxElements: number;
  maxMacs: number;
}

function resolveCommon(op: OpName, xDims: unknown, wDims: unknown, attrsIn: unknown, options: ResolveOptions): Common {
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const maxMacs = options.maxMultiplyAdds ?? DEFAULT_MAX_MULTIPLY_ADDS;
  const x = checkDims('X', xDims, maxElements);
  const w = checkDims('W', wDims, maxElements);
  if (x.length < 3) {
    throw new ConvSpecError('RANK_MISMATCH', `X must have rank ≥ 3 (N, C, at least one spatial axis), got dims ${show(x)}`);
  }
  if (w.length !== x.length) {
    throw new ConvSpecError('RANK_MISMATCH', `W must have the same rank as X (${x.length}), got dims ${show(w)}`);
  }
  const rank = x.length - 2;
  if (attrsIn === null || typeof attrsIn !== 'object' || Array.isArray(attrsIn)) {
    throw new ConvSpecError('UNKNOWN_ATTRIBUTE', `attributes must be an object, got ${show(attrsIn)}`);
  }
  const attrs = attrsIn as ConvTransposeAttributes;
  const allowed = op === 'Conv' ? CONV_ATTRS : CONVT_ATTRS;
  for (const key of Object.keys(attrs)) {
    if (!allowed.includes(key) && (attrs as Record<string, unknown>)[key] !== undefined) {
      throw new ConvSpecError('UNKNOWN_ATTRIBUTE', `${op} has no attribute ${show(key)} (it has ${allowed.join(', ')})`);
    }
  }
  const autoPad = (attrs.auto_pad ?? 'NOTSET') as AutoPad;
  if (!AUTO_PADS.includes(autoPad)) {
    throw new ConvSpecError('UNKNOWN_AUTO_PAD', `auto_pad must be one of ${AUTO_PADS.join(', ')}, got ${show(attrs.auto_pad)}`);
  }
  const group = attrs.group === undefined ? 1 : checkInteger('group', attrs.group, 1);
  const note = `one per spatial axis of X, which has ${rank}`;
  const strides = attrs.strides === undefined ? new Array(rank).fill(1) : checkList('strides', attrs.strides, rank, 1, note);
  const dilations = attrs.dilations === undefined ? new Array(rank).fill(1) : checkList('dilations', attrs.dilations, rank, 1, note);
  const pads = attrs.pads === undefined ? undefined : checkList('pads', attrs.pads, 2 * rank, 0, `begin then end for each of ${rank} spatial axes`);
  const kernel = w.slice(2);
  if (attrs.kernel_shape !== undefined) {
    const ks = checkList('kernel_shape', attrs.kernel_shape, rank, 1, note);
    if (ks.some((k, i) => k !== kernel[i])) {
      throw new ConvSpecError('KERNEL_SHAPE_MISMATCH', `kernel_shape ${show(ks)} disagrees with the spatial dims of W ${show(kernel)}`);
    }
  }
  if (pads !== undefined && autoPad !== 'NOTSET' && pads.some((p) => p !== 0)) {
    throw new ConvSpecError('PADS_CONFLICT', `pads ${show(pads)} cannot be used with auto_pad ${autoPad}; give one or the other`);
  }
  return { attrs, autoPad, x, w, rank, group, strides, dilations, kernel, pads, maxElements, maxMacs };
}

function checkBias(bDims: unknown, m: number, maxElements: number): boolean {
  if (bDims === undefined) return false;
  const b = checkDims('B', bDims, maxElements);
  if (b.length !== 1) throw new ConvSpecError('RANK_MISMATCH', `B must have rank 1, got dims ${show(b)}`);
  if (b[0] !== m) throw new ConvSpecError('BIAS_LENGTH', `B must have M = ${m} elements (one per output channel), got ${b[0]}`);
  return true;
}

function checkGroup(c: number, m: number, group: number): void {
  if (c % group !== 0) throw new ConvSpecError('GROUP_DIVISIBILITY', `input channels C = ${c} are not divisible by group = ${group}`);
  if (m % group !== 0) throw new ConvSpecError('GROUP_DIVISIBILITY', `output channels M = ${m} are not divisible by group = ${group}`);
}

function finish(g: Omit<ConvGeometry, 'outputDims'>, maxElements: number, maxMacs: number): ConvGeometry {
  for (let i = 0; i < g.outputSpatial.length; i++) {
    const o = g.outputSpatial[i];
    if (o < 1) {
      throw new ConvSpecError(
        'OUTPUT_TOO_SMALL',
        `${g.op} output size on spatial axis ${i} would be ${o} (input ${g.inputSpatial[i]}, kernel ${g.kernel[i]}, ` +
          `stride ${g.strides[i]}, dilation ${g.dilations[i]}, pads ${g.padsBegin[i]}+${g.padsEnd[i]})`,
      );
    }
  }
  const outputDims = [g.batch, g.outChannels, ...g.outputSpatial];
  const outElements = product(outputDims);
  if (outElements > maxElements) {
    throw new ConvSpecError('SIZE_LIMIT', `the output would have ${outElements} elements (dims ${show(outputDims)}), above the cap of ${maxElements}`);
  }
  const perGroupIn = g.inChannels / g.group;
  const perGroupOut = g.outChannels / g.group;
  const macs = g.op === 'Conv' ? outElements * perGroupIn * product(g.kernel) : product(g.inputDims) * perGroupOut * product(g.kernel);
  if (macs > maxMacs) {
    throw new ConvSpecError('SIZE_LIMIT', `the call would need ${macs} multiply-adds, above the cap of ${maxMacs}`);
  }
  // g is the caller's fresh literal: completing it in place saves copying every field on each call
  const out = g as ConvGeometry;
  out.outputDims = outputDims;
  return out;
}

/** Resolves ONNX Conv: X [N, C, i…], W [M, C/group, k…], optional B [M]. */
export function resolveConv(xDims: unknown, wDims: unknown, attrs: unknown = {}, bDims?: unknown, options: ResolveOptions = {}): ConvGeometry {
  const c = resolveCommon('Conv', xDims, wDims, attrs, options);
  const [batch, inChannels] = c.x;
  const outChannels = c.w[0];
  checkGroup(inChannels, outChannels, c.group);
  if (c.w[1] * c.group !== inChannels) {
    throw new ConvSpecError(
      'CHANNEL_MISMATCH',
      `W dims ${show(c.w)} expect C/group = ${c.w[1]} input channels per group, but X has C = ${inChannels} with group = ${c.group} (C/group = ${inChannels / c.group})`,
    );
  }
  const hasBias = checkBias(bDims, outChannels, c.maxElements);
  const inputSpatial = c.x.slice(2);
  const padsBegin: number[] = [];
  const padsEnd: number[] = [];
  const outputSpatial: number[] = [];
  for (let a = 0; a < c.rank; a++) {
    const i = inputSpatial[a];
    const s = c.strides[a];
    const eff = effectiveKernel(c.kernel[a], c.dilations[a]);
    let pb = 0;
    let pe = 0;
    if (c.autoPad === 'SAME_UPPER' || c.autoPad === 'SAME_LOWER') {
      const out = Math.ceil(i / s);
      const total = Math.max(0, (out - 1) * s + eff - i);
      const small = Math.floor(total / 2);
      pb = c.autoPad === 'SAME_UPPER' ? small : total - small;
      pe = total - pb;
    } else if (c.autoPad === 'NOTSET' && c.pads) {
      pb = c.pads[a];
      pe = c.pads[a + c.rank];
    }
    padsBegin.push(pb);
    padsEnd.push(pe);
    outputSpatial.push(Math.floor((i + pb + pe - eff) / s) + 1);
  }
  return finish(
    {
      op: 'Conv', autoPad: c.autoPad, batch, inChannels, outChannels, group: c.group, rank: c.rank, inputSpatial,
      kernel: c.kernel, strides: c.strides, dilations: c.dilations, padsBegin, padsEnd,
      outputPadding: new Array(c.rank).fill(0), outputSpatial, inputDims: c.x, weightDims: c.w, hasBias,
    },
    c.maxElements,
    c.maxMacs,
  );
}

/** Resolves ONNX ConvTranspose: X [N, C, i…], W [C, M/group, k…], optional B [M]. */
export function resolveConvTranspose(xDims: unknown, wDims: unknown, attrs: unknown = {}, bDims?: unknown, options: ResolveOptions = {}): ConvGeometry {
  const c = resolveCommon('ConvTranspose', xDims, wDims, attrs, options);
  const [batch, inChannels] = c.x;
  if (c.w[0] !== inChannels) {
    throw new ConvSpecError('CHANNEL_MISMATCH', `W dims ${show(c.w)} expect C = ${c.w[0]} input channels (ConvTranspose W is [C, M/group, k…]), but X has C = ${inChannels}`);
  }
  const outChannels = c.w[1] * c.group;
  checkGroup(inChannels, outChannels, c.group);
  const hasBias = checkBias(bDims, outChannels, c.maxElements);
  const note = `one per spatial axis of X, which has ${c.rank}`;
  const outputPadding =
    c.attrs.output_padding === undefined
      ? new Array(c.rank).fill(0)
      : checkList('output_padding', c.attrs.output_padding, c.rank, 0, note);
  outputPadding.forEach((op, a) => {
    if (op >= c.strides[a]) {
      throw new ConvSpecError(
        'OUTPUT_PADDING_RANGE',
        `output_padding[${a}] = ${op} must be below strides[${a}] = ${c.strides[a]} (the reading ONNX Runtime enforces; ` +
          `PyTorch also allows values below the dilation — see spec/AMBIGUITIES.md)`,
      );
    }
  });
  let outputShape: number[] | undefined;
  if (c.attrs.output_shape !== undefined) {
    outputShape = checkList('output_shape', c.attrs.output_shape, c.rank, 1, `spatial dims only, one per spatial axis of X, which has ${c.rank}`);
    if (c.pads && c.pads.some((p) => p !== 0)) {
      throw new ConvSpecError('PADS_CONFLICT', `pads ${show(c.pads)} cannot be used with output_shape ${show(outputShape)}: output_shape determines the pads`);
    }
  }
  const inputSpatial = c.x.slice(2);
  const padsBegin: number[] = [];
  const padsEnd: number[] = [];
  const outputSpatial: number[] = [];
  for (let a = 0; a < c.rank; a++) {
    const i = inputSpatial[a];
    const s = c.strides[a];
    const op = outputPadding[a];
    const natural = s * (i - 1) + op + effectiveKernel(c.kernel[a], c.dilations[a]);
    let pb = 0;
    let pe = 0;
    if (outputShape) {
      const out = outputShape[a];
      // ORT's range: the sizes output_padding could reach without output_shape, s(i−1)+d(k−1)+1 … +s−1.
      const largest = s * i + c.dilations[a] * (c.kernel[a] - 1);
      if (out > largest) {
        throw new ConvSpecError(
          'OUTPUT_SHAPE_INCONSISTENT',
          `output_shape[${a}] = ${out} is above s·i + d(k−1) = ${largest} (s=${s}, i=${i}, d=${c.dilations[a]}, k=${c.kernel[a]}), ` +
            `the largest size output_padding < stride could give`,
        );
      }
      const total = natural - out;
      if (total >= 0) {
        const small = Math.floor(total / 2);
        pb = c.autoPad === 'SAME_UPPER' ? small : total - small;
        pe = total - pb;
      } else {
        pe = total; // extra elements are appended at the end
      }
    } else if (c.autoPad === 'SAME_UPPER' || c.autoPad === 'SAME_LOWER') {
      const total = Math.max(0, natural - s * i); // ORT: output s·i when reachable, else natural
      const small = Math.floor(total / 2);
      pb = c.autoPad === 'SAME_UPPER' ? small : total - small;
      pe = total - pb;
    } else if (c.autoPad === 'NOTSET' && c.pads) {
      pb = c.pads[a];
      pe = c.pads[a + c.rank];
    }
    padsBegin.push(pb);
    padsEnd.push(pe);
    outputSpatial.push(natural - pb - pe);
  }
  return finish(
    {
      op: 'ConvTranspose', autoPad: c.autoPad, batch, inChannels, outChannels, group: c.group, rank: c.rank, inputSpatial,
      kernel: c.kernel, strides: c.strides, dilations: c.dilations, padsBegin, padsEnd, outputPadding, outputSpatial,
      inputDims: c.x, weightDims: c.w, hasBias,
    },
    c.maxElements,
    c.maxMacs,
  );
}

export function resolve(op: OpName, xDims: unknown, wDims: unknown, attrs: unknown, bDims?: unknown, options?: ResolveOptions): ConvGeometry {
  return op === 'Conv' ? resolveConv(xDims, wDims, attrs, bDims, options) : resolveConvTranspose(xDims, wDims, attrs, bDims, options);
}
