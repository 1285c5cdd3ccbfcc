// The reference with bias bugs, for the --expect and replay tests (from the build: npm test builds first).
// Default export: ConvTranspose ignores its bias. `both`: Conv ignores it too (a new bug on top).
const { reference } = require('../../../../../dist/impl/reference.js');
const convTranspose = (x, w, b, a) => reference.convTranspose(x, w, undefined, a);
module.exports = { name: 'ConvTranspose without bias', conv: (x, w, b, a) => reference.conv(x, w, b, a), convTranspose };
module.exports.both = { name: 'no bias anywhere', conv: (x, w, b, a) => reference.conv(x, w, undefined, a), convTranspose };
