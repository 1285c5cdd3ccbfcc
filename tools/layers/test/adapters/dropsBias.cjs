// The reference with one bug: Conv ignores its bias B (ConvTranspose stays correct). A real network's
// layers with a bias must be caught, and the report must name them.
const { reference } = require('../../../../dist/impl/reference.js');
module.exports = {
  name: 'drops the Conv bias',
  conv: (x, w, b, a) => reference.conv(x, w, undefined, a),
  convTranspose: (x, w, b, a) => reference.convTranspose(x, w, b, a),
};
