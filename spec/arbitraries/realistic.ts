/**
 * The realistic tier of the random domain: shapes of the kind real networks run, which is where real
 * kernels (MLAS, XNNPACK, oneDNN, cuDNN, WebGPU shaders) leave their generic loop for a special path
 * chosen from the shape — blocks of 4/8/16 channels with a remainder loop, spatial tiles with a tail,
 * a pointwise (1×1) GEMM, a depthwise kernel for many channels, large-kernel and stride-2 paths, batch
 * folding, lower-precision accumulation for long reductions. The small tier (≤ 3 channels per group,
 * kernels ≤ 3, short axes, batch ≤ 2) never takes those paths.
 *
 * Each case is drawn from one family (one path it aims at), then shrunk by construction to a budget
 * of multiply-adds (REALISTIC_MAC_BUDGET) so every clause stays fast: spatial lengths first, then the
 * batch; channels, groups and kernels — what selects the path — are kept. Never filtered.
 * SPEC.md ("Random cases") states the domain and why each dimension reaches what it reaches.
 */
import fc from 'fast-check';
import { effectiveKernel } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import type { Axis, ConvShape } from './shape';

/** Multiply-adds per case (N·M·Πo·(C/g)·Πk for Conv, N·C·Πi·(M/g)·Πk for ConvTranspose). */
export const REALISTIC_MAC_BUDGET = 100_000;

/**
 * Channels per group: small values, and the usual block sizes with their neighbours (a remainder of
 * 1 and of block − 1 after blocks of 4, 8, 16, 32, 64).
 */
export const BLOCKY = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65] as const;
const blocky = (max = 128) => fc.constantFrom(...BLOCKY.filter((v) => v <= max));

/** Multiply-adds of a shape (the reference's work, up to a constant). */
export function multiplyAdds(s: ConvShape): number {
  const { group, inPerGroup, outPerGroup } = s.channels;
  const k = s.axes.reduce((p, a) => p * a.k, 1);
  if (s.op === 'Conv') {
    const o = s.axes.reduce((p, a) => p * (Math.floor((a.i + a.pb + a.pe - a.d * (a.k - 1) - 1) / a.s) + 1), 1);
    return s.batch * group * outPerGroup * o * inPerGroup * k;
  }
  const i = s.axes.reduce((p, a) => p * a.i, 1);
  return s.batch * group * inPerGroup * i * outPerGroup * k;
}

/** Per-axis draw of a family: kernel, stride, dilation, pads and the wanted input length. */
interface AxisDraw {
  k: number;
  s: number;
  d: number;
  pb: number;
  pe: number;
  /** Conv: input length beyond the minimum; ConvTranspose: the input length. */
  len: number;
  opRaw: number;
}

/** Smallest valid input length of an axis (Conv: the padded input holds the kernel extent). */
function minLength(op: OpName, a: Pick<Axis, 'k' | 'd' | 'pb' | 'pe'>): number {
  return op === 'Conv' ? Math.max(1, effectiveKernel(a.k, a.d) - a.pb - a.pe) : 1;
}

/** A valid axis from a draw: Conv lengthens the input to the minimum; ConvTranspose clamps pads. */
function toAxis(op: OpName, v: AxisDraw): Axis {
  if (op === 'Conv') {
    const pb = Math.min(v.pb, v.d * (v.k - 1));
    const pe = Math.min(v.pe, v.d * (v.k - 1));
    return { i: minLength(op, { ...v, pb, pe }) + v.len, k: v.k, s: v.s, d: v.d, pb, pe, op: 0 };
  }
  const i = Math.max(1, v.len);
  const op2 = v.opRaw % v.s;
  const room = v.s * (i - 1) + op2 + effectiveKernel(v.k, v.d) - 1;
  const pb = Math.min(v.pb, room);
  return { i, k: v.k, s: v.s, d: v.d, pb, pe: Math.min(v.pe, room - pb), op: op2 };
}

/**
 * Shrinks a shape to the budget by construction: the longest spatial input first (towards its
 * minimum), then the batch. Channels, groups, kernels, strides and dilations are kept.
 */
export function fitBudget(s: ConvShape, budget = REALISTIC_MAC_BUDGET): ConvShape {
  const shape: ConvShape = { ...s, axes: s.axes.map((a) => ({ ...a })) };
  for (let guard = 0; guard < 200 && multiplyAdds(shape) > budget; guard++) {
    let longest = -1;
    for (let n = 0; n < shape.axes.length; n++) {
      const a = shape.axes[n];
      const room = a.i - minLength(s.op, a);
      if (room > 0 && (longest < 0 || a.i > shape.axes[longest].i)) longest = n;
    }
    if (longest >= 0) {
      const a = shape.axes[longest];
      const min = minLength(s.op, a);
      a.i = Math.max(min, Math.floor(min + (a.i - min) * 0.75));
      if (s.op === 'ConvTranspose') {
        // Pads must still leave one output element.
        const room = a.s * (a.i - 1) + a.op + effectiveKernel(a.k, a.d) - 1;
        a.pb = Math.min(a.pb, room);
        a.pe = Math.min(a.pe, room - a.pb);
      }
    } else if (shape.batch > 1) {
      shape.batch--;
    } else {
      break; // channels and kernel alone exceed the budget: keep the case (it selects the path)
    }
  }
  return shape;
}

const int = (min: number, max: number) => fc.integer({ min, max });

/** Axes for a family: `rank` independent draws from `axis`. */
const axesOf = (rank: number, axis: fc.Arbitrary<AxisDraw>) => fc.array(axis, { minLength: rank, maxLength: rank });

/** An axis draw with the given parts (each an arbitrary); pads default to 0 … d(k−1). */
function axisDraw(p: { k: fc.Arbitrary<number>; s?: fc.Arbitrary<number>; d?: fc.Arbitrary<number>; len: fc.Arbitrary<number> }): fc.Arbitrary<AxisDraw> {
  return fc
    .record({ k: p.k, s: p.s ?? int(1, 2), d: p.d ?? fc.constant(1), len: p.len, padPick: fc.nat({ max: 3 }), skew: fc.nat({ max: 2 }), opRaw: fc.nat({ max: 2 }) })
    .map(({ k, s, d, len, padPick, skew, opRaw }) => {
      // "same"-style pads (the common choice in networks), none, or asymmetric ones.
      const half = Math.floor((d * (k - 1)) / 2);
      const pb = padPick === 0 ? 0 : padPick === 3 ? Math.max(0, half - skew) : half;
      const pe = padPick === 0 ? 0 : padPick === 3 ? d * (k - 1) - pb : d * (k - 1) - half;
      return { k, s, d, pb, pe, len, opRaw };
    });
}

/** Batch of a realistic case: 1, or 2 … 7 (folded and tiled batch paths, with a remainder). */
const batch = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: int(2, 7) });

interface Family {
  name: string;
  /** Relative frequency among the families. */
  weight: number;
  draw: (op: OpName) => fc.Arbitrary<ConvShape>;
}

const shapeOf = (op: OpName, n: number, group: number, cg: number, mg: number, axes: AxisDraw[], bias: boolean, explicit: boolean): ConvShape => ({
  op, batch: n, channels: { group, inPerGroup: cg, outPerGroup: mg }, axes: axes.map((a) => toAxis(op, a)), bias, explicit,
});

/** The families, each aimed at one kind of special path. */
export const FAMILIES: Family[] = [
  {
    // Blocked channel loops: C/g and M/g around block sizes (remainder loops), group 1 or 2.
    name: 'channel-blocks',
    weight: 2,
    draw: (op) =>
      fc
        .record({ n: batch, g: fc.constantFrom(1, 1, 2), cg: blocky(65), mg: blocky(65), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) => axesOf(r.rank, axisDraw({ k: int(1, 3), len: int(1, 12) })).map((axes) => shapeOf(op, r.n, r.g, r.cg, r.mg, axes, r.b, r.e))),
  },
  {
    // Depthwise (group = C) with many channels and a channel multiplier, stride and dilation.
    name: 'depthwise',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, c: fc.constantFrom(8, 15, 16, 17, 24, 32, 33, 48, 64, 65), mult: fc.constantFrom(1, 1, 2, 3), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) => axesOf(r.rank, axisDraw({ k: fc.constantFrom(3, 5, 7), d: int(1, 3), len: int(2, 24) })).map((axes) => shapeOf(op, r.n, r.c, 1, r.mult, axes, r.b, r.e))),
  },
  {
    // Grouped convolutions (ResNeXt, ShuffleNet): up to 32 groups of a few channels.
    name: 'grouped',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, g: fc.constantFrom(4, 8, 16, 32), cg: int(1, 4), mg: int(1, 4), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) => axesOf(r.rank, axisDraw({ k: int(1, 3), d: int(1, 2), len: int(1, 12) })).map((axes) => shapeOf(op, r.n, r.g, r.cg, r.mg, axes, r.b, r.e))),
  },
  {
    // Pointwise 1×1 with many channels (the GEMM fast path), stride 1 and sometimes 2.
    name: 'pointwise',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, cg: blocky(128), mg: blocky(128), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) => axesOf(r.rank, axisDraw({ k: fc.constant(1), s: fc.constantFrom(1, 1, 1, 2), len: int(1, 16) })).map((axes) => shapeOf(op, r.n, 1, r.cg, r.mg, axes, r.b, r.e))),
  },
  {
    // Large kernels with stride 2 (ResNet stem 7×7/2, 1-D kernels up to 15).
    name: 'large-kernel',
    weight: 2,
    draw: (op) =>
      fc
        .record({ n: batch, cg: int(1, 4), mg: fc.constantFrom(4, 8, 16, 17, 32, 33, 64), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) =>
          axesOf(r.rank, axisDraw({ k: r.rank === 1 ? int(5, 15) : int(4, 7), s: fc.constantFrom(1, 2, 2, 2, 3), len: int(4, 40) }))
            .map((axes) => shapeOf(op, r.n, 1, r.cg, r.mg, axes, r.b, r.e)),
        ),
  },
  {
    // Long last axis (tiles of 4/8/16 and their tail), 2-D heights ≥ 32.
    name: 'long-axis',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, cg: int(1, 4), mg: int(1, 4), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) =>
          axesOf(r.rank, axisDraw({ k: int(1, 5), len: op === 'Conv' ? int(32, r.rank === 1 ? 300 : 48) : int(16, r.rank === 1 ? 150 : 24) }))
            .map((axes) => shapeOf(op, r.n, 1, r.cg, r.mg, axes, r.b, r.e)),
        ),
  },
  {
    // 1-D dilation up to hundreds (WaveNet, TCN): long inputs, short kernels.
    name: 'dilated-1d',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, cg: int(1, 8), mg: int(1, 8), k: int(2, 3), d: fc.constantFrom(4, 8, 16, 32, 64, 128, 256, 300), b: fc.boolean(), e: fc.boolean() })
        .chain((r) => axisDraw({ k: fc.constant(r.k), s: fc.constant(1), d: fc.constant(r.d), len: int(1, op === 'Conv' ? 64 : 32) }).map((a) => shapeOf(op, r.n, 1, r.cg, r.mg, [a], r.b, r.e))),
  },
  {
    // 3-D with depth ≥ 8 (video, volumetric U-Nets).
    name: 'volumetric',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, cg: int(1, 4), mg: int(1, 4), b: fc.boolean(), e: fc.boolean(), depth: int(8, 12) })
        .chain((r) =>
          fc
            .tuple(axisDraw({ k: int(1, 3), len: fc.constant(op === 'Conv' ? r.depth : Math.ceil(r.depth / 2)) }), axesOf(2, axisDraw({ k: int(1, 3), len: int(2, 6) })))
            .map(([d, hw]) => shapeOf(op, r.n, 1, r.cg, r.mg, [d, ...hw], r.b, r.e)),
        ),
  },
  {
    // Long reductions: C/g·Πk ≥ 1000 (where a kernel may switch accumulators).
    name: 'long-reduction',
    weight: 1,
    draw: (op) =>
      fc
        .record({ n: batch, cg: fc.constantFrom(112, 120, 127, 128), mg: fc.constantFrom(1, 2, 4, 9, 17), rank: int(1, 2), b: fc.boolean(), e: fc.boolean() })
        .chain((r) =>
          axesOf(r.rank, axisDraw({ k: r.rank === 1 ? int(9, 11) : fc.constant(3), len: int(1, 6) })).map((axes) => shapeOf(op, r.n, 1, r.cg, r.mg, axes, r.b, r.e)),
        ),
  },
];

/** A realistic case of `op`, within the multiply-add budget. */
export function realisticShape(op: OpName, budget = REALISTIC_MAC_BUDGET): fc.Arbitrary<ConvShape> {
  return fc.oneof(...FAMILIES.map((f) => ({ weight: f.weight, arbitrary: f.draw(op) }))).map((s) => fitBudget(s, budget));
}

/**
 * Whether the realistic tier is drawn: on unless CONVSPEC_TIER=small (read once, when the clauses are
 * built), which restores the small domain alone — used to show which bugs only this tier finds.
 */
export const REALISTIC_TIER_ON = (process.env.CONVSPEC_TIER ?? '').toLowerCase() !== 'small';
