// A broken adapter: correct Conv, but ConvTranspose adds 0.5 to the last output element.
const { reference } = require('convspec');
module.exports = {
  name: 'off-by-half',
  conv: (x, w, b, attrs) => reference.conv(x, w, b, attrs),
  convTranspose(x, w, b, attrs) {
    const y = reference.convTranspose(x, w, b, attrs);
    const data = Float32Array.from(y.data);
    data[data.length - 1] += 0.5;
    return { dims: y.dims, data };
  },
};
