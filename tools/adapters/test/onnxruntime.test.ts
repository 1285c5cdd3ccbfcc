/**
 * Plan: the bundled ONNX Runtime adapter against the reference with the tolerance model on a
 * grouped, strided, dilated, biased Conv and ConvTranspose; ORT's own error messages come back as
 * thrown Errors (Conv SAME with dilation, an unknown attribute, output_padding ≥ stride); the
 * session cache returns the same answer for a repeated call and is keyed by dims; it declares what
 * it supports; its inputs are not modified; the default export is the same adapter.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { findMismatch } from '../../../spec/framework/compare';
import { unsupportedReason } from '../../../spec/framework/subject';
import { expectedWithBound } from '../../../spec/tolerance';
import type { Tensor } from '../../../impl/types';
import defaultExport, { createOnnxRuntime, onnxruntime, ORT_VERSION } from '../onnxruntime';
import { Prng } from '../../fixtures/prng';

const rng = new Prng(99);
const rand = (dims: number[]): Tensor => ({ dims, data: rng.floats(dims.reduce((a, b) => a * b, 1)) });
const ort = createOnnxRuntime({ maxCachedSessions: 2 });
afterAll(() => ort.close());

describe('onnxruntime adapter', () => {
  it('agrees with the reference within the bound (grouped, strided, dilated, biased, both ops)', async () => {
    const cases = [
      { op: 'Conv' as const, x: rand([2, 4, 7, 6]), w: rand([6, 2, 3, 2]), b: rand([6]), attrs: { group: 2, strides: [2, 1], dilations: [1, 2], pads: [1, 0, 0, 2] } },
      { op: 'ConvTranspose' as const, x: rand([1, 4, 3, 4]), w: rand([4, 3, 3, 2]), b: rand([6]), attrs: { group: 2, strides: [2, 3], dilations: [2, 1], output_padding: [1, 2], pads: [0, 1, 1, 0] } },
    ];
    for (const c of cases) {
      const y = await ort.run(c.op, c.x, c.w, c.b, c.attrs);
      expect(findMismatch(y, expectedWithBound(c.op, c.x, c.w, c.b, c.attrs))).toBeUndefined();
    }
  });

  it('surfaces ORT errors as Errors with ORT\'s message', async () => {
    const x = rand([1, 1, 5, 5]);
    await expect(ort.conv!(x, rand([1, 1, 3, 3]), undefined, { auto_pad: 'SAME_UPPER', dilations: [2, 2] })).rejects.toThrow(/Dilation not supported/);
    await expect(ort.conv!(x, rand([1, 1, 3, 3]), undefined, { foo: 1 } as object)).rejects.toThrow(/Unrecognized attribute: foo/);
    await expect(ort.convTranspose!(x, rand([1, 1, 3, 3]), undefined, { strides: [2, 2], output_padding: [2, 0] })).rejects.toThrow(Error);
    await expect(ort.conv!(x, rand([1, 1, 3, 3]), undefined, { strides: [0.5, 1] })).rejects.toThrow(/attribute strides/);
  });

  it('gives the same result on a repeated call, keys sessions by dims, and leaves inputs unmodified', async () => {
    const x = rand([1, 2, 5, 5]);
    const w = rand([3, 2, 2, 2]);
    const xCopy = Float32Array.from(x.data);
    const a = await ort.conv!(x, w, undefined, { strides: [2, 2] });
    const b = await ort.conv!(x, w, undefined, { strides: [2, 2] });
    expect(b.data).toEqual(a.data);
    expect(a.data).not.toBe(b.data);
    expect(x.data).toEqual(xCopy);
    const bigger = await ort.conv!(rand([1, 2, 7, 7]), w, undefined, { strides: [2, 2] });
    expect(bigger.dims).toEqual([1, 3, 3, 3]);
  });

  it('declares Conv SAME with dilation unsupported and ConvTranspose SAME with dilation supported', () => {
    const s = onnxruntime.supports;
    expect(unsupportedReason(s, 'Conv', [1, 1, 5, 5], undefined, { auto_pad: 'SAME_LOWER', dilations: [1, 2] })).toMatch(/dilation/);
    expect(unsupportedReason(s, 'ConvTranspose', [1, 1, 5, 5], undefined, { auto_pad: 'SAME_LOWER', dilations: [1, 2] })).toBeUndefined();
    expect(unsupportedReason(s, 'Conv', [1, 1, 5, 5], undefined, { dilations: [1, 2] })).toBeUndefined();
  });

  it('is the default export, names its version and settings', () => {
    expect(defaultExport).toBe(onnxruntime);
    expect(onnxruntime.name).toContain(ORT_VERSION);
    expect(onnxruntime.settings).toMatchObject({ graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, opset: 22 });
  });
});
