// A --cmd program that attacks convspec through the protocol, by argument:
//   --answer-without-newline  answers every compute request with 40 MB and no newline
//   --stderr-flood            writes 20 MB to stderr with no newline, then answers correctly
//   --supports-string         describe declares supports "everything" (a string)
//   --supports-array          describe declares supports [] (an array)
//   --silent                  never answers anything, describe included
// Otherwise it computes with the reference (from the build).
const readline = require('node:readline');
const { reference } = require('../../../../dist/impl/reference.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const decode = (t) => { const b = Buffer.from(t.data, 'base64'); const d = new Float32Array(b.length / 4); for (let i = 0; i < d.length; i++) d[i] = b.readFloatLE(i * 4); return { dims: t.dims, data: d }; };
const encode = (t) => { const b = Buffer.alloc(t.data.length * 4); t.data.forEach((v, i) => b.writeFloatLE(v, i * 4)); return { dims: [...t.dims], data: b.toString('base64') }; };
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (flag('--silent')) return;
  const req = JSON.parse(line);
  const answer = (o) => process.stdout.write(JSON.stringify({ id: req.id, ...o }) + '\n');
  if (req.op === 'describe') {
    if (flag('--supports-string')) return answer({ name: 'string supports', supports: 'everything' });
    if (flag('--supports-array')) return answer({ name: 'array supports', supports: [] });
    return answer({ name: 'hostile program' });
  }
  if (flag('--answer-without-newline')) {
    const chunk = 'A'.repeat(1 << 20);
    for (let i = 0; i < 40; i++) process.stdout.write(chunk);
    return;
  }
  if (flag('--stderr-flood')) process.stderr.write('e'.repeat(20 << 20));
  const fn = req.op === 'Conv' ? reference.conv : reference.convTranspose;
  try {
    answer({ y: encode(fn(decode(req.x), decode(req.w), req.b ? decode(req.b) : undefined, req.attrs)) });
  } catch (e) {
    answer({ error: String(e.message) });
  }
});
