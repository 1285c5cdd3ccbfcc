/**
 * The --cmd protocol spoken directly to a Python adapter (JSON lines, base64 little-endian float32),
 * shared by the numpy and PyTorch adapter tests: describe first, then Conv and ConvTranspose cases
 * covering groups with several channels per group, dilation with stride, asymmetric pads, SAME_LOWER
 * with odd padding, output_padding, output_shape above the natural size, pads cropping most of a
 * ConvTranspose's scatter target (65 536 channels of a 1 × 1 output; 8 192 grouped channels of a
 * strided 2 × 2 one; a begin pad past d(k − 1) with output_padding), 1-D and 3-D, bias, batch 2; each answer is judged against the reference with
 * the per-element bound. An invalid case must come back as an error line naming the problem, and the
 * process must keep answering afterwards.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../../impl/types';
import { findMismatch, formatWindow } from '../../../../spec/framework/compare';
import { expectedWithBound } from '../../../../spec/tolerance';

/** A tensor as the protocol carries it: dims and base64 little-endian float32. */
export const encode = (t: Tensor) => ({ dims: t.dims, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') });
/** The protocol's tensor back as float32. */
export function decode(t: { dims: number[]; data: string }): Tensor {
  const bytes = Buffer.from(t.data, 'base64');
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(4 * i);
  return { dims: t.dims, data };
}

/** Deterministic non-symmetric values in [-1, 1). */
let seed = 7;
const random = (dims: number[]): Tensor => ({
  dims,
  data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1),
});

export const cases: { op: OpName; x: number[]; w: number[]; bias: boolean; attrs: ConvTransposeAttributes }[] = [
  { op: 'Conv', x: [2, 4, 6, 7], w: [6, 2, 3, 2], bias: true, attrs: { group: 2, strides: [2, 1], dilations: [1, 2], pads: [1, 0, 0, 2] } },
  { op: 'Conv', x: [1, 3, 7], w: [2, 3, 2], bias: false, attrs: { auto_pad: 'SAME_LOWER', strides: [2] } },
  { op: 'Conv', x: [1, 2, 4, 3, 5], w: [2, 2, 2, 1, 3], bias: true, attrs: { pads: [0, 1, 1, 1, 0, 2] } },
  { op: 'ConvTranspose', x: [2, 4, 3, 4], w: [4, 3, 3, 2], bias: true, attrs: { group: 2, strides: [2, 3], dilations: [2, 1], pads: [1, 0, 2, 1], output_padding: [1, 2] } },
  { op: 'ConvTranspose', x: [1, 2, 3, 3], w: [2, 2, 2, 3], bias: true, attrs: { strides: [2, 2], output_shape: [7, 8] } },
  { op: 'ConvTranspose', x: [1, 2, 5], w: [2, 1, 3], bias: false, attrs: { strides: [3], auto_pad: 'SAME_UPPER' } },
  // Pads that crop most of the scatter target, from the begin side and the end side.
  { op: 'ConvTranspose', x: [1, 2, 4, 3], w: [2, 3, 3, 3], bias: true, attrs: { strides: [2, 3], pads: [3, 2, 4, 5] } },
  // A 1 × 1 output of 65 536 channels whose uncropped scatter target is 257 × 257 per channel (32 GiB
  // in float64): found by `--target numpy --runs 5x --seed 99` (convT.numeric.atEdges), where the
  // adapter ran out of memory on a case a direct scatter into the output computes in milliseconds.
  { op: 'ConvTranspose', x: [1, 1, 1, 1], w: [1, 65536, 2, 2], bias: false, attrs: { dilations: [256, 256], pads: [0, 0, 256, 256] } },
  // The same with groups, stride and bias: 8 192 output channels of 2 × 2 cut from a 132 × 132
  // scatter (the PyTorch adapter computes such a case as the convolution it is the transpose of).
  { op: 'ConvTranspose', x: [1, 2, 2, 2], w: [2, 4096, 2, 2], bias: true, attrs: { group: 2, strides: [3, 3], dilations: [128, 128], pads: [60, 129, 70, 1] } },
  // A begin pad past d(k − 1) with output_padding on an axis of one element: the output's one row lies
  // beyond every input element (found by `--target torch --runs 5x --seed 99`, convT.numeric.atEdges).
  { op: 'ConvTranspose', x: [1, 1, 1, 1], w: [1, 4096, 3, 2], bias: false, attrs: { strides: [4, 1], dilations: [45, 45], pads: [92, 45, 0, 0], output_padding: [2, 0] } },
];

/**
 * Registers, inside the caller's describe, a child process running the adapter program `script`
 * under `python` for the describe's tests (started before them, its stdin closed after): `send`
 * writes one request line, `next` resolves to the next answer line, parsed.
 */
export function protocolChild(python: string, script: string): { send: (req: unknown) => void; next: () => Promise<any> } {
  let child: ReturnType<typeof spawn>;
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  beforeAll(() => {
    child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout! }).on('line', (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  });
  afterAll(() => {
    child.stdin!.end();
  });
  return {
    send: (req) => child.stdin!.write(JSON.stringify(req) + '\n'),
    next: () => new Promise((resolve) => (queue.length ? resolve(JSON.parse(queue.shift()!)) : waiting.push((l) => resolve(JSON.parse(l))))),
  };
}

/**
 * Registers, inside the caller's describe, the protocol tests for the adapter program `script` run
 * by `python`; `name` is what its describe answer must mention.
 */
export function protocolTests(python: string, script: string, name: RegExp): void {
  const { send, next } = protocolChild(python, script);

  it('answers describe with its name and a float32 precision profile', async () => {
    send({ id: 0, op: 'describe' });
    const answer = await next();
    expect(answer.id).toBe(0);
    expect(answer.name).toMatch(name);
    expect(answer.supports.precision).toBe('float32');
  });

  it('computes every case within the per-element bound of the reference', async () => {
    for (const [i, c] of cases.entries()) {
      const x = random(c.x);
      const w = random(c.w);
      const m = c.op === 'Conv' ? c.w[0] : c.w[1] * (c.attrs.group ?? 1);
      const b = c.bias ? random([m]) : undefined;
      send({ id: i + 1, op: c.op, attrs: c.attrs, x: encode(x), w: encode(w), b: b ? encode(b) : null });
      const answer = await next();
      expect(answer.id).toBe(i + 1);
      expect(answer.error).toBeUndefined();
      const mismatch = findMismatch(decode(answer.y), expectedWithBound(c.op, x, w, b, c.attrs));
      if (mismatch) throw new Error(`case ${i} (${c.op} ${JSON.stringify(c.attrs)}): ${mismatch.message}\n${mismatch.window ? formatWindow(mismatch.window) : ''}`);
    }
    // Each case takes milliseconds in a correct adapter; one that materialises a scatter target of
    // 65 536 × 257 × 257 runs out of time (or memory) here.
  }, 30_000);

  it('answers an invalid case with an error naming the attribute, then keeps serving', async () => {
    const x = random([1, 1, 4]);
    const w = random([1, 1, 2]);
    send({ id: 50, op: 'Conv', attrs: { pads: [-1, 0] }, x: encode(x), w: encode(w), b: null });
    const bad = await next();
    expect(bad).toMatchObject({ id: 50 });
    expect(bad.error).toMatch(/NEGATIVE_PADS.*pads\[0\]/);
    send({ id: 51, op: 'Conv', attrs: {}, x: encode(x), w: encode(w), b: null });
    const good = await next();
    expect(good.id).toBe(51);
    expect(findMismatch(decode(good.y), expectedWithBound('Conv', x, w, undefined, {}))).toBeUndefined();
  });
}
