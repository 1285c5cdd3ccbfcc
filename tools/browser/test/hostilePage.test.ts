/**
 * Hostile use of the browser target (issue 21, items 2, 10, 11, 13), one regression test per attack:
 * - the page server (no browser): malformed requests get 400 and never crash it; it serves an allow-list,
 *   not the disk; it answers only to its own Host;
 * - `verify --browser` in headless Chromium (modules/hostile/): a module that patches built-ins cannot
 *   switch off the in-page contract checks, and one that logs huge strings stays within the line cap.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserSubject } from '../browserSubject';
import { startPageServer, type PageServer } from '../server';
import { verifyTarget, type VerifyOptions } from '../../verify/run';
import type { VerifyReport } from '../../report/report';

/** One raw HTTP/1.1 request (request line and Host as given), answered with its status code. */
function rawRequest(origin: string, target: string, host = new URL(origin).host): Promise<number> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      answer += d;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`no answer to ${target}: ${JSON.stringify(answer.slice(0, 200))}`)));
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

describe('the page server', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-page-'));
  const moduleFile = path.join(tmp, 'mod.mjs');
  let server: PageServer;
  beforeAll(async () => {
    fs.writeFileSync(moduleFile, "import './helper.js'; export default {};\n");
    fs.writeFileSync(path.join(tmp, 'helper.js'), 'export const x = 1;\n');
    fs.mkdirSync(path.join(tmp, 'lib'));
    fs.writeFileSync(path.join(tmp, 'lib', 'deep.js'), 'export const y = 2;\n');
    fs.writeFileSync(path.join(tmp, 'weights.wasm'), 'wasm');
    fs.writeFileSync(path.join(tmp, '.secret.json'), '{"token": 1}');
    fs.mkdirSync(path.join(tmp, '.git'));
    fs.writeFileSync(path.join(tmp, '.git', 'config.js'), 'secret');
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'private notes');
    fs.symlinkSync('/etc/passwd', path.join(tmp, 'passwd.js'));
    fs.symlinkSync('/etc', path.join(tmp, 'etc'));
    fs.symlinkSync(path.join(tmp, '.git', 'config.js'), path.join(tmp, 'config.js'));
    server = await startPageServer(moduleFile);
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a malformed percent-encoding gets 400, and the server goes on answering', async () => {
    for (const target of ['/%E0%A4%A', '/user/%E0%A4%A', '/node_modules/%', '/convspec/%ZZ']) {
      expect(await rawRequest(server.origin, target), target).toBe(400);
    }
    expect(await rawRequest(server.origin, '/')).toBe(200);
    expect(await rawRequest(server.origin, '/user/mod.mjs')).toBe(200);
  });

  it('answers only to its own Host: a forged one (DNS rebinding) is refused', async () => {
    const { port } = new URL(server.origin);
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, `127.0.0.1.evil.example:${port}`]) {
      expect([403, 421], host).toContain(await rawRequest(server.origin, '/user/mod.mjs', host));
    }
    expect(await rawRequest(server.origin, '/user/mod.mjs', `localhost:${port}`)).toBe(200);
    expect(await rawRequest(server.origin, '/', `127.0.0.1:${port}`)).toBe(200);
  });

  it('serves the module and the files it may import from its folder, nothing else there', async () => {
    for (const target of ['/user/mod.mjs', '/user/helper.js', '/user/lib/deep.js', '/user/weights.wasm']) {
      expect(await rawRequest(server.origin, target), target).toBe(200);
    }
    const refused = [
      '/user/passwd.js', // a symbolic link out of the folder
      '/user/etc/passwd', // a linked folder
      '/user/etc/hostname',
      '/user/config.js', // a link into a dot folder
      '/user/.secret.json',
      '/user/.git/config.js',
      '/user/%2egit/config.js',
      '/user/notes.txt', // not a file a module imports
      '/user/..%2f..%2fetc%2fpasswd',
      '/user/../../etc/passwd',
      '/user/%2e%2e/%2e%2e/etc/passwd',
      '/user/lib%5c..%5c..%5cetc%5cpasswd',
    ];
    for (const target of refused) expect([400, 403, 404], target).toContain(await rawRequest(server.origin, target));
  });

  it('serves the runtimes\' browser builds, not other packages or files (encoded ..%2f included)', async () => {
    expect(await rawRequest(server.origin, '/node_modules/onnxruntime-web/dist/ort.all.min.mjs')).toBe(200);
    expect(await rawRequest(server.origin, '/node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js')).toBe(200);
    expect(await rawRequest(server.origin, '/convspec/tools/browser/page/harness.js')).toBe(200);
    const refused = [
      '/node_modules/onnxruntime-web/..%2fvitest/package.json',
      '/node_modules/onnxruntime-web/..%2f..%2fpackage.json',
      '/node_modules/@tensorflow/..%2fvitest/package.json',
      '/node_modules/@tensorflow%2f..%2fvitest/package.json',
      '/node_modules/onnxruntime-web/package.json',
      '/node_modules/vitest/package.json',
      '/convspec/..%2f..%2fpackage.json',
      '/convspec/%2e%2e/%2e%2e/package.json',
    ];
    for (const target of refused) expect([400, 403, 404], target).toContain(await rawRequest(server.origin, target));
  });

  it('a module in the filesystem root does not open the disk: the module alone is served', async () => {
    const rooted = await startPageServer('/convspec-no-such-module.mjs');
    try {
      for (const target of ['/user/etc/passwd', '/user/etc/hostname', `/user${path.join(__dirname, '..', '..', '..', 'package.json')}`, `/user${__filename}`]) {
        expect([400, 403, 404], target).toContain(await rawRequest(rooted.origin, target));
      }
    } finally {
      await rooted.close();
    }
  });
});

const hostileModules = path.join(__dirname, 'modules', 'hostile');
const quiet = { log: () => undefined };
const failedWith = (r: VerifyReport, pattern: RegExp) =>
  r.clauses.some((c) => c.status === 'failed' && [c.error, ...(c.faults ?? []).map((f) => f.message), ...(c.cases ?? []).flatMap((k) => [k.error, ...(k.faults ?? []).map((f) => f.message)])].some((m) => pattern.test(m ?? '')));

describe('verify --browser: a module that patches the page cannot switch off the contract checks', () => {
  const patches = path.join(hostileModules, 'patches.mjs');
  const few: VerifyOptions = { ...quiet, clauses: ['conv.numeric.withinBound'], runs: 3, timeoutMs: 5000 };

  it('patching Float32Array.prototype.slice does not hide a modified input or a reused output buffer', async () => {
    const mutates = await verifyTarget({ kind: 'browser', module: { file: patches, exportName: 'patchedSliceMutates' } }, few);
    expect(mutates.summary.conformant).toBe(false);
    expect(failedWith(mutates, /modified its input X/)).toBe(true);
    const reuses = await verifyTarget({ kind: 'browser', module: { file: patches, exportName: 'patchedSliceReuses' } }, { ...few, clauses: ['robustness.calls.repeatable'] });
    expect(reuses.summary.conformant).toBe(false);
    expect(failedWith(reuses, /reused the output buffer/)).toBe(true);
  }, 60_000);

  it('nor do Symbol.hasInstance, a rewritten __convspec or a then on Object.prototype', async () => {
    for (const exportName of ['hasInstanceMutates', 'rewritesHarness', 'thenHijack']) {
      const r = await verifyTarget({ kind: 'browser', module: { file: patches, exportName } }, few);
      expect(r.summary.conformant, exportName).toBe(false);
      expect(failedWith(r, /modified its input X/), exportName).toBe(true);
    }
  }, 90_000);
});

describe('verify --browser: what a module logs is cut in the page, before it crosses', () => {
  const logs = path.join(hostileModules, 'logs.mjs');
  const few: VerifyOptions = { clauses: ['conv.numeric.withinBound'], runs: 3, timeoutMs: 15_000 };

  it('16 MB logged per call (one string, many arguments, an Error and a String object) reaches the log as lines of at most 64 KiB', async () => {
    for (const exportName of [undefined, 'manyArgs', 'objects']) {
      const lines: string[] = [];
      const r = await verifyTarget({ kind: 'browser', module: { file: logs, exportName } }, { ...few, log: (l) => lines.push(l) });
      const logged = lines.filter((l) => /^(log|warning|error): /.test(l));
      expect(r.summary.conformant, exportName).toBe(true);
      expect(logged.length, exportName).toBeGreaterThanOrEqual(3);
      // The page's own note: the message was cut before DevTools carried it (Node's note says "bytes of this line").
      for (const l of logged) expect(l, exportName).toMatch(/more characters of this message not shown\)/);
      expect(Math.max(...lines.map((l) => Buffer.byteLength(l))), exportName).toBeLessThanOrEqual(64 * 1024 + 200);
    }
  }, 90_000);

  it('an Error with a 16 MB message crosses cut as well', async () => {
    const subject = await openBrowserSubject({ file: logs, exportName: 'throwsHuge' }, { log: () => undefined });
    try {
      const x = { dims: [1, 1, 3, 3], data: new Float32Array(9) };
      const w = { dims: [1, 1, 2, 2], data: new Float32Array(4) };
      const thrown = await subject.run('Conv', x, w, undefined, {}).then(() => undefined, (e: Error) => e);
      expect(thrown?.message).toMatch(/^x{1000}/);
      expect(thrown!.message.length).toBeLessThanOrEqual(64 * 1024);
      expect(thrown!.message).toMatch(/more characters of this message not shown\)$/);
    } finally {
      await subject.close?.();
    }
  }, 60_000);
});
