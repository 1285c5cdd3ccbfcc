// A convspec --cmd program (written by `convspec init cmd`): the JSON-lines protocol around the
// adapter in conv-adapter.mjs. A template for a program in any language:
//
//   npx convspec verify --cmd "node conv-adapter-cmd.mjs"
//
// One JSON object per line both ways. {"id": 0, "op": "describe"} → {"id": 0, "name", "supports"};
// {"id", "op": "Conv" | "ConvTranspose", "attrs", "x", "w", "b"} → {"id", "y"} or {"id", "error"}.
// A tensor is {"dims": [...], "data": base64 of little-endian float32}. stdout carries answers only.
import { createInterface } from 'node:readline';
import adapter from './conv-adapter.mjs';

const decode = (t) => {
  const bytes = Buffer.from(t.data, 'base64');
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes); // little-endian, as every machine Node runs on
  return { dims: t.dims, data };
};
const encode = (t) => ({ dims: [...t.dims], data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') });

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  let answer;
  try {
    if (req.op === 'describe') answer = { id: req.id, name: adapter.name, supports: adapter.supports };
    else {
      const method = req.op === 'Conv' ? adapter.conv : adapter.convTranspose;
      const y = method(decode(req.x), decode(req.w), req.b ? decode(req.b) : undefined, req.attrs ?? {});
      answer = { id: req.id, y: encode(y) };
    }
  } catch (err) {
    answer = { id: req.id, error: err instanceof Error ? err.message : String(err) }; // a refusal of invalid input, with its code
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
