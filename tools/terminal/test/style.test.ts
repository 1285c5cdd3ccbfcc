/**
 * Plan: the colour decision follows the conventions (NO_COLOR, FORCE_COLOR, TTY, TERM=dumb) and,
 * unlike picocolors' default, stays off in CI logs; the built CLI writes no escape codes to a pipe.
 * The bin test needs `npm run build` (npm test's pretest does it) and is skipped without dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourWanted, makeStyle, visibleLength } from '../style';

const root = join(__dirname, '..', '..', '..');
const built = existsSync(join(root, 'dist', 'tools', 'cli', 'main.js'));

describe('colour decision', () => {
  it('terminal → colour; pipe/file → none, even with CI set; NO_COLOR wins over a terminal; FORCE_COLOR wins over all', () => {
    expect(colourWanted({ isTTY: true }, { TERM: 'xterm' })).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, { CI: 'true' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // empty NO_COLOR means unset
    expect(colourWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { FORCE_COLOR: '0', NO_COLOR: '1' })).toBe(false);
  });

  it('a coloured string keeps its visible width', () => {
    const s = makeStyle(true).bold('abc');
    expect(s).not.toBe('abc');
    expect(visibleLength(s)).toBe(3);
    expect(makeStyle(false).bold('abc')).toBe('abc');
  });
});

describe.skipIf(!built)('the built CLI in a pipe', () => {
  it('writes no escape codes with CI=true and no NO_COLOR (stdout is a pipe, as in CI logs)', () => {
    const env = { ...process.env, CI: 'true', NO_COLOR: '', FORCE_COLOR: '' };
    const out = execFileSync(process.execPath, [join(root, 'bin', 'convspec.js'), 'coverage', '--kernel', '3', '--dilations', '2,2,2'], { env, encoding: 'utf8' });
    expect(out).toContain('13×13');
    expect(out.includes('\x1b[')).toBe(false);
  });
});
