// Shared by the channel-hijacking adapters (issue 21, item 1): what they cheat for. `mutates` writes
// into its input X; `reuses` returns the same output buffer every call. Both compute the right values.
const { reference } = require('../../../../../dist/impl/reference.js');

let shared;
const run = (op, x, w, b, a) => (op === 'Conv' ? reference.conv(x, w, b, a) : reference.convTranspose(x, w, b, a));

function mutates(name) {
  const call = (op) => (x, w, b, a) => {
    const y = run(op, x, w, b, a);
    x.data[0] += 1;
    return y;
  };
  return { name, conv: call('Conv'), convTranspose: call('ConvTranspose') };
}

function reuses(name) {
  const call = (op) => (x, w, b, a) => {
    const y = run(op, x, w, b, a);
    if (!shared || shared.length !== y.data.length) shared = new Float32Array(y.data.length);
    shared.set(y.data);
    return { dims: y.dims, data: shared };
  };
  return { name, conv: call('Conv'), convTranspose: call('ConvTranspose') };
}

/** The honest result and clean copies of the inputs, as the host would have sent them. */
function forgedResult(seq, op, x, w, b, attrs, extra = {}) {
  const copy = (t) => (t ? { dims: Array.from(t.dims), data: Float32Array.from(t.data) } : undefined);
  return { type: 'result', seq, y: run(op, x, w, b, attrs), inputsAfter: { x: copy(x), w: copy(w), b: copy(b) }, previousAfter: undefined, ...extra };
}

module.exports = { mutates, reuses, forgedResult, run };
