/**
 * Plan: the numpy adapter declares float16 and float64 besides float32 (float64 accumulation, one
 * rounding to the inputs' type by numpy's cast) and must pass the element-type clauses through the
 * real verifier over --cmd; a float16 request must come back as float16 bit patterns equal to the
 * reference's (both round the same float64 sums once). A bfloat16 request, which numpy cannot
 * compute, is refused with an error naming the type. Skipped when python3 or numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTypedReference, typedTensor } from '../../../../impl/typedReference';
import { verifyTarget } from '../../../verify/run';
import { computeRequestLine, parseComputeAnswer } from '../../../verify/protocol';
import type { AnyTensor } from '../../../../impl/types';

const script = join(__dirname, '..', 'convspec_numpy.py');
const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const missing = probe.error || probe.status !== 0;
if (missing) console.warn('numpy element-type test skipped: python3 with numpy is not available');

describe.skipIf(missing)('the numpy adapter on float16 and float64 tensors', () => {
  it('passes the element-type clauses through convspec verify --cmd', async () => {
    const report = await verifyTarget(
      { kind: 'cmd', command: `python3 ${JSON.stringify(script)}` },
      { clauses: ['conv.dtype.*', 'convT.dtype.*'], log: () => undefined },
    );
    expect(report.target.supports?.dtypes).toEqual(['float32', 'float16', 'float64']);
    expect(report.clauses.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.error ?? ''}`)).toEqual([]);
    expect(report.clauses).toHaveLength(4);
  }, 60_000);

  it('answers float16 with the reference\'s bit patterns and refuses bfloat16 by name', () => {
    const x = typedTensor('float16', [1, 2, 4, 4], Array.from({ length: 32 }, (_, i) => Math.sin(i + 1)));
    const w = typedTensor('float16', [3, 2, 3, 3], Array.from({ length: 54 }, (_, i) => Math.cos(3 * i)));
    const bx = typedTensor('bfloat16', [1, 1, 2], [1, 2]);
    const input = [computeRequestLine(1, 'Conv', x, w, undefined, { pads: [1, 0, 0, 1] }), computeRequestLine(2, 'Conv', bx, bx, undefined, {})].join('\n') + '\n';
    const run = spawnSync('python3', [script], { input, encoding: 'utf8' });
    const [first, second] = run.stdout.trim().split('\n');
    const y = parseComputeAnswer(first, 1) as unknown as AnyTensor;
    expect(y.dtype).toBe('float16');
    const expected = runTypedReference('Conv', x, w, undefined, { pads: [1, 0, 0, 1] }).y;
    expect(Array.from(y.data)).toEqual(Array.from(expected.data));
    expect(() => parseComputeAnswer(second, 2)).toThrow(/bfloat16/);
  });
});
