/**
 * Plan: tfjs refuses a stride and a dilation together, so the adapter rewrites the call
 * (tools/adapters/tfjsConv.ts). It must take the cheaper exact rewrite and form only the products
 * ONNX's Conv forms: with s = 6, d = 256, k = 3 (a scale case of `--runs 5x --seed 17`) a zero-dilated
 * kernel made tfjs compute 171 times the products and time out; and a zero-dilated kernel multiplies
 * its inserted zeros by inputs the dilation skips, so an ∞ there turned a finite output into NaN.
 * Checked by recording the conv2d calls tfjs receives, and on an input with ∞ only at skipped positions.
 */
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../impl/types';
import { findMismatch } from '../../../spec/framework/compare';
import { expectedWithBound } from '../../../spec/tolerance';
import { createTfjsImplementation } from '../tfjsConv';

type Tf = typeof tfCore;

// No "install tfjs-node" banner on first use.
tfCore.enableProdMode();

/** tfjs with conv2d wrapped to record the filter shape and strides of every call. */
function recordingTf(calls: { filter: number[]; strides: number[] }[]): Tf {
  return new Proxy(tfCore, {
    get(target, key, receiver) {
      if (key !== 'conv2d') return Reflect.get(target, key, receiver);
      return (x: tfCore.Tensor4D, filter: tfCore.Tensor4D, strides: [number, number], ...rest: unknown[]) => {
        calls.push({ filter: [...filter.shape], strides: [...strides] });
        return (target.conv2d as (...a: unknown[]) => tfCore.Tensor)(x, filter, strides, ...rest);
      };
    },
  }) as Tf;
}

const implementation = (tf: Tf) => createTfjsImplementation(tf, { name: 'tfjs cpu (recorded)', ready: () => tf.setBackend('cpu') });

const ramp = (dims: number[]): Tensor => {
  const n = dims.reduce((a, b) => a * b, 1);
  return { dims, data: Float32Array.from({ length: n }, (_v, i) => ((i * 37) % 17) / 8 - 1) };
};

describe('tfjs adapter: stride with dilation', () => {
  it('runs s = [6, 2], d = [256, 1], k = 3×3 as the stride-1 dilated convolution subsampled, never with a 513-tap kernel', async () => {
    const calls: { filter: number[]; strides: number[] }[] = [];
    const conv = implementation(recordingTf(calls)).conv!;
    const x = ramp([1, 2, 530, 6]);
    const w = ramp([3, 2, 3, 3]);
    const attrs = { strides: [6, 2], dilations: [256, 1], pads: [4, 1, 4, 1] };
    const y = await conv(x, w, undefined, attrs);
    expect(findMismatch(y, expectedWithBound('Conv', x, w, undefined, attrs))).toBeUndefined();
    expect(calls.map((c) => c.filter.slice(0, 2))).toEqual([[3, 3]]);
    expect(calls.map((c) => c.strides)).toEqual([[1, 1]]);
  });

  it('keeps the zero-dilated kernel where it is the cheaper rewrite (s = [4, 4], d = [2, 2], k = 2×2)', async () => {
    const calls: { filter: number[]; strides: number[] }[] = [];
    const conv = implementation(recordingTf(calls)).conv!;
    const x = ramp([1, 2, 11, 9]);
    const w = ramp([2, 2, 2, 2]);
    const attrs = { strides: [4, 4], dilations: [2, 2] };
    const y = await conv(x, w, undefined, attrs);
    expect(findMismatch(y, expectedWithBound('Conv', x, w, undefined, attrs))).toBeUndefined();
    expect(calls.map((c) => c.filter.slice(0, 2))).toEqual([[3, 3]]);
    expect(calls.map((c) => c.strides)).toEqual([[4, 4]]);
  });

  it('gives finite outputs when ∞ sits only where the dilation skips (s = 2, d = 3, k = 3)', async () => {
    const conv = implementation(tfCore).conv!;
    // Output o reads 2o, 2o + 3, 2o + 6 of 13 inputs: o = 0 … 3 read only even positions and 3, 5, 7, 9.
    const x: Tensor = { dims: [1, 1, 13], data: Float32Array.from({ length: 13 }, (_v, i) => (i === 1 ? Infinity : i / 4)) };
    const w: Tensor = { dims: [1, 1, 3], data: Float32Array.from([0.5, -1, 2]) };
    const attrs = { strides: [2], dilations: [3] };
    const y = await conv(x, w, undefined, attrs);
    expect(y.dims).toEqual([1, 1, 4]);
    expect([...y.data].every(Number.isFinite)).toBe(true);
    expect(findMismatch(y, expectedWithBound('Conv', x, w, undefined, attrs))).toBeUndefined();
  });
});
