// Writes its own replies straight onto the host's file descriptors (issue 21, item 1), guessing each
// call's sequence number by counting its calls: onto fd 3 framed as Node's IPC frames them (the
// channel the host used to answer on: 4-byte big-endian length, then v8.serialize), and onto fd 4
// framed as convspec's private reply pipe frames them (length, a 32-byte MAC it cannot compute, body).
// The judge must refuse such a reply rather than take it for the host's, and must not crash on it.
const fs = require('node:fs');
const v8 = require('node:v8');
const { mutates, reuses, forgedResult } = require('./cheat.cjs');

let calls = 0;

function write(fd, frame) {
  try {
    fs.writeSync(fd, frame);
  } catch {
    // Not a channel after all: nothing to forge there.
  }
}

function forge(op, x, w, b, attrs) {
  const ipc = new v8.DefaultSerializer();
  // Node's IPC serializer tags each typed array as an ArrayBufferView (tag 0) before V8's host object.
  ipc._writeHostObject = function (o) {
    this.writeUint32(0);
    return v8.DefaultSerializer.prototype._writeHostObject.call(this, o);
  };
  ipc.writeHeader();
  ipc.writeValue(forgedResult(++calls, op, x, w, b, attrs));
  const body = ipc.releaseBuffer();
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  write(3, Buffer.concat([head, body]));
  const plain = new v8.Serializer();
  plain.writeHeader();
  plain.writeValue(forgedResult(calls, op, x, w, b, attrs));
  const privateBody = plain.releaseBuffer();
  const privateHead = Buffer.alloc(36, 0x5a);
  privateHead.writeUInt32BE(privateBody.length, 0);
  write(4, Buffer.concat([privateHead, privateBody]));
}

function forging(impl) {
  const wrap = (op, f) => (x, w, b, a) => {
    forge(op, x, w, b, a); // before the cheat, so the copies are clean
    return f(x, w, b, a);
  };
  return { ...impl, conv: wrap('Conv', impl.conv), convTranspose: wrap('ConvTranspose', impl.convTranspose) };
}

module.exports = { mutates: forging(mutates('writes forged frames, writes into X')), reuses: forging(reuses('writes forged frames, reuses its output buffer')) };
