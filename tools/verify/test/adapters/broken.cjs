// Adapters that misbehave in one way each, on ConvTranspose only (Conv stays correct, so a run shows
// both failures and passes). Chosen by the export name: `--export hang` etc.
const { reference } = require('../../../../dist/impl/reference.js');
const conv = (x, w, b, a) => reference.conv(x, w, b, a);
const make = (name, convTranspose, extra = {}) => ({ name, conv, convTranspose, ...extra });
let shared;
module.exports = {
  hang: make('hangs in ConvTranspose', () => { for (;;) {} }),
  neverResolves: make('never resolves ConvTranspose', () => new Promise(() => {})),
  exits: make('exits the thread in ConvTranspose', () => process.exit(3)),
  asyncCrash: make('throws asynchronously in ConvTranspose', () => { setImmediate(() => { throw new Error('asynchronous boom'); }); return new Promise(() => {}); }),
  throwsString: make('throws a string in ConvTranspose', () => { throw 'not an Error <&>'; }),
  wrongType: make('returns a plain array in ConvTranspose', (x, w, b, a) => { const y = reference.convTranspose(x, w, b, a); return { dims: y.dims, data: Array.from(y.data) }; }),
  reusedBuffer: make('returns one shared buffer from ConvTranspose', (x, w, b, a) => {
    const y = reference.convTranspose(x, w, b, a);
    if (!shared || shared.length !== y.data.length) shared = new Float32Array(y.data.length);
    shared.set(y.data);
    return { dims: y.dims, data: shared };
  }),
  mutatesInput: make('overwrites X in ConvTranspose', (x, w, b, a) => { const y = reference.convTranspose(x, w, b, a); x.data[0] = 42; return y; }),
  badSupports: make('declares a malformed supports', undefined, { supports: { ranks: 'two' } }),
  convOnly: { name: 'Conv only', conv },
};
