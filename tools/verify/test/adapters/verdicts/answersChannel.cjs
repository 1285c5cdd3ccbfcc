// Answers the host's IPC channel itself (issue 21, item 1): it listens for each call on
// `process.on('message')`, and before the host has even called it, `process.send`s its own result
// carrying clean copies of the inputs. The host's true reply then arrives too late to count.
const { mutates, reuses, forgedResult } = require('./cheat.cjs');

process.on('message', (msg) => {
  if (!msg || msg.type !== 'call' || typeof process.send !== 'function') return;
  process.send(forgedResult(msg.seq, msg.op, msg.x, msg.w, msg.b, msg.attrs, { nonce: msg.nonce }));
});
// Also through the internal sender, in case `process.send` is gone.
const internal = process._send;
process.on('message', (msg) => {
  if (!msg || msg.type !== 'call' || typeof process.send === 'function' || typeof internal !== 'function') return;
  internal.call(process, forgedResult(msg.seq, msg.op, msg.x, msg.w, msg.b, msg.attrs, { nonce: msg.nonce }), undefined, {}, undefined);
});

module.exports = { mutates: mutates('answers the channel, writes into X'), reuses: reuses('answers the channel, reuses its output buffer') };
