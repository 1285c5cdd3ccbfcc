/**
 * Plan: run the numpy adapter as a subprocess and speak the --cmd protocol to it directly
 * (protocolCases.ts: every case judged against the reference with the per-element bound, an invalid
 * case answered with an error naming it, the process still serving afterwards). Then the same
 * program through the real verifier (verifyTarget with a --cmd target) on the numerical and
 * repeated-call clauses: it must come out conformant.
 * Skipped, with the reason, when python3 or numpy is missing (never under CI=1: .ci/run installs numpy).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTarget } from '../../../verify/run';
import { protocolTests } from './protocolCases';

const script = join(__dirname, '..', 'convspec_numpy.py');
const probe = spawnSync(process.env.CONVSPEC_PYTHON ?? 'python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const missing = probe.error ? 'python3 is not installed' : probe.status !== 0 ? 'numpy is not importable by python3' : undefined;
if (missing) console.warn(`numpy adapter test skipped: ${missing}`);

describe.skipIf(missing !== undefined && !process.env.CI)('the numpy adapter over the --cmd protocol', () => {
  protocolTests(process.env.CONVSPEC_PYTHON ?? 'python3', script, /numpy/);
});

describe.skipIf(missing !== undefined && !process.env.CI)('the numpy adapter through convspec verify --cmd', () => {
  it('is conformant on the numerical and repeated-call clauses', async () => {
    const report = await verifyTarget(
      { kind: 'cmd', command: `python3 ${JSON.stringify(script)}` },
      { clauses: ['conv.numeric.withinBound', 'convT.numeric.withinBound', 'robustness.calls.repeatable'], log: () => undefined },
    );
    expect(report.target.name).toMatch(/numpy/);
    const failed = report.clauses.filter((c) => c.status !== 'passed');
    expect(failed.map((c) => `${c.id}: ${c.status} ${c.error ?? ''}`)).toEqual([]);
    expect(report.clauses).toHaveLength(3);
  }, 60_000);
});
