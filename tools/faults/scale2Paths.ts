/**
 * A second fast float32 kernel for the held-out scale catalogue (scaleCatalogue2.ts): other paths
 * real kernels switch on at scale or at the edges of ranges than those of scalePaths.ts — ConvTranspose
 * by phase (sub-pixel) decomposition for strides of 4 and more, 3-D ConvTranspose item by item, one
 * batched GEMM for grouped ConvTranspose with many groups, long grouped kernels in chunks of taps,
 * pointwise kernels with one invocation per output channel, border windows wholly in the padding,
 * 24-bit index multiplies and a 16-bit count of output planes. Each path is correct unless one bug is
 * switched on; a bug sits inside exactly one path, touches only what the real bug touched, and small
 * cases (≤ 10⁵ multiply-adds, ≤ 128 channels, batch ≤ 7, kernels ≤ 7, strides ≤ 3, pads ≤ k − 1)
 * never meet its condition. Each bug is modelled on a real bug report: see SCALE2_BUGS.
 *
 * The thresholds are parameters: the correct variants lower them so that nearly every case takes the
 * paths, correctly. Where no path of this module applies the kernel is the plain core (scale/core.ts)
 * with this module's index options. Non-finite inputs take the reference order (impl/fast), as in
 * scalePaths.ts: the im2col GEMM multiplies padding zeros, which 0·∞ would turn into NaN.
 */
import { kernelImplementation } from './scalePaths';
import { fastKernels } from '../../impl/fast';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { convCore, convTransposeCore, rowMajor, type CoreOptions } from './scale/core';
import { withSpatial } from './scale/slab';

export type Scale2Bug =
  | 'scale2-convt-phase-taps-past-kernel'
  | 'scale2-convt-3d-batch-items-unwritten'
  | 'scale2-convt-groups-interleaved'
  | 'scale2-plane-count-16-bit'
  | 'scale2-mul24-item-offset'
  | 'scale2-grouped-long-kernel-ungrouped-offset'
  | 'scale2-pad-beyond-window-clamped'
  | 'scale2-pointwise-workgroup-cap';

export interface Scale2Config {
  bug?: Scale2Bug;
  /** ConvTranspose with every dilation 1 and some stride ≥ minStride runs phase by phase. */
  phase?: { minStride: number };
  /** ConvTranspose of at least minRank spatial axes and N ≥ 2 runs item by item once the col buffer of one item reaches minCol floats. */
  items?: { minRank: number; minCol: number };
  /** ConvTranspose with ≥ minGroups groups of ≥ 2 input channels runs all groups as one batched GEMM. */
  batchedGroups?: { minGroups: number };
  /** Conv with ≥ minGroups groups and a last kernel axis longer than `chunk` taps runs in chunks of taps. */
  tapChunks?: { minGroups: number; chunk: number };
  /** Pointwise Conv (every k = 1): one invocation per output channel of a group, at most `cap` per pass. */
  pointwiseCap?: number;
}

const DEFAULTS = {
  phase: { minStride: 4 },
  items: { minRank: 3, minCol: 2 ** 16 },
  batchedGroups: { minGroups: 32 },
  tapChunks: { minGroups: 2, chunk: 64 },
  pointwiseCap: 256,
};
/** Output planes N·M that one dispatch's 16-bit plane count holds. */
const PLANE_COUNT_LIMIT = 65535;
/** mul24 is exact while both operands fit in 24 signed bits. */
const MUL24_LIMIT = 2 ** 23;

type Kernel = (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined) => Float32Array;

function allFinite(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** The low 24 bits of v, sign-extended: what a 24-bit multiplier (OpenCL mul24, v_mul_i32_i24) sees. */
const low24 = (v: number): number => ((v & 0xffffff) << 8) >> 8;

/** The second scale kernel with one bug (or none). Returns float32 outputs. */
export function scale2Kernel(config: Scale2Config = {}): Kernel {
  const bug = config.bug;
  const phase = config.phase ?? DEFAULTS.phase;
  const items = config.items ?? DEFAULTS.items;
  const batchedGroups = config.batchedGroups ?? DEFAULTS.batchedGroups;
  const tapChunks = config.tapChunks ?? DEFAULTS.tapChunks;
  const pointwiseCap = config.pointwiseCap ?? DEFAULTS.pointwiseCap;

  /** Index options for a core call on geometry g whose X is laid out as g says (items of C·Πi). */
  function indexOptions(op: OpName, g: ConvGeometry): CoreOptions {
    const o: CoreOptions = {};
    const item = g.inChannels * product(g.inputSpatial);
    if (bug === 'scale2-mul24-item-offset' && g.batch >= 2 && item >= MUL24_LIMIT) {
      // the item offset n·(C·Πi) as mul24(n, C·Πi): the stride loses its high bits; an address
      // outside X is clamped into it (robust buffer access)
      const last = g.batch * item - 1;
      const stride24 = low24(item);
      o.flatIndex = (f) => {
        const n = Math.floor(f / item);
        const at = n * stride24 + (f - n * item);
        return at < 0 ? 0 : at > last ? last : at;
      };
    }
    if (bug === 'scale2-pad-beyond-window-clamped' && op === 'Conv' && padBeyondWindow(g)) o.position = clampedBorderTap(g);
    return o;
  }
  const core = (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, o: CoreOptions = {}) =>
    (op === 'Conv' ? convCore : convTransposeCore)(g, x, w, b, { ...indexOptions(op, g), ...o });

  function dispatch(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float32Array {
    const mg = g.outChannels / g.group;
    if (op === 'ConvTranspose' && g.rank >= items.minRank && g.batch >= 2 && mg * product(g.kernel) * product(g.inputSpatial) >= items.minCol) {
      return itemByItem(g, x, w, b);
    }
    if (op === 'ConvTranspose' && g.dilations.every((d) => d === 1) && Math.max(...g.strides) >= phase.minStride) return phases(g, x, w, b);
    if (op === 'Conv' && g.group >= tapChunks.minGroups && g.kernel[g.rank - 1] > tapChunks.chunk) return tapChunked(g, x, w, b);
    if (op === 'Conv' && g.kernel.every((k) => k === 1) && mg > pointwiseCap) return pointwisePasses(g, x, w, b);
    return core(op, g, x, w, b);
  }

  /**
   * 3-D ConvTranspose with a large col buffer: vol2col + col2vol with a workspace of one item, run
   * for each item. The bug permutes and scatters item 0 only (the loop over the batch is missing):
   * items 1 … N − 1 stay 0.
   */
  function itemByItem(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float32Array {
    const xItem = g.inChannels * product(g.inputSpatial);
    const yItem = g.outChannels * product(g.outputSpatial);
    const y = new Float32Array(g.batch * yItem);
    const last = bug === 'scale2-convt-3d-batch-items-unwritten' ? 1 : g.batch;
    const one = withSpatial(g, g.inputSpatial, g.outputSpatial, g.padsBegin, 1);
    for (let n = 0; n < last; n++) y.set(dispatchAfterItems(one, x.subarray(n * xItem, (n + 1) * xItem), w, b), n * yItem);
    return y;
  }
  /** The paths below the item loop (an item never takes it again: its batch is 1). */
  const dispatchAfterItems = (g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined) => dispatch('ConvTranspose', g, x, w, b);

  /**
   * ConvTranspose (dilation 1) by phase decomposition: the outputs o with (o + p) mod s = r on an axis
   * are a stride-1 ConvTranspose of X with the taps r, r + s, r + 2s, … of W (⌈(k − r)/s⌉ of them).
   * The bug gives every phase ⌈k/s⌉ taps, as if s divided k: where it does not, the phases r ≥ k mod s
   * read one tap past the kernel row — the next row's (or channel's) weights in memory.
   */
  function phases(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float32Array {
    const y = new Float32Array(g.batch * g.outChannels * product(g.outputSpatial));
    const outS = product(g.outputSpatial);
    const outStrides = rowMajor(g.outputSpatial);
    const kStrides = rowMajor(g.kernel);
    const T = product(g.kernel);
    const rows = g.inChannels * (g.outChannels / g.group); // W is [C, M/group, k…]: one row of T taps per (c, m')
    const pastKernel = bug === 'scale2-convt-phase-taps-past-kernel';
    const r = new Array<number>(g.rank).fill(0);
    for (;;) {
      // this phase's sub-problem on every axis: taps, first q, count of outputs
      const taps = g.kernel.map((k, a) => (pastKernel ? Math.ceil(k / g.strides[a]) : Math.max(0, Math.ceil((k - r[a]) / g.strides[a]))));
      const qMin = g.strides.map((s, a) => Math.ceil((g.padsBegin[a] - r[a]) / s));
      const count = g.strides.map((s, a) => Math.floor((g.outputSpatial[a] - 1 + g.padsBegin[a] - r[a]) / s) - qMin[a] + 1);
      if (count.every((c) => c > 0)) {
        let part: Float32Array;
        const subOut = product(count);
        if (taps.some((t) => t === 0)) {
          // a phase no tap reaches (k < s): the bias alone
          part = new Float32Array(g.batch * g.outChannels * subOut);
          if (b) for (let pl = 0; pl < g.batch * g.outChannels; pl++) part.fill(b[pl % g.outChannels], pl * subOut, (pl + 1) * subOut);
        } else {
          const J = product(taps);
          const wSub = new Float32Array(rows * J);
          const jStrides = rowMajor(taps);
          for (let j = 0; j < J; j++) {
            let off = 0;
            for (let a = 0, rem = j; a < g.rank; a++) {
              const ja = Math.floor(rem / jStrides[a]);
              rem -= ja * jStrides[a];
              off += (r[a] + ja * g.strides[a]) * kStrides[a];
            }
            for (let row = 0; row < rows; row++) {
              const at = row * T + off;
              wSub[row * J + j] = at < w.length ? w[at] : 0;
            }
          }
          const sub: ConvGeometry = {
            ...withSpatial(g, g.inputSpatial, count, qMin),
            kernel: taps, strides: taps.map(() => 1), dilations: taps.map(() => 1), padsEnd: taps.map(() => 0), outputPadding: taps.map(() => 0),
            weightDims: [g.inChannels, g.outChannels / g.group, ...taps],
          };
          part = core('ConvTranspose', sub, x, wSub, b);
        }
        // scatter: sub output v on axis a is o = (qMin + v)·s + r − p
        const place = new Int32Array(subOut);
        const cStrides = rowMajor(count);
        for (let v = 0; v < subOut; v++) {
          let o = 0;
          for (let a = 0, rem = v; a < g.rank; a++) {
            const va = Math.floor(rem / cStrides[a]);
            rem -= va * cStrides[a];
            o += ((qMin[a] + va) * g.strides[a] + r[a] - g.padsBegin[a]) * outStrides[a];
          }
          place[v] = o;
        }
        for (let pl = 0; pl < g.batch * g.outChannels; pl++) {
          const src = pl * subOut;
          const dst = pl * outS;
          for (let v = 0; v < subOut; v++) y[dst + place[v]] = part[src + v];
        }
      }
      let a = g.rank - 1;
      while (a >= 0 && ++r[a] === g.strides[a]) r[a--] = 0;
      if (a < 0) break;
    }
    return y;
  }

  /**
   * Grouped Conv with a long last kernel axis: the taps in chunks (a tile of `chunk` taps in shared
   * memory), each chunk a partial conv, the partials summed and the bias added once. Chunk 0 walks
   * W from the row pointer; the later chunks recompute their offset as (m·C + c)·Πk with C the
   * input channels of the whole layer, not of a group (the bug): right only when group = 1; else they
   * read other filters' weights, or nothing past the end of W.
   */
  function tapChunked(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float32Array {
    const last = g.rank - 1;
    const K = g.kernel[last];
    const T = product(g.kernel);
    const cg = g.inChannels / g.group;
    const lines = T / K; // rows of K taps in one (m, c) filter
    const y = new Float32Array(g.batch * g.outChannels * product(g.outputSpatial));
    for (let t0 = 0; t0 < K; t0 += tapChunks.chunk) {
      const t1 = Math.min(K, t0 + tapChunks.chunk);
      const len = t1 - t0;
      const ungrouped = t0 > 0 && bug === 'scale2-grouped-long-kernel-ungrouped-offset';
      const wSub = new Float32Array(g.outChannels * cg * lines * len);
      for (let m = 0; m < g.outChannels; m++) {
        for (let c = 0; c < cg; c++) {
          const base = (m * (ungrouped ? g.inChannels : cg) + c) * T;
          const dst = (m * cg + c) * lines * len;
          for (let l = 0; l < lines; l++) {
            for (let t = 0; t < len; t++) {
              const at = base + l * K + t0 + t;
              wSub[dst + l * len + t] = at < w.length ? w[at] : 0;
            }
          }
        }
      }
      const sub: ConvGeometry = {
        ...withSpatial(g, g.inputSpatial, g.outputSpatial, g.padsBegin.map((p, a) => (a === last ? p - t0 * g.dilations[last] : p))),
        kernel: g.kernel.map((k, a) => (a === last ? len : k)),
        weightDims: [g.outChannels, cg, ...g.kernel.map((k, a) => (a === last ? len : k))],
      };
      // the border path is not this one's: its windows are the chunk's, not the layer's
      const part = core('Conv', sub, x, wSub, b, { bias: t0 === 0, position: undefined });
      for (let i = 0; i < y.length; i++) y[i] += part[i];
    }
    return y;
  }

  /**
   * Pointwise Conv: one invocation per output channel of a group, in workgroups capped at `cap`
   * invocations; the channels of a group run in passes of `cap`. The bug dispatches one pass (the
   * workgroup size was capped, the loop over passes never written): channels from `cap` on stay 0.
   */
  function pointwisePasses(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float32Array {
    const mg = g.outChannels / g.group;
    const cg = g.inChannels / g.group;
    const outS = product(g.outputSpatial);
    const y = new Float32Array(g.batch * g.outChannels * outS);
    const passes = bug === 'scale2-pointwise-workgroup-cap' ? 1 : Math.ceil(mg / pointwiseCap);
    for (let p = 0; p < passes; p++) {
      const m0 = p * pointwiseCap;
      const m1 = Math.min(mg, m0 + pointwiseCap);
      const width = m1 - m0;
      const wSub = new Float32Array(g.group * width * cg);
      const bSub = b ? new Float32Array(g.group * width) : undefined;
      for (let grp = 0; grp < g.group; grp++) {
        wSub.set(w.subarray((grp * mg + m0) * cg, (grp * mg + m1) * cg), grp * width * cg);
        if (b) bSub!.set(b.subarray(grp * mg + m0, grp * mg + m1), grp * width);
      }
      const sub: ConvGeometry = {
        ...g, outChannels: g.group * width, outputDims: [g.batch, g.group * width, ...g.outputSpatial], weightDims: [g.group * width, cg, ...g.kernel],
      };
      const part = core('Conv', sub, x, wSub, bSub);
      for (let n = 0; n < g.batch; n++) {
        for (let grp = 0; grp < g.group; grp++) {
          const src = (n * g.group * width + grp * width) * outS;
          y.set(part.subarray(src, src + width * outS), (n * g.outChannels + grp * mg + m0) * outS);
        }
      }
    }
    return y;
  }

  return (op, g, x, w, b) => {
    if (!allFinite(x) || !allFinite(w)) return Float32Array.from((op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose)(g, x, w, b));
    let y = dispatch(op, g, x, w, b);
    const cg = g.inChannels / g.group;
    const mg = g.outChannels / g.group;
    if (op === 'ConvTranspose' && g.group >= batchedGroups.minGroups && cg >= 2) {
      // every group in one batched GEMM whose col2im writes output channel m' of group grp; the bug
      // addresses it as m'·group + grp (group-minor, oneDNN's interleaved layout) instead of grp·(M/group) + m'
      if (bug === 'scale2-convt-groups-interleaved') y = interleaveGroups(g, y, mg);
    }
    const planes = g.batch * g.outChannels;
    if (bug === 'scale2-plane-count-16-bit' && planes > PLANE_COUNT_LIMIT) {
      // one workgroup row per output plane; the plane count is kept in 16 bits: only N·M mod 2¹⁶ run
      y.fill(0, (planes % 65536) * product(g.outputSpatial));
    }
    return y;
  };
}

/** y with output channel grp·mg + m' of every item moved to channel m'·group + grp. */
function interleaveGroups(g: ConvGeometry, y: Float32Array, mg: number): Float32Array {
  const outS = product(g.outputSpatial);
  const out = new Float32Array(y.length);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.group; grp++) {
      for (let m = 0; m < mg; m++) {
        const src = (n * g.outChannels + grp * mg + m) * outS;
        out.set(y.subarray(src, src + outS), (n * g.outChannels + m * g.group + grp) * outS);
      }
    }
  }
  return out;
}

/**
 * A pad beyond the kernel's extent d·(k − 1) on some axis: necessary for an output window to lie
 * wholly in the padding (at the begin side also sufficient; at the end side the stride decides).
 */
export function padBeyondWindow(g: ConvGeometry): boolean {
  return g.kernel.some((k, a) => Math.max(g.padsBegin[a], g.padsEnd[a]) > g.dilations[a] * (k - 1));
}

/**
 * The positions a border kernel reads when its tap loop runs at least once: for an output whose
 * window lies wholly before the input (or wholly after it) the one tap it still runs, k − 1 (or 0),
 * reads the input's edge (a clamped address, CLAMP_TO_EDGE) instead of padding. Every other tap
 * reads where it should.
 */
function clampedBorderTap(g: ConvGeometry): (a: number, o: number, k: number) => number {
  return (a, o, t) => {
    const start = o * g.strides[a] - g.padsBegin[a];
    const end = start + g.dilations[a] * (g.kernel[a] - 1);
    if (end < 0 && t === g.kernel[a] - 1) return 0;
    if (start >= g.inputSpatial[a] && t === 0) return g.inputSpatial[a] - 1;
    return start + t * g.dilations[a];
  };
}

/** An Implementation over the second scale kernel: the reference's validation and resolution, float32 out. */
export function scale2Implementation(name: string, config: Scale2Config = {}): ImplementationWithSupports {
  return kernelImplementation(name, scale2Kernel(config));
}
