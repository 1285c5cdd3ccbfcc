/**
 * A fast float32 kernel that switches paths on conditions real production kernels switch on at
 * SCALE or at the edges of ranges (dispatch grids of 65 535, 16- and 24-bit index arithmetic,
 * im2col buffers too large for one piece, split-K, workgroups of 256 channels, large batches, long
 * rows, H = 1, large kernels, strides and dilations), each path correct unless one bug is switched
 * on. A bug sits inside exactly one path and only touches the elements the real bug touched; the
 * shapes of small and medium cases (≤ 10⁵ multiply-adds, ≤ 128 channels, planes of a few thousand
 * elements, batch ≤ 7, kernels ≤ 7, strides ≤ 3) never take a bugged branch, so only cases at scale
 * can reject these mutants. Each bug is modelled on a bug report of a real kernel: see SCALE_BUGS in
 * scaleCatalogue.ts and the notes.
 *
 * The thresholds are parameters: the correct variants of the catalogue lower them (chunks, tiles,
 * split-K everywhere), so the same code paths run, correctly, on every case the verifier draws.
 * Non-finite inputs take the reference order (impl/fast), where no path applies: the im2col GEMM
 * multiplies padding zeros, which 0·∞ would turn into NaN.
 */
import { fastKernels } from '../../impl/fast';
import { prepare } from '../../impl/reference';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { convCore, convTransposeCore, rowMajor, type CoreOptions } from './scale/core';
import { placeRows, slab, withSpatial } from './scale/slab';
import { winogradApplies, winogradConv } from './scale/winograd';

export type ScaleBug =
  | 'scale-batch-grid-z-clamped'
  | 'scale-dispatch-split-ignores-y'
  | 'scale-float32-flat-index'
  | 'scale-uint16-plane-offsets'
  | 'scale-splitk-tail-chunk-dropped'
  | 'scale-splitk-bias-per-split'
  | 'scale-depthwise-channel-blocks-floor'
  | 'scale-channel-tile-stale-lanes'
  | 'scale-winograd-tail-column-unwritten'
  | 'scale-patchify-row-stride'
  | 'scale-space-to-batch-tail-dropped'
  | 'scale-row-segment-halo-ignores-dilation'
  | 'scale-large-kernel-pad-end-as-begin'
  | 'scale-h1-path-pads-of-wrong-axis'
  | 'scale-im2col-chunk-start-ignores-stride'
  | 'scale-col2im-chunk-overwrites-overlap'
  | 'scale-batch-tile-input-stride';

export interface ScaleConfig {
  bug?: ScaleBug;
  /** Winograd F(2×2,3×3) for 2-D 3×3 stride-1 Conv: never (default), always, or on planes ≥ 16 384 outputs. */
  winograd?: 'off' | 'always' | 'large';
  /** Split-K over the reduction K = (C/group)·Πk, taken when C/group ≥ minChannels and K > chunk. */
  splitK?: { minChannels: number; chunk: number };
  /** im2col split into chunks of output rows when (C/group)·Πk · outputs-per-item exceeds this. */
  im2colLimit?: number;
  /** ConvTranspose col2im split into chunks of input rows when (M/group)·Πk · inputs-per-item exceeds this. */
  col2imLimit?: number;
  /** Rows (last axis) longer than `min` outputs are computed in segments of `length`. */
  segment?: { min: number; length: number };
  /** Batches of at least `min` items run in tiles of `size` items. */
  batchTile?: { min: number; size: number };
  /** Workgroups per dispatch dimension (WebGPU / CUDA y, z: 65 535) and threads per workgroup. */
  grid?: { limit: number; threads: number };
}

const DEFAULTS = {
  splitK: { minChannels: 256, chunk: 4096 },
  im2colLimit: 2 ** 24,
  col2imLimit: 2 ** 22,
  segment: { min: 8192, length: 4096 },
  batchTile: { min: 16, size: 8 },
  grid: { limit: 65535, threads: 64 },
};
/** Input planes (last axis) of at least this many elements with H = 1 take the 1-D path. */
const H1_MIN = 8192;
/** Dilations from here take the space-to-batch path (DeepLab's atrous rates 6, 12, 18). */
const SPACE_TO_BATCH_DILATION = 6;
/** Kernel sizes from here take the large-kernel path (explicitly padded input, then VALID). */
const LARGE_KERNEL = 9;
/** Strides (= kernel) from here take the patch-embedding path (non-overlapping patches, GEMM). */
const PATCH_STRIDE = 4;
/** Depthwise channels per workgroup, and input channels per shared-memory tile. */
const DEPTHWISE_BLOCK = 256;
const CHANNEL_TILE = 64;
const CHANNEL_TILE_MIN = 256;
/** Winograd 'large': output planes from this size. */
const WINOGRAD_LARGE = 16384;

type Path = 'h1' | 'depthwiseBlocks' | 'channelTiles' | 'patchify' | 'largeKernel' | 'spaceToBatch' | 'winograd' | 'rowChunks' | 'segments' | 'splitK' | 'col2imChunks';

function allFinite(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** The scale kernel with one bug (or none). Returns float32 outputs. */
export function scaleKernel(config: ScaleConfig = {}): (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined) => Float32Array {
  const bug = config.bug;
  const splitK = config.splitK ?? DEFAULTS.splitK;
  const im2colLimit = config.im2colLimit ?? DEFAULTS.im2colLimit;
  const col2imLimit = config.col2imLimit ?? DEFAULTS.col2imLimit;
  const segment = config.segment ?? DEFAULTS.segment;
  const batchTile = config.batchTile ?? DEFAULTS.batchTile;
  const grid = config.grid ?? DEFAULTS.grid;
  const winograd = config.winograd ?? 'off';

  /** The options every core call gets: the index bugs live in the core's index arithmetic. */
  const coreOptions = (): CoreOptions => ({
    // WebGL-style index arithmetic in float32: exact only up to 2^24
    flatIndex: bug === 'scale-float32-flat-index' ? Math.fround : undefined,
    // a gather / scatter table of in-plane offsets kept in 16 bits
    planeOffset: bug === 'scale-uint16-plane-offsets' ? (o) => o & 0xffff : undefined,
  });
  const core = (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, o: CoreOptions = {}) =>
    (op === 'Conv' ? convCore : convTransposeCore)(g, x, w, b, { ...coreOptions(), ...o });

  function pathOf(op: OpName, g: ConvGeometry, excluded: ReadonlySet<Path>): Path | undefined {
    const cg = g.inChannels / g.group;
    const taps = product(g.kernel);
    const last = g.rank - 1;
    const candidates: [Path, boolean][] = [
      ['h1', g.rank === 2 && g.inputSpatial[0] === 1 && g.kernel[0] === 1 && g.padsBegin[0] === 0 && g.padsEnd[0] === 0 && g.inputSpatial[1] >= H1_MIN],
      ['depthwiseBlocks', g.group > 1 && g.group === g.inChannels && g.inChannels >= DEPTHWISE_BLOCK],
      ['channelTiles', cg >= CHANNEL_TILE_MIN && cg % CHANNEL_TILE !== 0],
      ['patchify', op === 'Conv' && g.group === 1 && g.kernel.every((k, a) => k === g.strides[a] && k >= PATCH_STRIDE) &&
        g.dilations.every((d) => d === 1) && g.padsBegin.every((p) => p === 0)],
      ['largeKernel', op === 'Conv' && g.kernel.some((k) => k >= LARGE_KERNEL)],
      ['spaceToBatch', op === 'Conv' && g.strides.every((s) => s === 1) && g.dilations.every((d) => d === g.dilations[0] && d >= SPACE_TO_BATCH_DILATION)],
      ['winograd', winograd !== 'off' && winogradApplies(g) && (winograd === 'always' || product(g.outputSpatial) >= WINOGRAD_LARGE)],
      ['rowChunks', op === 'Conv' && g.rank >= 2 && cg * taps * product(g.outputSpatial) > im2colLimit],
      ['segments', op === 'Conv' && g.outputSpatial[last] > segment.min],
      ['splitK', op === 'Conv' && cg >= splitK.minChannels && cg * taps > splitK.chunk],
      ['col2imChunks', op === 'ConvTranspose' && g.rank >= 2 && (g.outChannels / g.group) * taps * product(g.inputSpatial) > col2imLimit],
    ];
    return candidates.find(([p, on]) => on && !excluded.has(p))?.[0];
  }

  function dispatch(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, excluded: ReadonlySet<Path>): Float32Array {
    const path = pathOf(op, g, excluded);
    const next = (g2: ConvGeometry, x2: Float32Array, b2: Float32Array | undefined = b) => dispatch(op, g2, x2, w, b2, new Set([...excluded, path!]));
    const cg = g.inChannels / g.group;
    const taps = product(g.kernel);
    const outS = product(g.outputSpatial);
    switch (path) {
      case undefined:
        return core(op, g, x, w, b);

      case 'h1': {
        // [N, C, 1, W] as a 1-D problem along W; the 1-D pads are taken from ONNX pads[0], pads[1],
        // which are x1_begin and x2_begin (the bug), instead of x2_begin and x2_end.
        const begin = bug === 'scale-h1-path-pads-of-wrong-axis' ? g.padsBegin[0] : g.padsBegin[1];
        return next({ ...g, padsBegin: [0, begin] }, x);
      }

      case 'depthwiseBlocks': {
        // workgroups of 256 channels; the bug counts them as ⌊C/256⌋: the last C mod 256 never run
        const y = next(g, x);
        if (bug === 'scale-depthwise-channel-blocks-floor') {
          const covered = Math.floor(g.inChannels / DEPTHWISE_BLOCK) * DEPTHWISE_BLOCK * (g.outChannels / g.group);
          for (let n = 0; n < g.batch; n++) y.fill(0, (n * g.outChannels + covered) * outS, (n + 1) * g.outChannels * outS);
        }
        return y;
      }

      case 'channelTiles': {
        // input channels staged in tiles of 64 lanes; the last, partial tile is not masked, so its
        // lanes past C/group still hold the previous tile's channels [cg − 64, cg − cg mod 64) and add them twice
        const y = next(g, x);
        if (bug === 'scale-channel-tile-stale-lanes') {
          const stale = core(op, g, x, w, undefined, { channels: [cg - CHANNEL_TILE, cg - (cg % CHANNEL_TILE)], bias: false });
          for (let i = 0; i < y.length; i++) y[i] += stale[i];
        }
        return y;
      }

      case 'patchify': {
        // non-overlapping patches (k = s): space-to-depth + GEMM. The bug takes the input row
        // stride as O·s (the patches' extent) instead of I, right only when s divides I.
        const strides = bug === 'scale-patchify-row-stride' ? rowMajor(g.outputSpatial.map((o, a) => o * g.strides[a])) : undefined;
        return core(op, g, x, w, b, { planeStrides: strides });
      }

      case 'largeKernel':
        return largeKernel(g, x, w, b, next);

      case 'spaceToBatch': {
        // atrous conv as space-to-batch → dense conv → batch-to-space. The padded input of length L
        // is split into d phases; the bug gives every phase ⌊L/d⌋ elements, so the padded positions
        // from d·⌊L/d⌋ on (the tail of the longer phases) are lost: emulated by zeroing them.
        if (bug !== 'scale-space-to-batch-tail-dropped') return next(g, x);
        const d = g.dilations[0];
        const keep = g.inputSpatial.map((i, a) => d * Math.floor((i + g.padsBegin[a] + g.padsEnd[a]) / d) - g.padsBegin[a]);
        return next(g, zeroBeyond(g, x, keep));
      }

      case 'winograd':
        return winogradConv(g, x, w, b, bug === 'scale-winograd-tail-column-unwritten');

      case 'rowChunks': {
        // im2col of a few output rows at a time; the chunk's input window starts at r0·s − p (the
        // bug: r0 − p, as if the stride were 1 for the chunk origin)
        const rowOut = product(g.outputSpatial.slice(1));
        const rows = Math.max(1, Math.floor(im2colLimit / (cg * taps * rowOut)));
        const y = new Float32Array(g.batch * g.outChannels * outS);
        const [s, d, k, p] = [g.strides[0], g.dilations[0], g.kernel[0], g.padsBegin[0]];
        for (let r0 = 0; r0 < g.outputSpatial[0]; r0 += rows) {
          const r1 = Math.min(g.outputSpatial[0], r0 + rows);
          const start = (bug === 'scale-im2col-chunk-start-ignores-stride' ? r0 : r0 * s) - p;
          const part = slab(g, x, 0, r0, r1, start, (r1 - r0 - 1) * s + d * (k - 1) + 1);
          placeRows(g, y, next(part.g, part.x), 0, r0, r1);
        }
        return y;
      }

      case 'segments': {
        // long rows in segments; each loads its input window with a halo of d·(k − 1) (the bug: k − 1)
        const a = g.rank - 1;
        const y = new Float32Array(g.batch * g.outChannels * outS);
        const [s, d, k, p] = [g.strides[a], g.dilations[a], g.kernel[a], g.padsBegin[a]];
        const halo = bug === 'scale-row-segment-halo-ignores-dilation' ? k - 1 : d * (k - 1);
        for (let o0 = 0; o0 < g.outputSpatial[a]; o0 += segment.length) {
          const o1 = Math.min(g.outputSpatial[a], o0 + segment.length);
          const part = slab(g, x, a, o0, o1, o0 * s - p, (o1 - o0 - 1) * s + halo + 1);
          placeRows(g, y, next(part.g, part.x), a, o0, o1);
        }
        return y;
      }

      case 'splitK': {
        // the reduction in chunks, each a partial GEMM; the epilogue sums the partials and adds the
        // bias once. Bugs: the last partial chunk dropped, or the bias added by every chunk.
        const K = cg * taps;
        const y = new Float32Array(g.batch * g.outChannels * outS);
        for (let k0 = 0; k0 < K; k0 += splitK.chunk) {
          const k1 = Math.min(K, k0 + splitK.chunk);
          if (k1 - k0 < splitK.chunk && bug === 'scale-splitk-tail-chunk-dropped') break;
          const part = core(op, g, x, w, b, { kRange: [k0, k1], bias: bug === 'scale-splitk-bias-per-split' });
          for (let i = 0; i < y.length; i++) y[i] += part[i];
        }
        if (b && bug !== 'scale-splitk-bias-per-split') for (let i = 0; i < y.length; i++) y[i] += b[Math.floor(i / outS) % g.outChannels];
        return y;
      }

      case 'col2imChunks':
        return col2imChunks(g, x, w, b);
    }
  }

  /** Explicit padding into a buffer, then a VALID conv over it (large kernels, k ≥ 9). */
  function largeKernel(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, next: (g2: ConvGeometry, x2: Float32Array) => Float32Array): Float32Array {
    // The padded extent the conv walks, and the buffer's layout: the bug sizes the buffer with the
    // begin pad on both sides, so a read past a short row runs on into the next row.
    const walk = g.inputSpatial.map((i, a) => i + g.padsBegin[a] + Math.max(0, g.padsEnd[a]));
    const layout = bug === 'scale-large-kernel-pad-end-as-begin' ? g.inputSpatial.map((i, a) => i + 2 * g.padsBegin[a]) : walk;
    const lStrides = rowMajor(layout);
    const lSize = product(layout);
    const iStrides = rowMajor(g.inputSpatial);
    const inS = product(g.inputSpatial);
    const planes = g.batch * g.inChannels;
    const buffer = new Float32Array(planes * lSize);
    const coord = new Array<number>(g.rank).fill(0);
    for (let q = 0; q < inS; q++) {
      let dst = 0;
      let rem = q;
      for (let a = 0; a < g.rank; a++) {
        coord[a] = Math.floor(rem / iStrides[a]);
        rem -= coord[a] * iStrides[a];
        dst += (coord[a] + g.padsBegin[a]) * lStrides[a];
      }
      for (let pl = 0; pl < planes; pl++) buffer[pl * lSize + dst] = x[pl * inS + q];
    }
    // What the VALID conv reads at each walked position: the buffer's element at that row-major
    // offset of the layout (0 past the plane).
    const wStrides = rowMajor(walk);
    const wSize = product(walk);
    const walked = new Float32Array(planes * wSize);
    for (let q = 0; q < wSize; q++) {
      let src = 0;
      let rem = q;
      for (let a = 0; a < g.rank; a++) {
        const c = Math.floor(rem / wStrides[a]);
        rem -= c * wStrides[a];
        src += c * lStrides[a];
      }
      if (src < lSize) for (let pl = 0; pl < planes; pl++) walked[pl * wSize + q] = buffer[pl * lSize + src];
    }
    return next(withSpatial(g, walk, g.outputSpatial, g.kernel.map(() => 0)), walked);
  }

  /** ConvTranspose col2im in chunks of input rows, each into a chunk-local output region copied into y. */
  function col2imChunks(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float32Array {
    const mg = g.outChannels / g.group;
    const taps = product(g.kernel);
    const rowIn = product(g.inputSpatial.slice(1));
    const rowOut = product(g.outputSpatial.slice(1));
    const outS = product(g.outputSpatial);
    const rows = Math.max(1, Math.floor(col2imLimit / (mg * taps * rowIn)));
    const y = core('ConvTranspose', g, x, w, b, { inputRange: [0, 0] }); // the bias alone
    const region = new Float32Array(y.length);
    const [s, d, k, p, O] = [g.strides[0], g.dilations[0], g.kernel[0], g.padsBegin[0], g.outputSpatial[0]];
    const reuse = {}; // the chunks share the axis tables and the transposed weights
    for (let i0 = 0; i0 < g.inputSpatial[0]; i0 += rows) {
      const i1 = Math.min(g.inputSpatial[0], i0 + rows);
      // the chunk's scatter lands in output rows [lo, hi) only; those rows are cleared after use
      core('ConvTranspose', g, x, w, b, { inputRange: [i0 * rowIn, i1 * rowIn], bias: false, out: region, reuse });
      const lo = Math.max(0, i0 * s - p);
      const hi = Math.min(O, (i1 - 1) * s - p + d * (k - 1) + 1);
      // the region's rows overlap the previous chunk's where k > s; the bug stores instead of adding
      const overwrite = bug === 'scale-col2im-chunk-overwrites-overlap';
      for (let plane = 0; plane < g.batch * g.outChannels; plane++) {
        const bias = b ? b[plane % g.outChannels] : 0;
        for (let i = plane * outS + lo * rowOut; i < plane * outS + hi * rowOut; i++) y[i] = overwrite ? bias + region[i] : y[i] + region[i];
        region.fill(0, plane * outS + lo * rowOut, plane * outS + hi * rowOut);
      }
    }
    return y;
  }

  /** Runs items [n0, n1) of the batch (batch tiles when the batch is large), into y. */
  function runItems(op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, y: Float32Array, n0: number, n1: number): void {
    const xItem = g.inChannels * product(g.inputSpatial);
    const yItem = g.outChannels * product(g.outputSpatial);
    const n = n1 - n0;
    const tile = n >= batchTile.min ? batchTile.size : n;
    for (let t0 = n0; t0 < n1; t0 += tile) {
      const t1 = Math.min(n1, t0 + tile);
      const part = dispatch(op, withSpatial(g, g.inputSpatial, g.outputSpatial, g.padsBegin, t1 - t0), x.subarray(t0 * xItem, t1 * xItem), w, b, new Set());
      // the bug places tile t at t·size·(C·inputs per channel), the input's item stride
      let at = t0 * yItem;
      if (bug === 'scale-batch-tile-input-stride' && tile < n) at = n0 * yItem + (t0 - n0) * xItem;
      if (at < y.length) y.set(part.subarray(0, Math.min(part.length, y.length - at)), at);
    }
  }

  return (op, g, x, w, b) => {
    if (!allFinite(x) || !allFinite(w)) return Float32Array.from((op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose)(g, x, w, b));
    const y = new Float32Array(g.batch * g.outChannels * product(g.outputSpatial));
    // the batch rides grid z, at most `limit` items per dispatch; the bug dispatches once, clamped
    for (let n0 = 0; n0 < g.batch; n0 += grid.limit) {
      if (n0 > 0 && bug === 'scale-batch-grid-z-clamped') break;
      runItems(op, g, x, w, b, y, n0, Math.min(g.batch, n0 + grid.limit));
    }
    // an output-stationary kernel, one thread per output: beyond `limit` workgroups the dispatch
    // is folded into a square [side, side]; the bug's index reads workgroup_id.x alone, so only
    // the first side·threads outputs are ever written
    const groups = Math.ceil(y.length / grid.threads);
    if (bug === 'scale-dispatch-split-ignores-y' && groups > grid.limit) y.fill(0, Math.ceil(Math.sqrt(groups)) * grid.threads);
    return y;
  };
}

/** x with the input positions at or beyond keep[a] on any axis set to 0. */
function zeroBeyond(g: ConvGeometry, x: Float32Array, keep: number[]): Float32Array {
  if (keep.every((k, a) => k >= g.inputSpatial[a])) return x;
  const out = x.slice();
  const inS = product(g.inputSpatial);
  const strides = rowMajor(g.inputSpatial);
  for (let q = 0; q < inS; q++) {
    let rem = q;
    let drop = false;
    for (let a = 0; a < g.rank; a++) {
      const c = Math.floor(rem / strides[a]);
      rem -= c * strides[a];
      if (c >= keep[a]) drop = true;
    }
    if (drop) for (let pl = 0; pl < g.batch * g.inChannels; pl++) out[pl * inS + q] = 0;
  }
  return out;
}

/** An Implementation over the scale kernel: the reference's validation and resolution, float32 out. */
export function scaleImplementation(name: string, config: ScaleConfig = {}): ImplementationWithSupports {
  return {
    ...kernelImplementation(name, scaleKernel(config)),
    ...(config.winograd && config.winograd !== 'off' ? { supports: { algorithm: 'transform' as const } } : {}),
  };
}

/** A float32 kernel over resolved geometry as an implementation (the scale catalogues' mutants and variants). */
export function kernelImplementation(name: string, kernel: ReturnType<typeof scaleKernel>): ImplementationWithSupports {
  const run = (op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: Parameters<typeof prepare>[4]): Tensor => {
    const g = prepare(op, x, w, b, attrs);
    return { dims: g.outputDims, data: kernel(op, g, x.data, w.data, b?.data) };
  };
  return {
    name,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
}
