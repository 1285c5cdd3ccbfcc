/**
 * The loopback HTTP server the browser page comes from. http://127.0.0.1 is a secure context (WebGPU
 * and WebNN need one; a data: or file: URL is not), and the COOP/COEP headers make the page
 * cross-origin isolated (SharedArrayBuffer, which multi-threaded WebAssembly builds need). It serves
 * - `/`            the harness page, with an import map for the runtimes;
 * - `/convspec/`   convspec's own browser build (dist/browser: the harness, the bundled browser
 *                  adapters, attribute resolution, the ONNX model encoder and its onnx-proto bundle);
 * - `/node_modules/` the runtimes' files (onnxruntime-web, @tensorflow/*) from the package's node_modules;
 * - `/user/`       the folder of the module given to `verify --browser FILE`.
 * Nothing outside those folders is served, and it listens on 127.0.0.1 only.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/** The package root (package.json named convspec), from this file in tools/browser or dist/tools/browser. */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'convspec') return dir;
    } catch {
      // no package.json here; go up
    }
    dir = path.dirname(dir);
  }
  throw new Error('convspec package root not found');
}

/** Packages under node_modules a page may load. */
const SERVED_PACKAGES = ['onnxruntime-web', '@tensorflow'];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json',
  '.html': 'text/html; charset=utf-8', '.map': 'application/json',
};

/** The import map of the harness page: bare specifiers a browser module may import. */
export const IMPORT_MAP = {
  imports: {
    'convspec/browser': '/convspec/tools/browser/page/runtime.js',
    'onnx-proto': '/convspec/vendor/onnx-proto.js',
    'onnxruntime-web': '/node_modules/onnxruntime-web/dist/ort.all.min.mjs',
    'onnxruntime-web/webgpu': '/node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs',
    'onnxruntime-web/wasm': '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
    'onnxruntime-web/jspi': '/node_modules/onnxruntime-web/dist/ort.jspi.min.mjs',
  },
};

function harnessHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>convspec</title>
<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script type="module" src="/convspec/tools/browser/page/harness.js"></script></head><body>convspec</body></html>`;
}

/** The file under `base` that `rel` names, or undefined when it would leave `base` or does not exist. */
function inside(base: string, rel: string): string | undefined {
  const file = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  if (file !== base && !file.startsWith(base + path.sep)) return undefined;
  for (const candidate of [file, file + '.js']) {
    // tsc's ES module output keeps extensionless relative imports ('./resolve'): resolve them as .js.
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next
    }
  }
  return undefined;
}

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (a free port). `userDir`: the folder served at /user/. */
export async function startPageServer(userDir?: string): Promise<PageServer> {
  const root = packageRoot();
  const browserBuild = path.join(root, 'dist', 'browser');
  const nodeModules = path.join(root, 'node_modules');
  const server = http.createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const send = (status: number, type: string, body: string | Uint8Array) => {
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = decodeURIComponent(url.pathname);
    if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (p === '/' || p === '/index.html') return send(200, TYPES['.html'], harnessHtml());
    if (p === '/favicon.ico') return send(204, 'text/plain', '');
    let file: string | undefined;
    if (p.startsWith('/convspec/')) file = inside(browserBuild, p.slice('/convspec/'.length));
    else if (p.startsWith('/node_modules/') && SERVED_PACKAGES.some((pkg) => p.startsWith(`/node_modules/${pkg}/`))) file = inside(nodeModules, p.slice('/node_modules/'.length));
    else if (p.startsWith('/user/') && userDir) file = inside(userDir, p.slice('/user/'.length));
    if (!file) return send(404, 'text/plain', `not found: ${p}`);
    send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
