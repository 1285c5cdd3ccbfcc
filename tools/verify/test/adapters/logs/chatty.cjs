// The reference, logging 64 lines of 2 KiB per call: more than a pipe holds after a few calls.
const { reference } = require('../../../../../dist/impl/reference.js');
const line = 'x'.repeat(2048);
const chatty = (run) => (...args) => {
  for (let i = 0; i < 64; i++) console.log(`${i} ${line}`);
  return run(...args);
};
module.exports = { name: 'chatty reference', conv: chatty(reference.conv), convTranspose: chatty(reference.convTranspose) };
