/**
 * Plan: the numpy adapter declares float16 and float64 besides float32 (float64 accumulation, one
 * rounding to the inputs' type by numpy's cast) and must pass the element-type clauses through the
 * real verifier over --cmd. Skipped when python3 or numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTarget } from '../../../verify/run';

const script = join(__dirname, '..', 'convspec_numpy.py');
const probe = spawnSync(process.env.CONVSPEC_PYTHON ?? 'python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const missing = probe.error || probe.status !== 0;
if (missing) console.warn('numpy element-type test skipped: python3 with numpy is not available');

describe.skipIf(missing && !process.env.CI)('the numpy adapter on float16 and float64 tensors', () => {
  it('passes the element-type clauses through convspec verify --cmd', async () => {
    const report = await verifyTarget(
      { kind: 'cmd', command: `python3 ${JSON.stringify(script)}` },
      { clauses: ['conv.dtype.*', 'convT.dtype.*'], depth: 0.5, log: () => undefined },
    );
    expect(report.target.supports?.dtypes).toEqual(['float32', 'float16', 'float64']);
    expect(report.clauses.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.error ?? ''}`)).toEqual([]);
    expect(report.clauses).toHaveLength(4);
  }, 60_000);
});
