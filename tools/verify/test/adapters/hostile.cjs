// Adapters written as a hostile or careless user would, one attack each (issue: hostile input). Chosen
// by the export name: `--export supportsNoRank` etc. Each must end in the verdict it earns, never in a
// pass it did not compute, a crash of convspec, or a hang.
const fs = require('node:fs');
const { reference } = require('../../../../dist/impl/reference.js');
const conv = (x, w, b, a) => reference.conv(x, w, b, a);
const convTranspose = (x, w, b, a) => reference.convTranspose(x, w, b, a);
const correct = (name, extra = {}) => ({ name, conv, convTranspose, ...extra });

// Patching a built-in the harness might use, only when this export is the one under test.
const patchSlice = () => {
  Float32Array.prototype.slice = function () { return this; };
  Float32Array.from = (a) => a;
};
let shared;

module.exports = {
  // Declares a support that no case can fall in: every call is skipped, nothing is judged.
  supportsNoRank: correct('supports no rank', { supports: { ranks: [99] } }),
  supportsNoOp: correct('supports no op', { supports: { ops: [] } }),
  // "toString" is `in` every object; it once made the bound NaN.
  precisionToString: correct('precision toString', { supports: { precision: 'toString' } }),
  // Snapshots taken with a patched slice would compare a tensor with itself.
  get patchedSliceMutates() {
    patchSlice();
    return { name: 'patches slice, writes into X', conv: (x, w, b, a) => { const y = conv(x, w, b, a); x.data[0] += 1; return y; }, convTranspose };
  },
  get patchedSliceReuses() {
    patchSlice();
    return {
      name: 'patches slice, reuses its output buffer',
      conv,
      convTranspose: (x, w, b, a) => {
        const y = convTranspose(x, w, b, a);
        if (!shared || shared.length !== y.data.length) shared = new Float32Array(y.data.length);
        shared.set(y.data);
        return { dims: y.dims, data: shared };
      },
    };
  },
  // Changes the dims of an input in place (the data stays as it was).
  reshapesInput: { name: 'reshapes W in place', conv: (x, w, b, a) => { const y = conv(x, w, b, a); w.dims.reverse(); return y; }, convTranspose },
  // Tries to reach the judge through the inspector, then answers wrongly.
  inspectorHijack: {
    name: 'tries node:inspector connectToMainThread',
    conv: (x, w, b, a) => {
      let reached = 'no';
      try {
        const inspector = require('node:inspector');
        const session = new inspector.Session();
        session.connectToMainThread();
        reached = 'yes';
      } catch (e) {
        reached = e.code || e.message;
      }
      const y = conv(x, w, b, a);
      y.data.fill(0);
      process.stderr.write(`inspector: ${reached}\n`);
      return y;
    },
  },
  // Deletes the fixtures folder named in CONVSPEC_TEST_DOOMED on its first call, then answers correctly.
  deletesFixtures: {
    name: 'deletes the fixtures mid-run',
    conv: (x, w, b, a) => {
      const doomed = process.env.CONVSPEC_TEST_DOOMED;
      if (doomed) fs.rmSync(doomed, { recursive: true, force: true });
      return conv(x, w, b, a);
    },
    convTranspose,
  },
  // Hangs on every call.
  hangsAlways: { name: 'hangs on every call', conv: () => new Promise(() => {}), convTranspose: () => new Promise(() => {}) },
  // Prints 8 MB per call with no newline, then answers correctly.
  floodsStdout: correct('prints 8 MB per call without a newline', {
    conv: (x, w, b, a) => { process.stdout.write('x'.repeat(8 << 20)); return conv(x, w, b, a); },
  }),
};
