/**
 * Attribute resolution, checked against the formulas worked by hand for each mode. The expected pads
 * and sizes below were computed on paper from the ONNX text and the ORT behaviour recorded in
 * ../shared/notes/facts.md, not read back from the code.
 */
import { describe, expect, it } from 'vitest';
import { resolveConv, resolveConvTranspose } from '../resolve';

const pads = (g: { padsBegin: number[]; padsEnd: number[] }) => [...g.padsBegin, ...g.padsEnd];

describe('Conv', () => {
  it('default attributes: no padding, stride 1, floor((i − k)/1) + 1', () => {
    const g = resolveConv([2, 3, 7, 5], [4, 3, 3, 2]);
    expect(g.outputDims).toEqual([2, 4, 5, 4]);
    expect(pads(g)).toEqual([0, 0, 0, 0]);
  });

  it('explicit asymmetric pads, stride and dilation: ⌊(i + p_b + p_e − d(k−1) − 1)/s⌋ + 1', () => {
    // i=10, pads 2+1, d=2, k=3 (effective 5), s=3: ⌊(10+3−5)/3⌋+1 = 3
    const g = resolveConv([1, 1, 10], [1, 1, 3], { pads: [2, 1], dilations: [2], strides: [3] });
    expect(g.outputSpatial).toEqual([3]);
    expect(pads(g)).toEqual([2, 1]);
  });

  it('SAME_UPPER puts the odd pad at the end, SAME_LOWER at the start', () => {
    // i=5, k=4, s=1: out 5, total = 4·1 + 4 − 5 = 3
    expect(pads(resolveConv([1, 1, 5], [1, 1, 4], { auto_pad: 'SAME_UPPER' }))).toEqual([1, 2]);
    expect(pads(resolveConv([1, 1, 5], [1, 1, 4], { auto_pad: 'SAME_LOWER' }))).toEqual([2, 1]);
  });

  it('SAME gives ⌈i/s⌉ and never negative padding', () => {
    // i=5, k=3, s=2: out 3, total = 2·2 + 3 − 5 = 2
    const g = resolveConv([1, 1, 5], [1, 1, 3], { auto_pad: 'SAME_UPPER', strides: [2] });
    expect(g.outputSpatial).toEqual([3]);
    expect(pads(g)).toEqual([1, 1]);
    // i=6, k=1, s=3: out 2, total = max(0, 3 + 1 − 6) = 0
    expect(pads(resolveConv([1, 1, 6], [1, 1, 1], { auto_pad: 'SAME_LOWER', strides: [3] }))).toEqual([0, 0]);
  });

  it('SAME with dilation uses the effective kernel d(k−1)+1', () => {
    // i=7, k=3, d=2 → effective 5, s=1: total 4
    expect(pads(resolveConv([1, 1, 7], [1, 1, 3], { auto_pad: 'SAME_UPPER', dilations: [2] }))).toEqual([2, 2]);
  });

  it('VALID ignores (zero) pads', () => {
    const g = resolveConv([1, 1, 6, 6], [1, 1, 3, 3], { auto_pad: 'VALID', pads: [0, 0, 0, 0] });
    expect(g.outputSpatial).toEqual([4, 4]);
  });

  it('groups: C and M split, W carries C/group', () => {
    const g = resolveConv([1, 6, 4], [9, 2, 3], { group: 3 });
    expect([g.inChannels, g.outChannels, g.group]).toEqual([6, 9, 3]);
  });
});

describe('ConvTranspose', () => {
  it('natural size s(i−1) + output_padding + d(k−1) + 1 − p_b − p_e', () => {
    // i=3, s=2, op=1, d=2, k=3, pads 1+2: 4 + 1 + 5 − 3 = 7
    const g = resolveConvTranspose([1, 2, 3], [2, 5, 3], { strides: [2], output_padding: [1], dilations: [2], pads: [1, 2] });
    expect(g.outputDims).toEqual([1, 5, 7]);
  });

  it('W is [C, M/group, k…]: M = W[1]·group', () => {
    const g = resolveConvTranspose([1, 4, 3, 3], [4, 3, 2, 2], { group: 2 });
    expect(g.outChannels).toEqual(6);
  });

  it('SAME gives s·i when reachable, odd total split as for Conv', () => {
    // i=3, s=2, k=3: natural 7, total = 7 − 6 = 1
    const up = resolveConvTranspose([1, 1, 3], [1, 1, 3], { auto_pad: 'SAME_UPPER', strides: [2] });
    const low = resolveConvTranspose([1, 1, 3], [1, 1, 3], { auto_pad: 'SAME_LOWER', strides: [2] });
    expect(up.outputSpatial).toEqual([6]);
    expect(pads(up)).toEqual([0, 1]);
    expect(pads(low)).toEqual([1, 0]);
  });

  it('SAME when d(k−1)+1+output_padding < s keeps the natural size (ORT), not s·i', () => {
    // i=2, s=3, k=1: natural 3·1 + 1 = 4 < s·i = 6
    const g = resolveConvTranspose([1, 1, 2], [1, 1, 1], { auto_pad: 'SAME_UPPER', strides: [3] });
    expect(g.outputSpatial).toEqual([4]);
    expect(pads(g)).toEqual([0, 0]);
  });

  it('SAME absorbs output_padding: output stays s·i (ORT and the ONNX Python reference)', () => {
    // i=3, s=2, k=3, op=1: natural 8, total = 8 − 6 = 2
    const g = resolveConvTranspose([1, 1, 3], [1, 1, 3], { auto_pad: 'SAME_UPPER', strides: [2], output_padding: [1] });
    expect(g.outputSpatial).toEqual([6]);
  });

  it('output_shape below natural pads by the SAME_UPPER rule or the other rule', () => {
    // i=3, s=2, k=3: natural 7; output_shape 6 → total 1
    expect(pads(resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_shape: [6], auto_pad: 'SAME_UPPER' }))).toEqual([0, 1]);
    expect(pads(resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_shape: [6] }))).toEqual([1, 0]);
    expect(pads(resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_shape: [4] }))).toEqual([2, 1]);
  });

  it('output_shape above natural appends at the end, up to s·i + d(k−1) (ORT), whatever output_padding', () => {
    // i=3, s=2, k=3: natural 7, largest 2·3 + 2 = 8
    const g = resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_shape: [8] });
    expect(g.outputSpatial).toEqual([8]);
    expect(pads(g)).toEqual([0, -1]);
    expect(() => resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_shape: [9] })).toThrow(/OUTPUT_SHAPE_INCONSISTENT/);
    // with output_padding 1 natural is 8, but the largest size is still 8
    const p = resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_padding: [1], output_shape: [8] });
    expect(pads(p)).toEqual([0, 0]);
    expect(() => resolveConvTranspose([1, 1, 3], [1, 1, 3], { strides: [2], output_padding: [1], output_shape: [9] })).toThrow(/OUTPUT_SHAPE_INCONSISTENT/);
  });
});
