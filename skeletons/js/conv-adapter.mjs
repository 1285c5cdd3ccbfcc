// A convspec adapter (written by `convspec init js`): ONNX Conv and ConvTranspose as an Implementation.
//
//   npx convspec verify ./conv-adapter.mjs        # every clause of the spec, every fixture
//   npx vitest run conformance.test.mjs           # the same, inside your own test run
//
// Keep `prepare` as the first step of each method: it checks the inputs the way ONNX Runtime does
// (throwing a ConvSpecError whose code names the invalid-input class) and resolves auto_pad, pads,
// output_padding and output_shape into one geometry. Then replace computeConv / computeConvTranspose
// by calls into your kernel. The loops below are a plain, correct float64 definition, not a fast one.
import { prepare } from 'convspec';

export default {
  name: 'my-conv',
  // What this adapter computes (convspec's docs/VERIFY.md, "supports"): declare what your kernel lacks, e.g.
  // { ranks: [2], groups: false }; an absent field claims everything. Cases outside the declaration
  // are reported as unsupported, never as failures.
  supports: { ops: ['Conv', 'ConvTranspose'] },
  conv(x, w, b, attrs) {
    const g = prepare('Conv', x, w, b, attrs);
    return { dims: g.outputDims, data: computeConv(g, x.data, w.data, b?.data) };
  },
  convTranspose(x, w, b, attrs) {
    const g = prepare('ConvTranspose', x, w, b, attrs);
    return { dims: g.outputDims, data: computeConvTranspose(g, x.data, w.data, b?.data) };
  },
};

const product = (dims) => dims.reduce((p, d) => p * d, 1);

/** Every multi-index of `dims`, row-major (the kernel taps; the output or input positions). */
function positions(dims) {
  const all = [];
  const idx = dims.map(() => 0);
  for (let f = 0; f < product(dims); f++) {
    all.push(idx.slice());
    for (let a = dims.length - 1; a >= 0 && ++idx[a] === dims[a]; a--) idx[a] = 0;
  }
  return all;
}

/** y[n, m, o] = b[m] + Σ x[n, c, o·s − p_begin + k·d] · W[m, c, k] over the channels of m's group. */
function computeConv(g, x, w, b) {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSize = product(g.inputSpatial);
  const outs = positions(g.outputSpatial);
  const taps = positions(g.kernel);
  const y = new Float32Array(product(g.outputDims));
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const firstChannel = Math.floor(m / mg) * cg;
      outs.forEach((o, of) => {
        let acc = b ? b[m] : 0;
        taps.forEach((k, kf) => {
          let offset = 0;
          for (let a = 0; a < g.rank; a++) {
            const q = o[a] * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a];
            if (q < 0 || q >= g.inputSpatial[a]) return; // in the padding: contributes nothing
            offset = offset * g.inputSpatial[a] + q;
          }
          for (let c = 0; c < cg; c++) acc += x[(n * g.inChannels + firstChannel + c) * inSize + offset] * w[(m * cg + c) * taps.length + kf];
        });
        y[(n * g.outChannels + m) * outs.length + of] = acc;
      });
    }
  }
  return y;
}

/** The scatter that defines ConvTranspose: x[n, c, j] adds x · W[c, m', k] to y[n, m, j·s − p_begin + k·d]. */
function computeConvTranspose(g, x, w, b) {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const outSize = product(g.outputSpatial);
  const ins = positions(g.inputSpatial);
  const taps = positions(g.kernel);
  const y = new Float64Array(product(g.outputDims));
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) y.fill(b ? b[m] : 0, (n * g.outChannels + m) * outSize, (n * g.outChannels + m + 1) * outSize);
    for (let c = 0; c < g.inChannels; c++) {
      const firstOut = Math.floor(c / cg) * mg;
      ins.forEach((j, jf) => {
        const xv = x[(n * g.inChannels + c) * ins.length + jf];
        taps.forEach((k, kf) => {
          let offset = 0;
          for (let a = 0; a < g.rank; a++) {
            const o = j[a] * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a];
            if (o < 0 || o >= g.outputSpatial[a]) return; // cropped by the pads
            offset = offset * g.outputSpatial[a] + o;
          }
          for (let mo = 0; mo < mg; mo++) y[(n * g.outChannels + firstOut + mo) * outSize + offset] += xv * w[(c * mg + mo) * taps.length + kf];
        });
      });
    }
  }
  return Float32Array.from(y);
}
