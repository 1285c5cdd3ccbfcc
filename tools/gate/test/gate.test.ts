/**
 * Plan: `convspec gate` passes a correct module target (exit 0), fails a target with a deliberate bug
 * (exit 1, the failure in the JUnit file), fails corrupt fixtures naming the file (exit 1), reports a
 * target that cannot be loaded as "could not run" while the other steps still run (exit 2), and
 * refuses unusable arguments (exit 2). The JUnit file is well-formed with one <testsuite> per step and
 * totals that add up; --shard splits the fixture cases into disjoint shares that cover them all.
 * Runs are kept small with --clause filters and --runs. Module targets load the built reference
 * (dist/, built by npm test's pretest), so those tests are skipped when dist/ is missing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import type { Implementation } from '../../../impl/types';
import { hasEscapes, runCli, xmlProblems } from '../../explain/test/runCli';
import { runGate } from '../gate';

const root = join(__dirname, '..', '..', '..');
const distReference = join(root, 'dist', 'impl', 'reference.js');
const built = existsSync(distReference);
const tmp = mkdtempSync(join(tmpdir(), 'convspec-gate-'));
const quick = ['--clause', 'conv.size.formula', '--clause', 'convT.zeroInsertion.steps', '--runs', '5', '--self-check-runs', '5'];

const suites = (xml: string) => [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)"/g)].map((m) => ({ name: m[1], tests: +m[2], failures: +m[3], errors: +m[4] }));
const totals = (xml: string) => {
  const m = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)"/.exec(xml)!;
  return { tests: +m[1], failures: +m[2], errors: +m[3] };
};

/** A small fixtures folder: the first `n` bundled cases with their files and a trimmed manifest. */
function smallFixtures(n: number): { dir: string; ids: string[] } {
  const src = join(root, 'fixtures');
  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  manifest.cases = manifest.cases.slice(0, n);
  const dir = mkdtempSync(join(tmp, 'fixtures-'));
  for (const c of manifest.cases) {
    for (const f of Object.values(c.files) as { path: string }[]) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      copyFileSync(join(src, f.path), join(dir, f.path));
    }
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, ids: manifest.cases.map((c: { id: string }) => c.id) };
}

describe.skipIf(!built)('convspec gate with module targets', () => {
  it('a correct module passes: exit 0, one suite per step, totals add up, no escape codes', async () => {
    const junit = join(tmp, 'ok.xml');
    const r = await runCli(['gate', join(root, 'tools', 'verify', 'test', 'adapters', 'reference.cjs'), ...quick, '--junit', junit], { env: { CI: 'true' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gate: PASSED');
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    const s = suites(xml);
    expect(s.map((x) => x.name)).toEqual(['self-check (the reference against the spec)', 'fixtures integrity', expect.stringContaining('reference.cjs')]);
    expect(totals(xml).tests).toBe(s.reduce((a, x) => a + x.tests, 0));
    expect(totals(xml).failures).toBe(0);
    expect(hasEscapes(r.stdout) || hasEscapes(xml)).toBe(false);
  });

  it('a module with a bug fails the gate: exit 1, the failing clause in JUnit', async () => {
    const file = join(tmp, 'off-by-one.cjs');
    writeFileSync(
      file,
      `const { reference } = require(${JSON.stringify(distReference)});\n` +
        `module.exports = { name: 'ConvTranspose adds 1 to its first output', conv: reference.conv,\n` +
        `  convTranspose(x, w, b, a) { const y = reference.convTranspose(x, w, b, a); y.data[0] += 1; return y; } };\n`,
    );
    const junit = join(tmp, 'bug.xml');
    const html = join(tmp, 'bug.html');
    const r = await runCli(['gate', file, ...quick, '--no-fixtures', '--junit', junit, '--html', html]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('gate: FAILED');
    // The HTML report: every step listed, both verify reports (self-check and target), the failure with its heat maps.
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<title>convspec gate — FAILED</title>');
    expect(page.match(/<table class="clauses" data-sortable>/g)).toHaveLength(2);
    expect(page).toMatch(/<article class="failure" id="[^"]*convT\.zeroInsertion\.steps">/);
    expect(page).toContain('<figure class="heat">');
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    const s = suites(xml);
    expect(s[0].failures).toBe(0); // the self-check still passes
    expect(s[1].failures).toBeGreaterThan(0);
    expect(xml).toMatch(/<failure [^>]*>[^<]*convT\.zeroInsertion\.steps|name="convT\.zeroInsertion\.steps[^"]*"[^/]*>\s*<failure/);
  });

  it('a target that cannot be loaded is reported as "could not run" (exit 2) and the other steps still run', async () => {
    const junit = join(tmp, 'missing.xml');
    const r = await runCli(['gate', join(tmp, 'no-such-module.js'), ...quick, '--no-fixtures', '--junit', junit]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('COULD NOT RUN');
    expect(r.stdout).toMatch(/self-check[^\n]*passed/);
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    expect(totals(xml).errors).toBe(1);
  });
});

describe('convspec gate, in-process parts', () => {
  it('runGate on an in-thread implementation with a missing kernel flip: step failed, exit 1', async () => {
    const noFlip: Implementation = {
      name: 'ConvTranspose without the kernel flip',
      convTranspose: (x, w, b, a) => {
        // Conv-style correlation of the zero-inserted input: equivalent to flipping W twice.
        const k = w.dims.slice(2);
        const flipped = new Float32Array(w.data.length);
        const kSize = k.reduce((p, v) => p * v, 1);
        for (let base = 0; base < w.data.length; base += kSize) for (let i = 0; i < kSize; i++) flipped[base + i] = w.data[base + kSize - 1 - i];
        return reference.convTranspose!(x, { dims: w.dims, data: flipped }, b, a);
      },
    };
    const r = await runGate({ targets: [{ kind: 'implementation', implementation: noFlip }], verify: { clauses: ['convT.zeroInsertion.steps'], runs: 10 }, selfCheck: false, fixtures: false });
    expect(r.exitCode).toBe(1);
    expect(r.steps[0].status).toBe('failed');
    expect(r.steps[0].junit).toContain('<failure');
  });

  it('corrupt fixtures fail the integrity step naming the file; shards split the cases disjointly', async () => {
    const { dir, ids } = smallFixtures(5);
    const ok = await runCli(['gate', '--no-verify', '--no-self-check', '--fixtures-dir', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('5 cases read strictly');
    // shares 1/2 and 2/2 together name every case once
    const share = async (i: number) => {
      const junit = join(tmp, `share-${i}.xml`);
      expect((await runCli(['gate', '--no-verify', '--no-self-check', '--fixtures-dir', dir, '--shard', `${i}/2`, '--junit', junit])).code).toBe(0);
      return [...readFileSync(junit, 'utf8').matchAll(/name="fixtures\.integrity\/([^"]+)"/g)].map((m) => m[1]);
    };
    const a = await share(1);
    const b = await share(2);
    expect([...a, ...b].sort()).toEqual([...ids].sort());
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    // flip one byte of one output file
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const victim = join(dir, manifest.cases[2].files.y.path);
    const bytes = readFileSync(victim);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(victim, bytes);
    const junit = join(tmp, 'corrupt.xml');
    const bad = await runCli(['gate', '--no-verify', '--no-self-check', '--fixtures-dir', dir, '--junit', junit]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('sha256');
    expect(bad.stdout).toContain(manifest.cases[2].id);
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    expect(totals(xml)).toEqual({ tests: 5, failures: 1, errors: 0 });
  });

  it('--fixtures-fresh regenerates with ONNX Runtime: the bundled fixtures pass, a trimmed folder is stale', async () => {
    const fresh = await runCli(['gate', '--no-verify', '--no-self-check', '--fixtures-fresh']);
    expect(fresh.stdout).toMatch(/fixtures up to date\s+passed/);
    expect(fresh.code).toBe(0);
    const { dir } = smallFixtures(3);
    const stale = await runCli(['gate', '--no-verify', '--no-self-check', '--fixtures-dir', dir, '--fixtures-fresh']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/fixtures integrity\s+passed/); // the 3 cases are intact …
    expect(stale.stdout).toMatch(/fixtures up to date\s+FAILED/); // … but the folder lacks the rest
  });

  it('a missing fixtures folder is a failed check, not a crash', async () => {
    const r = await runCli(['gate', '--no-verify', '--no-self-check', '--fixtures-dir', join(tmp, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cannot read the manifest');
  });

  it('unusable arguments exit 2 before anything runs', async () => {
    for (const args of [
      ['gate', '--no-verify', '--shard', '3/2'],
      ['gate', '--no-verify', '--clause', 'no.such.clause'],
      ['gate', '--no-verify', 'x.js'],
      ['gate', '--no-verify', '--self-check-runs', '0'],
      ['gate', '--cmd', ' '],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/convspec: /);
    }
  });
});
