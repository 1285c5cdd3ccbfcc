/**
 * STAND-IN, replaced by H2's generator at merge (issue 26 item 2). It has the exported signature the
 * scale-and-edges tier promises — ScaleLimits, DEFAULT_SCALE_LIMITS, scaleShape — and draws a few
 * fixed large shapes (a plane above 2¹⁶, N·M above 65 535, a reduction above 4096 products, an
 * output above 2²⁴ elements), keeping those within the limits, so the run-time plumbing and sampled
 * judging can be built and tested before the real generator lands. Nothing else may depend on what
 * this file draws.
 */
import fc from 'fast-check';
import type { OpName } from '../../impl/types';
import { multiplyAdds } from './realistic';
import type { ConvShape } from './shape';

export interface ScaleLimits {
  /** Multiply-adds per case (N·M·Πo·(C/g)·Πk for Conv, N·C·Πi·(M/g)·Πk for ConvTranspose). */
  maxMacs: number;
  /** Elements per tensor convSpec allocates (x, W, y each). */
  maxTensorElements: number;
}

export const DEFAULT_SCALE_LIMITS: ScaleLimits = { maxMacs: 2 ** 27, maxTensorElements: 2 ** 26 };

const ax = (i: number, k: number, s = 1, pb = 0, pe = 0) => ({ i, k, s, d: 1, pb, pe, op: 0 });
const ch = (group: number, inPerGroup: number, outPerGroup: number) => ({ group, inPerGroup, outPerGroup });

function candidates(op: OpName): ConvShape[] {
  const base = { op, bias: true, explicit: true };
  return op === 'Conv'
    ? [
        { ...base, batch: 1, channels: ch(1, 1, 2), axes: [ax(260, 3, 1, 1, 1), ax(260, 3, 1, 1, 1)] },
        { ...base, batch: 2, channels: ch(1, 1, 32769), axes: [ax(3, 1)] },
        { ...base, batch: 1, channels: ch(1, 520, 8), axes: [ax(16, 3, 1, 1, 1), ax(16, 3, 1, 1, 1)] },
        { ...base, batch: 1, channels: ch(1, 1, 1), axes: [ax(2 ** 24 + 10, 1)] },
      ]
    : [
        { ...base, batch: 1, channels: ch(1, 1, 2), axes: [ax(130, 2, 2), ax(130, 2, 2)] },
        { ...base, batch: 2, channels: ch(1, 1, 32769), axes: [ax(3, 1)] },
        { ...base, batch: 1, channels: ch(1, 1040, 4), axes: [ax(8, 2), ax(8, 2)] },
        { ...base, batch: 1, channels: ch(1, 1, 1), axes: [ax(2 ** 24 + 10, 1)] },
      ];
}

function largestTensor(s: ConvShape): number {
  const { group, inPerGroup, outPerGroup } = s.channels;
  const k = s.axes.reduce((p, a) => p * a.k, 1);
  const x = s.batch * group * inPerGroup * s.axes.reduce((p, a) => p * a.i, 1);
  const w = group * inPerGroup * outPerGroup * k;
  const o = s.axes.reduce((p, a) => p * (s.op === 'Conv' ? Math.floor((a.i + a.pb + a.pe - a.d * (a.k - 1) - 1) / a.s) + 1 : a.s * (a.i - 1) + a.op + a.d * (a.k - 1) + 1 - a.pb - a.pe), 1);
  return Math.max(x, w, s.batch * group * outPerGroup * o);
}

export function scaleShape(op: OpName, limits: ScaleLimits): fc.Arbitrary<ConvShape> {
  const fits = candidates(op).filter((s) => multiplyAdds(s) <= limits.maxMacs && largestTensor(s) <= limits.maxTensorElements);
  const small: ConvShape = { op, bias: false, explicit: true, batch: 1, channels: ch(1, 1, 1), axes: [ax(4, 1)] };
  return fc.constantFrom(...(fits.length > 0 ? fits : [small]));
}
