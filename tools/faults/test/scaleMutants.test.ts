/**
 * Plan: the scale mutants (tools/faults/scaleCatalogue.ts) each hide one real kernel's bug behind a
 * condition only cases at scale meet. (a) On small and medium cases of realistic network shapes
 * (≤ 10⁵ multiply-adds, ≤ 128 channels, batch ≤ 7, kernels ≤ 7, strides ≤ 3) every mutant is within
 * the float32 bound of the float64 reference: the bug hides from them. (b) On its trigger case each
 * mutant is outside the bound: the bug is real. (c) Every correct variant of the scale catalogue is
 * within the bound on the same small cases and on every trigger case. Where a trigger is too large
 * to run the reference on in a test (2²⁴ elements, 65 537 items), the reference runs on a slice of
 * it that the kernel maps to itself (batch items, or rows of a 1×1 kernel) and the mutant's output
 * is compared on that slice. (d) Beyond the hand-picked cases, on random small shapes from a
 * generator of this file's own (not the suite's random domain, which this set is blind to), every
 * mutant computes bit for bit what the correct scale kernel computes: no bugged branch is taken.
 * The data is seeded random float32 in [−1, 1). Judging the catalogue through the verifier (the
 * kill table) is left to `npm run mutants`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../../impl/reference';
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

/**
 * Each case's inputs and its reference (per tolerance profile), made once for every entry judged on
 * it: a trigger of 2²⁴ elements costs about a quarter of a second to fill and the reference of the
 * im2col trigger more. Safe because no scale kernel writes into its inputs (they are read-only by
 * contract, and the hidden-on-small-cases tests would see a changed input).
 */
const inputsByCase = new Map<Case, { x: Tensor; w: Tensor; b: Tensor }>();
const expectedByCase = new Map<string, ReturnType<typeof expectedWithBound>>();
function inputsOf(c: Case): { x: Tensor; w: Tensor; b: Tensor } {
  let got = inputsByCase.get(c);
  if (!got) {
    const m = c.op === 'Conv' ? c.w[0] : c.w[1] * (c.attrs.group ?? 1);
    inputsByCase.set(c, (got = { x: tensor(c.x, 11), w: tensor(c.w, 12), b: tensor([m], 13) }));
  }
  return got;
}

/** The mismatch of entry on case c against the reference (undefined when within the bound). */
function mismatchOn(entry: CatalogueEntry, c: Case) {
  const { x, w, b } = inputsOf(c);
  const run = c.op === 'Conv' ? entry.impl.conv! : entry.impl.convTranspose!;
  let y = run(x, w, b, c.attrs) as Tensor;
  if (c.slice) y = sliceAxis(y, c.slice.axis, c.slice.from);
  const algorithm = entry.impl.supports?.algorithm;
  const key = `${JSON.stringify(c)}/${algorithm ?? ''}`;
  let expected = expectedByCase.get(key);
  if (!expected) {
    const xs = c.slice ? sliceAxis(x, c.slice.axis, c.slice.from) : x;
    expectedByCase.set(key, (expected = expectedWithBound(c.op, xs, w, b, c.attrs, profileFor('float32', algorithm))));
  }
  return findMismatch(y, expected);
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

/**
 * A small random case: rank 1–3, batch ≤ 7, ≤ 128 channels, kernels ≤ 7 (≤ 3 in 3-D), strides ≤ 3,
 * dilations ≤ 5, explicit or automatic pads, groups and depthwise, output_padding; kept only where it
 * resolves and needs at most 10⁵ multiply-adds.
 */
const smallCase = fc
  .record({
    op: fc.constantFrom<OpName>('Conv', 'ConvTranspose'),
    rank: fc.integer({ min: 1, max: 3 }),
    batch: fc.integer({ min: 1, max: 7 }),
    group: fc.constantFrom(1, 1, 2, 3, 0),
    cg: fc.integer({ min: 1, max: 16 }),
    mg: fc.integer({ min: 1, max: 16 }),
    depthwise: fc.integer({ min: 2, max: 128 }),
    axes: fc.array(fc.record({ i: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 7 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 5 }), pb: fc.integer({ min: 0, max: 6 }), pe: fc.integer({ min: 0, max: 6 }), op: fc.integer({ min: 0, max: 2 }) }), { minLength: 3, maxLength: 3 }),
    autoPad: fc.constantFrom('NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'),
  })
  .map((r): Case | undefined => {
    const axes = r.axes.slice(0, r.rank).map((a) => ({ ...a, k: r.rank === 3 ? Math.min(a.k, 3) : a.k }));
    const group = r.group === 0 ? r.depthwise : r.group; // 0: depthwise, one channel per group
    const cg = r.group === 0 ? 1 : r.cg;
    const C = group * cg;
    const M = group * (r.group === 0 ? 1 + (r.mg % 2) : r.mg);
    if (C > 128 || M > 128) return undefined;
    const attrs: ConvTransposeAttributes = {
      strides: axes.map((a) => a.s),
      dilations: axes.map((a) => a.d),
      group,
      ...(r.autoPad === 'NOTSET' ? { pads: [...axes.map((a) => Math.min(a.pb, a.k - 1)), ...axes.map((a) => Math.min(a.pe, a.k - 1))] } : { auto_pad: r.autoPad as ConvTransposeAttributes['auto_pad'] }),
      ...(r.op === 'ConvTranspose' ? { output_padding: axes.map((a) => Math.min(a.op, Math.max(a.s, a.d) - 1, a.s - 1)) } : {}),
    };
    const x = [r.batch, C, ...axes.map((a) => a.i)];
    const w = r.op === 'Conv' ? [M, cg, ...axes.map((a) => a.k)] : [C, M / group, ...axes.map((a) => a.k)];
    return { op: r.op, x, w, attrs };
  })
  .filter((c): c is Case => {
    if (!c) return false;
    try {
      const g = prepare(c.op, { dims: c.x, data: new Float32Array(product(c.x)) }, { dims: c.w, data: new Float32Array(product(c.w)) }, undefined, c.attrs);
      const macs = (c.op === 'Conv' ? product(g.outputDims) : product(g.inputDims)) * (c.op === 'Conv' ? g.inChannels / g.group : g.outChannels / g.group) * product(g.kernel);
      return macs <= 100_000 && product(g.outputSpatial) <= 4096;
    } catch {
      return false;
    }
  });

describe('scale mutants on random small shapes', () => {
  it('compute bit for bit what the correct scale kernel computes', () => {
    const correct = SCALE_GOOD.find((e) => e.id === 'scale-paths-float32')!;
    const mutants = SCALE_CATALOGUE.filter((e) => e.verdict === 'reject');
    fc.assert(
      fc.property(smallCase, (c) => {
        const x = tensor(c.x, 21);
        const w = tensor(c.w, 22);
        const m = c.op === 'Conv' ? c.w[0] : c.w[1] * (c.attrs.group ?? 1);
        const b = tensor([m], 23);
        const call = (e: CatalogueEntry) => ((c.op === 'Conv' ? e.impl.conv! : e.impl.convTranspose!)(x, w, b, c.attrs) as Tensor).data;
        const want = call(correct);
        for (const e of mutants) {
          const got = call(e);
          const at = got.findIndex((v, i) => !Object.is(v, want[i]));
          expect(at, `${e.id} on ${JSON.stringify(c)}`).toBe(-1);
        }
      }),
      { seed: 26, numRuns: 300 },
    );
  }, 120_000);
});
