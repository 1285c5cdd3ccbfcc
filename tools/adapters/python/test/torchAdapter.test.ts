/**
 * Plan: the PyTorch adapter must come out conformant through the real verifier (the bundled `torch`
 * target: the --cmd program under the first interpreter that imports torch, e.g. Debian's
 * python3-torch under /usr/bin/python3) on the numerical, validation and repeated-call clauses and
 * the ORT fixtures. CI (.ci/run, CI=1) installs python3-torch, so there a missing torch is a failure;
 * elsewhere the test is skipped with the reason printed. First the --cmd protocol spoken to the
 * program directly (protocolCases.ts, shared with the numpy adapter): its cases include ConvTransposes
 * whose uncropped scatter target is hundreds of times the output, which the adapter must compute
 * without materialising that target.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonWith } from '../../../targets/registry';
import { verifyTarget } from '../../../verify/run';
import { protocolTests } from './protocolCases';

const found = pythonWith('torch');
const missing = 'missing' in found ? found.missing : undefined;
if (missing && !process.env.CI) console.warn(`PyTorch adapter test skipped: ${missing}`);

describe.skipIf(missing !== undefined && !process.env.CI)('the PyTorch adapter over the --cmd protocol', () => {
  // Under CI a missing torch fails here (the interpreter cannot import it) rather than skipping.
  protocolTests('interpreter' in found ? found.interpreter : 'python3', join(__dirname, '..', 'convspec_torch.py'), /PyTorch/);
});

describe.skipIf(missing !== undefined && !process.env.CI)('the PyTorch adapter through convspec verify --target torch', () => {
  it('is conformant on the numerical, validation and repeated-call clauses and the fixtures', async () => {
    expect(missing, 'CI must have torch (.ci/run installs python3-torch)').toBeUndefined();
    const report = await verifyTarget(
      { kind: 'named', name: 'torch' },
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
