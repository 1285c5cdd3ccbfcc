/**
 * Plan: the tfjs adapter against the reference with the per-element bound, on cases that exercise
 * each mapping it makes — NCHW↔NHWC and weight permutations, explicit asymmetric pads, SAME_LOWER
 * with odd padding, 1-D lifted to 2-D, 3-D, depthwise (group = C with a channel multiplier), other
 * groups split per group (batch > 1, 1-D to 3-D), stride with dilation (both rewrites: the kernel dilated by the adapter, and
 * the stride-1 dilated convolution subsampled), ConvTranspose crop
 * of pads_begin, output_padding and output_shape above the natural size, bias, batch 2 — and that
 * its `supports` declares what tfjs lacks (dilation and groups in ConvTranspose).
 */
import { describe, expect, it } from 'vitest';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import { findMismatch, formatWindow } from '../../../spec/framework/compare';
import { unsupportedReason } from '../../../spec/framework/subject';
import { expectedWithBound } from '../../../spec/tolerance';
import tfjs from '../tfjs';

let seed = 11;
const random = (dims: number[]): Tensor => ({
  dims,
  data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1),
});

const cases: { op: OpName; x: number[]; w: number[]; bias: boolean; attrs: ConvTransposeAttributes }[] = [
  { op: 'Conv', x: [2, 3, 6, 7], w: [4, 3, 3, 2], bias: true, attrs: { pads: [1, 0, 0, 2], strides: [2, 1] } },
  { op: 'Conv', x: [1, 3, 7, 5], w: [2, 3, 2, 3], bias: false, attrs: { auto_pad: 'SAME_LOWER', strides: [2, 1] } },
  { op: 'Conv', x: [1, 4, 6, 6], w: [6, 2, 3, 2], bias: true, attrs: { group: 2, dilations: [2, 1], pads: [1, 1, 0, 2] } },
  { op: 'Conv', x: [1, 3, 6, 5], w: [6, 1, 2, 2], bias: true, attrs: { group: 3, strides: [1, 2] } },
  { op: 'Conv', x: [1, 2, 9, 9], w: [2, 2, 3, 2], bias: false, attrs: { strides: [2, 2], dilations: [2, 3] } },
  { op: 'Conv', x: [2, 2, 9], w: [3, 2, 3], bias: true, attrs: { pads: [2, 1], dilations: [2] } },
  { op: 'Conv', x: [1, 2, 13, 11], w: [3, 2, 3, 3], bias: true, attrs: { strides: [2, 2], dilations: [3, 3], pads: [1, 2, 0, 1] } },
  { op: 'Conv', x: [2, 1, 14], w: [2, 1, 3], bias: false, attrs: { strides: [2], dilations: [3] } },
  { op: 'Conv', x: [3, 6, 5, 4], w: [9, 2, 2, 3], bias: true, attrs: { group: 3, pads: [1, 0, 0, 2] } },
  { op: 'Conv', x: [2, 4, 3, 4, 3], w: [6, 2, 2, 1, 2], bias: true, attrs: { group: 2, strides: [1, 2, 1] } },
  { op: 'Conv', x: [2, 6, 11], w: [4, 3, 3], bias: false, attrs: { group: 2, strides: [2], dilations: [2] } },
  { op: 'Conv', x: [1, 2, 4, 3, 5], w: [2, 2, 2, 1, 3], bias: true, attrs: { pads: [0, 1, 1, 1, 0, 2], strides: [1, 1, 2] } },
  { op: 'ConvTranspose', x: [2, 3, 3, 4], w: [3, 2, 3, 2], bias: true, attrs: { strides: [2, 3], pads: [1, 0, 2, 1], output_padding: [1, 2] } },
  { op: 'ConvTranspose', x: [1, 2, 3, 3], w: [2, 2, 2, 3], bias: true, attrs: { strides: [2, 2], output_shape: [7, 8] } },
  { op: 'ConvTranspose', x: [1, 2, 5], w: [2, 1, 3], bias: false, attrs: { strides: [3], auto_pad: 'SAME_UPPER' } },
  { op: 'ConvTranspose', x: [1, 2, 2, 3, 2], w: [2, 3, 2, 2, 3], bias: true, attrs: { strides: [2, 1, 2], pads: [0, 1, 0, 1, 0, 2] } },
];

describe('the tfjs-backend-cpu adapter', () => {
  it('matches the reference within the bound on every mapping it makes', async () => {
    for (const [i, c] of cases.entries()) {
      const x = random(c.x);
      const w = random(c.w);
      const m = c.op === 'Conv' ? c.w[0] : c.w[1] * (c.attrs.group ?? 1);
      const b = c.bias ? random([m]) : undefined;
      const run = c.op === 'Conv' ? tfjs.conv! : tfjs.convTranspose!;
      const y = await run(x, w, b, c.attrs);
      const mismatch = findMismatch(y, expectedWithBound(c.op, x, w, b, c.attrs));
      if (mismatch) throw new Error(`case ${i} (${c.op} ${JSON.stringify(c.attrs)}): ${mismatch.message}\n${mismatch.window ? formatWindow(mismatch.window) : ''}`);
    }
  });

  it('declares dilation and groups in ConvTranspose and ranks above 3 as unsupported, and nothing it can do', () => {
    const s = tfjs.supports!;
    expect(unsupportedReason(s, 'ConvTranspose', [1, 2, 4, 4], undefined, { dilations: [2, 1] })).toMatch(/dilation/);
    expect(unsupportedReason(s, 'ConvTranspose', [1, 2, 4, 4], undefined, { group: 2 })).toMatch(/group/);
    expect(unsupportedReason(s, 'Conv', [1, 2, 4, 4, 4, 4], undefined, {})).toMatch(/rank 4/);
    expect(unsupportedReason(s, 'Conv', [2, 4, 4, 4], undefined, { group: 2, dilations: [2, 2], strides: [2, 1] })).toBeUndefined();
    expect(unsupportedReason(s, 'ConvTranspose', [2, 2, 4, 4], undefined, { output_shape: [9, 9], strides: [2, 2] })).toBeUndefined();
  });

  it('refuses an invalid attribute with convspec\'s error code instead of computing', async () => {
    await expect(Promise.resolve().then(() => tfjs.conv!(random([1, 1, 4, 4]), random([1, 1, 2, 2]), undefined, { pads: [0, 0, -1, 0] }))).rejects.toThrow(/NEGATIVE_PADS/);
  });
});
