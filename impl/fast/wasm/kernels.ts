/**
 * The WebAssembly SIMD kernels of the fast path, in AssemblyScript (compiled at build time by
 * tools/build/wasmKernels.mjs into impl/fast/kernelsWasm.ts; this file is not TypeScript for tsc).
 * JavaScript owns the module's memory layout: every pointer below is a byte address it chose, every
 * count is in elements.
 *
 * Exactness: float64 work is IEEE f64x2.mul then f64x2.add (or f64.mul then f64.add), never a fused
 * multiply-add, so each product and each sum is rounded exactly as in JavaScript; only the
 * summation order differs from impl/direct.ts. The compiler (Binaryen) does not reassociate or fuse
 * floating-point operations.
 *
 * Loops are written do { } while (…) where the old hand-emitted kernels had them: V8 compiles that
 * form (test at the bottom) markedly faster than a for loop's test at the top (col2im ran 2× slower
 * as a for loop), so every count below must be ≥ 1 unless said otherwise; the callers guarantee it.
 *
 * The exported functions are thin: each calls one @inline generic body with constant arguments
 * (element type, gather or scatter, with or without the magnitude), and the optimiser removes the
 * branches those constants decide, leaving one specialised loop nest per export.
 */

// ---------------------------------------------------------------------------------------------
// GEMM micro-kernel

/**
 * C[ip·4 + i, jp·4 + j] += Σ_{k<kc} A[ip][k][i]·B[jp][k][j] over packed panels, with eight v128
 * accumulators: for T = f64 a 4×4 tile (an A panel row is 4 doubles, a B panel row 4 doubles = two
 * f64x2); for T = f32 a 4×8 tile (an A row is 4 floats, a B row 8 floats = two f32x4). A B panel row
 * is 32 bytes either way.
 */
@inline
function gemmTiles<T>(rowPanels: u32, colPanels: u32, kc: u32, ap: usize, aPanelBytes: usize, bp: usize, c: usize, ldc: usize): void {
  const aRow: usize = 4 * sizeof<T>();
  let jp: u32 = 0;
  do {
    let ip: u32 = 0;
    do {
      let pa = ap + <usize>ip * aPanelBytes;
      let pb = bp + <usize>(jp * kc) * 32;
      let acc0 = v128.splat<T>(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
      let acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
      let k = kc;
      do {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let s = v128.load_splat<T>(pa); // A row 0
        acc0 = v128.add<T>(acc0, v128.mul<T>(s, b0));
        acc1 = v128.add<T>(acc1, v128.mul<T>(s, b1));
        s = v128.load_splat<T>(pa, sizeof<T>()); // row 1
        acc2 = v128.add<T>(acc2, v128.mul<T>(s, b0));
        acc3 = v128.add<T>(acc3, v128.mul<T>(s, b1));
        s = v128.load_splat<T>(pa, 2 * sizeof<T>()); // row 2
        acc4 = v128.add<T>(acc4, v128.mul<T>(s, b0));
        acc5 = v128.add<T>(acc5, v128.mul<T>(s, b1));
        s = v128.load_splat<T>(pa, 3 * sizeof<T>()); // row 3
        acc6 = v128.add<T>(acc6, v128.mul<T>(s, b0));
        acc7 = v128.add<T>(acc7, v128.mul<T>(s, b1));
        pa += aRow;
        pb += 32;
      } while (--k != 0);
      // C rows += tile rows
      let pc = c + <usize>ip * 4 * ldc + <usize>jp * 32;
      v128.store(pc, v128.add<T>(v128.load(pc), acc0));
      v128.store(pc, v128.add<T>(v128.load(pc, 16), acc1), 16);
      pc += ldc;
      v128.store(pc, v128.add<T>(v128.load(pc), acc2));
      v128.store(pc, v128.add<T>(v128.load(pc, 16), acc3), 16);
      pc += ldc;
      v128.store(pc, v128.add<T>(v128.load(pc), acc4));
      v128.store(pc, v128.add<T>(v128.load(pc, 16), acc5), 16);
      pc += ldc;
      v128.store(pc, v128.add<T>(v128.load(pc), acc6));
      v128.store(pc, v128.add<T>(v128.load(pc, 16), acc7), 16);
    } while (++ip < rowPanels);
  } while (++jp < colPanels);
}

/** Float64 GEMM: 4×4 tiles; aPanelBytes and ldc in bytes. */
export function gemm(rowPanels: u32, colPanels: u32, kc: u32, ap: usize, aPanelBytes: usize, bp: usize, c: usize, ldc: usize): void {
  gemmTiles<f64>(rowPanels, colPanels, kc, ap, aPanelBytes, bp, c, ldc);
}

/**
 * The float32 twin for the magnitude lane (all operands ≥ 0): 4×8 tiles, twice the products per
 * instruction. Its rounding is accounted for by the caller (float32Bound.ts).
 */
export function gemm32(rowPanels: u32, colPanels: u32, kc: u32, ap: usize, aPanelBytes: usize, bp: usize, c: usize, ldc: usize): void {
  gemmTiles<f32>(rowPanels, colPanels, kc, ap, aPanelBytes, bp, c, ldc);
}

// ---------------------------------------------------------------------------------------------
// Row runs (convByRuns / convTransposeByRuns)

/**
 * Row runs for one (output channel, input channel) pair: for each kernel offset κ < kSize and outer
 * position q < outer whose row rows[κ·outer + q] is not −1, y[…] += w[κ]·x[…] along the run
 * lo[κ mod kLast] ≤ t < hi[κ mod kLast]. Gather (Conv): y contiguous (row q·length), x at stride
 * (row rows[…] + shift[…]); scatter (ConvTranspose): the other way round. With stride 1, two
 * elements per f64x2 step; each element still gets one rounded multiply and one rounded add.
 * With `both`, also |w[κ]|·|x| is added to the magnitude element magDelta bytes after each output
 * element (result and magnitude in one pass, sharing loads and index work).
 * y, x, w: f64; rows, lo, hi, shift: i32.
 */
@inline
function rowRuns(
  scatter: bool, both: bool,
  y: usize, x: usize, w: usize, rows: usize, outer: u32, length: u32,
  kSize: u32, kLast: u32, lo: usize, hi: usize, shift: usize, stride: i32, magDelta: usize,
): void {
  let kf: u32 = 0;
  do {
    const wv = load<f64>(w + <usize>kf * 8);
    const ws = v128.load_splat<f64>(w + <usize>kf * 8);
    const wva = abs<f64>(wv);
    const wsa = f64x2.abs(ws);
    const kl = <usize>(kf % kLast);
    const o0 = load<i32>(lo + kl * 4);
    const o1 = load<i32>(hi + kl * 4);
    const sh = load<i32>(shift + kl * 4);
    let q: u32 = 0;
    do {
      const row = load<i32>(rows + <usize>(kf * outer + q) * 4);
      if (row < 0) continue; // this row is outside the input (Conv) or output (ConvTranspose)
      const linear = (scatter ? x : y) + <usize>(q * length) * 8;
      const tabled = (scatter ? y : x) + <usize>(row + sh) * 8;
      const yr = scatter ? tabled : linear;
      const xr = scatter ? linear : tabled;
      let o = o0;
      if (stride == 1) {
        for (; o + 2 <= o1; o += 2) {
          let ya = yr + <usize>o * 8;
          const xv = v128.load(xr + <usize>o * 8);
          v128.store(ya, f64x2.add(v128.load(ya), f64x2.mul(ws, xv)));
          if (both) {
            ya += magDelta;
            v128.store(ya, f64x2.add(v128.load(ya), f64x2.mul(wsa, f64x2.abs(xv))));
          }
        }
      }
      // the tail, or every element when stride > 1
      for (; o < o1; o++) {
        let ya = yr + <usize>(scatter ? o * stride : o) * 8;
        const xs = load<f64>(xr + <usize>(scatter ? o : o * stride) * 8);
        store<f64>(ya, load<f64>(ya) + wv * xs);
        if (both) {
          ya += magDelta;
          store<f64>(ya, load<f64>(ya) + wva * abs<f64>(xs));
        }
      }
    } while (++q < outer);
  } while (++kf < kSize);
}

export function runsGather(y: usize, x: usize, w: usize, rows: usize, outer: u32, length: u32, kSize: u32, kLast: u32, lo: usize, hi: usize, shift: usize, stride: i32, magDelta: usize): void {
  rowRuns(false, false, y, x, w, rows, outer, length, kSize, kLast, lo, hi, shift, stride, magDelta);
}
export function runsScatter(y: usize, x: usize, w: usize, rows: usize, outer: u32, length: u32, kSize: u32, kLast: u32, lo: usize, hi: usize, shift: usize, stride: i32, magDelta: usize): void {
  rowRuns(true, false, y, x, w, rows, outer, length, kSize, kLast, lo, hi, shift, stride, magDelta);
}
export function runsGatherBoth(y: usize, x: usize, w: usize, rows: usize, outer: u32, length: u32, kSize: u32, kLast: u32, lo: usize, hi: usize, shift: usize, stride: i32, magDelta: usize): void {
  rowRuns(false, true, y, x, w, rows, outer, length, kSize, kLast, lo, hi, shift, stride, magDelta);
}
export function runsScatterBoth(y: usize, x: usize, w: usize, rows: usize, outer: u32, length: u32, kSize: u32, kLast: u32, lo: usize, hi: usize, shift: usize, stride: i32, magDelta: usize): void {
  rowRuns(true, true, y, x, w, rows, outer, length, kSize, kLast, lo, hi, shift, stride, magDelta);
}

// ---------------------------------------------------------------------------------------------
// im2col: the Conv gather into packed B panels

/**
 * Element jj of one packed row: x[xb + t] for the table entry t, or 0 when t is −1 (padding) or,
 * with `checked`, when the column is past `cols`. The load uses index max(t, 0), so it never
 * leaves x.
 */
@inline
function gatherElement(checked: bool, jj: i32, dst: usize, tb: usize, xb: usize, column0: i32, cols: i32): void {
  let t = load<i32>(tb + <usize>jj * 4);
  if (checked) t = select<i32>(t, -1, column0 + jj < cols);
  const inside = t >= 0;
  store<f64>(dst + <usize>jj * 8, select<f64>(load<f64>(xb + <usize>select<i32>(t, 0, inside) * 8), 0, inside));
}

/** The kc packed rows of column panel jp; `checked` masks columns past `cols` (only the last panel needs it). */
@inline
function panelRows(checked: bool, dst: usize, x: usize, table: usize, P: i32, kSize: i32, kf0: i32, c0: i32, kc: u32, jStart: i32, jp: i32, cols: i32, inS: i32): usize {
  let kf = kf0;
  let xb = x + <usize>(c0 * inS) * 8;
  const column0 = jp * 4;
  let kk: u32 = 0;
  do {
    const tb = table + <usize>(kf * P + jStart + column0) * 4;
    const t = load<i32>(tb);
    // four consecutive in-range positions (stride 1 away from borders): copy them as two v128
    if (!checked && t >= 0 && i32x4.all_true(i32x4.eq(v128.load(tb), i32x4.add(i32x4.splat(t), i32x4(0, 1, 2, 3))))) {
      const from = xb + <usize>t * 8;
      v128.store(dst, v128.load(from));
      v128.store(dst, v128.load(from, 16), 16);
    } else {
      gatherElement(checked, 0, dst, tb, xb, column0, cols);
      gatherElement(checked, 1, dst, tb, xb, column0, cols);
      gatherElement(checked, 2, dst, tb, xb, column0, cols);
      gatherElement(checked, 3, dst, tb, xb, column0, cols);
    }
    dst += 32;
    // next row: kernel offset, and the channel when it wraps
    if (++kf == kSize) {
      kf = 0;
      xb += <usize>inS * 8;
    }
  } while (++kk < kc);
  return dst;
}

/**
 * Packs rows kStart … kStart+kc−1, columns jStart … jStart+cols−1 of im2col(X) into 4-column
 * panels (bp[(panel·kc + k)·4 + j]), row k = (channel k / kSize, kernel offset k mod kSize), through
 * the gather table (−1: padded position → 0; columns past `cols` → 0). The table must be followed by
 * at least 16 readable bytes (a partial panel's entries are read whole).
 */
export function im2col(bp: usize, x: usize, table: usize, P: i32, kSize: i32, kStart: i32, kc: u32, jStart: i32, cols: i32, inS: i32): void {
  const c0 = <i32>(<u32>kStart / <u32>kSize);
  const kf0 = kStart - c0 * kSize;
  const panels = <u32>(cols + 3) >> 2;
  let dst = bp;
  let jp: u32 = 0;
  do {
    dst = <i32>jp * 4 + 4 <= cols
      ? panelRows(false, dst, x, table, P, kSize, kf0, c0, kc, jStart, <i32>jp, cols, inS)
      : panelRows(true, dst, x, table, P, kSize, kf0, c0, kc, jStart, <i32>jp, cols, inS);
  } while (++jp < panels);
}

// ---------------------------------------------------------------------------------------------
// col2im: the ConvTranspose scatter of the GEMM result

/**
 * For each GEMM row r = (m', κ) and block column jj < nc: y[m'·outS + table[κ·J + jc + jj]] +=
 * cs[r·ldc + jj], skipping entries −1 (cropped). With `both`, also the float32 magnitude scratch
 * cs32[r·ldc32 + jj] (promoted to f64) is added to the element magDelta bytes further on: one pass
 * over the table for both lanes. y, cs: f64; cs32: f32; table: i32.
 */
@inline
function scatterColumns(both: bool, y: usize, cs: usize, table: usize, rows: u32, kSize: u32, nc: u32, ldc: u32, J: u32, jc: u32, outS: u32, magDelta: usize, cs32: usize, ldc32: u32): void {
  let r: u32 = 0;
  do {
    const mo = r / kSize;
    const kf = r - mo * kSize;
    const yb = y + <usize>(mo * outS) * 8;
    const tb = table + <usize>(kf * J + jc) * 4;
    const cb = cs + <usize>(r * ldc) * 8;
    const cb32 = cs32 + <usize>(r * ldc32) * 4;
    let jj: u32 = 0;
    do {
      const t = load<i32>(tb + <usize>jj * 4);
      if (t >= 0) {
        let a = yb + <usize>t * 8;
        store<f64>(a, load<f64>(a) + load<f64>(cb + <usize>jj * 8));
        if (both) {
          a += magDelta;
          store<f64>(a, load<f64>(a) + <f64>load<f32>(cb32 + <usize>jj * 4));
        }
      }
    } while (++jj < nc);
  } while (++r < rows);
}

export function col2im(y: usize, cs: usize, table: usize, rows: u32, kSize: u32, nc: u32, ldc: u32, J: u32, jc: u32, outS: u32): void {
  scatterColumns(false, y, cs, table, rows, kSize, nc, ldc, J, jc, outS, 0, 0, 0);
}
export function col2imBoth(y: usize, cs: usize, table: usize, rows: u32, kSize: u32, nc: u32, ldc: u32, J: u32, jc: u32, outS: u32, magDelta: usize, cs32: usize, ldc32: u32): void {
  scatterColumns(true, y, cs, table, rows, kSize, nc, ldc, J, jc, outS, magDelta, cs32, ldc32);
}

// ---------------------------------------------------------------------------------------------
// absB32: the float32 lane's B block

/** |four doubles at p| rounded to float32 (exact for float32 data), as one f32x4. */
@inline
function absFour(p: usize): v128 {
  const lowHalf = f32x4.demote_f64x2_zero(f64x2.abs(v128.load(p)));
  const highHalf = f32x4.demote_f64x2_zero(f64x2.abs(v128.load(p, 16)));
  return v128.shuffle<f32>(lowHalf, highHalf, 0, 1, 4, 5);
}

/**
 * bp32 = |bp| in float32, re-laid as 8-column panels — two 4-column panels side by side, a missing
 * right half zero — for the 4×8 float32 kernel (gemm.ts absB32 describes the layout).
 * bp: f64, bp32: f32.
 */
export function absB32(bp: usize, bp32: usize, kc: u32, colPanels: u32): void {
  const step = <usize>kc * 32; // bytes of one 4-column float64 panel
  let p: u32 = 0;
  do {
    let src = bp + <usize>p * step;
    let dst = bp32 + ((<usize>p * step) >> 1);
    const right = p + 1 < colPanels;
    let kk: u32 = 0;
    do {
      v128.store(dst, absFour(src));
      v128.store(dst, right ? absFour(src + step) : i32x4.splat(0), 16);
      src += 32;
      dst += 32;
    } while (++kk < kc);
  } while ((p += 2) < colPanels);
}
