/**
 * Winograd F(2×2, 3×3) for 2-D Conv with 3×3 kernels at stride 1 and dilation 1 (Lavin & Gray
 * 2016), fast enough for the scale catalogue: U = G g Gᵀ once per (m, c), V = Bᵀ d B once per
 * (tile, c), the channel sum in the transform domain with 16 float64 accumulators, Y = Aᵀ M A
 * rounded to float32. U and V are stored as float32. A transform algorithm: its outputs are not sums
 * of the direct products, so whoever uses it declares `algorithm: 'transform'`.
 *
 * `dropTail` is the bug of scale-winograd-tail-column-unwritten: with an odd output width the last
 * tile column (half of it outside the output) is never computed, so the last output column keeps 0.
 */
import type { ConvGeometry } from '../../../impl/resolve';

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
  // U[(m·cg + c)·16 + 4i + j] = (G g Gᵀ)[i][j]
  const U = new Float32Array(g.outChannels * cg * 16);
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
      const u = mc * 16 + 4 * i;
      U[u] = a; U[u + 1] = (a + m + z) / 2; U[u + 2] = (a - m + z) / 2; U[u + 3] = z;
    }
  }
  const tilesH = Math.ceil(O0 / 2);
  const tilesW = dropTail && O1 % 2 === 1 ? Math.floor(O1 / 2) : Math.ceil(O1 / 2);
  const V = new Float32Array(cg * 16);
  const d = new Float64Array(16);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.group; grp++) {
      const xBase = (n * g.inChannels + grp * cg) * inS;
      for (let ty = 0; ty < tilesH; ty++) {
        for (let tx = 0; tx < tilesW; tx++) {
          const r0 = 2 * ty - p0;
          const c0 = 2 * tx - p1;
          for (let c = 0; c < cg; c++) {
            const base = xBase + c * inS;
            for (let i = 0; i < 4; i++) {
              const r = r0 + i;
              const inRow = r >= 0 && r < I0;
              for (let j = 0; j < 4; j++) {
                const q = c0 + j;
                d[4 * i + j] = inRow && q >= 0 && q < I1 ? x[base + r * I1 + q] : 0;
              }
            }
            // Bᵀ d B, rows then columns: [d0−d2, d1+d2, d2−d1, d1−d3]
            for (let j = 0; j < 4; j++) {
              const a0 = d[j], a1 = d[4 + j], a2 = d[8 + j], a3 = d[12 + j];
              d[j] = a0 - a2; d[4 + j] = a1 + a2; d[8 + j] = a2 - a1; d[12 + j] = a1 - a3;
            }
            const v = c * 16;
            for (let i = 0; i < 4; i++) {
              const a0 = d[4 * i], a1 = d[4 * i + 1], a2 = d[4 * i + 2], a3 = d[4 * i + 3];
              V[v + 4 * i] = a0 - a2; V[v + 4 * i + 1] = a1 + a2; V[v + 4 * i + 2] = a2 - a1; V[v + 4 * i + 3] = a1 - a3;
            }
          }
          for (let mm = 0; mm < mg; mm++) {
            const m = grp * mg + mm;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            let s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0;
            let u = m * cg * 16;
            for (let c = 0, v = 0; c < cg; c++, u += 16, v += 16) {
              s0 += U[u] * V[v]; s1 += U[u + 1] * V[v + 1]; s2 += U[u + 2] * V[v + 2]; s3 += U[u + 3] * V[v + 3];
              s4 += U[u + 4] * V[v + 4]; s5 += U[u + 5] * V[v + 5]; s6 += U[u + 6] * V[v + 6]; s7 += U[u + 7] * V[v + 7];
              s8 += U[u + 8] * V[v + 8]; s9 += U[u + 9] * V[v + 9]; s10 += U[u + 10] * V[v + 10]; s11 += U[u + 11] * V[v + 11];
              s12 += U[u + 12] * V[v + 12]; s13 += U[u + 13] * V[v + 13]; s14 += U[u + 14] * V[v + 14]; s15 += U[u + 15] * V[v + 15];
            }
            // Aᵀ M A: rows [m0+m1+m2, m1−m2−m3], then the same on columns
            const q0 = s0 + s4 + s8, q1 = s1 + s5 + s9, q2 = s2 + s6 + s10, q3 = s3 + s7 + s11;
            const e0 = s4 - s8 - s12, e1 = s5 - s9 - s13, e2 = s6 - s10 - s14, e3 = s7 - s11 - s15;
            const bias = b ? b[m] : 0;
            const yBase = (n * g.outChannels + m) * P;
            const oy = 2 * ty;
            const ox = 2 * tx;
            y[yBase + oy * O1 + ox] = q0 + q1 + q2 + bias;
            if (ox + 1 < O1) y[yBase + oy * O1 + ox + 1] = q1 - q2 - q3 + bias;
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
