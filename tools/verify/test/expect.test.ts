/**
 * Known failures (issue 23, item 6): the file format and its checks, matching entries against
 * findings (fault id, trigger) and failing clause/case ids, stale entries and --strict-expect, and the
 * CLI round trip: --write-expect then --expect turns a failing run conformant with its failures shown
 * as expected; a new bug on top turns it red again; a file it did not write is never replaced.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseExpectFile, expectFileText } from '../../report/expectFile';
import { applyKnownFailures, entriesFor } from '../../report/knownFailures';
import { summarise, type ClauseResult, type VerifyReport } from '../../report/report';
import type { Finding } from '../../report/finding';
import { toJUnit } from '../../report/junit';
import { formatReport } from '../../report/format';
import { renderHtmlReport } from '../../report/html';
import { plain } from '../../terminal/style';
import { REPORT_SCHEMA } from '../../report/reportSchema';

const root = path.resolve(__dirname, '../../..');
const biasBugs = path.join(__dirname, 'adapters/expect/biasBugs.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-expect-'));

function convspec(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CONVSPEC_JOBS: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const failed = (id: string, extra: Partial<ClauseResult> = {}): ClauseResult => ({ id, title: id, category: 'numeric', status: 'failed', numRuns: 3, numSkips: 0, seed: 1, durationMs: 1, skipped: {}, calls: 3, error: 'bad', ...extra });
const passed = (id: string): ClauseResult => ({ id, title: id, category: 'numeric', status: 'passed', numRuns: 3, numSkips: 0, seed: 1, durationMs: 1, skipped: {}, calls: 3 });

function report(clauses: ClauseResult[], findings?: Finding[]): VerifyReport {
  return {
    schema: 'convspec-verify-report', version: 1, convspecVersion: 't', startedAt: '2026-12-06T00:00:00Z', durationMs: 1,
    target: { kind: 'module', args: 'adapter.js', name: 'adapter', supports: {} },
    options: { seed: 1, depth: 1, timeoutMs: 1000, clauseFilters: [] },
    clauses, ambiguities: [], ...(findings ? { findings } : {}), summary: summarise(clauses),
  };
}

const finding = (id: string, clauses: string[], cases: string[], trigger: string, consistentWith: string[]): Finding => ({ id, clauses, cases, trigger, consistentWith });
const file = (entries: object[]) => JSON.stringify({ format: 'convspec-expect', version: 1, entries });

describe('known-failures file', () => {
  it('accepts the three kinds of entry and round-trips what --write-expect writes', () => {
    const f = parseExpectFile(file([{ fault: 'bias-missing', reason: 'upstream #12' }, { clause: 'fixtures.ort/conv_*', link: 'https://example.org/1' }, { trigger: 'batch > 1', reason: 'r', link: 'l', target: 'adapter.js' }]), 'k.json');
    expect(f.entries).toHaveLength(3);
    const again = parseExpectFile(expectFileText(f.entries), 'again.json');
    expect(again.entries).toEqual(f.entries);
    expect(again.writtenBy).toBe('convspec --write-expect');
  });

  it.each([
    ['not JSON', '{entries: ', /k\.json: not JSON/],
    ['an entry without reason or link', file([{ clause: 'conv.**' }]), /k\.json: not a valid known-failures file.*reason or a link/],
    ['an entry with two matchers', file([{ clause: 'conv.**', fault: 'bias-missing', reason: 'r' }]), /k\.json: not a valid known-failures file/],
    ['an entry with no matcher', file([{ reason: 'r' }]), /exactly one of fault, clause, trigger/],
    ['an unknown field (a typo)', file([{ clauses: 'conv.**', reason: 'r' }]), /must NOT have additional properties/],
    ['a filter outside the case-id grammar', file([{ clause: 'conv numeric', reason: 'r' }]), /\/entries\/0\/clause must match pattern/],
    ['a fault id that is not one', file([{ fault: 'Bias Missing', reason: 'r' }]), /\/entries\/0\/fault must match pattern/],
    ['another format', JSON.stringify({ format: 'x', version: 1, entries: [] }), /\/format must be equal to constant/],
  ])('refuses %s, naming the file and the problem', (_what, text, message) => {
    expect(() => parseExpectFile(text, 'k.json')).toThrow(message);
  });
});

describe('applying known failures', () => {
  const clauses = [passed('conv.numeric.withinBound'), failed('convT.numeric.withinBound'), failed('convT.size.autoPad'), failed('fixtures.ort', { cases: [
    { id: 'fixtures.ort/a_1', status: 'failed', durationMs: 1, calls: 1, error: 'x' },
    { id: 'fixtures.ort/b_2', status: 'failed', durationMs: 1, calls: 1, error: 'y' },
    { id: 'fixtures.ort/c_3', status: 'passed', durationMs: 1, calls: 1 },
  ] })];

  it('a fault entry covers the finding consistent with it and every clause and case it explains', () => {
    const r = report(clauses, [finding('F1', ['convT.numeric.withinBound', 'convT.size.autoPad'], ['fixtures.ort/a_1', 'fixtures.ort/b_2'], 'bias given', ['bias-missing'])]);
    expect(r.summary.conformant).toBe(false);
    const out = applyKnownFailures(r, { entries: [{ fault: 'bias-missing', reason: 'upstream bug 7' }], file: 'k.json' });
    expect(out.summary.conformant).toBe(true);
    expect(out.summary.expectedFailures).toBe(4);
    expect(out.findings![0].expected).toEqual({ reason: 'upstream bug 7' });
    expect(out.clauses[1].expected).toEqual({ reason: 'upstream bug 7', entry: '#1 fault bias-missing' });
    expect(out.clauses[3].cases![0].expected?.reason).toBe('upstream bug 7');
    expect(out.clauses[3].cases![2].expected).toBeUndefined();
    expect(out.knownFailures).toMatchObject({ file: 'k.json', strict: false, stale: [], entries: [{ matched: ['F1', ], label: '#1 fault bias-missing' }] });
  });

  it('a trigger entry matches findings[].trigger (spaces and case aside); a finding it does not cover still fails', () => {
    const r = report(clauses, [
      finding('F1', ['convT.numeric.withinBound', 'convT.size.autoPad'], [], 'batch > 1', []),
      finding('F2', ['fixtures.ort'], ['fixtures.ort/a_1', 'fixtures.ort/b_2'], 'auto_pad SAME_* with stride > 1', []),
    ]);
    const out = applyKnownFailures(r, { entries: [{ trigger: '  Batch  >  1 ', reason: 'r' }] });
    expect(out.findings!.map((f) => f.expected !== undefined)).toEqual([true, false]);
    expect(out.summary.conformant).toBe(false);
    expect(out.clauses[3].expected).toBeUndefined();
    expect(out.summary.expectedFailures).toBe(2);
  });

  it('clause and case-id filters cover failures; a clause is expected only when all its failing cases are', () => {
    const partial = applyKnownFailures(report(clauses), { entries: [{ clause: 'convT.**', reason: 'r' }, { clause: 'fixtures.ort/a_*', reason: 's' }] });
    expect(partial.clauses[3].cases![0].expected?.entry).toBe('#2 clause fixtures.ort/a_*');
    expect(partial.clauses[3].expected).toBeUndefined();
    expect(partial.summary.conformant).toBe(false);
    const all = applyKnownFailures(report(clauses), { entries: [{ clause: 'convT.**', reason: 'r' }, { clause: 'fixtures.ort', reason: 's' }] });
    expect(all.clauses[3].expected?.entry).toBe('#2 clause fixtures.ort');
    expect(all.summary.conformant).toBe(true);
    expect(all.summary.numericConformant).toBe(true);
  });

  it('an entry that covers nothing is stale: reported, and not conformant only with strict', () => {
    const entries = [{ clause: 'convT.**', reason: 'r' }, { clause: 'fixtures.ort', reason: 's' }, { fault: 'kernel-not-flipped', reason: 'gone' }];
    const lax = applyKnownFailures(report(clauses), { entries });
    expect(lax.knownFailures!.stale).toEqual(['#3 fault kernel-not-flipped']);
    expect(lax.summary.staleExpectations).toBe(1);
    expect(lax.summary.conformant).toBe(true);
    const strict = applyKnownFailures(report(clauses), { entries, strict: true, file: 'k.json' });
    expect(strict.summary.conformant).toBe(false);
    expect(strict.summary.notConformantBecause).toMatch(/#3 fault kernel-not-flipped.*--strict-expect.*k\.json/);
  });

  it('an entry for another target neither covers nor goes stale', () => {
    const out = applyKnownFailures(report(clauses), { entries: [{ clause: '**', reason: 'r', target: 'other.js' }] });
    expect(out.summary.conformant).toBe(false);
    expect(out.knownFailures!.stale).toEqual([]);
  });

  it('--write-expect entries: exactly the failing clause and case ids; a finding\'s fault and trigger go into the reason', () => {
    const plainIds = entriesFor(report(clauses));
    expect(plainIds.map((e) => e.clause)).toEqual(['convT.numeric.withinBound', 'convT.size.autoPad', 'fixtures.ort/a_1', 'fixtures.ort/b_2']);
    expect(plainIds.every((e) => /^TODO/.test(e.reason!))).toBe(true);
    const withFindings = entriesFor(report(clauses, [finding('F1', ['convT.size.autoPad'], [], 'batch > 1', ['batch-items-as-first'])]), 'adapter.js');
    expect(withFindings.map(({ reason: _r, ...e }) => e)).toEqual(plainIds.map((e) => ({ clause: e.clause, target: 'adapter.js' })));
    expect(withFindings[1].reason).toMatch(/finding F1: consistent with batch-items-as-first; trigger batch > 1/);
    expect(withFindings[0].reason).toMatch(/no finding/);
  });

  it('JUnit writes an expected failure as skipped (type convspec.expected, the reason and the failure kept); the terminal says so', () => {
    const out = applyKnownFailures(report(clauses), { entries: [{ clause: 'convT.**', reason: 'upstream <bug>' }, { clause: 'fixtures.ort', reason: 's' }], file: 'k.json' });
    const xml = toJUnit(out);
    expect(xml).toMatch(/failures="0"/);
    expect(xml).toMatch(/<skipped type="convspec.expected" message="expected failure \(--expect #1 clause convT.\*\*\): upstream &lt;bug&gt;">[^<]*bad/);
    const text = formatReport(out, plain);
    expect(text).toMatch(/Expected failures \(--expect k\.json\): 4/);
    expect(text).toMatch(/CONFORMANT with 4 expected failures \(--expect k\.json\)/);
    expect(text).not.toMatch(/\nFailures\n/);
    expect(new Ajv({ allErrors: true }).validate(REPORT_SCHEMA, JSON.parse(JSON.stringify(out)))).toBe(true);
  });

  it('the HTML report marks expected failures and counts them in the verdict line', async () => {
    const out = applyKnownFailures(report(clauses), { entries: [{ clause: 'convT.**', reason: 'upstream bug' }, { clause: 'fixtures.ort', reason: 's' }, { clause: 'x.y', reason: 'old' }] });
    const html = await renderHtmlReport({ title: 't', sections: [{ report: out }] });
    expect(html).toMatch(/<td class="st unsupported">expected<\/td>/);
    expect(html).toMatch(/expected failure \(--expect #1 clause convT\.\*\*\): upstream bug/);
    expect(html).toMatch(/; 4 expected failures \(--expect\); stale --expect entries: #3 clause x\.y/);
  });
});

describe('the CLI round trip', () => {
  const clauses = ['--clause', 'convT.numeric.withinBound', '--clause', 'conv.numeric.withinBound', '--clause', 'convT.size.formula', '--runs', '15'];

  it('--write-expect then --expect: conformant with the failures shown as expected; a new bug turns it red', () => {
    const known = path.join(tmp, 'known.json');
    const first = convspec('verify', biasBugs, ...clauses, '--write-expect', known);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/--write-expect: 1 entry written/);
    expect(JSON.parse(fs.readFileSync(known, 'utf8')).entries).toEqual([expect.objectContaining({ clause: 'convT.numeric.withinBound' })]);

    const json = path.join(tmp, 'r.json');
    const green = convspec('verify', biasBugs, ...clauses, '--expect', known, '--json', json, '--strict-expect');
    expect(green.code, green.stdout + green.stderr).toBe(0);
    expect(green.stdout).toMatch(/CONFORMANT with 1 expected failure/);
    const r = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(r.clauses.find((c: ClauseResult) => c.id === 'convT.numeric.withinBound')).toMatchObject({ status: 'failed', expected: { entry: '#1 clause convT.numeric.withinBound' } });

    const red = convspec('verify', biasBugs, '--export', 'both', ...clauses, '--expect', known);
    expect(red.code).toBe(1);
    expect(red.stdout).toMatch(/✗ conv\.numeric\.withinBound/);
    expect(red.stdout).not.toMatch(/✗ convT\.numeric\.withinBound/);
  }, 120_000);

  it('--strict-expect fails on a stale entry; gate takes --expect too', () => {
    const stale = path.join(tmp, 'stale.json');
    fs.writeFileSync(stale, file([{ clause: 'convT.numeric.withinBound', reason: 'r' }, { clause: 'conv.size.*', reason: 'fixed long ago' }]));
    const lax = convspec('gate', biasBugs, '--no-self-check', '--no-fixtures', ...clauses, '--expect', stale);
    expect(lax.code, lax.stdout + lax.stderr).toBe(0);
    expect(lax.stdout).toMatch(/1 expected failure \(--expect\); 1 stale --expect entry/);
    const strict = convspec('gate', biasBugs, '--no-self-check', '--no-fixtures', ...clauses, '--expect', stale, '--strict-expect');
    expect(strict.code).toBe(1);
  }, 120_000);

  it('never replaces a file --write-expect did not write; checks the --expect file before the run', () => {
    const mine = path.join(tmp, 'mine.json');
    fs.writeFileSync(mine, '{"my": "notes"}\n');
    const r = convspec('verify', biasBugs, '--clause', 'conv.size.formula', '--write-expect', mine);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--write-expect .*mine\.json: the file exists and was not written by --write-expect/);
    expect(fs.readFileSync(mine, 'utf8')).toBe('{"my": "notes"}\n');
    const bad = convspec('verify', biasBugs, '--clause', 'conv.size.formula', '--expect', mine);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mine\.json: not a valid known-failures file/);
    expect(convspec('verify', biasBugs, '--clause', 'conv.size.formula', '--strict-expect').stderr).toMatch(/--strict-expect .*give --expect FILE too/);
    const json = path.join(tmp, 'k2.json');
    fs.writeFileSync(json, file([{ clause: 'conv.**', reason: 'r' }]));
    expect(convspec('verify', biasBugs, '--clause', 'conv.size.formula', '--expect', json, '--json', json).stderr).toMatch(/--json .* is the --expect file/);
  }, 120_000);
});
