// A small correct 2-D Conv for the browser harness tests: convspec's own resolution (prepare, from
// 'convspec/browser') and a direct loop. The export `broken` drops the last kernel column, which the
// verifier must reject; `hangs` never answers.
import { prepare } from 'convspec/browser';

function makeConv(broken) {
  return (x, w, b, attrs) => {
    const g = prepare('Conv', x, w, b, attrs);
    const [oh, ow] = g.outputSpatial;
    const [ih, iw] = g.inputSpatial;
    const [kh, kw] = g.kernel;
    const cg = g.inChannels / g.group;
    const mg = g.outChannels / g.group;
    const y = new Float32Array(g.batch * g.outChannels * oh * ow);
    for (let n = 0; n < g.batch; n++)
      for (let m = 0; m < g.outChannels; m++) {
        const grp = Math.floor(m / mg);
        for (let p = 0; p < oh; p++)
          for (let q = 0; q < ow; q++) {
            let s = b ? b.data[m] : 0;
            for (let c = 0; c < cg; c++)
              for (let i = 0; i < kh; i++)
                for (let j = 0; j < (broken ? kw - 1 : kw); j++) {
                  const r = p * g.strides[0] + i * g.dilations[0] - g.padsBegin[0];
                  const t = q * g.strides[1] + j * g.dilations[1] - g.padsBegin[1];
                  if (r < 0 || r >= ih || t < 0 || t >= iw) continue;
                  s += x.data[((n * g.inChannels + grp * cg + c) * ih + r) * iw + t] * w.data[((m * cg + c) * kh + i) * kw + j];
                }
            y[((n * g.outChannels + m) * oh + p) * ow + q] = s;
          }
      }
    return { dims: g.outputDims, data: y };
  };
}

const supports = { ops: ['Conv'], ranks: [2] };
export default { name: 'direct 2-D Conv (test module)', supports, conv: makeConv(false) };
export const broken = { name: 'direct 2-D Conv missing the last kernel column (test module)', supports, conv: makeConv(true) };
export const hangs = { name: 'a Conv that never answers (test module)', supports, conv: () => new Promise(() => undefined) };
// Says when each call starts, so a test can tell from the log that cases are running in the page.
const conv = makeConv(false);
export const logsCalls = { name: 'direct 2-D Conv that logs its calls (test module)', supports, conv: (...args) => (console.log('convspec-test: call'), conv(...args)) };
