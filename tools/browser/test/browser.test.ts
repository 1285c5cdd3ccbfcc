/**
 * Plan: `verify --browser FILE` end to end in headless Chromium (Chromium must be installed: CI
 * installs Debian's `chromium`; the test fails with the install hint otherwise). A correct module
 * (a direct 2-D Conv, modules/direct2d.mjs) must come out conformant on numerical and validation clauses; the
 * same loop without the last kernel column must be rejected with a counterexample; a call that never
 * answers must fail its clause as a timeout, after which the restarted page still answers. One
 * browser per verify run, few cases each, to keep this file within a few seconds of npm test.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser } from '../findBrowser';
import { verifyTarget } from '../../verify/run';

const file = path.join(__dirname, 'modules', 'direct2d.mjs');
const found = findBrowser();
const quiet = { log: () => undefined };

describe('verify --browser FILE', () => {
  it('finds a browser (CI installs chromium)', () => {
    expect('missing' in found ? found.missing : undefined).toBeUndefined();
  });

  it('a correct module passes and its report says where it ran', async () => {
    const report = await verifyTarget({ kind: 'browser', module: { file } }, { clauses: ['conv.numeric.withinBound', 'conv.structure.linearInput', 'conv.validation.errorCodes'], runs: 15, ...quiet });
    // the validation clause sends malformed tensors (null data, plain arrays): they must reach the page as passed
    expect(report.clauses.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(report.target.name).toMatch(/in Chromium \S+ headless, flags .*--enable-unsafe-webgpu/);
    expect(report.target.args).toBe(`--browser ${file}`);
    expect(report.summary.conformant).toBe(true);
  }, 60_000);

  it('a broken module fails with a counterexample', async () => {
    const report = await verifyTarget({ kind: 'browser', module: { file, exportName: 'broken' } }, { clauses: ['conv.numeric.withinBound'], runs: 15, ...quiet });
    const [clause] = report.clauses;
    expect(clause.status).toBe('failed');
    expect(clause.counterexample).toBeDefined();
    expect(report.summary.conformant).toBe(false);
  }, 60_000);

  it('a hang fails the case as a timeout and the page is restarted', async () => {
    const report = await verifyTarget({ kind: 'browser', module: { file, exportName: 'hangs' } }, { clauses: ['conv.numeric.withinBound'], runs: 2, timeoutMs: 1500, ...quiet });
    const [clause] = report.clauses;
    expect(clause.status).toBe('failed');
    expect(clause.faults?.[0]?.kind).toBe('timeout');
  }, 60_000);

  it('a file that is not there, or exports no Implementation, cannot run (TargetError)', async () => {
    await expect(verifyTarget({ kind: 'browser', module: { file, exportName: 'nothing' } }, { clauses: ['conv.numeric.withinBound'], ...quiet })).rejects.toThrow(/no export nothing/);
  }, 60_000);
});
