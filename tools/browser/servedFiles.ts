/**
 * What the page server (server.ts) may serve, and nothing else: an allow-list from a request's raw
 * path to a file. The server listens on 127.0.0.1, which every local process (and, through DNS
 * rebinding, a web page elsewhere) can reach, so it must not become a file server for the disk:
 * - `/convspec/…`      convspec's browser build (dist/browser);
 * - `/node_modules/…`  the folders of the runtime packages a page loads (PACKAGE_FOLDERS), from wherever
 *                      they are installed (the user's project first: tools/adapters/runtimePackages.ts);
 * - `/user/…`          the module of `verify --browser FILE`, and the files of its folder it may import
 *                      (MODULE_TYPES): never a dotfile or a file in a dot folder, never a file whose real
 *                      path (symbolic links followed) leaves the folder, and when the module sits in the
 *                      filesystem root, the module alone.
 * Each path segment is decoded on its own, so an encoded `..%2f` or `%5c` is a refused segment, never a
 * step up; a segment that is not valid percent-encoding is a malformed request (400), not an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Content types by extension; the files a page loads. */
export const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json',
  '.map': 'application/json',
};

/** Files of the module's folder besides the module itself that a page may load (imports, WebAssembly, JSON). */
const MODULE_TYPES = new Set(['.js', '.mjs', '.wasm', '.json']);

/** Package folders under node_modules a page may load: the runtimes' browser builds. */
export const PACKAGE_FOLDERS: Record<string, string[]> = {
  'onnxruntime-web': ['dist'],
  '@tensorflow/tfjs-core': ['dist'],
  '@tensorflow/tfjs-backend-cpu': ['dist'],
  '@tensorflow/tfjs-backend-wasm': ['dist', 'wasm-out'],
  '@tensorflow/tfjs-backend-webgl': ['dist'],
  '@tensorflow/tfjs-backend-webgpu': ['dist'],
  '@litertjs/core': ['dist', 'wasm'],
  '@litertjs/wasm-utils': ['dist'],
  // The TFLite model writer's flatbuffers Builder (tools/adapters/litert/tfliteModel.ts), as ES modules.
  flatbuffers: ['mjs'],
};

export type Lookup = { file: string } | { status: 400 | 404; message: string };

export interface AllowListRoots {
  /** dist/browser of the package. */
  browserBuild: string;
  /** The folder of a runtime package (a PACKAGE_FOLDERS key), wherever it is installed; undefined when it is not. */
  packageDir: (name: string) => string | undefined;
  /** The module given to `verify --browser FILE`, if any. */
  moduleFile?: string;
}

/**
 * The decoded segments of a request's path (query and fragment dropped), or a 400 message. A segment
 * may not decode to something that changes the path's shape: '/', '\', NUL, '.', '..', or nothing.
 */
export function pathSegments(rawUrl: string): string[] | { message: string } {
  if (!rawUrl.startsWith('/')) return { message: 'the request target is not a path' };
  const pathname = rawUrl.replace(/[?#].*$/s, '');
  if (pathname === '/') return [];
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return { message: `malformed percent-encoding in the path segment ${JSON.stringify(raw.slice(0, 100))}` };
    }
    if (s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s)) return { message: `the path segment ${JSON.stringify(raw.slice(0, 100))} is not a plain name` };
    segments.push(s);
  }
  return segments;
}

/** `p`'s real path, or undefined when it does not exist. */
function realPath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The regular file `segments` names under `base` whose real path stays inside `base`'s real path with no
 * dot segment on the way (a symbolic link into `.git` is as refused as `.git` itself), or undefined.
 */
function fileInside(base: string, segments: readonly string[]): string | undefined {
  const realBase = realPath(base);
  if (!realBase || segments.some((s) => s.startsWith('.'))) return undefined;
  let real: string;
  try {
    real = fs.realpathSync(path.join(realBase, ...segments));
    if (!fs.statSync(real).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const rel = path.relative(realBase, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).some((s) => s.startsWith('.'))) return undefined;
  return real;
}

/** Returns the lookup of the allow-list over `roots`: raw request path → file or refusal. */
export function allowList(roots: AllowListRoots): (rawUrl: string) => Lookup {
  const moduleReal = roots.moduleFile ? realPath(roots.moduleFile) : undefined;
  const moduleDir = roots.moduleFile ? path.dirname(path.resolve(roots.moduleFile)) : undefined;
  const typed = (file: string | undefined) => (file && CONTENT_TYPES[path.extname(file)] ? file : undefined);

  function lookupFile(segments: string[]): string | undefined {
    const [top, ...rest] = segments;
    if (top === 'convspec') {
      // tsc's ES module output keeps extensionless relative imports ('./resolve'): resolve them as .js.
      return typed(fileInside(roots.browserBuild, rest)) ?? typed(fileInside(roots.browserBuild, [...rest.slice(0, -1), `${rest[rest.length - 1]}.js`]));
    }
    if (top === 'node_modules') {
      const scoped = rest[0]?.startsWith('@');
      const name = scoped ? `${rest[0]}/${rest[1]}` : rest[0];
      const inPackage = rest.slice(scoped ? 2 : 1);
      const folders = PACKAGE_FOLDERS[name ?? ''];
      if (!folders || !folders.includes(inPackage[0])) return undefined;
      const dir = roots.packageDir(name);
      return dir ? typed(fileInside(path.join(dir, inPackage[0]), inPackage.slice(1))) : undefined;
    }
    if (top === 'user' && moduleDir) {
      // The module itself, as named on the command line (even a dotfile or a link: the user chose it).
      if (rest.length === 1 && rest[0] === path.basename(roots.moduleFile!)) return moduleReal && isFile(moduleReal) ? moduleReal : undefined;
      const file = fileInside(moduleDir, rest);
      if (!file) return undefined;
      if (file === moduleReal) return file;
      // A module in the filesystem root would otherwise open the whole disk's .js and .json files.
      if (path.dirname(moduleDir) === moduleDir) return undefined;
      return MODULE_TYPES.has(path.extname(file)) ? file : undefined;
    }
    return undefined;
  }

  return (rawUrl) => {
    const segments = pathSegments(rawUrl);
    if (!Array.isArray(segments)) return { status: 400, message: segments.message };
    const file = segments.length > 1 ? lookupFile(segments) : undefined;
    return file ? { file } : { status: 404, message: `not found: /${segments.join('/')}` };
  };
}
