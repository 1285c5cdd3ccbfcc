/**
 * Plan: the numpy adapter must give NaN where a zero meets ±∞ or NaN in a product (0·∞ = NaN), also
 * when a reduction has one channel and one output channel or a single output position — the shapes
 * where np.dot / np.tensordot multiply with BLAS axpy, which skips a zero scale factor (numpy issue
 * #14788; docs/FINDINGS.md). First the shrunk counterexamples that `convspec verify --target numpy`
 * found at seeds 5, 17 and 99, sent over the --cmd protocol and judged against the float64 reference
 * (which says NaN); then the clauses themselves, replayed at those seeds through the real verifier.
 * Skipped, with the reason, when python3 or numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../../impl/types';
import { findMismatch } from '../../../../spec/framework/compare';
import { expectedWithBound } from '../../../../spec/tolerance';
import { verifyTarget } from '../../../verify/run';
import { decode, encode, protocolChild } from './protocolCases';

const script = join(__dirname, '..', 'convspec_numpy.py');
const probe = spawnSync(process.env.CONVSPEC_PYTHON ?? 'python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const missing = probe.error ? 'python3 is not installed' : probe.status !== 0 ? 'numpy is not importable by python3' : undefined;
if (missing) console.warn(`numpy 0·∞ test skipped: ${missing}`);

const tensor = (dims: number[], values: number[]): Tensor => ({ dims, data: Float32Array.from(values) });
/** n values, the first ∞, the rest finite and non-zero. */
const infThenFinite = (n: number) => [Infinity, ...Array.from({ length: n - 1 }, (_, i) => ((i % 7) - 3.5) / 2)];

// The counterexamples of conv/convT.numeric.zeroTimesInfinity at seeds 5, 17, 99 (before the adapter
// used np.matmul), plus the mirror case: a zero input meeting an infinite weight.
const cases: { name: string; op: OpName; x: Tensor; w: Tensor; attrs: ConvTransposeAttributes }[] = [
  { name: 'seed 5: Conv 1-D, one channel in and out, kernel 1', op: 'Conv', x: tensor([1, 1, 2], [Infinity, -1.9986810684204102]), w: tensor([1, 1, 1], [0]), attrs: {} },
  {
    name: 'seed 17: depthwise Conv 1-D, 8 groups of one channel, kernel 3',
    op: 'Conv',
    x: tensor([2, 8, 5], infThenFinite(80)),
    w: tensor([8, 1, 3], [0, 0, 0, 0, 0.7986489534378052, -0.505109965801239, ...infThenFinite(19).slice(1)]),
    attrs: { group: 8 },
  },
  { name: 'seed 99: Conv 2-D, kernel 2×1, begin pad 1', op: 'Conv', x: tensor([1, 1, 2, 1], [Infinity, -1.9986810684204102]), w: tensor([1, 1, 2, 1], [0, 0]), attrs: { pads: [1, 0, 0, 0] } },
  { name: 'seeds 5, 17: ConvTranspose 2-D, one channel in and out, kernel 1×1', op: 'ConvTranspose', x: tensor([1, 1, 2, 1], [Infinity, -1.9986810684204102]), w: tensor([1, 1, 1, 1], [0]), attrs: {} },
  { name: 'a single output position: zero x, infinite weight', op: 'Conv', x: tensor([1, 1, 1], [0]), w: tensor([3, 1, 1], [Infinity, 1, -2]), attrs: {} },
];

describe.skipIf(missing !== undefined && !process.env.CI)('the numpy adapter: 0·∞ is NaN at every shape', () => {
  const { send, next } = protocolChild(process.env.CONVSPEC_PYTHON ?? 'python3', script);

  it.each(cases.map((c, i) => ({ ...c, id: i + 1 })))('$name', async (c) => {
    const expected = expectedWithBound(c.op, c.x, c.w, undefined, c.attrs);
    // The case is only a 0·∞ case if the reference really expects a NaN somewhere.
    expect(Array.from(expected.y64).some(Number.isNaN)).toBe(true);
    send({ id: c.id, op: c.op, attrs: c.attrs, x: encode(c.x), w: encode(c.w), b: null });
    const answer = await next();
    expect(answer.id).toBe(c.id);
    expect(answer.error).toBeUndefined();
    expect(findMismatch(decode(answer.y), expected)?.message).toBeUndefined();
  });
});

describe.skipIf(missing !== undefined && !process.env.CI)('the numpy adapter: zeroTimesInfinity at the seeds that once failed', () => {
  it.each([5, 17, 99])('seed %i: both clauses conformant', async (seed) => {
    const report = await verifyTarget(
      { kind: 'cmd', command: `python3 ${JSON.stringify(script)}` },
      { clauses: ['conv.numeric.zeroTimesInfinity', 'convT.numeric.zeroTimesInfinity'], seed, jobs: 1, log: () => undefined },
    );
    expect(report.clauses.map((c) => `${c.id}: ${c.status} ${c.error?.split('\n')[0] ?? ''}`)).toEqual([
      'conv.numeric.zeroTimesInfinity: passed ',
      'convT.numeric.zeroTimesInfinity: passed ',
    ]);
  }, 60_000);
});
