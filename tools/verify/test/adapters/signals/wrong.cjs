// A module adapter (tests: hostileSignals.test.ts) that answers every call with the reference's
// output plus one: every case fails, so the report lists every counterexample and runs to a few hundred
// kilobytes (more than a pipe holds).
const { reference } = require('../../../../../dist/impl/reference.js');

const plusOne = (y) => ({ dims: y.dims, data: y.data.map((v) => v + 1) });

module.exports = {
  name: 'off by one everywhere',
  conv: (x, w, b, a) => plusOne(reference.conv(x, w, b, a)),
  convTranspose: (x, w, b, a) => plusOne(reference.convTranspose(x, w, b, a)),
};
