/**
 * Plan: `convspec targets --json` (the built CLI) lists every bundled target with name, where it
 * runs, version, and available-or-why; a browser target is unavailable, with the install hint, when
 * CHROME_PATH names no executable; `verify --target` with an unknown name, or a target that cannot
 * run here, exits 2 naming the problem; a Node target runs through `verify --target` with a replay
 * line that names it.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

function convspec(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('convspec targets', () => {
  it('--json lists every bundled target with where, version and availability; without a browser the browser targets say why', () => {
    // One listing (it asks every Python interpreter), with CHROME_PATH naming nothing.
    const r = convspec(['targets', '--json'], { CHROME_PATH: '/nonexistent/chrome' });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; where: string; version: string; available: boolean; why?: string }[];
    const names = rows.map((t) => t.name);
    for (const name of ['ort', 'ort-optimized', 'ort-web-wasm', 'tfjs-cpu', 'tfjs-wasm', 'numpy', 'torch', 'browser:ort-web-wasm', 'browser:ort-web-webgpu', 'browser:tfjs-cpu', 'browser:tfjs-wasm', 'browser:tfjs-webgl', 'browser:tfjs-webgpu', 'browser:webnn']) {
      expect(names).toContain(name);
    }
    for (const t of rows) {
      expect(['node', 'python', 'chromium']).toContain(t.where);
      expect(typeof t.version).toBe('string');
      expect(typeof t.available).toBe('boolean');
      if (!t.available) expect(t.why).toMatch(/\S/);
      if (t.where === 'chromium') expect(t).toMatchObject({ available: false, why: expect.stringMatching(/CHROME_PATH=\/nonexistent\/chrome is not an executable/) });
    }
    expect(rows.find((t) => t.name === 'ort')).toMatchObject({ where: 'node', available: true, version: expect.stringMatching(/^onnxruntime-node \d/) });
  });

  it('verify --target of a browser target without a browser exits 2 saying why', () => {
    const r = convspec(['verify', '--target', 'browser:tfjs-cpu'], { CHROME_PATH: '/nonexistent/chrome' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot run here: CHROME_PATH/);
  });

  it('verify --target with an unknown name exits 2 and lists the names', () => {
    const r = convspec(['verify', '--target', 'no-such-runtime']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no bundled target "no-such-runtime".*ort-optimized/);
  });

  it('verify --target runs a Node target and its replay line names it', () => {
    const r = convspec(['verify', '--target', 'ort-optimized', '--clause', 'conv.numeric.withinBound', '--runs', '10', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/onnxruntime-node .*opt all, 2 threads, W\/B constant initializers, no spinning.*--target ort-optimized/);
  });
});
