/**
 * A kernel that chooses its path from the shape, as real ones do (MLAS, XNNPACK, oneDNN, cuDNN,
 * WebGPU shaders): batch tiles of 2 items from N ≥ 4, a depthwise kernel for many channels, a pointwise (1×1)
 * GEMM, a per-channel accumulator for long reductions, tap pairs for large stride-2 kernels, blocks of
 * 8 input or output channels, tiles of 16 along the last axis. Every path is correct float32
 * arithmetic (partial results rounded to float32 and summed in float32: one more summation order);
 * a mutant switches on exactly one bug, each of a kind real kernels have had, inside exactly one path.
 * The shape conditions lie outside the small tier of the random domain (spec/arbitraries/cases.ts),
 * so only the realistic tier (spec/arbitraries/realistic.ts) reaches them.
 *
 * Sub-problems run on impl/fast's kernels with a sub-geometry (they read only batch, channels,
 * group, spatial sizes, kernel, strides, dilations and padsBegin), so every path is as fast as the
 * reference.
 */
import { fastKernels } from '../../impl/fast';
import { product, type ConvGeometry } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { roundToFloat16 } from './rounding';
import type { KernelStep } from './variant';

export type PathBug =
  /** Batch tiles of 2 (N ≥ 4): an odd last item is never computed (bias only). */
  | 'batch-remainder-item-dropped'
  /** Depthwise path (group = C ≥ 16): output m reads input channel m mod C instead of ⌊m / multiplier⌋. */
  | 'depthwise-multiplier-channel-wraps'
  /** Pointwise GEMM (1×1, stride 1, no pads, C, M ≥ 16): W read as [C, M] instead of [M, C]. */
  | 'pointwise-gemm-weight-transposed'
  /** Long reductions (C·Πk ≥ 1000, group 1): the per-channel accumulator is float16. */
  | 'long-reduction-float16-accumulator'
  /** Stride-2 large kernels (k ≥ 5, s = 2, M ≥ 16): taps in pairs, an odd last tap dropped. */
  | 'stride2-large-kernel-odd-tap-dropped'
  /** Blocks of 8 input channels (C ≥ 16, group 1): the remainder block (C mod 8) skipped. */
  | 'input-channel-remainder-dropped'
  /** Blocks of 8 output channels (M ≥ 16, group 1): the remainder channels never written (0). */
  | 'output-channel-remainder-unwritten'
  /** Tiles of 16 on the last axis (≥ 32 outputs): the tail tile reads the previous tile's inputs. */
  | 'spatial-tile-tail-not-advanced';

type Path = 'batch' | 'depthwise' | 'pointwise' | 'longReduction' | 'stride2' | 'inputBlocks' | 'outputBlocks' | 'tiles';

const f32 = Math.fround;

/** The geometry of a sub-problem: same attributes, other batch / channels / group. */
function sub(g: ConvGeometry, parts: Partial<Pick<ConvGeometry, 'batch' | 'inChannels' | 'outChannels' | 'group'>>): ConvGeometry {
  const s = { ...g, ...parts };
  return { ...s, inputDims: [s.batch, s.inChannels, ...g.inputSpatial], outputDims: [s.batch, s.outChannels, ...g.outputSpatial] };
}

/** The paths a shape takes, in dispatch order (the first that applies and is not excluded runs). */
function pathOf(g: ConvGeometry, excluded: ReadonlySet<Path>): Path | undefined {
  const cg = g.inChannels / g.group;
  const taps = product(g.kernel);
  const lastOut = g.outputSpatial[g.rank - 1];
  const candidates: [Path, boolean][] = [
    ['batch', g.batch >= 4],
    ['depthwise', g.group > 1 && g.group === g.inChannels && g.inChannels >= 16],
    ['pointwise', g.group === 1 && taps === 1 && g.inChannels >= 16 && g.outChannels >= 16 && g.strides.every((s) => s === 1) &&
      g.padsBegin.every((p) => p === 0) && g.outputSpatial.every((o, a) => o === g.inputSpatial[a])],
    ['longReduction', g.group === 1 && cg * taps >= 1000],
    ['stride2', g.outChannels >= 16 && g.kernel.some((k, a) => k >= 5 && g.strides[a] === 2)],
    ['inputBlocks', g.group === 1 && g.inChannels >= 16],
    ['outputBlocks', g.group === 1 && g.outChannels >= 16],
    ['tiles', lastOut >= 32],
  ];
  return candidates.find(([p, on]) => on && !excluded.has(p))?.[0];
}

/** The kernel with one bug (or none: the correct variant). */
export function shapePathKernel(bug?: PathBug): KernelStep {
  const plain = (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined): Float64Array => {
    const v = (op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose)(g, x, w, b);
    const y = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) y[i] = f32(v[i]); // a loop: Float64Array.from with a map function is several times slower
    return y;
  };

  const dispatch = (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, excluded: ReadonlySet<Path>): Float64Array => {
    const path = pathOf(g, excluded);
    const without = (p: Path) => new Set([...excluded, p]);
    const inSize = product(g.inputSpatial);
    const outSize = product(g.outputSpatial);
    const taps = product(g.kernel);
    const y = new Float64Array(g.batch * g.outChannels * outSize);
    switch (path) {
      case undefined:
        return plain(op, g, x, w, b);

      case 'batch': {
        const xItem = g.inChannels * inSize;
        const yItem = g.outChannels * outSize;
        for (let t = 0; t < g.batch; t += 2) {
          const nb = Math.min(2, g.batch - t);
          if (nb < 2 && bug === 'batch-remainder-item-dropped') {
            for (let m = 0; m < g.outChannels; m++) y.fill(b ? b[m] : 0, t * yItem + m * outSize, t * yItem + (m + 1) * outSize);
            continue;
          }
          y.set(dispatch(op, sub(g, { batch: nb }), x.subarray(t * xItem, (t + nb) * xItem), w, b, without('batch')), t * yItem);
        }
        return y;
      }

      case 'depthwise': {
        // One depthwise pass (multiplier 1) per multiplier index j; output channel m = c·mult + j.
        const c = g.inChannels;
        const mult = g.outChannels / c;
        for (let j = 0; j < mult; j++) {
          const wj = new Float32Array(c * taps);
          const bj = b && new Float32Array(c);
          // Conv W [M, 1, k…]: row m; ConvTranspose W [C, mult, k…]: W[ch, j]. Both are flat (c·mult + j)·taps.
          for (let ch = 0; ch < c; ch++) {
            wj.set(w.subarray((ch * mult + j) * taps, (ch * mult + j + 1) * taps), ch * taps);
            if (bj) bj[ch] = b![ch * mult + j];
          }
          let xj = x;
          if (bug === 'depthwise-multiplier-channel-wraps' && mult > 1) {
            xj = new Float32Array(x.length);
            for (let n = 0; n < g.batch; n++)
              for (let ch = 0; ch < c; ch++) xj.set(x.subarray((n * c + ((ch * mult + j) % c)) * inSize, (n * c + ((ch * mult + j) % c) + 1) * inSize), (n * c + ch) * inSize);
          }
          const yj = plain(op, sub(g, { outChannels: c, group: c }), xj, wj, bj);
          for (let n = 0; n < g.batch; n++)
            for (let ch = 0; ch < c; ch++) y.set(yj.subarray((n * c + ch) * outSize, (n * c + ch + 1) * outSize), (n * g.outChannels + ch * mult + j) * outSize);
        }
        return y;
      }

      case 'pointwise': {
        const C = g.inChannels;
        const M = g.outChannels;
        const transposed = bug === 'pointwise-gemm-weight-transposed';
        const wAt = (m: number, c: number): number =>
          op === 'Conv' ? w[transposed ? c * M + m : m * C + c] : w[transposed ? m * C + c : c * M + m];
        const acc = new Float32Array(outSize);
        for (let n = 0; n < g.batch; n++) {
          for (let m = 0; m < M; m++) {
            acc.fill(0);
            for (let c = 0; c < C; c++) {
              const wv = wAt(m, c);
              const base = (n * C + c) * inSize;
              for (let p = 0; p < outSize; p++) acc[p] = f32(acc[p] + f32(wv * x[base + p]));
            }
            for (let p = 0; p < outSize; p++) y[(n * M + m) * outSize + p] = b ? f32(acc[p] + b[m]) : acc[p];
          }
        }
        return y;
      }

      case 'longReduction':
      case 'inputBlocks': {
        // Partial results over input channel blocks (1 channel for long reductions, 8 otherwise), accumulated.
        const block = path === 'longReduction' ? 1 : 8;
        const C = g.inChannels;
        const M = g.outChannels;
        const accumulate = path === 'longReduction' && bug === 'long-reduction-float16-accumulator' ? roundToFloat16 : f32;
        const full = Math.floor(C / block) * block;
        for (let c0 = 0; c0 < C; c0 += block) {
          const cb = Math.min(block, C - c0);
          if (c0 >= full && bug === 'input-channel-remainder-dropped') break;
          const xb = new Float32Array(g.batch * cb * inSize);
          for (let n = 0; n < g.batch; n++) xb.set(x.subarray((n * C + c0) * inSize, (n * C + c0 + cb) * inSize), n * cb * inSize);
          // Conv W [M, C, k…]: columns c0…; ConvTranspose W [C, M, k…]: rows c0….
          let wb: Float32Array;
          if (op === 'Conv') {
            wb = new Float32Array(M * cb * taps);
            for (let m = 0; m < M; m++) wb.set(w.subarray((m * C + c0) * taps, (m * C + c0 + cb) * taps), m * cb * taps);
          } else {
            wb = w.slice(c0 * M * taps, (c0 + cb) * M * taps);
          }
          const part = dispatch(op, sub(g, { inChannels: cb }), xb, wb, undefined, without(path));
          for (let i = 0; i < y.length; i++) y[i] = accumulate(y[i] + part[i]);
        }
        if (b) for (let i = 0; i < y.length; i++) y[i] = accumulate(y[i] + b[Math.floor(i / outSize) % M]);
        return y;
      }

      case 'stride2': {
        // Taps in pairs along the first such axis; each pair is one pass with the other taps masked.
        const a = g.kernel.findIndex((k, ax) => k >= 5 && g.strides[ax] === 2);
        const k = g.kernel[a];
        const inner = product(g.kernel.slice(a + 1));
        for (let t0 = 0; t0 < k; t0 += 2) {
          if (t0 + 1 >= k && bug === 'stride2-large-kernel-odd-tap-dropped') break;
          const wp = new Float32Array(w.length);
          for (let i = 0; i < w.length; i++) {
            const tap = Math.floor(i / inner) % k;
            if (tap === t0 || tap === t0 + 1) wp[i] = w[i];
          }
          const part = dispatch(op, g, x, wp, t0 === 0 ? b : undefined, without('stride2'));
          for (let i = 0; i < y.length; i++) y[i] = f32(y[i] + part[i]);
        }
        return y;
      }

      case 'outputBlocks': {
        const C = g.inChannels;
        const M = g.outChannels;
        const full = Math.floor(M / 8) * 8;
        for (let m0 = 0; m0 < M; m0 += 8) {
          const mb = Math.min(8, M - m0);
          if (m0 >= full && bug === 'output-channel-remainder-unwritten') break;
          let wb: Float32Array;
          if (op === 'Conv') {
            wb = w.slice(m0 * C * taps, (m0 + mb) * C * taps);
          } else {
            wb = new Float32Array(C * mb * taps);
            for (let c = 0; c < C; c++) wb.set(w.subarray((c * M + m0) * taps, (c * M + m0 + mb) * taps), c * mb * taps);
          }
          const part = dispatch(op, sub(g, { outChannels: mb }), x, wb, b?.subarray(m0, m0 + mb), without('outputBlocks'));
          for (let n = 0; n < g.batch; n++) y.set(part.subarray(n * mb * outSize, (n + 1) * mb * outSize), (n * M + m0) * outSize);
        }
        return y;
      }

      case 'tiles': {
        // Tiles of 16 along the last axis; the row is computed whole and read tile by tile.
        const whole = dispatch(op, g, x, w, b, without('tiles'));
        const last = g.outputSpatial[g.rank - 1];
        const tail = last % 16;
        y.set(whole);
        if (bug === 'spatial-tile-tail-not-advanced' && tail > 0) {
          for (let row = 0; row < y.length / last; row++)
            for (let o = last - tail; o < last; o++) y[row * last + o] = whole[row * last + o - 16];
        }
        return y;
      }
    }
  };
  return (op, g, x, w, b) => dispatch(op, g, x, w, b, new Set());
}

/** Which path a geometry takes first (for tests and docs). */
export function firstPath(g: ConvGeometry): Path | undefined {
  return pathOf(g, new Set());
}

export const PATH_BUGS: { bug: PathBug; what: string }[] = [
  { bug: 'batch-remainder-item-dropped', what: 'batch tiles of 2 items (N ≥ 4): with N odd, the last item is never computed (bias only)' },
  { bug: 'depthwise-multiplier-channel-wraps', what: 'depthwise path (group = C ≥ 16): output channel m reads input channel m mod C instead of ⌊m / multiplier⌋' },
  { bug: 'pointwise-gemm-weight-transposed', what: '1×1 GEMM fast path (stride 1, no pads, C, M ≥ 16): W read as [C, M] instead of [M, C]' },
  { bug: 'long-reduction-float16-accumulator', what: 'long reductions (C·Πk ≥ 1000): the per-channel accumulator is float16 while declaring float32' },
  { bug: 'stride2-large-kernel-odd-tap-dropped', what: 'stride-2 path for kernels ≥ 5 with M ≥ 16: taps processed in pairs, the odd last tap dropped' },
  { bug: 'input-channel-remainder-dropped', what: 'blocks of 8 input channels (C ≥ 16): the remainder loop (C mod 8 channels) is skipped' },
  { bug: 'output-channel-remainder-unwritten', what: 'blocks of 8 output channels (M ≥ 16): the remainder channels are never written (0)' },
  { bug: 'spatial-tile-tail-not-advanced', what: 'tiles of 16 on the last axis (≥ 32 outputs): the tail tile reads the previous tile\'s inputs' },
];
