/**
 * Plan: the scale mutants (tools/faults/scaleCatalogue.ts) each hide one real kernel's bug behind a
 * condition only cases at scale meet. (a) On small and medium cases of realistic network shapes
 * (≤ 10⁵ multiply-adds, ≤ 128 channels, batch ≤ 7, kernels ≤ 7, strides ≤ 3) every mutant is within
 * the float32 bound of the float64 reference: the bug hides from them. (b) On its trigger case each
 * mutant is outside the bound: the bug is real. (c) Every correct variant of the scale catalogue is
 * within the bound on the same small cases and on every trigger case. Where a trigger is too large
 * to run the reference on in a test (2²⁴ elements, 65 537 items), the reference runs on a slice of
 * it that the kernel maps to itself (batch items, or rows of a 1×1 kernel) and the mutant's output
 * is compared on that slice. The data is seeded random float32 in [−1, 1). Judging the catalogue
 * through the verifier (the kill table) is left to `npm run mutants`.
 */
import { describe, expect, it } from 'vitest';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import { findMismatch } from '../../../spec/framework/compare';
import { expectedWithBound, profileFor } from '../../../spec/tolerance';
import type { CatalogueEntry } from '../entry';
import { SCALE_BUGS, SCALE_CATALOGUE, SCALE_GOOD } from '../scaleCatalogue';

interface Case {
  name?: string;
  op: OpName;
  x: number[];
  w: number[];
  attrs: ConvTransposeAttributes;
  /** Compare on X and Y sliced along this axis from this index (see the plan). */
  slice?: { axis: number; from: number };
}

const SMALL: Case[] = [
  { name: 'resnet-ish 3x3', op: 'Conv', x: [1, 8, 8, 8], w: [16, 8, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { name: 'depthwise s2', op: 'Conv', x: [1, 32, 8, 8], w: [32, 1, 3, 3], attrs: { group: 32, pads: [1, 1, 1, 1], strides: [2, 2] } },
  { name: 'pointwise batch 3', op: 'Conv', x: [3, 32, 6, 6], w: [24, 32, 1, 1], attrs: {} },
  { name: 'stem 7x7 s3', op: 'Conv', x: [1, 3, 24, 24], w: [4, 3, 7, 7], attrs: { strides: [3, 3], pads: [3, 3, 3, 3] } },
  { name: '1-D dilated', op: 'Conv', x: [2, 4, 200], w: [8, 4, 5], attrs: { pads: [2, 2], dilations: [2] } },
  { name: 'long 1-D', op: 'Conv', x: [1, 2, 2100], w: [2, 2, 3], attrs: { dilations: [2], pads: [1, 3] } },
  { name: '3-D', op: 'Conv', x: [1, 2, 6, 6, 6], w: [4, 2, 3, 3, 3], attrs: { pads: [1, 1, 1, 1, 1, 1] } },
  { name: 'convT k4 s2', op: 'ConvTranspose', x: [1, 16, 6, 6], w: [16, 8, 4, 4], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'convT grouped op', op: 'ConvTranspose', x: [2, 8, 5, 5], w: [8, 2, 3, 3], attrs: { group: 4, strides: [2, 2], output_padding: [1, 1] } },
  { name: 'convT 1-D output_shape', op: 'ConvTranspose', x: [1, 4, 10], w: [4, 3, 3], attrs: { strides: [3], output_shape: [32] } },
  { name: 'batch 7 asym pads dil', op: 'Conv', x: [7, 3, 10, 10], w: [6, 3, 3, 3], attrs: { pads: [0, 1, 2, 1], dilations: [2, 1] } },
  { name: 'same_upper s2', op: 'Conv', x: [1, 5, 9, 9], w: [6, 5, 3, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: '128 channels', op: 'Conv', x: [1, 128, 3, 3], w: [8, 128, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { name: '3x3 s1 20x20', op: 'Conv', x: [1, 4, 20, 20], w: [4, 4, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { name: 'grouped', op: 'Conv', x: [1, 12, 7, 7], w: [12, 4, 3, 3], attrs: { group: 3 } },
  { name: 'convT 3-D', op: 'ConvTranspose', x: [1, 3, 4, 4, 4], w: [3, 2, 2, 2, 2], attrs: { strides: [2, 2, 2] } },
  { name: 'H=1 row', op: 'Conv', x: [1, 3, 1, 500], w: [4, 3, 1, 5], attrs: { pads: [0, 2, 0, 2] } },
  { name: 'k7 d3 s3', op: 'Conv', x: [1, 2, 30, 30], w: [2, 2, 7, 7], attrs: { dilations: [3, 3], strides: [3, 3], pads: [3, 0, 2, 1] } },
];

const TRIGGERS: Record<string, Case> = {
  'scale-batch-grid-z-clamped': { op: 'Conv', x: [65537, 1, 2], w: [2, 1, 1], attrs: {}, slice: { axis: 0, from: 65530 } },
  'scale-dispatch-split-ignores-y': { op: 'Conv', x: [1, 1, 2050, 2050], w: [1, 1, 1, 1], attrs: {}, slice: { axis: 2, from: 2044 } },
  'scale-float32-flat-index': { op: 'ConvTranspose', x: [1, 1, 4097, 4097], w: [1, 1, 1, 1], attrs: {}, slice: { axis: 2, from: 4090 } },
  'scale-uint16-plane-offsets': { op: 'Conv', x: [1, 1, 300, 300], w: [1, 1, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  'scale-splitk-tail-chunk-dropped': { op: 'Conv', x: [1, 512, 6, 6], w: [4, 512, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  'scale-splitk-bias-per-split': { op: 'Conv', x: [1, 512, 6, 6], w: [4, 512, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  'scale-depthwise-channel-blocks-floor': { op: 'Conv', x: [1, 288, 6, 6], w: [288, 1, 3, 3], attrs: { group: 288, pads: [1, 1, 1, 1] } },
  'scale-channel-tile-stale-lanes': { op: 'Conv', x: [1, 300, 5, 5], w: [4, 300, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  'scale-winograd-tail-column-unwritten': { op: 'Conv', x: [1, 2, 128, 129], w: [2, 2, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  'scale-patchify-row-stride': { op: 'Conv', x: [1, 3, 230, 230], w: [8, 3, 16, 16], attrs: { strides: [16, 16] } },
  'scale-space-to-batch-tail-dropped': { op: 'Conv', x: [1, 2, 61, 61], w: [2, 2, 3, 3], attrs: { dilations: [6, 6] } },
  'scale-row-segment-halo-ignores-dilation': { op: 'Conv', x: [1, 1, 9000], w: [1, 1, 3], attrs: { dilations: [2] } },
  'scale-large-kernel-pad-end-as-begin': { op: 'Conv', x: [1, 2, 20, 40], w: [2, 2, 3, 9], attrs: { pads: [1, 0, 1, 3] } },
  'scale-h1-path-pads-of-wrong-axis': { op: 'Conv', x: [1, 2, 1, 9000], w: [3, 2, 1, 5], attrs: { pads: [0, 2, 0, 2] } },
  'scale-im2col-chunk-start-ignores-stride': { op: 'Conv', x: [1, 128, 256, 256], w: [1, 128, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  'scale-col2im-chunk-overwrites-overlap': { op: 'ConvTranspose', x: [1, 2, 130, 128], w: [2, 16, 4, 4], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  'scale-batch-tile-input-stride': { op: 'Conv', x: [17, 2, 5, 5], w: [3, 2, 3, 3], attrs: {} },
};

const product = (v: readonly number[]) => v.reduce((a, b) => a * b, 1);

/** Seeded float32 data in [−1, 1) (a linear congruential generator: fast for 16 M elements). */
function tensor(dims: number[], seed: number): Tensor {
  const data = new Float32Array(product(dims));
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = (s / 4294967296) * 2 - 1;
  }
  return { dims, data };
}

/** The part of t from index `from` on along `axis`. */
function sliceAxis(t: Tensor, axis: number, from: number): Tensor {
  const dims = [...t.dims];
  const outer = product(dims.slice(0, axis));
  const inner = product(dims.slice(axis + 1));
  const n = dims[axis];
  dims[axis] = n - from;
  const data = new Float32Array(outer * dims[axis] * inner);
  for (let o = 0; o < outer; o++) data.set(t.data.subarray((o * n + from) * inner, (o + 1) * n * inner), o * dims[axis] * inner);
  return { dims, data };
}

/** The mismatch of entry on case c against the reference (undefined when within the bound). */
function mismatchOn(entry: CatalogueEntry, c: Case) {
  const x = tensor(c.x, 11);
  const w = tensor(c.w, 12);
  const m = c.op === 'Conv' ? c.w[0] : c.w[1] * (c.attrs.group ?? 1);
  const b = tensor([m], 13);
  const run = c.op === 'Conv' ? entry.impl.conv! : entry.impl.convTranspose!;
  let y = run(x, w, b, c.attrs) as Tensor;
  let xs = x;
  if (c.slice) {
    xs = sliceAxis(x, c.slice.axis, c.slice.from);
    y = sliceAxis(y, c.slice.axis, c.slice.from);
  }
  const profile = profileFor('float32', entry.impl.supports?.algorithm);
  return findMismatch(y, expectedWithBound(c.op, xs, w, b, c.attrs, profile));
}

describe('scale catalogue', () => {
  it('has at least 14 mutants and 4 correct variants, each mutant with a trigger case', () => {
    expect(SCALE_BUGS.length).toBeGreaterThanOrEqual(14);
    expect(SCALE_GOOD.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(TRIGGERS).sort()).toEqual(SCALE_BUGS.map((b) => b.bug).sort());
    for (const e of SCALE_CATALOGUE) expect(e.id).toMatch(/^scale-[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('small cases stay small (≤ 10⁵ multiply-adds, ≤ 128 channels, batch ≤ 7, kernels ≤ 7)', () => {
    for (const c of SMALL) {
      expect(c.x[0]).toBeLessThanOrEqual(7);
      expect(Math.max(c.x[1], c.w[0], c.w[1])).toBeLessThanOrEqual(128);
      expect(Math.max(...c.w.slice(2))).toBeLessThanOrEqual(7);
    }
  });
});

describe('scale mutants', () => {
  for (const entry of SCALE_CATALOGUE.filter((e) => e.verdict === 'reject')) {
    it(`${entry.id}: within the bound on small cases, outside it on its trigger`, () => {
      for (const c of SMALL) expect(mismatchOn(entry, c), `${entry.id} on ${c.name}`).toBeUndefined();
      expect(mismatchOn(entry, TRIGGERS[entry.id])?.kind).toBe('value');
    }, 120_000);
  }
});

describe('scale correct variants', () => {
  for (const entry of SCALE_GOOD) {
    it(`${entry.id}: within the bound on the small cases`, () => {
      for (const c of SMALL) expect(mismatchOn(entry, c), `${entry.id} on ${c.name}`).toBeUndefined();
    });
    for (const [id, c] of Object.entries(TRIGGERS)) {
      it(`${entry.id}: within the bound on the trigger of ${id}`, () => {
        expect(mismatchOn(entry, c)).toBeUndefined();
      }, 120_000);
    }
  }
});
