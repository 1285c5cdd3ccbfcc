/**
 * A cache-blocked float64 matrix product for the fast reference path: C += A·B with A packed once
 * into MR-row panels and B packed per (KC × NC) block into NR-column panels, so the 4×4 register
 * micro-kernel reads both operands contiguously. The micro-kernel runs as WebAssembly SIMD
 * (wasmKernel.ts, f64x2) where available, else as plain JavaScript; both do IEEE double multiplies
 * and adds in the same order, so only the summation order differs from the direct loops.
 */
import { wasmGemm, type WasmGemm } from './wasmKernel';

/** Rows per A panel and columns per B panel (the register tile is MR × NR). */
export const MR = 4;
export const NR = 4;
/** Depth of one K block: an A panel slice of KC·MR doubles (8 KiB) stays in L1. */
export const KC = 256;
/** Columns of one B block: KC·NC doubles (512 KiB) stay in L2. */
export const NC = 256;

/** Doubles of C scratch kept per column block: 256 KiB, so the block is still in L2 when it is scattered. */
const C_BLOCK_DOUBLES = 1 << 15;

/** Columns per block for a GEMM with `rows` rows: NC, or fewer so rows × columns stays within C_BLOCK_DOUBLES. */
export function blockColumns(rows: number): number {
  const fit = Math.floor(C_BLOCK_DOUBLES / (Math.ceil(rows / MR) * MR) / NR) * NR;
  return Math.max(4 * NR, Math.min(NC, fit));
}

/** Length of the buffer packA needs for an M × K matrix. */
export const packedASize = (rows: number, depth: number): number => Math.ceil(rows / MR) * MR * depth;
/** Length of the buffer one packed B block needs. */
export const packedBSize = (): number => KC * NC;

/**
 * Packs A (rows × depth, element (i, k) at a[offset + i·rowStride + k·colStride]) into MR-row
 * panels: dest[(panel·depth + k)·MR + r]; rows past the end are zero (finite inputs only, so a zero
 * row adds exact zeros to tile entries that are never stored).
 */
export function packA(
  a: ArrayLike<number>, offset: number, rowStride: number, colStride: number,
  rows: number, depth: number, dest: Float64Array,
): void {
  const panels = Math.ceil(rows / MR);
  for (let p = 0; p < panels; p++) {
    let dst = p * depth * MR;
    if (p * MR + MR <= rows) {
      // a whole panel: sequential writes, four strided reads per step
      let src = offset + p * MR * rowStride;
      for (let k = 0; k < depth; k++, src += colStride, dst += MR) {
        dest[dst] = a[src];
        dest[dst + 1] = a[src + rowStride];
        dest[dst + 2] = a[src + 2 * rowStride];
        dest[dst + 3] = a[src + 3 * rowStride];
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const i = p * MR + r;
      if (i >= rows) {
        for (let k = 0; k < depth; k++) dest[dst + k * MR + r] = 0;
        continue;
      }
      let src = offset + i * rowStride;
      for (let k = 0; k < depth; k++, src += colStride) dest[dst + k * MR + r] = a[src];
    }
  }
}

/**
 * The 4×4 register tile: c[co + i·ldc + j] += Σ_k a[ao + 4k + i]·b[bo + 4k + j] for kc steps.
 * Sixteen scalar accumulators; V8 keeps most of them in registers.
 */
function kernel4x4(kc: number, a: Float64Array, ao: number, b: Float64Array, bo: number, c: Float64Array, co: number, ldc: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kc; k++) {
    const a0 = a[ao], a1 = a[ao + 1], a2 = a[ao + 2], a3 = a[ao + 3];
    const b0 = b[bo], b1 = b[bo + 1], b2 = b[bo + 2], b3 = b[bo + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ao += 4;
    bo += 4;
  }
  c[co] += c00; c[co + 1] += c01; c[co + 2] += c02; c[co + 3] += c03; co += ldc;
  c[co] += c10; c[co + 1] += c11; c[co + 2] += c12; c[co + 3] += c13; co += ldc;
  c[co] += c20; c[co + 1] += c21; c[co + 2] += c22; c[co + 3] += c23; co += ldc;
  c[co] += c30; c[co + 1] += c31; c[co + 2] += c32; c[co + 3] += c33;
}

/**
 * Packed operands and the C scratch of one GEMM, living in WebAssembly memory when the SIMD kernel
 * is available. C is padded to whole tiles, so the kernel never needs edge handling; the caller
 * adds the valid part of C where it belongs (or scatters it, for ConvTranspose).
 */
/**
 * Packed operands, C scratch and im2col/col2im buffers of one convolution, living in WebAssembly
 * memory when the SIMD kernels are available. C is padded to whole tiles, so the kernel never needs
 * edge handling. With `dual`, a second lane (A₂, C₂, Y₂) lets one pass compute the magnitude
 * Σ|x||w| next to the result: same packed B made absolute in place (absB) after the first product.
 */
export interface GemmWorkspace {
  /** Packed A per lane (see packA). */
  readonly ap: readonly Float64Array[];
  /** One packed B block: (panel·kc + k)·NR + j, at most KC·NC values. */
  readonly bp: Float64Array;
  /** C scratch per lane, row-major with the row stride given to run (at most NC). */
  readonly cs: readonly Float64Array[];
  /** Float64 copy of X for im2col (fill it before im2col). */
  readonly xs: Float64Array;
  /** Copy of the gather table for im2col, or of the scatter table for col2im (fill it first). */
  readonly ts: Int32Array;
  /** Output buffer per lane for col2im. */
  readonly ys: readonly Float64Array[];
  /** cs[lane][i·ldc + j] += Σ_{k<kc} A_lane[i, kStart + k]·B[k, j] for every tile (i < 4·rowPanels, j < 4·colPanels). */
  run(lane: number, rowPanels: number, colPanels: number, kc: number, kStart: number, depth: number, ldc: number): void;
  /**
   * Packs rows kStart … kStart+kc−1, columns jStart … jStart+cols−1 of im2col(xs from xBase) into bp:
   * row k = (channel k / kSize, kernel offset k mod kSize), entry ts[κ·P + j] (−1: padding → 0).
   */
  im2col(xBase: number, inS: number, P: number, kSize: number, kStart: number, kc: number, jStart: number, cols: number): void;
  /**
   * ConvTranspose col2im of a lane's C scratch: for row r = (m', κ) and column jj < nc,
   * ys[lane][yBase + m'·outS + ts[κ·J + jc + jj]] += cs[lane][r·ldc + jj], skipping −1 entries.
   */
  col2im(lane: number, yBase: number, rows: number, kSize: number, nc: number, ldc: number, J: number, jc: number, outS: number): void;
  /** bp[i] = |bp[i]| for i < count. */
  absB(count: number): void;
  /** Float32 magnitude lane (WebAssembly only, when asked for): packed |A|, |B| block and C scratch. */
  readonly ap32?: Float32Array;
  readonly cs32?: Float32Array;
  /**
   * bp32 = |bp| in float32 (exact for float32 data), re-laid as 8-column panels (two 4-column
   * panels side by side; a missing right half is zero) for the 4×8 float32 kernel.
   */
  absB32(kc: number, colPanels: number): void;
  /** col2im of lane 0 into ys[0] and of cs32 (row stride ldc32) into ys[1], in one pass over the table. */
  col2imBoth(yBase: number, rows: number, kSize: number, nc: number, ldc: number, ldc32: number, J: number, jc: number, outS: number): void;
  /** cs32 += |A|·|B| in float32 over ⌈colPanels/2⌉ 8-column panels; ldc32 (elements) ≥ 8·⌈colPanels/2⌉. */
  run32(rowPanels: number, colPanels: number, kc: number, kStart: number, depth: number, ldc32: number): void;
}

export interface WorkspaceSizes {
  /** Packed A values per lane. */
  aLen: number;
  /** C scratch values per lane. */
  cLen: number;
  /** X values for im2col. Default 0. */
  xLen?: number;
  /** Index table entries. Default 0. */
  tableLen?: number;
  /** Output values per lane for col2im. Default 0. */
  yLen?: number;
  /** Two lanes (result and magnitude). Default false. */
  dual?: boolean;
  /** Also the float32 magnitude lane (ap32, cs32; WebAssembly only). Default false. */
  magnitude32?: boolean;
}

const PAGE = 65536;

function absInPlace(v: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) v[i] = Math.abs(v[i]);
}

function wasmWorkspace(k: WasmGemm, z: Required<WorkspaceSizes>): GemmWorkspace {
  const lanes = z.dual ? 2 : 1;
  const bLen = packedBSize();
  // f64 regions first (8-byte aligned), the i32 table last, then 16 bytes of slack (im2col reads a
  // partial panel's table entries whole)
  let at = 0;
  const take = (doubles: number): number => {
    const start = at;
    at += doubles * 8;
    return start;
  };
  const apAt = [0, 1].slice(0, lanes).map(() => take(z.aLen));
  const bpAt = take(bLen);
  const csAt = [0, 1].slice(0, lanes).map(() => take(z.cLen));
  const xAt = take(z.xLen);
  const yAt = [0, 1].slice(0, lanes).map(() => take(z.yLen));
  const m32 = z.magnitude32;
  const ap32At = take(m32 ? Math.ceil(z.aLen / 2) : 0);
  const bp32At = take(m32 ? Math.ceil((bLen + KC * NR) / 2) : 0);
  const cs32At = take(m32 ? Math.ceil(z.cLen / 2) : 0);
  const tAt = at;
  const bytes = tAt + z.tableLen * 4 + 16;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  const buffer = k.memory.buffer; // after any grow: earlier views are detached
  const bp = new Float64Array(buffer, bpAt, bLen);
  return {
    ap32: m32 ? new Float32Array(buffer, ap32At, z.aLen) : undefined,
    cs32: m32 ? new Float32Array(buffer, cs32At, z.cLen) : undefined,
    absB32(kc, colPanels) {
      k.absB32(bpAt, bp32At, kc, colPanels);
    },
    col2imBoth(yBase, rows, kSize, nc, ldc, ldc32, J, jc, outS) {
      k.col2imBoth(yAt[0] + yBase * 8, csAt[0], tAt, rows, kSize, nc, ldc, J, jc, outS, yAt[1] - yAt[0], cs32At, ldc32);
    },
    run32(rowPanels, colPanels, kc, kStart, depth, ldc32) {
      k.gemm32(rowPanels, Math.ceil(colPanels / 2), kc, ap32At + kStart * MR * 4, depth * MR * 4, bp32At, cs32At, ldc32 * 4);
    },
    ap: apAt.map((o) => new Float64Array(buffer, o, z.aLen)),
    bp,
    cs: csAt.map((o) => new Float64Array(buffer, o, z.cLen)),
    xs: new Float64Array(buffer, xAt, z.xLen),
    ts: new Int32Array(buffer, tAt, z.tableLen),
    ys: yAt.map((o) => new Float64Array(buffer, o, z.yLen)),
    run(lane, rowPanels, colPanels, kc, kStart, depth, ldc) {
      k.gemm(rowPanels, colPanels, kc, apAt[lane] + kStart * MR * 8, depth * MR * 8, bpAt, csAt[lane], ldc * 8);
    },
    im2col(xBase, inS, P, kSize, kStart, kc, jStart, cols) {
      k.im2col(bpAt, xAt + xBase * 8, tAt, P, kSize, kStart, kc, jStart, cols, inS);
    },
    col2im(lane, yBase, rows, kSize, nc, ldc, J, jc, outS) {
      k.col2im(yAt[lane] + yBase * 8, csAt[lane], tAt, rows, kSize, nc, ldc, J, jc, outS);
    },
    absB: (count) => absInPlace(bp, count),
  };
}

/** The JS im2col packing (same layout as the WebAssembly one), panel-major so the writes to bp are sequential. */
function packIm2colJs(
  x: Float64Array, xBase: number, inS: number, table: Int32Array, P: number, kSize: number,
  kStart: number, kc: number, jStart: number, cols: number, bp: Float64Array,
): void {
  const panels = Math.ceil(cols / NR);
  const c0 = (kStart / kSize) | 0;
  const kf0 = kStart - c0 * kSize;
  let dst = 0;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jStart + jp * NR;
    let kf = kf0;
    let xb = xBase + c0 * inS;
    for (let kk = 0; kk < kc; kk++, dst += NR) {
      const tb = kf * P + j0;
      for (let jj = 0; jj < NR; jj++) {
        const t = jp * NR + jj < cols ? table[tb + jj] : -1;
        bp[dst + jj] = t >= 0 ? x[xb + t] : 0;
      }
      if (++kf === kSize) {
        kf = 0;
        xb += inS;
      }
    }
  }
}

/** The JS col2im (same semantics as the WebAssembly one). */
function col2imJs(
  ys: Float64Array, yBase: number, cs: Float64Array, table: Int32Array,
  rows: number, kSize: number, nc: number, ldc: number, J: number, jc: number, outS: number,
): void {
  for (let r = 0; r < rows; r++) {
    const mo = (r / kSize) | 0;
    const kf = r - mo * kSize;
    const yb = yBase + mo * outS;
    const tb = kf * J + jc;
    const cb = r * ldc;
    for (let jj = 0; jj < nc; jj++) {
      const t = table[tb + jj];
      if (t >= 0) ys[yb + t] += cs[cb + jj];
    }
  }
}

function jsWorkspace(z: Required<WorkspaceSizes>): GemmWorkspace {
  const lanes = z.dual ? 2 : 1;
  const ap = [0, 1].slice(0, lanes).map(() => new Float64Array(z.aLen));
  const bp = new Float64Array(packedBSize());
  const cs = [0, 1].slice(0, lanes).map(() => new Float64Array(z.cLen));
  const xs = new Float64Array(z.xLen);
  const ts = new Int32Array(z.tableLen);
  const ys = [0, 1].slice(0, lanes).map(() => new Float64Array(z.yLen));
  return {
    ap, bp, cs, xs, ts, ys,
    run(lane, rowPanels, colPanels, kc, kStart, depth, ldc) {
      for (let jp = 0; jp < colPanels; jp++) {
        const bo = jp * kc * NR;
        for (let ip = 0; ip < rowPanels; ip++) {
          kernel4x4(kc, ap[lane], (ip * depth + kStart) * MR, bp, bo, cs[lane], ip * MR * ldc + jp * NR, ldc);
        }
      }
    },
    im2col(xBase, inS, P, kSize, kStart, kc, jStart, cols) {
      packIm2colJs(xs, xBase, inS, ts, P, kSize, kStart, kc, jStart, cols, bp);
    },
    col2im(lane, yBase, rows, kSize, nc, ldc, J, jc, outS) {
      col2imJs(ys[lane], yBase, cs[lane], ts, rows, kSize, nc, ldc, J, jc, outS);
    },
    absB: (count) => absInPlace(bp, count),
    absB32() {
      throw new Error('float32 magnitude lane needs WebAssembly');
    },
    col2imBoth() {
      throw new Error('float32 magnitude lane needs WebAssembly');
    },
    run32() {
      throw new Error('float32 magnitude lane needs WebAssembly');
    },
  };
}

/** Which magnitude lane a convolution's GEMM runs next to the result. */
export type MagnitudeLane = 'none' | 'f64' | 'f32';

/** Column layout of a C block of `cols` columns: NR-column panels, the C row stride, and the float32 lane's (8-column panels). */
export function blockLayout(cols: number): { colPanels: number; ldc: number; ldc32: number } {
  const colPanels = Math.ceil(cols / NR);
  return { colPanels, ldc: colPanels * NR, ldc32: Math.ceil(colPanels / 2) * 2 * NR };
}

/** Zeroes the magnitude lane's C scratch of a block (rowPanels row panels, row stride ldc or ldc32). */
export function clearMagnitude(ws: GemmWorkspace, lane: MagnitudeLane, rowPanels: number, ldc: number, ldc32: number): void {
  if (lane === 'f32') (ws.cs32 as Float32Array).fill(0, 0, rowPanels * MR * ldc32);
  else if (lane === 'f64') ws.cs[1].fill(0, 0, rowPanels * MR * ldc);
}

/**
 * The products of the packed B block (kc rows from depth offset kStart) for the result and the
 * magnitude lane: the same block made absolute (in place, or re-laid in float32) times |A|.
 */
export function multiplyBlock(
  ws: GemmWorkspace, lane: MagnitudeLane, rowPanels: number, colPanels: number, kc: number, kStart: number, depth: number, ldc: number, ldc32: number,
): void {
  ws.run(0, rowPanels, colPanels, kc, kStart, depth, ldc);
  if (lane === 'f32') {
    ws.absB32(kc, colPanels);
    ws.run32(rowPanels, colPanels, kc, kStart, depth, ldc32);
  } else if (lane === 'f64') {
    ws.absB(colPanels * NR * kc);
    ws.run(1, rowPanels, colPanels, kc, kStart, depth, ldc);
  }
}

let wasmEnabled = true;
/** Chooses the WebAssembly kernel (default, where available) or the JS one; for tests and the benchmark. */
export function setWasmKernel(enabled: boolean): void {
  wasmEnabled = enabled;
}

/** The WebAssembly kernels when enabled and available, else undefined. */
export function activeWasm(): WasmGemm | undefined {
  return wasmEnabled ? wasmGemm() : undefined;
}

/**
 * Largest workspace (in doubles, 256 MiB) taken from WebAssembly memory, which never shrinks: beyond
 * it the JS kernel allocates its own, so one huge call does not pin that much memory for good.
 */
const MAX_WASM_DOUBLES = 2 ** 25;

/**
 * The views of the last few workspaces, newest first: callers that alternate (the result alone, then
 * result and magnitude) keep theirs. They overlap in memory, which is safe because every call fills
 * all it reads.
 */
let recentWasm: { buffer: ArrayBuffer; sizes: Required<WorkspaceSizes>; ws: GemmWorkspace }[] = [];
const RECENT_WORKSPACES = 4;

const sameSizes = (a: Required<WorkspaceSizes>, b: Required<WorkspaceSizes>): boolean =>
  a.aLen === b.aLen && a.cLen === b.cLen && a.xLen === b.xLen && a.tableLen === b.tableLen &&
  a.yLen === b.yLen && a.dual === b.dual && a.magnitude32 === b.magnitude32;

/**
 * A workspace of the given sizes. The WebAssembly workspace is shared (its memory grows, never
 * shrinks), so it is valid only until the next call.
 */
export function gemmWorkspace(sizes: WorkspaceSizes): GemmWorkspace {
  const z: Required<WorkspaceSizes> = { xLen: 0, tableLen: 0, yLen: 0, dual: false, magnitude32: false, ...sizes };
  const lanes = z.dual ? 2 : 1;
  const doubles = lanes * (z.aLen + z.cLen + z.yLen) + packedBSize() * 1.5 + z.aLen / 2 + z.cLen / 2 + z.xLen + z.tableLen / 2;
  const k = activeWasm();
  if (k && doubles <= MAX_WASM_DOUBLES) {
    // Reuse the views of the previous call when nothing changed (small convolutions are dominated
    // by such fixed costs); a grown memory has a new buffer, so stale views are never reused.
    const buffer = k.memory.buffer;
    for (let i = 0; i < recentWasm.length; i++) {
      const c = recentWasm[i];
      if (c.buffer === buffer && sameSizes(c.sizes, z)) return c.ws;
    }
    const ws = wasmWorkspace(k, z);
    recentWasm = [{ buffer: k.memory.buffer, sizes: z, ws }, ...recentWasm.filter((c) => c.buffer === k.memory.buffer).slice(0, RECENT_WORKSPACES - 1)];
    return ws;
  }
  if (z.magnitude32) throw new Error('float32 magnitude lane needs WebAssembly (check canUseMagnitude32 first)');
  return jsWorkspace(z);
}

/** Whether a float32 magnitude lane of this size can run (WebAssembly available and the workspace fits). */
export function canUseMagnitude32(sizes: WorkspaceSizes): boolean {
  const lanes = 2;
  const doubles = lanes * (sizes.aLen + sizes.cLen + (sizes.yLen ?? 0)) + packedBSize() * 1.5 + sizes.aLen / 2 + sizes.cLen / 2 + (sizes.xLen ?? 0) + (sizes.tableLen ?? 0) / 2;
  return activeWasm() !== undefined && doubles <= MAX_WASM_DOUBLES;
}

