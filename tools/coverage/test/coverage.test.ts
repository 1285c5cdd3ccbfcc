/**
 * Plan: run `convspec coverage` in-process on the seed's examples and check the printed grid, field
 * size, holes and HDC verdict against hand-derived values (tap sets {0, r, 2r} summed; the HDC
 * recurrence by hand); the caveats appear where the rule does not apply; --svg is well-formed with
 * one cell per pixel and holes hatched; bad arguments exit 2 with the ConvSpecError text.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasEscapes, runCli, xmlProblems } from '../../explain/test/runCli';
import { countsByReference, formatOffsets } from '../coverage';

const tmp = mkdtempSync(join(tmpdir(), 'convspec-coverage-'));

/** Grid rows printed after the "Usage counts" line. */
function gridRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Usage counts'));
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length && lines[i].startsWith('  '); i++) rows.push(lines[i].trim().split(/\s+/));
  return rows;
}

describe('convspec coverage', () => {
  it('K=3, rates 2,2,2: a 13×13 field where only the 7×7 even offsets are used; HDC accepts it, with the r₁ caveat', async () => {
    const r = await runCli(['coverage', '--kernel', '3', '--dilations', '2,2,2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 + 2·6 = 13');
    const g = gridRows(r.stdout);
    expect(g).toHaveLength(13);
    // 1-D counts 1 · 3 · 6 · 7 · 6 · 3 · 1 (trinomial); the centre is 7·7 = 49
    expect(g[0]).toEqual(['1', '·', '3', '·', '6', '·', '7', '·', '6', '·', '3', '·', '1']);
    expect(g[1].every((c) => c === '·')).toBe(true);
    expect(g[6][6]).toBe('49');
    expect(r.stdout).toContain('6 of 13 offsets per axis are never used (1, 3, 5, 7, 9, 11)');
    expect(r.stdout).toContain('120 of 169 pixels'); // 169 − 49
    expect(r.stdout).toContain('M₃ = 2, M₂ = 2, M₁ = 2');
    expect(r.stdout).toContain('2 ≤ 3 → satisfied');
    expect(r.stdout).toContain('assumes r₁ = 1 (here r₁ = 2)');
    expect(r.stdout).toContain('gridding');
  });

  it('K=3, rates 1,2,3 covers 13×13 with no hole; three plain 3×3 layers cover 7×7 with 49 at the centre', async () => {
    const a = await runCli(['coverage', '--kernel', '3', '--dilations', '1,2,3']);
    expect(gridRows(a.stdout)).toHaveLength(13);
    expect(gridRows(a.stdout).flat()).not.toContain('·');
    expect(a.stdout).toContain('No holes');
    const b = await runCli(['coverage', '--kernel', '3', '--dilations', '1,1,1']);
    const g = gridRows(b.stdout);
    expect(g).toHaveLength(7);
    expect(g[3]).toEqual(['7', '21', '42', '49', '42', '21', '7']);
  });

  it('1-D: [1,2,9] misses 7–8 and 16–17 and fails HDC (M₂ = 5); [1,3,1] is hole-free yet rejected', async () => {
    const a = await runCli(['coverage', '--kernel', '3', '--dilations', '1,2,9', '--dims', '1']);
    expect(a.stdout).toContain('4 of 25 offsets are never used (7–8, 16–17)');
    expect(a.stdout).toContain('5 ≤ 3 → not satisfied');
    const b = await runCli(['coverage', '--kernel', '3', '--dilations', '1,3,1', '--dims', '1']);
    expect(b.stdout).toContain('No holes');
    expect(b.stdout).toContain('sufficient, not necessary');
  });

  it('sawtooth 1,2,3,1,2,3 is hole-free over 25; 2,4,8 leaves every odd offset of 29 empty', async () => {
    expect((await runCli(['coverage', '--kernel', '3', '--dilations', '1,2,3,1,2,3', '--dims', '1'])).stdout).toContain('No holes: every one of the 25 offsets');
    const b = await runCli(['coverage', '--kernel', '3', '--dilations', '2,4,8', '--dims', '1']);
    expect(b.stdout).toContain('14 of 29 offsets are never used');
  });

  it('K = 2: the output says the rule is unreliable, and [1,1,4] is a case where it passes with a hole', async () => {
    const r = await runCli(['coverage', '--kernel', '2', '--dilations', '1,1,4', '--dims', '1']);
    expect(r.stdout).toContain('2 ≤ 2 → satisfied');
    expect(r.stdout).toContain('this stack is such a case');
  });

  it('--svg: well-formed, one cell per pixel (169 for 13×13), 120 hatched holes, no escape codes', async () => {
    const file = join(tmp, 'c.svg');
    const r = await runCli(['coverage', '--kernel', '3', '--dilations', '2,2,2', '--svg', file], { tty: true, env: { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm' } });
    expect(r.code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect((svg.match(/<rect class="cell"/g) ?? []).length).toBe(169);
    expect((svg.match(/data-kind="hole"/g) ?? []).length).toBe(120);
    expect(hasEscapes(svg)).toBe(false);
  });

  it('bad arguments exit 2 naming the problem, never a crash', async () => {
    const zero = await runCli(['coverage', '--kernel', '0', '--dilations', '1']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('NOT_POSITIVE');
    const huge = await runCli(['coverage', '--kernel', '3', '--dilations', '1e12']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('SIZE_LIMIT');
    expect((await runCli(['coverage', '--kernel', '3', '--dilations', '1,x'])).code).toBe(2);
    expect((await runCli(['coverage', '--kernel', '3', '--dilations', '1', '--dims', '3'])).code).toBe(2);
    expect((await runCli(['coverage', '--kernel', '3'])).code).toBe(2);
  });

  it('a field too wide to draw still gets its numbers, and --svg is refused rather than drawn huge', async () => {
    const r = await runCli(['coverage', '--kernel', '3', '--dilations', '1,20,40', '--svg', join(tmp, 'big.svg')]);
    expect(r.stdout).toContain('too large to draw');
    expect(r.code).toBe(2);
  });

  it('the reference computes the same counts from an impulse (hand values: trinomial on even offsets; 7×7 centre 49)', async () => {
    expect(Array.from(countsByReference(3, [2, 2, 2], 1))).toEqual([1, 0, 3, 0, 6, 0, 7, 0, 6, 0, 3, 0, 1]);
    const g = countsByReference(3, [1, 1, 1], 2);
    expect(g).toHaveLength(49);
    expect(g[3 * 7 + 3]).toBe(49);
    expect(g[0]).toBe(1);
    const r = await runCli(['coverage', '--kernel', '3', '--dilations', '1,2,5']);
    expect(r.stdout).toContain('✓ the reference agrees');
  });

  it('offsets print as ranges', () => {
    expect(formatOffsets([1, 3, 4, 5, 9])).toBe('1, 3–5, 9');
    expect(formatOffsets([])).toBe('');
  });
});
