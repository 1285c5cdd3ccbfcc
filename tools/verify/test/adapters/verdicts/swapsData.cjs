// Writes into its input X, then swaps a getter onto x.data that returns a clean copy (issue 21,
// item 1): a host that reads x.data after the call would report the copy and hide the write.
const { reference } = require('../../../../../dist/impl/reference.js');

const hide = (x) => {
  const clean = Float32Array.from(x.data);
  const written = x.data;
  written[0] += 1;
  Object.defineProperty(x, 'data', { get: () => clean, configurable: true });
};
module.exports = {
  name: 'writes into X, then shows a clean copy through a getter',
  conv: (x, w, b, a) => {
    const y = reference.conv(x, w, b, a);
    hide(x);
    return y;
  },
  convTranspose: (x, w, b, a) => {
    const y = reference.convTranspose(x, w, b, a);
    hide(x);
    return y;
  },
};
