// A --cmd program speaking the JSON-lines protocol, computing with the reference (from the build).
// Misbehaviour for the tests, by argument:
//   --conv-only          describe declares supports {ops: ["Conv"]}
//   --no-describe        answers describe (an unknown op to it) with an error
//   --die-once FILE      exits in the middle of its 3rd compute request, unless FILE exists (it creates FILE)
//   --hang-once FILE     stops answering at its 3rd compute request, unless FILE exists (it creates FILE)
//   --garbage            answers its 2nd compute request with a line that is not JSON
const fs = require('node:fs');
const readline = require('node:readline');
const { reference } = require('../../../../dist/impl/reference.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

function decode(t) {
  const bytes = Buffer.from(t.data, 'base64');
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
  return { dims: t.dims, data };
}
function encode(t) {
  const bytes = Buffer.alloc(t.data.length * 4);
  t.data.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return { dims: [...t.dims], data: bytes.toString('base64') };
}
const once = (file) => {
  if (!file || fs.existsSync(file)) return false;
  fs.writeFileSync(file, 'x');
  return true;
};
process.stderr.write('program started\n');
let computed = 0;
const dieNow = once(value('--die-once'));
const hangNow = once(value('--hang-once'));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  const answer = (o) => process.stdout.write(JSON.stringify({ id: req.id, ...o }) + '\n');
  if (req.op === 'describe') {
    if (flag('--no-describe')) return answer({ error: 'unknown op describe' });
    return answer({ name: 'reference over the protocol', supports: flag('--conv-only') ? { ops: ['Conv'] } : {} });
  }
  computed++;
  if (dieNow && computed === 3) process.exit(7);
  if (hangNow && computed === 3) return;
  if (flag('--garbage') && computed === 2) return process.stdout.write('this is not json\n');
  try {
    const fn = req.op === 'Conv' ? reference.conv : reference.convTranspose;
    const y = fn(decode(req.x), decode(req.w), req.b ? decode(req.b) : undefined, req.attrs);
    answer({ y: encode(y) });
  } catch (e) {
    answer({ error: String(e.message) });
  }
});
