/**
 * Section "The zero-insertion algorithm" of SPEC.md: the tutorial's four steps (insert s−1 zeros,
 * pad d(k−1)−p_b before and d(k−1)−p_e+output_padding after, flip the kernel and swap its channel
 * axes per group, stride-1 dilated convolution) give the ConvTranspose, generalised to dilation,
 * groups, asymmetric pads and output_padding. impl/zeroInsertion computes the steps.
 */
import fc from 'fast-check';
import { convTransposeByZeroInsertion } from '../../impl/zeroInsertion';
import type { Tensor } from '../../impl/types';
import { buildCase, valueShape, type ConvShape, type OpCase } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { defineClause } from '../framework/clause';
import { assertWithinBound } from '../framework/compare';
import { addTransformTerm, boundFromMagnitude, expectedWithBound, productsPerOutput } from '../tolerance';
import { assertAgree, assertDims, expectThat } from './lib/judge';

const abs = (t: Tensor | undefined): Tensor | undefined => t && { dims: t.dims, data: t.data.map(Math.abs) };
const convTCases = fc.tuple(valueShape('ConvTranspose'), dataSeed()).map(([s, seed]) => buildCase(s, seed));

/** The seed's example: 2×2 input, 3×3 kernel, s = 1, p = 0: padded to 6×6, output 4×4. */
function seedExample(i: number, s: number, p: number): OpCase {
  const shape: ConvShape = {
    op: 'ConvTranspose', batch: 1, channels: { group: 1, inPerGroup: 1, outPerGroup: 1 }, bias: false, explicit: true,
    axes: [0, 1].map(() => ({ i, k: 3, s, d: 1, pb: p, pe: p, op: 0 })),
  };
  const c = buildCase(shape, 3);
  c.x.data.forEach((_, j) => (c.x.data[j] = j + 1));
  c.w.data.forEach((_, j) => (c.w.data[j] = j + 1));
  return c;
}

export const convTZeroInsertionSteps = defineClause({
  id: 'convT.zeroInsertion.steps',
  title: 'ConvTranspose equals the four steps: insert s−1 zeros, pad d(k−1)−p (+output_padding after), flip and swap W, stride-1 dilated Conv',
  category: 'numeric',
  ops: ['ConvTranspose'],
  drawsScaleCases: true,
  arbitrary: convTCases,
  examples: [seedExample(2, 1, 0), seedExample(3, 2, 1)],
  runs: 60,
  async check(c, ctx) {
    const steps = convTransposeByZeroInsertion(c.x, c.w, c.b, c.attrs);
    const mag = convTransposeByZeroInsertion(abs(c.x)!, abs(c.w)!, abs(c.b), c.attrs);
    // The steps' own shapes, as the tutorial states them.
    c.shape.axes.forEach((a, n) => {
      expectThat(steps.upsampled.dims[2 + n] === a.s * (a.i - 1) + 1, `step 1 length on axis ${n} is ${steps.upsampled.dims[2 + n]}, expected s(i−1)+1`);
      expectThat(steps.padBefore[n] === a.d * (a.k - 1) - a.pb, `step 2 pads ${steps.padBefore[n]} before on axis ${n}, expected d(k−1)−p_b`);
      expectThat(steps.padAfter[n] === a.d * (a.k - 1) - a.pe + a.op, `step 2 pads ${steps.padAfter[n]} after on axis ${n}, expected d(k−1)−p_e+output_padding`);
    });
    const y = await ctx.call(c.op, c.x, c.w, c.b, c.attrs);
    const bound = addTransformTerm(boundFromMagnitude(mag.y64, productsPerOutput(steps.geometry), ctx.profile), c.op, c.x, c.w, c.b, c.attrs, ctx.profile);
    assertWithinBound(y, { y64: steps.y64, bound, dims: steps.geometry.outputDims, geometry: steps.geometry }, 'ConvTranspose vs the four steps');
  },
});

export const convTZeroInsertionViaConv = defineClause({
  id: 'convT.zeroInsertion.viaConv',
  title: "the subject's own Conv on the zero-inserted, padded input with the flipped, swapped kernel equals its ConvTranspose",
  category: 'numeric',
  ops: ['Conv', 'ConvTranspose'],
  drawsScaleCases: true,
  arbitrary: convTCases,
  examples: [seedExample(2, 1, 0)],
  runs: 50,
  async check(c, ctx) {
    const steps = convTransposeByZeroInsertion(c.x, c.w, c.b, c.attrs);
    const convAttrs = { dilations: c.shape.axes.map((a) => a.d), group: c.shape.channels.group };
    const viaConv = await ctx.call('Conv', steps.padded, steps.flippedWeight, c.b, convAttrs);
    const direct = await ctx.call('ConvTranspose', c.x, c.w, c.b, c.attrs);
    const eConv = expectedWithBound('Conv', steps.padded, steps.flippedWeight, c.b, convAttrs, ctx.profile);
    const eT = expectedWithBound('ConvTranspose', c.x, c.w, c.b, c.attrs, ctx.profile);
    assertDims(viaConv, eT.dims, 'Conv on the padded input (must have the ConvTranspose dims)');
    assertAgree(direct, viaConv, eT.bound, eConv.bound, eT.dims, 'ConvTranspose vs Conv on the four-step input');
  },
});

export const zeroInsertionClauses = [convTZeroInsertionSteps, convTZeroInsertionViaConv];
