/**
 * The WebAssembly SIMD kernels of the fast path: written in AssemblyScript (impl/fast/wasm/kernels.ts),
 * compiled at build time (tools/build/wasmKernels.mjs) into the generated module kernelsWasm.ts. One
 * module, its own memory, these functions:
 * - gemm: C[ip·4 + i, jp·4 + j] += Σ_{k<kc} A[ip][k][i]·B[jp][k][j] over packed panels, 4×4 f64x2
 *   tiles (eight v128 accumulators);
 * - gemm32: the same on float32 (4×8 f32x4 tiles) for the magnitude lane;
 * - im2col / col2im / col2imBoth: the Conv gather into packed panels, the ConvTranspose scatter;
 * - runsGather / runsScatter (and …Both, with the magnitude): the row-run loops.
 * Float64 work uses IEEE multiplies and adds (f64x2.mul, f64x2.add, no fused multiply-add), so
 * every product and sum is rounded exactly as in JavaScript; only summation order differs from
 * impl/direct.ts. wasmGemm() returns undefined where WebAssembly SIMD is unavailable; callers then
 * use the JS kernels.
 */

import { WASM_BASE64 } from './kernelsWasm';

/** The compiled module's bytes (base64 decoded with atob: no Node API, so the path also runs in browsers). */
function moduleBytes(): Uint8Array {
  return Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
}

/** The few WebAssembly APIs used (the project's TypeScript lib has no DOM/WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` of 64 KiB; the old buffer (and every view on it) is detached. */
  grow(pages: number): number;
}

export interface WasmGemm {
  memory: WasmMemory;
  /** See the module comment; all pointers and strides in bytes. */
  gemm(rowPanels: number, colPanels: number, kc: number, ap: number, aPanelBytes: number, bp: number, c: number, ldcBytes: number): void;
  /** See kernels.ts rowRuns: Conv row runs for one (m, c) pair. */
  runsGather: RunsFn;
  /** See kernels.ts rowRuns: ConvTranspose row runs for one (c, m') pair. */
  runsScatter: RunsFn;
  /** Row runs computing the result and its magnitude in one pass (see kernels.ts rowRuns). */
  runsGatherBoth: RunsFn;
  runsScatterBoth: RunsFn;
  /** See kernels.ts absB32. */
  absB32(bp: number, bp32: number, kc: number, colPanels: number): void;
  /** See kernels.ts im2col. */
  im2col(bp: number, x: number, table: number, P: number, kSize: number, kStart: number, kc: number, jStart: number, cols: number, inS: number): void;
  /** The float32 GEMM of the magnitude lane (same arguments as gemm; 4×8 tiles of 4-byte elements). */
  gemm32: WasmGemm['gemm'];
  /** See kernels.ts scatterColumns: col2im of the result and the float32 magnitude scratch in one pass. */
  col2imBoth(
    y: number, cs: number, table: number, rows: number, kSize: number, nc: number, ldc: number, J: number, jc: number, outS: number,
    magDelta: number, cs32: number, ldc32: number,
  ): void;
  /** See kernels.ts scatterColumns. */
  col2im(y: number, cs: number, table: number, rows: number, kSize: number, nc: number, ldc: number, J: number, jc: number, outS: number): void;
}

export type RunsFn = (
  y: number, x: number, w: number, rows: number, outer: number, length: number,
  kSize: number, kLast: number, lo: number, hi: number, shift: number, stride: number, magDelta: number,
) => void;

/** The memory's buffer with at least `bytes` bytes (grown if needed; earlier views are detached). */
export function wasmBuffer(k: WasmGemm, bytes: number): ArrayBuffer {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return k.memory.buffer;
}

let instance: WasmGemm | null | undefined;

/** The compiled kernel, or undefined where WebAssembly SIMD is unavailable (or CONVSPEC_NO_WASM is set). */
export function wasmGemm(): WasmGemm | undefined {
  if (instance === undefined) {
    instance = null;
    try {
      const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
      const bytes = moduleBytes();
      if (!process.env.CONVSPEC_NO_WASM && api && api.validate(bytes)) {
        const exports = new api.Instance(new api.Module(bytes)).exports;
        instance = {
          memory: exports.memory as WasmMemory,
          gemm: exports.gemm as WasmGemm['gemm'],
          runsGather: exports.runsGather as RunsFn,
          runsScatter: exports.runsScatter as RunsFn,
          runsGatherBoth: exports.runsGatherBoth as RunsFn,
          runsScatterBoth: exports.runsScatterBoth as RunsFn,
          im2col: exports.im2col as WasmGemm['im2col'],
          absB32: exports.absB32 as WasmGemm['absB32'],
          col2im: exports.col2im as WasmGemm['col2im'],
          gemm32: exports.gemm32 as WasmGemm['gemm'],
          col2imBoth: exports.col2imBoth as WasmGemm['col2imBoth'],
        };
      }
    } catch {
      instance = null;
    }
  }
  return instance ?? undefined;
}

/** The raw module bytes (tests check they validate). */
export const wasmModuleBytes = moduleBytes;
