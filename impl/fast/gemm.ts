/**
 * A cache-blocked float64 matrix product for the fast reference path: C += A·B with A packed once
 * into MR-row panels and B packed per (KC × NC) block into NR-column panels, so the 4×4 register
 * micro-kernel reads both operands contiguously. Plain JavaScript on Float64Array: every product
 * and sum is an IEEE double operation, only the summation order differs from the direct loops.
 */

/** Rows per A panel and columns per B panel (the register tile is MR × NR). */
export const MR = 4;
export const NR = 4;
/** Depth of one K block: an A panel slice of KC·MR doubles (8 KiB) stays in L1. */
export const KC = 256;
/** Columns of one B block: KC·NC doubles (512 KiB) stay in L2. */
export const NC = 256;

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
    const base = p * depth * MR;
    for (let r = 0; r < MR; r++) {
      const i = p * MR + r;
      if (i >= rows) {
        for (let k = 0; k < depth; k++) dest[base + k * MR + r] = 0;
        continue;
      }
      let src = offset + i * rowStride;
      for (let k = 0; k < depth; k++, src += colStride) dest[base + k * MR + r] = a[src];
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

/** Reusable scratch for edge tiles (the tile is computed in full, then its valid part added). */
const edgeTile = new Float64Array(MR * NR);

/**
 * C[cOffset + i·ldc + j] += Σ_{k<kc} A[i, kStart + k] · B[k, j] for i < rows, j < cols, where
 * `ap` holds A packed by packA with the given depth and `bp` holds the kc × cols block packed in
 * NR-column panels (bp[(panel·kc + k)·NR + j]).
 */
export function gemmBlock(
  rows: number, cols: number, kc: number,
  ap: Float64Array, kStart: number, depth: number,
  bp: Float64Array, c: Float64Array, cOffset: number, ldc: number,
): void {
  const rowPanels = Math.ceil(rows / MR);
  const colPanels = Math.ceil(cols / NR);
  for (let jp = 0; jp < colPanels; jp++) {
    const bo = jp * kc * NR;
    const j0 = jp * NR;
    const nr = Math.min(NR, cols - j0);
    for (let ip = 0; ip < rowPanels; ip++) {
      const ao = (ip * depth + kStart) * MR;
      const i0 = ip * MR;
      const mr = Math.min(MR, rows - i0);
      if (mr === MR && nr === NR) {
        kernel4x4(kc, ap, ao, bp, bo, c, cOffset + i0 * ldc + j0, ldc);
      } else {
        edgeTile.fill(0);
        kernel4x4(kc, ap, ao, bp, bo, edgeTile, 0, NR);
        for (let i = 0; i < mr; i++) {
          for (let j = 0; j < nr; j++) c[cOffset + (i0 + i) * ldc + j0 + j] += edgeTile[i * NR + j];
        }
      }
    }
  }
}
