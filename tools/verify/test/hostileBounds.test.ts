/**
 * Hostile input, second round (convspec issue 21, items 12, 14, 15, 16): models whose size is bounded
 * but whose content is not (ten million empty nodes), environment knobs past the caps the flags
 * enforce, report paths that name an input of the run, and names that carry terminal escape sequences.
 * Fixtures are built here, into a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../../spec/framework/runClause';
import { checkAndSelect } from '../run';

const root = path.resolve(__dirname, '../../..');
const adapters = path.join(__dirname, 'adapters');
const reference = path.join(adapters, 'reference.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-bounds-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function convspec(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000, cwd = root): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

describe('item 14: environment knobs get the caps their flags get', () => {
  it('CONVSPEC_DEPTH beyond 1000 (or not above 0) is refused, naming the variable', () => {
    expect(() => optionsFromEnv({ CONVSPEC_DEPTH: '1000000000' })).toThrow(/CONVSPEC_DEPTH=1000000000: the multiplier must be above 0 and at most 1000/);
    expect(() => optionsFromEnv({ CONVSPEC_DEPTH: '-3' })).toThrow(/CONVSPEC_DEPTH/);
    expect(() => optionsFromEnv({ CONVSPEC_SEED: '1e30' })).toThrow(/CONVSPEC_SEED=1e30 must be an integer/);
    expect(optionsFromEnv({ CONVSPEC_DEPTH: '1000', CONVSPEC_SEED: '-7' })).toEqual({ seed: -7, path: undefined, depth: 1000 });
  });

  it('convspec verify with CONVSPEC_DEPTH=1000000000 exits 2 before the run, as --runs 1000000000x does', () => {
    const args = ['verify', reference, '--clause', 'conv.size.formula', '--jobs', '1'];
    const viaEnv = convspec(args, { CONVSPEC_DEPTH: '1000000000' }, 20_000);
    expect(viaEnv.code, viaEnv.stderr).toBe(2);
    expect(viaEnv.stderr).toMatch(/CONVSPEC_DEPTH=1000000000: the multiplier must be above 0 and at most 1000/);
    expect(viaEnv.stdout).toBe('');
    const viaFlag = convspec([...args, '--runs', '1000000000x'], {}, 30_000);
    expect(viaFlag.code).toBe(2);
  });

  it('the API refuses a depth or runs past the caps too (conformanceSuite and verifyTarget callers)', async () => {
    await expect(checkAndSelect({ depth: 1e9 })).rejects.toThrow(/depth must be above 0 and at most 1000/);
    await expect(checkAndSelect({ runs: 1e9 })).rejects.toThrow(/runs must be an integer from 1 to 1000000/);
    await expect(checkAndSelect({ depth: 1000, runs: 1_000_000 })).resolves.toBeDefined();
  });

  it('gate --self-check-runs is capped like --runs', () => {
    const r = convspec(['gate', '--no-verify', '--no-fixtures', '--self-check-runs', '1000000000'], {}, 20_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--self-check-runs must be an integer from 1 to 1000000/);
  });
});
