/**
 * What a case reaches: the derived sizes real kernels switch on (output plane, plane count, reduction
 * length, im2col buffer, tensor sizes, multiply-adds), computed from a ConvShape alone. The scale
 * tier (scale.ts) aims at these and fits them to its limits; its tests count them. Pure arithmetic on
 * the shape, no tensors.
 */
import type { ConvShape } from './shape';

/** How large one case of the scale tier may be. */
export interface ScaleLimits {
  /** Multiply-adds per case (N·M·Πo·(C/g)·Πk for Conv, N·C·Πi·(M/g)·Πk for ConvTranspose). */
  maxMacs: number;
  /** Elements per tensor convspec allocates (x, W, y each). */
  maxTensorElements: number;
}

export interface Reach {
  rank: number;
  batch: number;
  group: number;
  /** C and M. */
  inChannels: number;
  outChannels: number;
  inputSpatial: number[];
  outputSpatial: number[];
  /** Πo: elements of one output plane. */
  plane: number;
  /** Πi: elements of one input plane. */
  inputPlane: number;
  /** N·M: output planes. */
  planes: number;
  /** K = (C/g)·Πk: products summed per output element of Conv (of the equivalent direct form of ConvTranspose). */
  reduction: number;
  /** Floats of one image's im2col buffer per group: Conv (C/g·Πk)·Πo; ConvTranspose's col2im buffer (M/g·Πk)·Πi. */
  im2col: number;
  xElements: number;
  wElements: number;
  yElements: number;
  /**
   * The input as a direct, explicitly padded convolution reads it, which implementations that pad
   * first allocate: Conv N·C·Π(i + p_b + p_e); ConvTranspose the zero-inserted, padded input
   * N·C·Π(o + d(k−1)) that the zero-insertion clauses build. (A 1-element x with pads of 1200 on three
   * axes is 1.7·10⁹ elements padded: numpy's adapter timed out on it.)
   */
  directInput: number;
  /** The largest of x, W, y and the direct-form input. */
  largestTensor: number;
  macs: number;
}

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/** Output length of one axis by the formulas of SPEC.md (conv.size.formula, convT.size.formula). */
export function outputLength(op: ConvShape['op'], a: ConvShape['axes'][number]): number {
  return op === 'Conv'
    ? Math.floor((a.i + a.pb + a.pe - a.d * (a.k - 1) - 1) / a.s) + 1
    : a.s * (a.i - 1) + a.op + a.d * (a.k - 1) + 1 - a.pb - a.pe;
}

export function reachOf(s: ConvShape): Reach {
  const { group, inPerGroup, outPerGroup } = s.channels;
  const c = group * inPerGroup;
  const m = group * outPerGroup;
  const inputSpatial = s.axes.map((a) => a.i);
  const outputSpatial = s.axes.map((a) => outputLength(s.op, a));
  const kernel = prod(s.axes.map((a) => a.k));
  const plane = prod(outputSpatial);
  const inputPlane = prod(inputSpatial);
  const xElements = s.batch * c * inputPlane;
  const yElements = s.batch * m * plane;
  const wElements = (s.op === 'Conv' ? m * inPerGroup : c * outPerGroup) * kernel;
  const directInput = s.op === 'Conv' ? s.batch * c * prod(s.axes.map((a) => a.i + a.pb + a.pe)) : s.batch * c * prod(s.axes.map((a, n) => outputSpatial[n] + a.d * (a.k - 1)));
  return {
    rank: s.axes.length, batch: s.batch, group, inChannels: c, outChannels: m, inputSpatial, outputSpatial, plane, inputPlane,
    planes: s.batch * m,
    reduction: inPerGroup * kernel,
    im2col: s.op === 'Conv' ? inPerGroup * kernel * plane : outPerGroup * kernel * inputPlane,
    xElements, wElements, yElements, directInput,
    largestTensor: Math.max(xElements, wElements, yElements, directInput),
    macs: s.op === 'Conv' ? yElements * inPerGroup * kernel : xElements * outPerGroup * kernel,
  };
}

/** Whether a case is within the limits (and every output length is at least 1). */
export function withinLimits(r: Reach, limits: ScaleLimits): boolean {
  return r.macs <= limits.maxMacs && r.largestTensor <= limits.maxTensorElements && r.outputSpatial.every((o) => o >= 1);
}
