/**
 * convspec's ONNX Runtime adapter turns off onnxruntime-node's telemetry unless the user chose
 * (tools/adapters/onnxruntime.ts): left on, every session ORT creates is recorded in an SQLite database
 * under the home folder, about 2 CPU-seconds of a `verify --target ort` run. Each check runs the built
 * adapter in a fresh process (the setting is read when the native library loads) with a home folder of
 * its own, and looks at what ORT left there. (ORT 1.30 also keeps telemetry off by itself when CI,
 * TF_BUILD, GITHUB_ACTIONS or JENKINS_URL is set: a CI run of the suite never paid for it, a developer's
 * `npm test` and every user's `verify` did.)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../../..');
const adapter = path.join(repo, 'dist/tools/adapters/onnxruntime.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-ort-telemetry-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs one Conv through the adapter with HOME in a fresh folder; returns the files ORT wrote under it. */
function filesAfterOneConv(telemetry: string | undefined): string[] {
  const home = fs.mkdtempSync(path.join(tmp, 'home-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  // ORT also stays quiet on its own where one of these says it runs in CI (CI=1 in convspec's own CI).
  for (const name of ['XDG_CACHE_HOME', 'ORT_DISABLE_TELEMETRY', 'CI', 'TF_BUILD', 'GITHUB_ACTIONS', 'JENKINS_URL']) delete env[name];
  if (telemetry !== undefined) env.ORT_DISABLE_TELEMETRY = telemetry;
  const script = `
    const { onnxruntime } = require(${JSON.stringify(adapter)});
    (async () => {
      const y = await onnxruntime.conv({ dims: [1, 1, 3, 3], data: new Float32Array(9).fill(1) },
        { dims: [1, 1, 2, 2], data: new Float32Array(4).fill(1) }, undefined, {});
      await onnxruntime.close();
      process.stdout.write(Array.from(y.data).join(','));
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  expect(out).toBe('4,4,4,4'); // the session did run
  return (fs.readdirSync(home, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(home, f)).isFile());
}

describe("onnxruntime-node's telemetry", () => {
  it('is off when the user did not set ORT_DISABLE_TELEMETRY: nothing is written under the home folder', () => {
    expect(filesAfterOneConv(undefined)).toEqual([]);
  });

  it("follows the user's own ORT_DISABLE_TELEMETRY=0 (so the check above watches the right place)", () => {
    expect(filesAfterOneConv('0').some((f) => f.endsWith('onnxruntime.db'))).toBe(true);
  });
});
