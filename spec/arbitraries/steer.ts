/**
 * Cases steered into what the target declares it supports (issue 24): a drawn shape that uses a
 * feature the declaration rules out up front (batch > 1, bias, group > 1, stride, dilation,
 * output_padding, asymmetric pads, a spatial rank) is changed, before any tensor is built, into the
 * nearest shape without it — batch 1, no bias, group 1, stride or dilation 1, zero output_padding,
 * the smaller pad on both sides, trailing axes dropped or axes of length 1 appended — and made valid
 * again. Such draws would only be skipped: steering them spends the clause's cases on what the target
 * computes, and keeps its coverage share about cases, not skipped draws.
 *
 * The declaration is read at draw time from `declaredSupport.current`, which runClause sets around one
 * clause's cases (like the scale tier's limits); unset (a plain fc.sample, the reference's own tests),
 * shapes are exactly as drawn. A replay of the same target steers alike, so paths stay valid.
 */
import { effectiveKernel } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import type { Supports } from '../framework/subject';
import type { Axis, ConvShape } from './shape';

/** The declaration of the target whose clause is drawing cases now, if any. */
export const declaredSupport: { current?: Supports } = {};

const allows = (flag: boolean | OpName[] | undefined, op: OpName): boolean => flag === undefined || flag === true || (Array.isArray(flag) && flag.includes(op));

/** The axis made valid again after a change: Conv's input holds the kernel extent; ConvTranspose's pads leave an output. */
function revalidate(op: OpName, a: Axis, symmetric: boolean): Axis {
  if (op === 'Conv') return { ...a, op: 0, i: Math.max(a.i, effectiveKernel(a.k, a.d) - a.pb - a.pe, 1) };
  const opad = a.op < a.s ? a.op : 0;
  const room = a.s * (a.i - 1) + opad + effectiveKernel(a.k, a.d) - 1;
  if (symmetric) {
    const p = Math.min(a.pb, Math.floor(room / 2));
    return { ...a, op: opad, pb: p, pe: p };
  }
  const pb = Math.min(a.pb, room);
  return { ...a, op: opad, pb, pe: Math.min(a.pe, room - pb) };
}

/** What the drawing clause requires of its shapes, which steering keeps: a rank range. */
export interface SteerLimits {
  minRank?: number;
  maxRank?: number;
  bias?: 'random' | 'never' | 'always';
}

/** `s` steered into `supports` (see the module comment); `s` itself when nothing needs changing. */
export function steerToSupport(s: ConvShape, limits: SteerLimits = {}, supports: Supports | undefined = declaredSupport.current): ConvShape {
  if (!supports) return s;
  const op = s.op;
  let changed = false;
  const out: ConvShape = { ...s, channels: { ...s.channels }, axes: s.axes.map((a) => ({ ...a })) };
  if (supports.batch === false && out.batch > 1) [out.batch, changed] = [1, true];
  // Even where the clause asked for a bias always: a clause about the bias itself declares `needs`
  // (spec/framework/clause.ts) and is not drawn at all; the others handle a case without one.
  if (supports.bias === false && out.bias) [out.bias, changed] = [false, true];
  if (!allows(supports.groups, op) && out.channels.group > 1) [out.channels.group, changed] = [1, true];
  const ranks = supports.ranks?.filter((r) => r >= (limits.minRank ?? 1) && r <= (limits.maxRank ?? 3));
  if (ranks && ranks.length > 0 && !ranks.includes(out.axes.length)) {
    const r = out.axes.length;
    const target = ranks.filter((v) => v < r).pop() ?? ranks.find((v) => v > r)!;
    out.axes = target < r ? out.axes.slice(0, target) : [...out.axes, ...Array.from({ length: target - r }, (): Axis => ({ i: 1, k: 1, s: 1, d: 1, pb: 0, pe: 0, op: 0 }))];
    changed = true;
  }
  out.axes = out.axes.map((a) => {
    const b = { ...a };
    if (!allows(supports.dilation, op) && b.d > 1) b.d = 1;
    if (!allows(supports.stride, op) && b.s > 1) [b.s, b.op] = [1, 0];
    if (supports.outputPadding === false && b.op > 0) b.op = 0;
    if (supports.asymmetricPads === false && b.pb !== b.pe) b.pb = b.pe = Math.min(b.pb, b.pe);
    if (b.d !== a.d || b.s !== a.s || b.op !== a.op || b.pb !== a.pb || b.pe !== a.pe) {
      changed = true;
      return revalidate(op, b, supports.asymmetricPads === false);
    }
    return b;
  });
  return changed ? out : s;
}
