/**
 * A plain JavaScript Conv/ConvTranspose with float32 accumulation in direct loops — about 0.3 GMAC/s
 * in Node, the "slow plain module" of issue 26: verify must size its scale cases to it (and finish a
 * default run in ≤ 120 s), and sampled judging must accept its float32 rounding at scale (it sums in
 * an order unlike the reference's: channel by channel, tap by tap, over whole rows; a scatter for ConvTranspose).
 * Explicit NOTSET pads only, no output_shape (declared in `supports`).
 */
'use strict';

function geometry(x, w, attrs, transpose) {
  const rank = x.dims.length - 2;
  const kernel = w.dims.slice(2);
  const group = attrs.group ?? 1;
  const strides = attrs.strides ?? new Array(rank).fill(1);
  const dilations = attrs.dilations ?? new Array(rank).fill(1);
  const pads = attrs.pads ?? new Array(2 * rank).fill(0);
  const outPad = attrs.output_padding ?? new Array(rank).fill(0);
  const inSp = x.dims.slice(2);
  const outSp = inSp.map((i, a) => {
    const eff = dilations[a] * (kernel[a] - 1) + 1;
    return transpose ? strides[a] * (i - 1) + outPad[a] + eff - pads[a] - pads[a + rank] : Math.floor((i + pads[a] + pads[a + rank] - eff) / strides[a]) + 1;
  });
  const N = x.dims[0];
  const C = x.dims[1];
  const M = transpose ? w.dims[1] * group : w.dims[0];
  return { rank, kernel, group, strides, dilations, pads, inSp, outSp, N, C, M };
}

const prod = (a) => a.reduce((p, v) => p * v, 1);
function unravel(f, dims) {
  const idx = new Array(dims.length);
  for (let a = dims.length - 1; a >= 0; a--) {
    idx[a] = f % dims[a];
    f = Math.floor(f / dims[a]);
  }
  return idx;
}

/** For each output row (all spatial axes but the last) and kernel tap: the input row's offset, or −1 in the padding. */
function rowOffsets(g, rowsOut, kIdx, transpose) {
  const lead = g.rank - 1;
  const rowDims = g.outSp.slice(0, lead);
  const inRowDims = g.inSp.slice(0, lead);
  const inRowStr = inRowDims.map((_, a) => prod(inRowDims.slice(a + 1)));
  const table = new Int32Array(rowsOut * kIdx.length);
  for (let r = 0; r < rowsOut; r++) {
    const o = unravel(r, rowDims);
    for (let k = 0; k < kIdx.length; k++) {
      let off = 0;
      for (let a = 0; a < lead && off >= 0; a++) {
        const q = o[a] * g.strides[a] - g.pads[a] + kIdx[k][a] * g.dilations[a];
        off = q < 0 || q >= g.inSp[a] ? -1 : off + q * inRowStr[a];
      }
      table[r * kIdx.length + k] = off;
    }
  }
  return table;
}

function conv(x, w, b, attrs) {
  const g = geometry(x, w, attrs, false);
  const cg = g.C / g.group;
  const mg = g.M / g.group;
  const inSize = prod(g.inSp);
  const outSize = prod(g.outSp);
  const kSize = prod(g.kernel);
  const L = g.rank - 1;
  const outLast = g.outSp[L];
  const inLast = g.inSp[L];
  const s = g.strides[L];
  const p = g.pads[L];
  const d = g.dilations[L];
  const rows = outSize / outLast;
  const kIdx = Array.from({ length: kSize }, (_, k) => unravel(k, g.kernel));
  const table = rowOffsets(g, rows, kIdx, false);
  const y = new Float32Array(g.N * g.M * outSize);
  for (let n = 0; n < g.N; n++) {
    for (let m = 0; m < g.M; m++) {
      const grp = Math.floor(m / mg);
      const yBase = (n * g.M + m) * outSize;
      y.fill(b ? b.data[m] : 0, yBase, yBase + outSize);
      for (let c = 0; c < cg; c++) {
        const xBase = (n * g.C + grp * cg + c) * inSize;
        for (let k = 0; k < kSize; k++) {
          const wv = w.data[(m * cg + c) * kSize + k];
          const kl = kIdx[k][L] * d - p;
          // Outputs ol whose tap lands inside: 0 ≤ ol·s + kl < inLast.
          const lo = Math.max(0, Math.ceil(-kl / s));
          const hi = Math.min(outLast, Math.floor((inLast - 1 - kl) / s) + 1);
          for (let r = 0; r < rows; r++) {
            const off = table[r * kSize + k];
            if (off < 0) continue;
            const xi = xBase + off * inLast + kl;
            const yi = yBase + r * outLast;
            for (let ol = lo; ol < hi; ol++) y[yi + ol] = Math.fround(y[yi + ol] + Math.fround(x.data[xi + ol * s] * wv));
          }
        }
      }
    }
  }
  return { dims: [g.N, g.M, ...g.outSp], data: y };
}

function convTranspose(x, w, b, attrs) {
  const g = geometry(x, w, attrs, true);
  const cg = g.C / g.group;
  const mg = g.M / g.group;
  const inSize = prod(g.inSp);
  const outSize = prod(g.outSp);
  const kSize = prod(g.kernel);
  const L = g.rank - 1;
  const outLast = g.outSp[L];
  const inLast = g.inSp[L];
  const s = g.strides[L];
  const p = g.pads[L];
  const d = g.dilations[L];
  const inRows = inSize / inLast;
  const outRowDims = g.outSp.slice(0, L);
  const outRowStr = outRowDims.map((_, a) => prod(outRowDims.slice(a + 1)));
  const kIdx = Array.from({ length: kSize }, (_, k) => unravel(k, g.kernel));
  // For each input row and tap: the output row it scatters to, or −1.
  const table = new Int32Array(inRows * kSize);
  for (let r = 0; r < inRows; r++) {
    const j = unravel(r, g.inSp.slice(0, L));
    for (let k = 0; k < kSize; k++) {
      let off = 0;
      for (let a = 0; a < L && off >= 0; a++) {
        const o = j[a] * g.strides[a] - g.pads[a] + kIdx[k][a] * g.dilations[a];
        off = o < 0 || o >= g.outSp[a] ? -1 : off + o * outRowStr[a];
      }
      table[r * kSize + k] = off;
    }
  }
  const y = new Float32Array(g.N * g.M * outSize);
  if (b) for (let q = 0; q < g.N * g.M; q++) y.fill(b.data[q % g.M], q * outSize, (q + 1) * outSize);
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const grp = Math.floor(c / cg);
      const xBase = (n * g.C + c) * inSize;
      for (let mo = 0; mo < mg; mo++) {
        const yBase = (n * g.M + grp * mg + mo) * outSize;
        for (let k = 0; k < kSize; k++) {
          const wv = w.data[(c * mg + mo) * kSize + k];
          const kl = kIdx[k][L] * d - p;
          // Inputs jl whose output jl·s + kl lies inside.
          const lo = Math.max(0, Math.ceil(-kl / s));
          const hi = Math.min(inLast, Math.floor((outLast - 1 - kl) / s) + 1);
          for (let r = 0; r < inRows; r++) {
            const off = table[r * kSize + k];
            if (off < 0) continue;
            const yi = yBase + off * outLast + kl;
            const xi = xBase + r * inLast;
            for (let jl = lo; jl < hi; jl++) y[yi + jl * s] = Math.fround(y[yi + jl * s] + Math.fround(x.data[xi + jl] * wv));
          }
        }
      }
    }
  }
  return { dims: [g.N, g.M, ...g.outSp], data: y };
}

module.exports = {
  name: 'float32 direct loops (test adapter)',
  supports: { autoPad: ['NOTSET'], outputShape: false },
  conv,
  convTranspose,
};
