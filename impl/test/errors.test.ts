/**
 * Every invalid-input class ends in a ConvSpecError with its stable code and a message that names
 * the offending attribute or tensor; every code of ERROR_CODES is reached; huge requests are refused
 * before anything is allocated.
 */
import { describe, expect, it } from 'vitest';
import { ConvSpecError, ERROR_CODES, type ConvSpecErrorCode } from '../errors';
import { prepare } from '../reference';
import { tensor } from '../tensor';
import type { OpName } from '../types';

interface Bad {
  why: string;
  code: ConvSpecErrorCode;
  op: OpName;
  x: unknown;
  w: unknown;
  b?: unknown;
  attrs?: unknown;
  /** A word the message must contain. */
  names: string;
}

const x = tensor([1, 2, 5, 5]);
const w = tensor([4, 2, 3, 3]);
const wt = tensor([2, 3, 3, 3]); // ConvTranspose: C=2, M/group=3

const cases: Bad[] = [
  { why: 'data is a plain array', code: 'TENSOR_TYPE', op: 'Conv', x: { dims: [1, 2, 5, 5], data: new Array(50).fill(0) }, w, names: 'X.data' },
  { why: 'tensor is null', code: 'TENSOR_TYPE', op: 'Conv', x, w: null, names: 'W' },
  { why: 'X of rank 2', code: 'RANK_MISMATCH', op: 'Conv', x: tensor([1, 2]), w, names: 'X' },
  { why: 'W rank differs from X', code: 'RANK_MISMATCH', op: 'Conv', x, w: tensor([4, 2, 3]), names: 'W' },
  { why: 'B of rank 2', code: 'RANK_MISMATCH', op: 'Conv', x, w, b: tensor([4, 1]), names: 'B' },
  { why: 'fractional stride', code: 'NOT_AN_INTEGER', op: 'Conv', x, w, attrs: { strides: [1.5, 1] }, names: 'strides[0]' },
  { why: 'NaN dilation', code: 'NOT_AN_INTEGER', op: 'Conv', x, w, attrs: { dilations: [1, NaN] }, names: 'dilations[1]' },
  { why: 'Infinity in dims', code: 'NOT_AN_INTEGER', op: 'Conv', x: { dims: [1, 2, Infinity, 5], data: new Float32Array(0) }, w, names: 'X.dims[2]' },
  { why: 'string group', code: 'NOT_AN_INTEGER', op: 'Conv', x, w, attrs: { group: '2' }, names: 'group' },
  { why: 'zero stride', code: 'NOT_POSITIVE', op: 'Conv', x, w, attrs: { strides: [0, 1] }, names: 'strides[0]' },
  { why: 'zero dilation', code: 'NOT_POSITIVE', op: 'ConvTranspose', x, w: wt, attrs: { dilations: [1, 0] }, names: 'dilations[1]' },
  { why: 'zero group', code: 'NOT_POSITIVE', op: 'Conv', x, w, attrs: { group: 0 }, names: 'group' },
  { why: 'zero kernel dim', code: 'NOT_POSITIVE', op: 'Conv', x, w: { dims: [4, 2, 0, 3], data: new Float32Array(0) }, names: 'W.dims[2]' },
  { why: 'negative pad', code: 'NEGATIVE_PADS', op: 'Conv', x, w, attrs: { pads: [0, -1, 0, 0] }, names: 'pads[1]' },
  { why: 'pads of length 2 for 2-D', code: 'ATTRIBUTE_LENGTH', op: 'Conv', x, w, attrs: { pads: [1, 1] }, names: 'pads' },
  { why: 'strides of length 3 for 2-D', code: 'ATTRIBUTE_LENGTH', op: 'Conv', x, w, attrs: { strides: [1, 1, 1] }, names: 'strides' },
  { why: 'output_shape with N and C', code: 'ATTRIBUTE_LENGTH', op: 'ConvTranspose', x, w: wt, attrs: { output_shape: [1, 3, 7, 7] }, names: 'output_shape' },
  { why: 'output_padding on Conv', code: 'UNKNOWN_ATTRIBUTE', op: 'Conv', x, w, attrs: { output_padding: [1, 1] }, names: 'output_padding' },
  { why: 'typo in attribute name', code: 'UNKNOWN_ATTRIBUTE', op: 'Conv', x, w, attrs: { stride: [2, 2] }, names: 'stride' },
  { why: 'lower-case auto_pad', code: 'UNKNOWN_AUTO_PAD', op: 'Conv', x, w, attrs: { auto_pad: 'same_upper' }, names: 'auto_pad' },
  { why: 'pads with SAME_UPPER', code: 'PADS_CONFLICT', op: 'Conv', x, w, attrs: { auto_pad: 'SAME_UPPER', pads: [1, 1, 1, 1] }, names: 'pads' },
  { why: 'pads with output_shape', code: 'PADS_CONFLICT', op: 'ConvTranspose', x, w: wt, attrs: { pads: [1, 0, 0, 0], output_shape: [6, 6] }, names: 'output_shape' },
  { why: 'W expects 3 channels per group', code: 'CHANNEL_MISMATCH', op: 'Conv', x, w: tensor([4, 3, 3, 3]), names: 'C/group' },
  { why: 'ConvTranspose W[0] is not C', code: 'CHANNEL_MISMATCH', op: 'ConvTranspose', x, w: tensor([3, 3, 3, 3]), names: 'W dims' },
  { why: 'C not divisible by group', code: 'GROUP_DIVISIBILITY', op: 'Conv', x: tensor([1, 3, 5, 5]), w: tensor([4, 1, 3, 3]), attrs: { group: 2 }, names: 'group = 2' },
  { why: 'M not divisible by group', code: 'GROUP_DIVISIBILITY', op: 'Conv', x, w: tensor([3, 1, 3, 3]), attrs: { group: 2 }, names: 'M = 3' },
  { why: 'kernel_shape disagrees with W', code: 'KERNEL_SHAPE_MISMATCH', op: 'Conv', x, w, attrs: { kernel_shape: [3, 2] }, names: 'kernel_shape' },
  { why: 'kernel larger than padded input', code: 'OUTPUT_TOO_SMALL', op: 'Conv', x, w: tensor([4, 2, 7, 3]), names: 'axis 0' },
  { why: 'pads crop everything in ConvTranspose', code: 'OUTPUT_TOO_SMALL', op: 'ConvTranspose', x, w: wt, attrs: { pads: [4, 0, 3, 0] }, names: 'axis 0' },
  { why: 'output_padding equal to stride', code: 'OUTPUT_PADDING_RANGE', op: 'ConvTranspose', x, w: wt, attrs: { strides: [2, 2], output_padding: [2, 0] }, names: 'output_padding[0]' },
  { why: 'negative output_padding', code: 'OUTPUT_PADDING_RANGE', op: 'ConvTranspose', x, w: wt, attrs: { output_padding: [0, -1] }, names: 'output_padding[1]' },
  { why: 'output_shape beyond s·i + d(k−1)', code: 'OUTPUT_SHAPE_INCONSISTENT', op: 'ConvTranspose', x, w: wt, attrs: { output_shape: [8, 7] }, names: 'output_shape[0]' },
  { why: 'bias of the wrong length', code: 'BIAS_LENGTH', op: 'Conv', x, w, b: tensor([3]), names: 'M = 4' },
  { why: 'data shorter than dims', code: 'DATA_LENGTH', op: 'Conv', x: { dims: [1, 2, 5, 5], data: new Float32Array(49) }, w, names: 'data.length is 49' },
  { why: 'input over the element cap', code: 'SIZE_LIMIT', op: 'Conv', x: { dims: [1, 1, 2 ** 20, 2 ** 10], data: new Float32Array(1) }, w: tensor([1, 1, 1, 1]), names: 'cap' },
  { why: 'pads that would make a huge output', code: 'SIZE_LIMIT', op: 'Conv', x, w, attrs: { pads: [2 ** 20, 2 ** 20, 0, 0] }, names: 'output' },
  { why: 'work over the multiply-add cap', code: 'SIZE_LIMIT', op: 'Conv', x: { dims: [1, 1, 2 ** 14, 2 ** 13], data: new Float32Array(1) }, w: { dims: [1, 1, 2 ** 7, 2 ** 6], data: new Float32Array(1) }, names: 'multiply-adds' },
  { why: 'absurd attribute value', code: 'SIZE_LIMIT', op: 'Conv', x, w, attrs: { strides: [2 ** 40, 1] }, names: 'strides[0]' },
];

describe('invalid input', () => {
  for (const c of cases) {
    it(`${c.code}: ${c.why}`, () => {
      let caught: unknown;
      try {
        prepare(c.op, c.x, c.w, c.b, c.attrs ?? {});
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ConvSpecError);
      const err = caught as ConvSpecError;
      expect(err.code).toBe(c.code);
      expect(err.message).toContain(c.names);
    });
  }

  it('every error code is reached by some case', () => {
    const reached = new Set(cases.map((c) => c.code));
    expect(Object.keys(ERROR_CODES).filter((k) => !reached.has(k as ConvSpecErrorCode))).toEqual([]);
  });

  it('the valid control case passes the same checks', () => {
    expect(() => prepare('Conv', x, w, tensor([4]), { pads: [1, 0, 2, 1], strides: [2, 1] })).not.toThrow();
    expect(() => prepare('ConvTranspose', x, wt, tensor([3]), { strides: [2, 2], output_padding: [1, 0] })).not.toThrow();
  });

  it('a refused huge request allocates nothing large (RSS barely moves)', () => {
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 20; i++) {
      expect(() => prepare('Conv', x, w, undefined, { pads: [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30] })).toThrow(ConvSpecError);
    }
    // An allocation of the refused output (2^60 elements) is impossible anyway; this guards against
    // allocating anything proportional to the padded input before refusing.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });
});
