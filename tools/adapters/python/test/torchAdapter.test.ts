/**
 * Plan: where PyTorch is importable, the PyTorch adapter must come out conformant through the real
 * verifier (verifyTarget, --cmd target) on the numerical, validation and repeated-call clauses and
 * the ORT fixtures. Skipped, with the reason printed, where python3 or torch is missing (this
 * project's CI has no torch, so here it documents how to check the adapter, e.g. on a GPU machine
 * with CONVSPEC_TORCH_DEVICE=cuda).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTarget } from '../../../verify/run';

const script = join(__dirname, '..', 'convspec_torch.py');
const probe = spawnSync('python3', ['-c', 'import numpy, torch'], { encoding: 'utf8' });
const missing = probe.error ? 'python3 is not installed' : probe.status !== 0 ? 'torch (or numpy) is not importable by python3' : undefined;
if (missing) console.warn(`PyTorch adapter test skipped: ${missing}`);

describe.skipIf(missing !== undefined)('the PyTorch adapter through convspec verify --cmd', () => {
  it('is conformant on the numerical, validation and repeated-call clauses and the fixtures', async () => {
    const report = await verifyTarget(
      { kind: 'cmd', command: `python3 ${JSON.stringify(script)}` },
      {
        clauses: ['conv.numeric.*', 'convT.numeric.*', 'conv.validation.*', 'convT.validation.*', 'robustness.calls.repeatable', 'fixtures.ort'],
        log: () => undefined,
        timeoutMs: 60_000,
      },
    );
    expect(report.target.name).toMatch(/PyTorch/);
    const failed = report.clauses.filter((c) => c.status === 'failed');
    expect(failed.map((c) => `${c.id}: ${c.error ?? ''}`)).toEqual([]);
  }, 120_000);
});
