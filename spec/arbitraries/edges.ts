/**
 * The edges of the scale-and-edges tier (issue 26): cases that combine FOUR edge conditions at once,
 * each from an open, boundary-biased range, at a small size. A kernel's special path is switched on
 * by one condition (an axis of length 1, a kernel of 9 or more, k = s patches, 256 or more depthwise
 * channels, a long row …) and its bug is often behind a second one the path's author did
 * not think of (pads on the other axis, a dilation, a begin pad larger than the end pad); drawn one
 * aim at a time, such a pair comes up in a few cases in a thousand. Four conditions from the
 * EDGES list per case put every pair of them in about one case in eighteen (4 of 15: 78/1365), and
 * every single condition in a case in four. (Three per case — one pair in thirty — left pairs such
 * as a long kernel with a heavy end pad on the same axis at about one case in three hundred once the
 * axis and sizes had to agree.) Batches of 2 … 64 are an edge; a batch past 65 535 is not: kernels
 * that loop over items — PyTorch's dilated convolution — take a minute on it however small each item
 * is; the scale tier's planes aim draws it, one case in four of that aim.)
 *
 * The sizes stay small (a run's edge limits, edgeLimits in scaleTier.ts), so a run affords three hundred
 * of these: what a condition needs to be large (a 2^16-element row, 2^17 output channels) is kept at
 * that size and everything else shrinks around it (scaleDraft.ts fitDraft). Pairs that cannot fit the
 * limits together re-aim at a smaller instance of their boundaries, as every aim of scale.ts does.
 */
import fc from 'fast-check';
import type { OpName } from '../../impl/types';
import { boundaryInt } from './boundary';
import type { ScaleLimits } from './reach';
import { draftOf, KERNEL_CAP, keepDimensions, plainBase, realize, unit, type AxisDraw, type Base, type Planner } from './scale';
import type { Knob } from './scaleDraft';
import type { ConvShape } from './shape';

/** What an edge may change: the base's axes and channel counts, and the knobs it keeps. */
interface EdgeDraft {
  b: Base;
  axes: AxisDraw[];
  batch: number;
  group: number;
  cg: number;
  mg: number;
  keep: Knob[];
  /** Axes whose pads an edge has set (heavy, none, patches): later edges leave them. */
  padsSet: Set<number>;
}

/** Every random value any edge may use, drawn once per case (so a case shrinks as one record). */
interface EdgeValues {
  axis: number;
  everyAxis: boolean;
  thin: number;
  long: number;
  row: number;
  outChannels: number;
  depthwise: number;
  multiplier: number;
  wide: number;
  groups: number;
  kernel: number;
  patch: number;
  stride: number;
  strideKernel: number;
  dilation: number;
  beyond: number;
  batch: number;
}

const edgeValues: fc.Arbitrary<EdgeValues> = fc.record({
  axis: fc.integer({ min: 0, max: 2 }),
  everyAxis: fc.boolean(),
  thin: fc.integer({ min: 0, max: 1 }),
  long: boundaryInt(2 ** 10, 2 ** 17),
  row: boundaryInt(2 ** 12, 2 ** 17),
  outChannels: boundaryInt(2 ** 12, 2 ** 17),
  depthwise: boundaryInt(200, 4096),
  multiplier: fc.oneof(fc.constant(1), boundaryInt(2, 4)),
  wide: boundaryInt(200, 4096),
  groups: boundaryInt(33, 1024),
  kernel: boundaryInt(8, 128),
  patch: boundaryInt(2, 16),
  stride: boundaryInt(2, 8),
  strideKernel: fc.integer({ min: 1, max: 8 }),
  dilation: boundaryInt(2, 512),
  beyond: unit,
  batch: boundaryInt(2, 64),
});

/** The axes an edge applies to: every axis, or one (the drawn one, within the rank). */
const axesOf = (e: EdgeDraft, v: EdgeValues): number[] => (v.everyAxis ? e.axes.map((_a, n) => n) : [Math.min(v.axis, e.axes.length - 1)]);

/** Pad kinds (scale.ts padWish): 0 none, 1 ⌊half⌋, 3 d(k−1), 5 beyond d(k−1). */
const heavy = (e: EdgeDraft, v: EdgeValues, side: 'begin' | 'end') => {
  for (const n of axesOf(e, v)) {
    const big: [number, number] = [v.beyond % 2 === 0 ? 3 : 5, v.beyond];
    const small: [number, number] = [v.beyond % 3 === 0 ? 1 : 0, v.beyond];
    e.axes[n] = { ...e.axes[n], padB: side === 'begin' ? big : small, padE: side === 'begin' ? small : big };
    e.padsSet.add(n);
  }
};

interface Edge {
  name: string;
  apply(e: EdgeDraft, v: EdgeValues, op: OpName): void;
}

/**
 * The edge conditions. Each is a condition real kernels switch paths on or index by, taken from an
 * open range biased to its boundaries; none names a particular kernel's threshold.
 */
export const EDGES: Edge[] = [
  {
    // Begin pads larger than end pads (d(k−1) or beyond it, against none or ⌊half⌋).
    name: 'begin-heavy-pads',
    apply: (e, v) => heavy(e, v, 'begin'),
  },
  {
    // End pads larger than begin pads.
    name: 'end-heavy-pads',
    apply: (e, v) => heavy(e, v, 'end'),
  },
  {
    // No pads at all (VALID), on every axis: the pad-free fast path.
    name: 'no-pads',
    apply(e) {
      e.axes = e.axes.map((a) => ({ ...a, padB: [0, 0], padE: [0, 0] }));
      e.axes.forEach((_a, n) => e.padsSet.add(n));
    },
  },
  {
    // A large stride (2 … 8) with a kernel smaller than, equal to or not a multiple of it.
    name: 'large-stride',
    apply(e, v) {
      for (const n of axesOf(e, v)) e.axes[n] = { ...e.axes[n], s: v.stride, k: Math.min(v.strideKernel === v.stride ? v.stride : v.strideKernel + (v.strideKernel % v.stride === 0 ? 1 : 0), KERNEL_CAP[e.axes.length]) };
      e.keep.push(...axesOf(e, v).flatMap((n) => [`s${n}`, `k${n}`]));
    },
  },
  {
    // A large dilation (2 … 512 in 1-D, up to 300 otherwise), kernel 2 … 5.
    name: 'large-dilation',
    apply(e, v) {
      for (const n of axesOf(e, v)) e.axes[n] = { ...e.axes[n], d: e.axes.length === 1 ? v.dilation : Math.min(v.dilation, 300), k: Math.max(2, Math.min(5, e.axes[n].k)) };
      e.keep.push(...axesOf(e, v).flatMap((n) => [`d${n}`, `k${n}`]));
    },
  },
  {
    // A large kernel (8 … the rank's cap: 128 in 1-D, 11 in 2-D, 5 in 3-D) on one axis or all.
    name: 'large-kernel',
    apply(e, v) {
      for (const n of axesOf(e, v)) e.axes[n] = { ...e.axes[n], k: Math.min(v.kernel, KERNEL_CAP[e.axes.length]) };
      e.keep.push(...axesOf(e, v).map((n) => `k${n}`));
    },
  },
  {
    // ConvTranspose output_padding at its largest (s − 1), Conv an input tail past the last window (s − 1).
    name: 'last-remainder',
    apply(e) {
      e.axes = e.axes.map((a) => ({ ...a, opRaw: Math.max(0, a.s - 1), tail: Math.max(0, a.s - 1) }));
    },
  },

  {
    // A batch of 2 … 64 items (kept, not fitted away): item offsets, per-item loops and batch tiles next to every other edge.
    name: 'batched',
    apply(e, v) {
      e.batch = v.batch;
      e.keep.push('batch');
    },
  },
  {
    // Many input channels per group (200 … 4096): long reductions, channel tiles and their tails.
    name: 'wide-channels',
    apply(e, v) {
      e.cg = v.wide;
      e.keep.push('cg');
    },
  },
  {
    // Many groups (33 … 1024), each of a few channels.
    name: 'many-groups',
    apply(e, v) {
      e.group = v.groups;
      e.cg = Math.min(e.cg, 1 + (v.beyond % 4));
      e.mg = Math.min(e.mg, 1 + (v.beyond % 3));
      e.keep.push('group');
    },
  },
  {
    // Depthwise with 200 … 4096 channels (every remainder of a workgroup of channels), multiplier 1 … 4.
    name: 'wide-depthwise',
    apply(e, v) {
      e.group = v.depthwise;
      e.cg = 1;
      e.mg = v.multiplier;
      e.keep.push('group', 'cg', 'mg');
    },
  },
  {
    // Output channels past what one dispatch dimension or a 16-bit channel index holds (2^12 … 2^17).
    name: 'many-output-channels',
    apply(e, v) {
      e.mg = v.outChannels;
      e.keep.push('mg');
    },
  },
  {
    // A long last axis: more outputs in a row than a tile, a segment or a workgroup holds (2^12 … 2^17).
    name: 'long-row',
    apply(e, v) {
      const n = e.axes.length - 1;
      e.axes[n] = { ...e.axes[n], len: v.row, lenIs: 'out' };
      e.keep.push(`len${n}`);
    },
  },
  {
    // Non-overlapping patches: k = s (2 … 16) on every axis, no dilation, no pads (ViT and ConvNeXt stems).
    name: 'patches',
    apply(e, v) {
      const k = Math.min(v.patch, KERNEL_CAP[e.axes.length]);
      e.axes = e.axes.map((a) => ({ ...a, k, s: k, d: 1, padB: [0, 0], padE: [0, 0] }));
      e.axes.forEach((_a, n) => e.padsSet.add(n));
      e.keep.push(...e.axes.flatMap((_a, n) => [`k${n}`, `s${n}`]));
    },
  },
  {
    // A 1-D signal exported as 2-D: H = 1 or W = 1 (kernel 1, stride 1, no pads on it) next to a long axis.
    name: 'thin-axis',
    apply(e, v) {
      const other = 1 - v.thin;
      e.axes[v.thin] = { ...e.axes[v.thin], k: 1, s: 1, d: 1, padB: [0, 0], padE: [0, 0], len: 1, lenIs: 'in' };
      // the long axis is the signal's: a kernel along it (3 … 9 where the base drew 1), so its pads are drawn non-zero as often as not
      const k = e.axes[other].k > 1 ? e.axes[other].k : 3 + 2 * (v.beyond % 4);
      // and, unless another edge set them, a 1-D layer's pads: causal (d(k−1) before, none after:
      // WaveNet, TCNs, streaming audio), "same" (the odd one after), or as the base drew them
      const layerPads: [[number, number], [number, number]][] = [[[3, 0], [0, 0]], [[1, 0], [2, 0]]];
      const pads = e.padsSet.has(other) ? undefined : layerPads[v.beyond % 3]; // index 2: as drawn
      e.axes[other] = { ...e.axes[other], k, len: v.long, lenIs: 'in', ...(pads ? { padB: pads[0], padE: pads[1] } : {}) };
      e.keep.push(`len${v.thin}`, `len${other}`, `k${v.thin}`, `s${v.thin}`, `d${v.thin}`);
    },
  },
];

/**
 * What is not an edge is fitted to the limits / 2^EDGE_FREE_SHIFT at most (scale.ts realize): the
 * edges keep their sizes, the rest stays small, and a case costs milliseconds.
 */
const EDGE_FREE_SHIFT = 6;

/** How many edges each case combines. */
export const EDGES_PER_CASE = 4;

/**
 * Indices of EDGES_PER_CASE distinct edges, applied in list order: later edges win where two touch
 * the same knob, so the list runs from pads and geometry to the edges that fix a whole axis
 * (patches, the length-1 axis), which must hold as drawn.
 */
const edgePicks: fc.Arbitrary<number[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: EDGES.length - 1 }), { minLength: EDGES_PER_CASE, maxLength: EDGES_PER_CASE })
  .map((picks) => [...picks].sort((a, b) => a - b));

/** The edges' planner on a base: the draft with every picked edge applied, keeping what they need. */
function edgePlanner(b: Base, picks: number[], v: EdgeValues, op: OpName): Planner {
  const e: EdgeDraft = { b, axes: b.axes.map((a) => ({ ...a })), batch: b.batch, group: b.group, cg: b.cg, mg: b.mg, keep: [], padsSet: new Set() };
  // The length-1 axis is a 2-D case: the rank is set before any edge picks its axes.
  if (picks.some((p) => EDGES[p].name === 'thin-axis') && e.axes.length !== 2) e.axes = [e.axes[0], { ...e.axes[e.axes.length - 1] }];
  for (const p of picks) EDGES[p].apply(e, v, op);
  const draft = { ...draftOf({ ...b, pads: 'free', rank: e.axes.length }, e.axes), batch: e.batch, group: e.group, cg: e.cg, mg: e.mg };
  return keepDimensions(draft, [...new Set(e.keep)]);
}

/** Names of the edges a draw combines, for tests and reach counts. */
export function edgeNames(picks: readonly number[]): string[] {
  return picks.map((p) => EDGES[p].name);
}

/**
 * A case combining EDGES_PER_CASE edge conditions, within `limits` by construction (scale.ts
 * realize). The base around them is drawn small (its free parts are fitted to the limits / 2^shift).
 */
export function edgeShape(op: OpName, limits: ScaleLimits): fc.Arbitrary<ConvShape> {
  return fc
    .record({ b: plainBase(op, [1, 2, 3]), picks: edgePicks, v: edgeValues })
    .map(({ b, picks, v }) => realize({ planner: edgePlanner(b, picks, v, op), shift: Math.max(EDGE_FREE_SHIFT, b.shift) }, limits));
}
