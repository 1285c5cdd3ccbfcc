/**
 * Drafts of the scale tier (scale.ts) and how they become valid cases within limits, by construction.
 *
 * A draft names each axis by the length it WANTS — of its output or of its input — with its kernel,
 * stride, dilation and wished pads; `toShape` solves for the rest so that the wanted length is met
 * exactly and every output length is at least 1 (the pads give way where they must). That is how a
 * target for a derived size (a plane of 2^16 + 1 elements, an im2col buffer of 2^24) becomes a case.
 *
 * `fitDraft` then brings a draft within the limits by halving what the case does not aim at — the
 * largest free length, batch or channel count first, then free dilations, kernels and strides — and
 * keeps what it aims at ("keep"). Halving keeps a value's offset from its boundary (2^k + 1 → 2^(k−1)
 * + 1), so a fitted case is still at a boundary. When the kept parts alone exceed the limits it says
 * so (undefined) and the aim re-aims at a smaller instance of its boundary.
 */
import { effectiveKernel } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { halveKeepingOffset } from './boundary';
import { reachOf, withinLimits, type ScaleLimits } from './reach';
import type { Axis, ConvShape } from './shape';

/** One axis as an aim plans it. */
export interface AxisPlan {
  k: number;
  s: number;
  d: number;
  /** Wished pads; the solution moves them only as far as validity needs. */
  pb: number;
  pe: number;
  /** ConvTranspose output_padding wish, taken mod s (output_padding < stride). */
  opRaw: number;
  /** The wanted length, of the output or of the input. */
  len: number;
  lenIs: 'out' | 'in';
  /** Conv with a wanted output: input elements past the last window, taken mod s. */
  tail: number;
}

export interface Draft {
  op: OpName;
  batch: number;
  group: number;
  /** C/g and M/g. */
  cg: number;
  mg: number;
  axes: AxisPlan[];
  bias: boolean;
  explicit: boolean;
}

/** Takes `excess` off the pads, from the larger side first (so begin > end stays so where it can). */
function trimPads(pb: number, pe: number, excess: number): [number, number] {
  if (excess <= 0) return [pb, pe];
  const fromLarger = Math.min(excess, Math.abs(pb - pe));
  if (pb >= pe) pb -= fromLarger;
  else pe -= fromLarger;
  const rest = excess - fromLarger;
  const half = Math.ceil(rest / 2);
  return pb >= pe ? [pb - half, pe - (rest - half)] : [pb - (rest - half), pe - half];
}

/** Adds `extra` to the larger wished pad (begin on a tie at an even tail, end at an odd one). */
function growPads(pb: number, pe: number, extra: number, tail: number): [number, number] {
  if (extra <= 0) return [pb, pe];
  return pb > pe || (pb === pe && tail % 2 === 0) ? [pb + extra, pe] : [pb, pe + extra];
}

/** The axis of a plan: the wanted length exactly, the pads moved only as validity needs. */
export function solveAxis(op: OpName, p: AxisPlan): Axis {
  const { k, s, d } = p;
  const eff = effectiveKernel(k, d);
  const len = Math.max(1, p.len);
  if (op === 'Conv') {
    if (p.lenIs === 'out') {
      // o = ⌊(i + P − eff)/s⌋ + 1 holds for i + P = (o − 1)s + eff + tail, tail < s; i ≥ 1 bounds P.
      const iPlusP = (len - 1) * s + eff + (p.tail % s);
      const [pb, pe] = trimPads(p.pb, p.pe, p.pb + p.pe - (iPlusP - 1));
      return { i: iPlusP - pb - pe, k, s, d, pb, pe, op: 0 };
    }
    // A wanted input: the padded input must hold the kernel's extent.
    const [pb, pe] = growPads(p.pb, p.pe, eff - len - p.pb - p.pe, p.tail);
    return { i: len, k, s, d, pb, pe, op: 0 };
  }
  const outPad = p.opRaw % s;
  if (p.lenIs === 'in') {
    // o = s(i − 1) + op + eff − P ≥ 1 bounds P.
    const room = s * (len - 1) + outPad + eff - 1;
    const [pb, pe] = trimPads(p.pb, p.pe, p.pb + p.pe - room);
    return { i: len, k, s, d, pb, pe, op: outPad };
  }
  // A wanted output: s(i − 1) = o + P − op − eff must be a non-negative multiple of s; pads grow to make it so.
  const n = len + p.pb + p.pe - outPad - eff;
  const grow = n < 0 ? -n : (s - (n % s)) % s;
  const [pb, pe] = growPads(p.pb, p.pe, grow, p.tail);
  return { i: (len + pb + pe - outPad - eff) / s + 1, k, s, d, pb, pe, op: outPad };
}

export function toShape(d: Draft): ConvShape {
  return {
    op: d.op, batch: d.batch, channels: { group: d.group, inPerGroup: d.cg, outPerGroup: d.mg },
    axes: d.axes.map((a) => solveAxis(d.op, a)), bias: d.bias, explicit: d.explicit,
  };
}

/** The knobs of a draft, by name: batch, group, cg, mg, and per axis n: len<n>, then geometry d<n>, k<n>, s<n>. */
export type Knob = string;
const GEOMETRY = ['d', 'k', 's'] as const;

function knobValue(d: Draft, name: Knob): number {
  if (name === 'batch' || name === 'group' || name === 'cg' || name === 'mg') return d[name];
  const axis = d.axes[Number(name.slice(name.startsWith('len') ? 3 : 1))];
  return name.startsWith('len') ? axis.len : axis[name[0] as 'd' | 'k' | 's'];
}

function setKnob(d: Draft, name: Knob, v: number): void {
  if (name === 'batch' || name === 'group' || name === 'cg' || name === 'mg') d[name] = v;
  else if (name.startsWith('len')) d.axes[Number(name.slice(3))].len = v;
  else d.axes[Number(name.slice(1))][name[0] as 'd' | 'k' | 's'] = v;
}

/** The sizing knobs (lengths, batch, channels) and the geometry knobs of a draft. */
export function knobsOf(d: Draft): { sizing: Knob[]; geometry: Knob[] } {
  return {
    sizing: ['batch', 'group', 'cg', 'mg', ...d.axes.map((_a, n) => `len${n}`)],
    geometry: d.axes.flatMap((_a, n) => GEOMETRY.map((g) => `${g}${n}`)),
  };
}

export const copyDraft = (d: Draft): Draft => ({ ...d, axes: d.axes.map((a) => ({ ...a })) });

/** Halves the largest of `knobs` above 1 (offset kept); false when none is above 1. */
export function halveLargest(d: Draft, knobs: readonly Knob[]): boolean {
  let best: Knob | undefined;
  for (const k of knobs) if (knobValue(d, k) > 1 && (best === undefined || knobValue(d, k) > knobValue(d, best))) best = k;
  if (best === undefined) return false;
  setKnob(d, best, halveKeepingOffset(knobValue(d, best)));
  return true;
}

/**
 * The draft within the limits, or undefined when the kept knobs alone exceed them (judged with the
 * free knobs at 1). Free sizing knobs are halved first (largest first), then free geometry; kept knobs
 * are never touched.
 */
export function fitDraft(draft: Draft, keep: ReadonlySet<Knob>, limits: ScaleLimits): ConvShape | undefined {
  const d = copyDraft(draft);
  const { sizing, geometry } = knobsOf(d);
  const freeSizing = sizing.filter((k) => !keep.has(k));
  const freeGeometry = geometry.filter((k) => !keep.has(k));
  // Where the fit gets to when nothing else fits: every free sizing knob at 1, then every free knob at
  // 1. When both are over the limits, say so at once (the caller re-aims) rather than halving step by
  // step to find out. (Both, because a ConvTranspose input grows as its kernel or stride shrinks.)
  const floor = copyDraft(d);
  for (const k of freeSizing) setKnob(floor, k, 1);
  if (!withinLimits(reachOf(toShape(floor)), limits)) {
    for (const k of freeGeometry) setKnob(floor, k, 1);
    if (!withinLimits(reachOf(toShape(floor)), limits)) return undefined;
  }
  for (let guard = 0; guard < 2000; guard++) {
    const shape = toShape(d);
    if (withinLimits(reachOf(shape), limits)) return shape;
    if (!halveLargest(d, freeSizing) && !halveLargest(d, freeGeometry)) return undefined;
  }
  return undefined;
}
