/**
 * The WebAssembly SIMD kernels of the fast path, emitted byte by byte (wasmEncoding.ts) so no
 * toolchain or binary file is needed. One module, its own memory, these functions:
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

import {
  ADD, BLOCK, DIV_U, END, EQ, F32X4_ADD, F32X4_MUL, F64X2_ABS, F64X2_ADD, F64X2_MUL, F64_ADD, F64_MUL, GE_S, GT_S, I32, LOOP, LT_S, LT_U, MUL, NE, REM_U, SELECT, SUB, V128, br, brIf, f64c0, f64load, f64store, get, i32c, i32load, load32splat, load64splat, memarg, name, section, set, simd, sleb, tee, uleb, v128load, v128store, v128zero, vec,
  EQZ, I32X4_SPLAT, I32X4_EQ, I32X4_ADD, I32X4_ALL_TRUE, i32x4c, F32X4_DEMOTE_F64X2, SHUFFLE_LOW_HALVES,
} from './wasmEncoding';

// parameters and locals of gemm(rowPanels, colPanels, kc, ap, aPanelBytes, bp, c, ldcBytes)
const P_ROWP = 0, P_COLP = 1, P_KC = 2, P_AP = 3, P_ASTRIDE = 4, P_BP = 5, P_C = 6, P_LDC = 7;
const L_IP = 8, L_JP = 9, L_K = 10, L_PA = 11, L_PB = 12, L_PC = 13;
const L_ACC = 14; // 14 … 21: tile row i lives in acc[2i] (columns 0, 1) and acc[2i+1] (columns 2, 3)
const L_B0 = 22, L_B1 = 23, L_S = 24;

/**
 * The GEMM micro-kernel: 4×4 float64 tiles (f64x2: an A panel row is 4 doubles, 32 bytes) or, with
 * `f32`, its float32 twin for the magnitude lane (all operands ≥ 0): 4×8 tiles, so a B panel row is
 * 8 floats (two f32x4, 32 bytes, like the float64 kernel's 4 doubles) and an A panel row 4 floats;
 * eight accumulators either way, twice the products per instruction in float32. The float32
 * rounding is accounted for by the caller (float32Bound.ts).
 */
function gemmBody(f32 = false): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  const [splat, mul, add, aRow] = f32 ? [load32splat, F32X4_MUL, F32X4_ADD, 16] : [load64splat, F64X2_MUL, F64X2_ADD, 32];
  emit(i32c(0), set(L_JP));
  emit(LOOP); // jp
  emit(i32c(0), set(L_IP));
  emit(LOOP); // ip
  // pa = ap + ip·aPanelBytes; pb = bp + jp·kc·32
  emit(get(P_AP), get(L_IP), get(P_ASTRIDE), MUL, ADD, set(L_PA));
  emit(get(P_BP), get(L_JP), get(P_KC), MUL, i32c(32), MUL, ADD, set(L_PB));
  for (let a = 0; a < 8; a++) emit(v128zero, set(L_ACC + a));
  emit(get(P_KC), set(L_K));
  emit(LOOP); // k
  emit(get(L_PB), v128load(0), set(L_B0));
  emit(get(L_PB), v128load(16), set(L_B1));
  for (let i = 0; i < 4; i++) {
    emit(get(L_PA), splat((aRow / 4) * i), set(L_S));
    emit(get(L_ACC + 2 * i), get(L_S), get(L_B0), mul, add, set(L_ACC + 2 * i));
    emit(get(L_ACC + 2 * i + 1), get(L_S), get(L_B1), mul, add, set(L_ACC + 2 * i + 1));
  }
  emit(get(L_PA), i32c(aRow), ADD, set(L_PA));
  emit(get(L_PB), i32c(32), ADD, set(L_PB));
  emit(get(L_K), i32c(-1), ADD, tee(L_K), i32c(0), NE, brIf(0));
  emit(END); // k
  // pc = c + ip·4·ldc + jp·32; C rows += tile rows
  emit(get(P_C), get(L_IP), i32c(4), MUL, get(P_LDC), MUL, ADD, get(L_JP), i32c(32), MUL, ADD, set(L_PC));
  for (let i = 0; i < 4; i++) {
    emit(get(L_PC), get(L_PC), v128load(0), get(L_ACC + 2 * i), add, v128store(0));
    emit(get(L_PC), get(L_PC), v128load(16), get(L_ACC + 2 * i + 1), add, v128store(16));
    if (i < 3) emit(get(L_PC), get(P_LDC), ADD, set(L_PC));
  }
  emit(get(L_IP), i32c(1), ADD, tee(L_IP), get(P_ROWP), LT_U, brIf(0));
  emit(END); // ip
  emit(get(L_JP), i32c(1), ADD, tee(L_JP), get(P_COLP), LT_U, brIf(0));
  emit(END); // jp
  emit(END); // function
  const locals = vec([[...uleb(6), I32], [...uleb(11), V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

// parameters and locals of runs…(y, x, w, rows, outer, length, kSize, kLast, lo, hi, shift, stride, magDelta)
const R_Y = 0, R_X = 1, R_W = 2, R_ROWS = 3, R_OUTER = 4, R_LEN = 5, R_KSIZE = 6, R_KLAST = 7, R_LO = 8, R_HI = 9, R_SHIFT = 10, R_STRIDE = 11;
const R_MAGD = 12; // bytes from an output element to its magnitude element (the "both" variants)
const R_KF = 13, R_KL = 14, R_O0 = 15, R_O1 = 16, R_SH = 17, R_Q = 18, R_ROW = 19, R_YR = 20, R_XR = 21, R_O = 22, R_YA = 23; // i32
const R_WV = 24, R_WVA = 25, R_XS = 26; // f64
const R_WS = 27, R_WSA = 28, R_XV = 29; // v128

/**
 * Row runs for one (output channel, input channel) pair, the loops of convByRuns /
 * convTransposeByRuns: for each kernel offset κ and outer position q whose row is inside,
 * y[…] += w[κ]·x[…] along the run lo[κ_last] ≤ t < hi[κ_last]. Gather (Conv): y contiguous, x at
 * stride; scatter (ConvTranspose): x contiguous, y at stride. With stride 1 two elements per f64x2
 * step; every element still gets one rounded multiply and one rounded add, as in JavaScript.
 * The "both" variants also add |w[κ]|·|x| to the magnitude element magDelta bytes after each
 * output element (result and magnitude in one pass, sharing the loads and the index work).
 * Pointers in bytes (y, x, w: f64; rows, lo, hi, shift: i32), counts in elements.
 */
function runsBody(scatter: boolean, both = false): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit(i32c(0), set(R_KF));
  emit(LOOP); // κ
  emit(get(R_W), get(R_KF), i32c(8), MUL, ADD, f64load(0), set(R_WV));
  emit(get(R_W), get(R_KF), i32c(8), MUL, ADD, load64splat(0), set(R_WS));
  if (both) {
    emit(get(R_WV), [0x99] /* f64.abs */, set(R_WVA));
    emit(get(R_WS), F64X2_ABS, set(R_WSA));
  }
  emit(get(R_KF), get(R_KLAST), REM_U, set(R_KL));
  emit(get(R_LO), get(R_KL), i32c(4), MUL, ADD, i32load(0), set(R_O0));
  emit(get(R_HI), get(R_KL), i32c(4), MUL, ADD, i32load(0), set(R_O1));
  emit(get(R_SHIFT), get(R_KL), i32c(4), MUL, ADD, i32load(0), set(R_SH));
  emit(i32c(0), set(R_Q));
  emit(LOOP); // q
  emit(BLOCK); // next q
  emit(get(R_ROWS), get(R_KF), get(R_OUTER), MUL, get(R_Q), ADD, i32c(4), MUL, ADD, i32load(0), tee(R_ROW), i32c(0), LT_S, brIf(0));
  const lin = scatter ? R_XR : R_YR; // the contiguous row: q·length
  const tab = scatter ? R_YR : R_XR; // the table-resolved row: rows[κ, q] + shift
  const linBase = scatter ? R_X : R_Y;
  const tabBase = scatter ? R_Y : R_X;
  emit(get(linBase), get(R_Q), get(R_LEN), MUL, i32c(8), MUL, ADD, set(lin));
  emit(get(tabBase), get(R_ROW), get(R_SH), ADD, i32c(8), MUL, ADD, set(tab));
  emit(get(R_O0), set(R_O));
  // vector part, only for stride 1
  emit(BLOCK, get(R_STRIDE), i32c(1), NE, brIf(0));
  emit(BLOCK, LOOP);
  emit(get(R_O), i32c(2), ADD, get(R_O1), GT_S, brIf(1));
  emit(get(R_YR), get(R_O), i32c(8), MUL, ADD, set(R_YA));
  emit(get(R_XR), get(R_O), i32c(8), MUL, ADD, v128load(0), set(R_XV));
  emit(get(R_YA), get(R_YA), v128load(0), get(R_WS), get(R_XV), F64X2_MUL, F64X2_ADD, v128store(0));
  if (both) {
    emit(get(R_YA), get(R_MAGD), ADD, set(R_YA));
    emit(get(R_YA), get(R_YA), v128load(0), get(R_WSA), get(R_XV), F64X2_ABS, F64X2_MUL, F64X2_ADD, v128store(0));
  }
  emit(get(R_O), i32c(2), ADD, set(R_O), br(0));
  emit(END, END); // loop, block
  emit(END); // stride-1 block
  // scalar part (tail, or every element when stride > 1)
  const yAddr = scatter ? [get(R_YR), get(R_O), get(R_STRIDE), MUL, i32c(8), MUL, ADD] : [get(R_YR), get(R_O), i32c(8), MUL, ADD];
  const xAddr = scatter ? [get(R_XR), get(R_O), i32c(8), MUL, ADD] : [get(R_XR), get(R_O), get(R_STRIDE), MUL, i32c(8), MUL, ADD];
  emit(BLOCK, LOOP);
  emit(get(R_O), get(R_O1), GE_S, brIf(1));
  emit(...yAddr, set(R_YA));
  emit(...xAddr, f64load(0), set(R_XS));
  emit(get(R_YA), get(R_YA), f64load(0), get(R_WV), get(R_XS), F64_MUL, F64_ADD, f64store(0));
  if (both) {
    emit(get(R_YA), get(R_MAGD), ADD, set(R_YA));
    emit(get(R_YA), get(R_YA), f64load(0), get(R_WVA), get(R_XS), [0x99], F64_MUL, F64_ADD, f64store(0));
  }
  emit(get(R_O), i32c(1), ADD, set(R_O), br(0));
  emit(END, END);
  emit(END); // next q
  emit(get(R_Q), i32c(1), ADD, tee(R_Q), get(R_OUTER), LT_U, brIf(0));
  emit(END); // q
  emit(get(R_KF), i32c(1), ADD, tee(R_KF), get(R_KSIZE), LT_U, brIf(0));
  emit(END); // κ
  emit(END); // function
  // locals after the 13 parameters: 11 i32, 3 f64, 3 v128 (ordered by type)
  const locals = vec([[...uleb(11), I32], [...uleb(3), 0x7c /* f64 */], [...uleb(3), V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

// parameters and locals of im2col(bp, x, table, P, kSize, kStart, kc, jStart, cols, inS)
const M_BP = 0, M_X = 1, M_TAB = 2, M_P = 3, M_KSIZE = 4, M_KSTART = 5, M_KC = 6, M_JSTART = 7, M_COLS = 8, M_INS = 9;
const M_C0 = 10, M_KF0 = 11, M_DST = 12, M_JP = 13, M_PANELS = 14, M_KF = 15, M_XB = 16, M_KK = 17, M_TB = 18, M_T = 19, M_IN = 20;

/**
 * Packs rows kStart … kStart+kc−1, columns jStart … jStart+cols−1 of im2col(X) into NR-column
 * panels (bp[(panel·kc + k)·4 + j]), row k = (channel k / kSize, kernel offset k mod kSize), through
 * the gather table (−1: padded position → 0; columns past `cols` → 0). Pointers in bytes (bp, x:
 * f64; table: i32, followed by at least 16 readable bytes); counts in elements.
 */
function im2colBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  /** The rows of one panel; `checked` masks columns past `cols` (only the last panel needs it). */
  const rowsOfPanel = (checked: boolean) => {
    emit(get(M_KF0), set(M_KF));
    emit(get(M_X), get(M_C0), get(M_INS), MUL, i32c(8), MUL, ADD, set(M_XB));
    emit(i32c(0), set(M_KK));
    emit(LOOP); // kk
    // tb = table + (kf·P + jStart + jp·4)·4
    emit(get(M_TAB), get(M_KF), get(M_P), MUL, get(M_JSTART), ADD, get(M_JP), i32c(4), MUL, ADD, i32c(4), MUL, ADD, set(M_TB));
    const perElement = () => {
      for (let jj = 0; jj < 4; jj++) {
        // t = table[tb + jj], or −1 past the last column
        emit(get(M_TB), i32load(4 * jj));
        if (checked) emit(i32c(-1), get(M_JP), i32c(4), MUL, i32c(jj), ADD, get(M_COLS), LT_S, SELECT);
        emit(tee(M_T), i32c(0), GE_S, set(M_IN));
        // bp[dst + jj] = t ≥ 0 ? x[xb + t] : 0 (the load uses index max(t, 0), so it never leaves x)
        emit(get(M_DST));
        emit(get(M_XB), get(M_T), i32c(0), get(M_IN), SELECT, i32c(8), MUL, ADD, f64load(0));
        emit(f64c0, get(M_IN), SELECT, f64store(8 * jj));
      }
    };
    if (checked) {
      perElement();
    } else {
      // Four consecutive in-range positions (the common case for stride 1 away from borders):
      // copy them as two v128; anything else element by element.
      emit(BLOCK, BLOCK);
      emit(get(M_TB), i32load(0), tee(M_T), i32c(0), LT_S, brIf(0));
      emit(get(M_TB), v128load(0), get(M_T), I32X4_SPLAT, i32x4c(0, 1, 2, 3), I32X4_ADD, I32X4_EQ, I32X4_ALL_TRUE, EQZ, brIf(0));
      emit(get(M_XB), get(M_T), i32c(8), MUL, ADD, set(M_IN)); // byte address of x[xb + t]
      emit(get(M_DST), get(M_IN), v128load(0), v128store(0));
      emit(get(M_DST), get(M_IN), v128load(16), v128store(16));
      emit(br(1));
      emit(END); // not consecutive
      perElement();
      emit(END);
    }
    emit(get(M_DST), i32c(32), ADD, set(M_DST));
    // next row: kernel offset, and channel when it wraps
    emit(get(M_KF), i32c(1), ADD, tee(M_KF), get(M_KSIZE), EQ);
    emit([0x04, 0x40] /* if */, i32c(0), set(M_KF), get(M_XB), get(M_INS), i32c(8), MUL, ADD, set(M_XB), END);
    emit(get(M_KK), i32c(1), ADD, tee(M_KK), get(M_KC), LT_U, brIf(0));
    emit(END); // kk
  };
  emit(get(M_KSTART), get(M_KSIZE), DIV_U, set(M_C0));
  emit(get(M_KSTART), get(M_C0), get(M_KSIZE), MUL, SUB, set(M_KF0));
  emit(get(M_BP), set(M_DST));
  emit(get(M_COLS), i32c(3), ADD, i32c(2), [0x76] /* i32.shr_u */, set(M_PANELS));
  emit(i32c(0), set(M_JP));
  emit(LOOP); // panels
  emit(get(M_JP), i32c(4), MUL, i32c(4), ADD, get(M_COLS), [0x4c] /* i32.le_s */);
  emit([0x04, 0x40] /* if: a whole panel */);
  rowsOfPanel(false);
  emit([0x05] /* else */);
  rowsOfPanel(true);
  emit(END);
  emit(get(M_JP), i32c(1), ADD, tee(M_JP), get(M_PANELS), LT_U, brIf(0));
  emit(END); // panels
  emit(END); // function
  const locals = vec([[...uleb(11), I32]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

// parameters and locals of col2im(y, cs, table, rows, kSize, nc, ldc, J, jc, outS) and
// col2imBoth(…the same…, magDelta, cs32, ldc32)
const S_Y = 0, S_CS = 1, S_TAB = 2, S_ROWS = 3, S_KSIZE = 4, S_NC = 5, S_LDC = 6, S_J = 7, S_JC = 8, S_OUTS = 9;
const S_MAGD = 10, S_CS32 = 11, S_LDC32 = 12;
const S_R = 13, S_MO = 14, S_KF = 15, S_YB = 16, S_TB = 17, S_CB = 18, S_JJ = 19, S_T = 20, S_A = 21, S_CB32 = 22; // locals of both (col2im: 3 below)

/**
 * ConvTranspose col2im: for each GEMM row r = (m', κ) and block column jj < nc,
 * y[m'·outS + table[κ·J + jc + jj]] += cs[r·ldc + jj], skipping entries −1 (cropped). col2imBoth
 * also adds the float32 magnitude scratch cs32[r·ldc32 + jj] (promoted to f64) to the magnitude
 * element magDelta bytes after each output element: one pass over the table for both lanes.
 * Pointers in bytes (y, cs: f64; cs32: f32; table: i32), counts in elements.
 */
function col2imBody(both = false): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  const shift = both ? 0 : 3; // col2im has 3 parameters fewer, its locals 3 indices lower
  const l = (i: number) => i - shift;
  emit(i32c(0), set(l(S_R)));
  emit(LOOP); // r
  emit(get(l(S_R)), get(S_KSIZE), DIV_U, set(l(S_MO)));
  emit(get(l(S_R)), get(l(S_MO)), get(S_KSIZE), MUL, SUB, set(l(S_KF)));
  emit(get(S_Y), get(l(S_MO)), get(S_OUTS), MUL, i32c(8), MUL, ADD, set(l(S_YB)));
  emit(get(S_TAB), get(l(S_KF)), get(S_J), MUL, get(S_JC), ADD, i32c(4), MUL, ADD, set(l(S_TB)));
  emit(get(S_CS), get(l(S_R)), get(S_LDC), MUL, i32c(8), MUL, ADD, set(l(S_CB)));
  if (both) emit(get(S_CS32), get(S_R), get(S_LDC32), MUL, i32c(4), MUL, ADD, set(S_CB32));
  emit(i32c(0), set(l(S_JJ)));
  emit(LOOP); // jj
  emit(get(l(S_TB)), get(l(S_JJ)), i32c(4), MUL, ADD, i32load(0), tee(l(S_T)), i32c(0), GE_S);
  emit([0x04, 0x40] /* if */);
  emit(get(l(S_YB)), get(l(S_T)), i32c(8), MUL, ADD, tee(l(S_A)));
  emit(get(l(S_A)), f64load(0), get(l(S_CB)), get(l(S_JJ)), i32c(8), MUL, ADD, f64load(0), F64_ADD, f64store(0));
  if (both) {
    emit(get(S_A), get(S_MAGD), ADD, tee(S_A));
    emit(get(S_A), f64load(0), get(S_CB32), get(S_JJ), i32c(4), MUL, ADD, [0x2a, ...memarg(2, 0), 0xbb] /* f32.load, f64.promote_f32 */, F64_ADD, f64store(0));
  }
  emit(END);
  emit(get(l(S_JJ)), i32c(1), ADD, tee(l(S_JJ)), get(S_NC), LT_U, brIf(0));
  emit(END); // jj
  emit(get(l(S_R)), i32c(1), ADD, tee(l(S_R)), get(S_ROWS), LT_U, brIf(0));
  emit(END); // r
  emit(END); // function
  const locals = vec([[...uleb(both ? 10 : 9), I32]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}


// parameters and locals of absB32(bp, bp32, kc, colPanels)
const A_BP = 0, A_BP32 = 1, A_KC = 2, A_COLP = 3, A_P = 4, A_KK = 5, A_SRC = 6, A_DST = 7, A_RIGHT = 8, A_STEP = 9;

/**
 * The float32 lane's B block: bp32 = |bp| rounded to float32 (exact for float32 data), re-laid as
 * 8-column panels — two 4-column panels side by side, a missing right half zero — for the 4×8 float32
 * kernel (gemm.ts absB32 describes the layout). Pointers in bytes (bp: f64, bp32: f32).
 */
function absB32Body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  /** |four doubles at the address on the stack + off| as one f32x4. */
  const four = (addr: number[], off: number) =>
    emit(addr, v128load(off), F64X2_ABS, F32X4_DEMOTE_F64X2, addr, v128load(off + 16), F64X2_ABS, F32X4_DEMOTE_F64X2, SHUFFLE_LOW_HALVES);
  emit(get(A_KC), i32c(32), MUL, set(A_STEP)); // bytes of one 4-column panel
  emit(i32c(0), set(A_P));
  emit(LOOP); // p, two 4-column panels at a time
  emit(get(A_BP), get(A_P), get(A_STEP), MUL, ADD, set(A_SRC));
  emit(get(A_BP32), get(A_P), get(A_STEP), MUL, i32c(1), [0x76] /* i32.shr_u */, ADD, set(A_DST));
  emit(get(A_P), i32c(1), ADD, get(A_COLP), LT_U, set(A_RIGHT));
  emit(i32c(0), set(A_KK));
  emit(LOOP); // kk
  emit(get(A_DST));
  four(get(A_SRC), 0);
  emit(v128store(0));
  emit(get(A_DST));
  emit(get(A_RIGHT), [0x04, 0x7b] /* if (result v128) */);
  four([...get(A_SRC), ...get(A_STEP), ...ADD], 0);
  emit([0x05] /* else */, v128zero, END);
  emit(v128store(16));
  emit(get(A_SRC), i32c(32), ADD, set(A_SRC));
  emit(get(A_DST), i32c(32), ADD, set(A_DST));
  emit(get(A_KK), i32c(1), ADD, tee(A_KK), get(A_KC), LT_U, brIf(0));
  emit(END); // kk
  emit(get(A_P), i32c(2), ADD, tee(A_P), get(A_COLP), LT_U, brIf(0));
  emit(END); // p
  emit(END); // function
  const locals = vec([[...uleb(6), I32]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: 0 = (i32×8) → (), 1 = (i32×13) → (), 2 = (i32×10) → (), 3 = (i32×4) → ()
    ...section(1, vec([
      [0x60, ...vec(new Array(8).fill([I32])), ...vec([])],
      [0x60, ...vec(new Array(13).fill([I32])), ...vec([])],
      [0x60, ...vec(new Array(10).fill([I32])), ...vec([])],
      [0x60, ...vec(new Array(4).fill([I32])), ...vec([])],
    ])),
    ...section(3, vec([uleb(0), uleb(1), uleb(1), uleb(2), uleb(2), uleb(0), uleb(1), uleb(1), uleb(1), uleb(3)])), // gemm, runsGather, runsScatter, im2col, col2im, gemm32, col2imBoth, runsGatherBoth, runsScatterBoth, absB32
    ...section(5, vec([[0x00, ...uleb(1)]])), // memory: min 1 page, no max
    ...section(7, vec([
      [...name('mem'), 0x02, ...uleb(0)],
      [...name('gemm'), 0x00, ...uleb(0)],
      [...name('runsGather'), 0x00, ...uleb(1)],
      [...name('runsScatter'), 0x00, ...uleb(2)],
      [...name('im2col'), 0x00, ...uleb(3)],
      [...name('col2im'), 0x00, ...uleb(4)],
      [...name('gemm32'), 0x00, ...uleb(5)],
      [...name('col2imBoth'), 0x00, ...uleb(6)],
      [...name('runsGatherBoth'), 0x00, ...uleb(7)],
      [...name('runsScatterBoth'), 0x00, ...uleb(8)],
      [...name('absB32'), 0x00, ...uleb(9)],
    ])),
    ...section(10, vec([gemmBody(), runsBody(false), runsBody(true), im2colBody(), col2imBody(), gemmBody(true), col2imBody(true), runsBody(false, true), runsBody(true, true), absB32Body()])),
  ];
  return Uint8Array.from(bytes);
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
  /** See runsBody: Conv row runs for one (m, c) pair. */
  runsGather: RunsFn;
  /** See runsBody: ConvTranspose row runs for one (c, m') pair. */
  runsScatter: RunsFn;
  /** Row runs computing the result and its magnitude in one pass (see runsBody). */
  runsGatherBoth: RunsFn;
  runsScatterBoth: RunsFn;
  /** See absB32Body. */
  absB32(bp: number, bp32: number, kc: number, colPanels: number): void;
  /** See im2colBody. */
  im2col(bp: number, x: number, table: number, P: number, kSize: number, kStart: number, kc: number, jStart: number, cols: number, inS: number): void;
  /** See gemmBody: the float32 GEMM of the magnitude lane (same arguments as gemm; 4×8 tiles of 4-byte elements). */
  gemm32: WasmGemm['gemm'];
  /** See col2imBody: col2im of the result and the float32 magnitude scratch in one pass. */
  col2imBoth(
    y: number, cs: number, table: number, rows: number, kSize: number, nc: number, ldc: number, J: number, jc: number, outS: number,
    magDelta: number, cs32: number, ldc32: number,
  ): void;
  /** See col2imBody. */
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
          memory: exports.mem as WasmMemory,
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

/** For tests: the raw module bytes validate. */
export const wasmModuleBytes = moduleBytes;
