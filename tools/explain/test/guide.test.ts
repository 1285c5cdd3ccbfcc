/**
 * Plan: docs/GUIDE.md must stay true. Every `$ convspec shape|explain|coverage …` line in it is run
 * in-process and must exit as the guide says (0, or the "exit N" noted after #); every clause id it
 * names must be registered in spec/clauses.ts. (gate and verify lines are exercised by their own tests.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allClauses } from '../../../spec/clauses';
import { runCli } from './runCli';

const guide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'GUIDE.md'), 'utf8');

/** Splits a command line like a shell would for our simple cases (double quotes only). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

const commands = guide
  .split('\n')
  .filter((l) => /^\$ convspec (shape|explain|coverage)\b/.test(l))
  .map((l) => {
    const [cmd, comment = ''] = l.slice('$ convspec '.length).split('#');
    const exit = /exit (\d)/.exec(comment);
    return { line: l, args: words(cmd.trim()), exit: exit ? Number(exit[1]) : 0 };
  });

describe('docs/GUIDE.md', () => {
  it('has the demonstrating commands (at least one per section)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(15);
  });

  it.each(commands.map((c) => [c.line, c] as const))('%s', async (_line, c) => {
    const r = await runCli(c.args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(c.exit);
  });

  it('names only registered clause ids', () => {
    const known = new Set(allClauses.map((c) => c.id));
    const named = [...guide.matchAll(/`((?:conv|convT|both|dilation|fixtures|robustness)\.[A-Za-z0-9.]+)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
  });
});
