/**
 * Winograd F(2×2, 3×3) for 2-D Conv with 3×3 kernels at stride 1 and dilation 1 (Lavin & Gray
 * 2016), fast enough for the scale catalogue: U = G g Gᵀ once per (m, c), V = Bᵀ d B once per
 * (tile, c), the channel sum in the transform domain as 16 GEMMs per block of tiles (core.ts gemm),
 * Y = Aᵀ M A rounded to float32. U, V and M are stored as float32. A transform algorithm: its outputs are not sums
 * of the direct products, so whoever uses it declares `algorithm: 'transform'`.
 *
 * `dropTail` is the bug of scale-winograd-tail-column-unwritten: with an odd output width the last
 * tile column (half of it outside the output) is never computed, so the last output column keeps 0.
 */
import type { ConvGeometry } from '../../../impl/resolve';
import { gemm } from './core';

/** Where the path applies: 2-D Conv, 3×3, stride 1, dilation 1. */
export function winogradApplies(g: ConvGeometry): boolean {
  return g.op === 'Conv' && g.rank === 2 && g.kernel.every((k) => k === 3) && g.strides.every((s) => s === 1) && g.dilations.every((d) => d === 1);
}

export function winogradConv(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined, dropTail = false): Float32Array {
  const [I0, I1] = g.inputSpatial;
  const [O0, O1] = g.outputSpatial;
  const [p0, p1] = g.padsBegin;
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inS = I0 * I1;
  const P = O0 * O1;
  const y = new Float32Array(g.batch * g.outChannels * P);
  // U_i[m·cg + c] = (G g Gᵀ)[i/4][i mod 4]: 16 matrices [M × cg], so that the channel sum is 16 GEMMs
  const Ui = Array.from({ length: 16 }, () => new Float32Array(g.outChannels * cg));
  const t = new Float64Array(12);
  for (let mc = 0; mc < g.outChannels * cg; mc++) {
    const k = mc * 9;
    for (let c = 0; c < 3; c++) {
      // G·g column c: [g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2]
      const a = w[k + c], m = w[k + 3 + c], z = w[k + 6 + c];
      t[c] = a; t[3 + c] = (a + m + z) / 2; t[6 + c] = (a - m + z) / 2; t[9 + c] = z;
    }
    for (let i = 0; i < 4; i++) {
      const a = t[3 * i], m = t[3 * i + 1], z = t[3 * i + 2];
      Ui[4 * i][mc] = a; Ui[4 * i + 1][mc] = (a + m + z) / 2; Ui[4 * i + 2][mc] = (a - m + z) / 2; Ui[4 * i + 3][mc] = z;
    }
  }
  const tilesH = Math.ceil(O0 / 2);
  const tilesW = dropTail && O1 % 2 === 1 ? Math.floor(O1 / 2) : Math.ceil(O1 / 2);
  const tiles = tilesH * tilesW;
  const tb = Math.max(2, Math.min(tiles, Math.floor(65536 / Math.max(cg, mg))));
  const Vi = Array.from({ length: 16 }, () => new Float32Array(tb * cg));
  const Mi = Array.from({ length: 16 }, () => new Float32Array(mg * tb));
  const d = new Float64Array(16);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.group; grp++) {
      const xBase = (n * g.inChannels + grp * cg) * inS;
      for (let q0 = 0; q0 < tiles; q0 += tb) {
        const cols = Math.min(tb, tiles - q0);
        for (let j = 0; j < cols; j++) {
          const ty = Math.floor((q0 + j) / tilesW);
          const r0 = 2 * ty - p0;
          const c0 = 2 * (q0 + j - ty * tilesW) - p1;
          for (let c = 0; c < cg; c++) {
            const base = xBase + c * inS;
            for (let i = 0; i < 4; i++) {
              const r = r0 + i;
              const inRow = r >= 0 && r < I0;
              for (let jj = 0; jj < 4; jj++) {
                const q = c0 + jj;
                d[4 * i + jj] = inRow && q >= 0 && q < I1 ? x[base + r * I1 + q] : 0;
              }
            }
            // Bᵀ d B, rows then columns: [d0−d2, d1+d2, d2−d1, d1−d3]
            for (let jj = 0; jj < 4; jj++) {
              const a0 = d[jj], a1 = d[4 + jj], a2 = d[8 + jj], a3 = d[12 + jj];
              d[jj] = a0 - a2; d[4 + jj] = a1 + a2; d[8 + jj] = a2 - a1; d[12 + jj] = a1 - a3;
            }
            const v = j * cg + c;
            for (let i = 0; i < 4; i++) {
              const a0 = d[4 * i], a1 = d[4 * i + 1], a2 = d[4 * i + 2], a3 = d[4 * i + 3];
              Vi[4 * i][v] = a0 - a2; Vi[4 * i + 1][v] = a1 + a2; Vi[4 * i + 2][v] = a2 - a1; Vi[4 * i + 3][v] = a1 - a3;
            }
          }
        }
        // M_i[m, j] = Σ_c U_i[m, c]·V_i[j, c]: the channel sum in the transform domain
        for (let i = 0; i < 16; i++) gemm(Ui[i], grp * mg * cg, cg, mg, Vi[i], cg, cols, Mi[i], 0, cols, undefined, 0);
        for (let mm = 0; mm < mg; mm++) {
          const m = grp * mg + mm;
          const bias = b ? b[m] : 0;
          const yBase = (n * g.outChannels + m) * P;
          for (let j = 0; j < cols; j++) {
            const e = mm * cols + j;
            const s0 = Mi[0][e], s1 = Mi[1][e], s2 = Mi[2][e], s3 = Mi[3][e], s4 = Mi[4][e], s5 = Mi[5][e], s6 = Mi[6][e], s7 = Mi[7][e];
            const s8 = Mi[8][e], s9 = Mi[9][e], s10 = Mi[10][e], s11 = Mi[11][e], s12 = Mi[12][e], s13 = Mi[13][e], s14 = Mi[14][e], s15 = Mi[15][e];
            // Aᵀ M A: rows [m0+m1+m2, m1−m2−m3], then the same on columns
            const h0 = s0 + s4 + s8, h1 = s1 + s5 + s9, h2 = s2 + s6 + s10, h3 = s3 + s7 + s11;
            const e0 = s4 - s8 - s12, e1 = s5 - s9 - s13, e2 = s6 - s10 - s14, e3 = s7 - s11 - s15;
            const ty = Math.floor((q0 + j) / tilesW);
            const oy = 2 * ty;
            const ox = 2 * (q0 + j - ty * tilesW);
            y[yBase + oy * O1 + ox] = h0 + h1 + h2 + bias;
            if (ox + 1 < O1) y[yBase + oy * O1 + ox + 1] = h1 - h2 - h3 + bias;
            if (oy + 1 < O0) {
              y[yBase + (oy + 1) * O1 + ox] = e0 + e1 + e2 + bias;
              if (ox + 1 < O1) y[yBase + (oy + 1) * O1 + ox + 1] = e1 - e2 - e3 + bias;
            }
          }
        }
      }
    }
  }
  return y;
}
