/**
 * Plan: `npm run mutants` itself — its exit codes and what it prints — on a small selection so it
 * is quick: a rejected mutant and an accepted good variant give exit 0 and a table naming the
 * first killer and the scale limits; an unknown id or a bad --depth gives exit 2. (The full table is the mutants test's
 * subject, run there through the same judge.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../table';

function capture() {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  return () => out;
}

describe('the kill table command', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 0 and names the killer when the mutant is rejected and the good variant accepted', async () => {
    const output = capture();
    const code = await main(['node', 'mutants-table', '--first', '--only', 'bias-ignored,reference']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(output()).toMatch(/bias-ignored\s+reject\s+rejected\s+\S+\.\S+/);
    expect(output()).toMatch(/reference\s+accept\s+accepted/);
    // Each row states the scale-tier limits its clauses drew within: here the test suite's, from
    // CONVSPEC_SCALE_MACS / CONVSPEC_SCALE_ELEMENTS (vitest.config.mts), decided once per entry.
    expect(output()).toMatch(/reference\s+accept\s+accepted\s+—\s+\S+ s\s+2\^16 · 2\^14\s/);
    expect(output()).toContain('1 of 1 mutants rejected; 1 of 1 good variants accepted');
  });

  it('exits 2 on an unknown id or a bad depth', async () => {
    const output = capture();
    expect(await main(['node', 'mutants-table', '--only', 'no-such-mutant'])).toBe(2);
    expect(await main(['node', 'mutants-table', '--depth', '-1'])).toBe(2);
    vi.restoreAllMocks();
    expect(output()).toContain('unknown id');
  });
});
