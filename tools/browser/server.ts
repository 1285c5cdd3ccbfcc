/**
 * The loopback HTTP server the browser page comes from. http://127.0.0.1 is a secure context (WebGPU
 * and WebNN need one; a data: or file: URL is not), and the COOP/COEP headers make the page
 * cross-origin isolated (SharedArrayBuffer, which multi-threaded WebAssembly builds need). It serves
 * - `/`            the harness page, with an import map for the runtimes;
 * - `/convspec/`   convspec's own browser build (dist/browser: the harness, the bundled browser
 *                  adapters, attribute resolution, the ONNX model encoder and its onnx-proto bundle);
 * - `/node_modules/` the runtimes' browser builds (onnxruntime-web, @tensorflow/*), from the user's project
 *                  first, then convspec's location;
 * - `/user/`       the module given to `verify --browser FILE` and the files of its folder it may import.
 * servedFiles.ts holds that allow-list. It listens on 127.0.0.1 only, and answers only requests whose
 * Host is its own 127.0.0.1:PORT or localhost:PORT: a page elsewhere whose name a DNS rebinding points
 * at 127.0.0.1 gets 421. A malformed request gets 400 and an unexpected error 500; the server never throws.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { convspecRoot, findRuntime } from '../adapters/runtimePackages';
import { allowList, CONTENT_TYPES, PACKAGE_FOLDERS } from './servedFiles';

/** The package root (package.json named convspec), from this file in tools/browser or dist/tools/browser. */
export const packageRoot = convspecRoot;

/** The import map of the harness page: bare specifiers a browser module may import. */
export const IMPORT_MAP = {
  imports: {
    'convspec/browser': '/convspec/tools/browser/page/runtime.js',
    'onnx-proto': '/convspec/vendor/onnx-proto.js',
    'onnxruntime-web': '/node_modules/onnxruntime-web/dist/ort.all.min.mjs',
    'onnxruntime-web/webgpu': '/node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs',
    'onnxruntime-web/wasm': '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
    'onnxruntime-web/jspi': '/node_modules/onnxruntime-web/dist/ort.jspi.min.mjs',
    '@litertjs/core': '/node_modules/@litertjs/core/dist/index.js',
    '@litertjs/wasm-utils': '/node_modules/@litertjs/wasm-utils/dist/index.js',
    flatbuffers: '/node_modules/flatbuffers/mjs/flatbuffers.js',
  },
};

function harnessHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>convspec</title>
<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script type="module" src="/convspec/tools/browser/page/harness.js"></script></head><body>convspec</body></html>`;
}

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (a free port). `moduleFile`: the module served at /user/ (see servedFiles.ts). */
export async function startPageServer(moduleFile?: string): Promise<PageServer> {
  const root = packageRoot();
  // Each runtime from the user's project first, then convspec's location, found once per page server.
  const dirs = new Map(Object.keys(PACKAGE_FOLDERS).map((name) => [name, findRuntime(name)?.dir]));
  const lookup = allowList({ browserBuild: path.join(root, 'dist', 'browser'), packageDir: (name) => dirs.get(name), moduleFile });
  let ownHosts = new Set<string>();
  const server = http.createServer((req, res) => {
    const send = (status: number, type: string, body: string | Uint8Array) => {
      res.writeHead(status, {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Cache-Control': 'no-store',
        'Content-Type': type,
      });
      res.end(body);
    };
    try {
      if (!ownHosts.has((req.headers.host ?? '').toLowerCase())) return send(421, 'text/plain', 'this server answers only to its own 127.0.0.1:PORT or localhost:PORT');
      if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
      const target = req.url ?? '';
      const bare = target.replace(/[?#].*$/s, '');
      if (bare === '/' || bare === '/index.html') return send(200, 'text/html; charset=utf-8', harnessHtml());
      if (bare === '/favicon.ico') return send(204, 'text/plain', '');
      const found = lookup(target);
      if ('status' in found) return send(found.status, 'text/plain', found.message);
      send(200, CONTENT_TYPES[path.extname(found.file)] ?? 'application/octet-stream', fs.readFileSync(found.file));
    } catch (e) {
      // A file removed between lookup and read, a permission error: this request fails, the server goes on.
      if (!res.headersSent) send(500, 'text/plain', `internal error: ${(e as Error).message}`);
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.on('error', () => undefined); // after listen: nothing to report to, and nothing may crash convspec
  const { port } = server.address() as AddressInfo;
  ownHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
