/**
 * The features a case can have that a fault may need in order to show (batch > 1, auto_pad SAME_*,
 * stride > 1, …), each with a way to neutralise it: the same case without that feature. A feature
 * whose neutralisation makes a failing case pass is part of the fault's trigger (isolate.ts), and
 * later cases with every feature of a trigger are avoided, so that other faults can show (separate.ts).
 */
import { prepare } from '../../../impl/reference';
import type { ConvTransposeAttributes, Tensor } from '../../../impl/types';
import type { ModelCase } from '../../../spec/faults/consistent';

export interface Feature {
  /** Stable key (used in trigger lists). */
  key: string;
  /** The feature in words, e.g. "batch > 1". */
  words: string;
  present(c: ModelCase): boolean;
  /** The case without the feature (other things as equal as can be). */
  neutralise(c: ModelCase): ModelCase;
}

const spatialRank = (c: ModelCase) => c.x.dims.length - 2;
const anyAbove = (v: readonly number[] | undefined, n: number) => !!v && v.some((e) => e > n);

/** The slice [start, start + count) of tensor t along `axis`. */
export function take(t: Tensor, axis: number, start: number, count: number): Tensor {
  const outer = t.dims.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = t.dims.slice(axis + 1).reduce((p, d) => p * d, 1);
  const dims = [...t.dims];
  dims[axis] = count;
  const data = new Float32Array(outer * count * inner);
  for (let o = 0; o < outer; o++) {
    data.set(t.data.subarray((o * t.dims[axis] + start) * inner, (o * t.dims[axis] + start + count) * inner), o * count * inner);
  }
  return { dims, data };
}

const withoutAxis = (t: Tensor, axis: number): Tensor => ({ dims: t.dims.filter((_, i) => i !== axis), data: take(t, axis, 0, 1).data });

/** The case restricted to one spatial axis (index 0 along the others, kernel tap 0 there). */
function onAxis(c: ModelCase, keep: number): ModelCase {
  const r = spatialRank(c);
  let x = c.x;
  let w = c.w;
  for (let a = r - 1; a >= 0; a--) {
    if (a === keep) continue;
    x = withoutAxis(x, 2 + a);
    w = withoutAxis(w, 2 + a);
  }
  const perAxis = (v: number[] | undefined) => (v ? [v[keep]] : undefined);
  const a = c.attrs;
  const attrs: ConvTransposeAttributes = { ...a };
  if (a.kernel_shape) attrs.kernel_shape = perAxis(a.kernel_shape);
  if (a.strides) attrs.strides = perAxis(a.strides);
  if (a.dilations) attrs.dilations = perAxis(a.dilations);
  if (a.pads) attrs.pads = [a.pads[keep], a.pads[r + keep]];
  if (a.output_padding) attrs.output_padding = perAxis(a.output_padding);
  if (a.output_shape) attrs.output_shape = a.output_shape.length === r ? perAxis(a.output_shape) : undefined;
  return { ...c, x, w, attrs: clean(attrs) };
}

/** Attributes without undefined entries (so the case prints and serialises as typed). */
function clean(a: ConvTransposeAttributes): ConvTransposeAttributes {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as ConvTransposeAttributes;
}

const groupOf = (c: ModelCase) => c.attrs.group ?? 1;

/**
 * The spatial axis that keeps most of the case's other features (a kernel of more than one tap first,
 * then stride, dilation, padding; the last axis on a tie), so that going to one axis drops the rank
 * alone and not, by the way, the kernel or the stride that a fault needs.
 */
function busiestAxis(c: ModelCase): number {
  const r = spatialRank(c);
  const a = c.attrs;
  let best = r - 1;
  let bestScore = -1;
  for (let ax = r - 1; ax >= 0; ax--) {
    const score = (c.w.dims[2 + ax] > 1 ? 8 : 0) + ((a.strides?.[ax] ?? 1) > 1 ? 4 : 0) + ((a.dilations?.[ax] ?? 1) > 1 ? 2 : 0)
      + ((a.pads?.[ax] ?? 0) > 0 || (a.pads?.[r + ax] ?? 0) > 0 ? 1 : 0);
    if (score > bestScore) {
      best = ax;
      bestScore = score;
    }
  }
  return best;
}

export const FEATURES: Feature[] = [
  {
    key: 'batch',
    words: 'batch > 1',
    present: (c) => c.x.dims[0] > 1,
    neutralise: (c) => ({ ...c, x: take(c.x, 0, 0, 1) }),
  },
  {
    key: 'autoPad',
    words: 'auto_pad SAME_*',
    present: (c) => c.attrs.auto_pad === 'SAME_UPPER' || c.attrs.auto_pad === 'SAME_LOWER',
    neutralise: (c) => {
      const g = prepare(c.op, c.x, c.w, c.b, c.attrs);
      return { ...c, attrs: clean({ ...c.attrs, auto_pad: undefined, pads: [...g.padsBegin, ...g.padsEnd] }) };
    },
  },
  {
    key: 'stride',
    words: 'stride > 1',
    present: (c) => anyAbove(c.attrs.strides, 1),
    neutralise: (c) => ({ ...c, attrs: clean({ ...c.attrs, strides: undefined, output_padding: undefined, output_shape: undefined }) }),
  },
  {
    key: 'dilation',
    words: 'dilation > 1',
    present: (c) => anyAbove(c.attrs.dilations, 1),
    neutralise: (c) => ({ ...c, attrs: clean({ ...c.attrs, dilations: undefined, output_padding: undefined, output_shape: undefined }) }),
  },
  {
    key: 'group',
    words: 'group > 1',
    present: (c) => groupOf(c) > 1,
    neutralise: (c) => {
      const g = groupOf(c);
      const cg = c.x.dims[1] / g;
      const w = c.op === 'Conv' ? take(c.w, 0, 0, c.w.dims[0] / g) : take(c.w, 0, 0, cg);
      const m = c.op === 'Conv' ? w.dims[0] : w.dims[1];
      return { ...c, x: take(c.x, 1, 0, cg), w, b: c.b ? take(c.b, 0, 0, m) : undefined, attrs: clean({ ...c.attrs, group: undefined }) };
    },
  },
  {
    key: 'bias',
    words: 'a bias',
    present: (c) => !!c.b && c.b.data.some((v) => v !== 0),
    neutralise: (c) => ({ ...c, b: undefined }),
  },
  {
    key: 'outputPadding',
    words: 'output_padding > 0',
    present: (c) => c.op === 'ConvTranspose' && anyAbove(c.attrs.output_padding, 0),
    neutralise: (c) => ({ ...c, attrs: clean({ ...c.attrs, output_padding: undefined }) }),
  },
  {
    key: 'outputShape',
    words: 'output_shape given',
    present: (c) => c.op === 'ConvTranspose' && !!c.attrs.output_shape,
    neutralise: (c) => ({ ...c, attrs: clean({ ...c.attrs, output_shape: undefined }) }),
  },
  {
    key: 'asymmetricPads',
    words: 'explicit pads_begin ≠ pads_end',
    present: (c) => {
      const p = c.attrs.pads;
      const r = spatialRank(c);
      return !!p && (c.attrs.auto_pad ?? 'NOTSET') === 'NOTSET' && p.slice(0, r).some((v, a) => v !== p[r + a]);
    },
    neutralise: (c) => {
      const r = spatialRank(c);
      const begin = c.attrs.pads!.slice(0, r);
      return { ...c, attrs: { ...c.attrs, pads: [...begin, ...begin] } };
    },
  },
  {
    key: 'padding',
    words: 'explicit pads > 0',
    present: (c) => (c.attrs.auto_pad ?? 'NOTSET') === 'NOTSET' && anyAbove(c.attrs.pads, 0),
    neutralise: (c) => ({ ...c, attrs: clean({ ...c.attrs, pads: undefined }) }),
  },
  {
    key: 'kernel',
    words: 'a kernel of more than one tap',
    present: (c) => c.w.dims.slice(2).some((k) => k > 1),
    neutralise: (c) => {
      let w = c.w;
      for (let a = 2; a < w.dims.length; a++) w = take(w, a, 0, 1);
      return { ...c, w, attrs: clean({ ...c.attrs, kernel_shape: c.attrs.kernel_shape ? w.dims.slice(2) : undefined }) };
    },
  },
  {
    key: 'channels',
    words: 'more than one channel',
    present: (c) => c.x.dims[1] > 1 || (c.op === 'Conv' ? c.w.dims[0] : c.w.dims[1] * groupOf(c)) > 1,
    neutralise: (c) => ({ ...c, x: take(c.x, 1, 0, 1), w: take(take(c.w, 0, 0, 1), 1, 0, 1), b: c.b ? take(c.b, 0, 0, 1) : undefined, attrs: clean({ ...c.attrs, group: undefined }) }),
  },
  {
    key: 'rank',
    words: 'more than one spatial axis',
    present: (c) => spatialRank(c) > 1,
    neutralise: (c) => onAxis(c, busiestAxis(c)),
  },
];

/** The features present in c, by key. */
export function featuresOf(c: ModelCase): Set<string> {
  return new Set(FEATURES.filter((f) => f.present(c)).map((f) => f.key));
}

/** A trigger (feature keys) in words, in FEATURES order; an empty one says no single feature was isolated. */
export function triggerWords(keys: readonly string[]): string {
  const words = FEATURES.filter((f) => keys.includes(f.key)).map((f) => f.words);
  return words.length ? words.join(' and ') : 'no single feature isolated (every case of the kind may show it)';
}
