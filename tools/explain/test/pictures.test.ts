/**
 * Plan: the pictures in docs/pictures/ are exactly what the commands produce today (so the guide
 * never shows a stale picture). Each is regenerated with --svg into a temporary folder and compared
 * byte for byte. To refresh them after a deliberate change: CONVSPEC_UPDATE_PICTURES=1 npx vitest run
 * tools/explain/test/pictures.test.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, xmlProblems } from './runCli';

const dir = join(__dirname, '..', '..', '..', 'docs', 'pictures');
const tmp = mkdtempSync(join(tmpdir(), 'convspec-pictures-'));

const PICTURES: [string, string[]][] = [
  ['convtranspose-2x2-k3.svg', ['explain', 'convtranspose']],
  ['convtranspose-3x3-s2-p1.svg', ['explain', 'convtranspose', '--input', '1,1,3,3', '--strides', '2,2', '--pads', '1,1,1,1']],
  ['matrix-4x4-k3.svg', ['explain', 'matrix']],
  ['coverage-k3-2-2-2.svg', ['coverage', '--kernel', '3', '--dilations', '2,2,2']],
  ['coverage-k3-1-2-3.svg', ['coverage', '--kernel', '3', '--dilations', '1,2,3']],
];

describe('docs/pictures', () => {
  it.each(PICTURES)('%s is what `convspec %s` draws today', async (name, args) => {
    const file = join(tmp, name);
    const r = await runCli([...args, '--svg', file]);
    expect(r.code).toBe(0);
    const fresh = readFileSync(file, 'utf8');
    expect(xmlProblems(fresh)).toEqual([]);
    if (process.env.CONVSPEC_UPDATE_PICTURES === '1') writeFileSync(join(dir, name), fresh);
    expect(readFileSync(join(dir, name), 'utf8')).toBe(fresh);
  });
});
