/**
 * Plan: the edge cases (spec/arbitraries/edges.ts) and the cap cases (scale.ts capShape) draw only
 * valid cases within their limits — checked by impl/resolve with its caps set to the limits, not by
 * the tier's own arithmetic — and reach what numeric.atEdges / atScale promise (SPEC 7.13, 7.15):
 * every edge condition alone in at least one draw in fifteen (the largest sizes in one in fifty), and pairs of conditions that no single
 * aim of the scale tier combines (a length-1 axis next to a long, padded one; a long row with a
 * dilation on it; a large kernel with an end pad larger than the begin pad; k = s patches with an
 * input not a multiple of the stride) each in at least one draw in two hundred,
 * counted on the resolved geometry. Cap cases cross 2^24 elements from a per-case limit of 2^22.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { product, resolve, type ConvGeometry } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { attributesOf, inputDims, weightDims, type ConvShape } from '../arbitraries/cases';
import { EDGES, edgeShape } from '../arbitraries/edges';
import { capShape, type ScaleLimits } from '../arbitraries/scale';
import { capLimits, EDGE_SCALE_ELEMENTS, EDGE_SCALE_MACS } from '../arbitraries/scaleTier';

const EDGE_LIMITS: ScaleLimits = { maxMacs: EDGE_SCALE_MACS, maxTensorElements: EDGE_SCALE_ELEMENTS };
const DRAWS = 2000;
const OPS: OpName[] = ['Conv', 'ConvTranspose'];

function resolved(s: ConvShape, limits: ScaleLimits): ConvGeometry {
  const m = s.channels.group * s.channels.outPerGroup;
  return resolve(s.op, inputDims(s), weightDims(s), attributesOf(s), s.bias ? [m] : undefined, {
    maxElements: limits.maxTensorElements,
    maxMultiplyAdds: limits.maxMacs,
  });
}

const share = (shapes: ConvShape[], geoms: ConvGeometry[], f: (s: ConvShape, g: ConvGeometry) => boolean) =>
  shapes.filter((s, n) => f(s, geoms[n])).length / shapes.length;

describe('edge cases (numeric.atEdges)', () => {
  for (const op of OPS) {
    const shapes = fc.sample(edgeShape(op, EDGE_LIMITS), { numRuns: DRAWS, seed: 26 });
    const geoms = shapes.map((s) => resolved(s, EDGE_LIMITS));
    const last = (g: ConvGeometry) => g.rank - 1;

    it(`${op}: every draw is valid and within the edge limits (impl/resolve with its caps at the limits)`, () => {
      expect(geoms).toHaveLength(DRAWS);
      for (const g of geoms) expect(product(g.outputSpatial)).toBeGreaterThanOrEqual(1);
    });

    it(`${op}: the padded input (Conv) and the zero-inserted, padded input (ConvTranspose's direct form) are within the limits too`, () => {
      // convT.zeroInsertion.* build it (N·C·Π(o + d(k−1))) and call the subject's Conv on it: a batch
      // of 65 535 with stride 5 once made it 2^28 elements from an x of 2^16 (a false alarm at --runs 5x).
      for (const g of geoms) {
        const direct = g.batch * g.inChannels * product(g.outputSpatial.map((o, a) => o + g.dilations[a] * (g.kernel[a] - 1)));
        if (op === 'ConvTranspose') expect(direct).toBeLessThanOrEqual(EDGE_LIMITS.maxTensorElements);
        // Conv's explicitly padded input, which implementations that pad first allocate.
        const padded = g.batch * g.inChannels * product(g.inputSpatial.map((i, a) => i + g.padsBegin[a] + g.padsEnd[a]));
        if (op === 'Conv') expect(padded).toBeLessThanOrEqual(EDGE_LIMITS.maxTensorElements);
      }
    });

    it(`${op}: each edge condition alone in at least one draw in fifteen (the largest sizes in one in fifty)`, () => {
      const alone: Record<string, (s: ConvShape, g: ConvGeometry) => boolean> = {
        'thin-axis': (_s, g) => g.rank === 2 && g.inputSpatial.some((i) => i === 1) && g.inputSpatial.some((i) => i >= 1024),
        'long-row': (_s, g) => g.outputSpatial[last(g)] >= 4096,
        'many-output-channels': (_s, g) => g.outChannels / g.group >= 4096,
        'wide-depthwise': (_s, g) => g.group === g.inChannels && g.inChannels >= 200,
        'wide-channels': (_s, g) => g.inChannels / g.group >= 200,
        'many-groups': (_s, g) => g.group >= 33,
        'large-kernel': (_s, g) => g.kernel.some((k) => k >= 8),
        patches: (_s, g) => g.kernel.every((k, a) => k === g.strides[a] && k >= 2),
        'large-stride': (_s, g) => g.strides.some((s) => s >= 4),
        'large-dilation': (_s, g) => g.dilations.some((d) => d >= 8),
        'begin-heavy-pads': (_s, g) => g.padsBegin.some((p, a) => p > g.padsEnd[a]),
        'end-heavy-pads': (_s, g) => g.padsEnd.some((p, a) => p > g.padsBegin[a]),
        'no-pads': (_s, g) => g.padsBegin.every((p, a) => p === 0 && g.padsEnd[a] === 0),
        'last-remainder': (_s, g) => g.strides.some((s) => s > 1),
        batched: (_s, g) => g.batch >= 2,
      };
      // Every edge has a condition here, and no condition names an edge that is not there.
      expect(Object.keys(alone).sort()).toEqual(EDGES.map((e) => e.name).sort());
      // Each edge is picked in one draw in five; later edges override some (depthwise sets one channel per group), and the sizes most pairs cannot hold together are re-aimed smaller.
      const floors: Record<string, number> = { 'many-output-channels': 0.03, 'thin-axis': 0.08 };
      for (const [name, f] of Object.entries(alone)) expect(share(shapes, geoms, f), name).toBeGreaterThanOrEqual(floors[name] ?? 0.07);
    });

    it(`${op}: pairs of conditions that no single aim combines, each in at least one draw in two hundred`, () => {
      const pairs: Record<string, (s: ConvShape, g: ConvGeometry) => boolean> = {
        'H = 1 next to W ≥ 8192 with a W begin pad': (_s, g) =>
          g.rank === 2 && g.inputSpatial[0] === 1 && g.kernel[0] === 1 && g.inputSpatial[1] >= 8192 && g.padsBegin[1] > 0,
        'a row of > 8192 outputs with a dilation on it': (_s, g) => g.outputSpatial[last(g)] > 8192 && g.dilations[last(g)] > 1 && g.kernel[last(g)] > 1,
        'depthwise ≥ 256 channels, not a multiple of 256': (_s, g) => g.group === g.inChannels && g.group >= 256 && g.group % 256 !== 0,
        'a batch of 2 or more next to a row of ≥ 4096 outputs': (_s, g) => g.batch >= 2 && g.outputSpatial[last(g)] >= 4096,
        'a batch of 2 or more in 3-D with ≥ 64 channels per group': (_s, g) => g.batch >= 2 && g.rank === 3 && g.inChannels / g.group >= 64,
      };
      if (op === 'Conv') {
        pairs['a kernel ≥ 9 with an end pad larger than its begin pad'] = (_s, g) => g.kernel.some((k) => k >= 9) && g.padsEnd.some((p, a) => p > g.padsBegin[a]);
        pairs['2-D+ patches k = s ≥ 4 with an input not a multiple of the stride'] = (_s, g) =>
          g.rank >= 2 && g.kernel.every((k, a) => k === g.strides[a] && k >= 4) && g.inputSpatial.some((i, a) => i % g.strides[a] !== 0);
      }
      for (const [name, f] of Object.entries(pairs)) {
        if (process.env.CONVSPEC_PRINT_SHARES) console.log(op, name, share(shapes, geoms, f));
        expect(share(shapes, geoms, f), name).toBeGreaterThanOrEqual(1 / 200);
      }
    });
  }
});

describe('cap cases (numeric.atScale, one in ten)', () => {
  it('cross 2^24 elements in x or y from a per-case limit of 2^22, within the cap and the multiply-adds', () => {
    const perCase: ScaleLimits = { maxMacs: 2 ** 28, maxTensorElements: 2 ** 22 };
    const cap = capLimits(perCase);
    expect(cap.maxTensorElements).toBe(2 ** 25);
    for (const op of OPS) {
      const shapes = fc.sample(capShape(op, cap, perCase.maxTensorElements), { numRuns: 200, seed: 7 });
      const geoms = shapes.map((s) => resolved(s, cap));
      const largest = geoms.map((g) => Math.max(g.batch * g.inChannels * product(g.inputSpatial), g.batch * g.outChannels * product(g.outputSpatial)));
      // Nearly every cap case is past the per-case limit (those whose padded input would pass the cap re-aim lower); most cross 2^24.
      expect(largest.filter((l) => l > perCase.maxTensorElements).length / largest.length, op).toBeGreaterThanOrEqual(0.9);
      expect(largest.filter((l) => l > 2 ** 24).length / largest.length, op).toBeGreaterThanOrEqual(0.5);
    }
  });
});
