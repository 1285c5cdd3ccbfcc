/**
 * Loads a third-party adapter module: ESM or CommonJS JavaScript, or TypeScript (.ts, .cts, .tsx)
 * transpiled to CommonJS by convspec's own TypeScript (typescriptModules.ts). The default export
 * must be an Implementation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { formatBytes } from '../io/files';
import { registerTypeScript, TYPESCRIPT_EXTENSIONS } from './typescriptModules';

/** Largest module file loaded (a bundled runtime is tens of MB; `/dev/zero` once took 8 GB). */
export const MAX_MODULE_BYTES = 256 * 1024 * 1024;

/** Thrown when the module cannot be loaded or does not export an Implementation: verify exits 2. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Imports the module at `file` (resolved against cwd) and returns its namespace object. */
async function importModule(file: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mts') throw new TargetError(`${file}: .mts modules are not supported; compile it to .mjs`);
  if (TYPESCRIPT_EXTENSIONS.includes(ext)) {
    registerTypeScript();
    return require(file);
  }
  if (ext === '.mjs') return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (e) {
    // An ES module (by .js with "type": "module", or syntax) cannot be required on Node 20.
    const code = (e as { code?: string })?.code;
    if (code === 'ERR_REQUIRE_ESM' || (e instanceof SyntaxError && /import|export/.test(e.message))) {
      return import(pathToFileURL(file).href);
    }
    throw e;
  }
}

function looksLikeImplementation(v: unknown): v is ImplementationWithSupports {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.conv === 'function' || typeof o.convTranspose === 'function';
}

/** Why `v` is not an Implementation, or undefined. */
export function implementationProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return `it is ${v === null ? 'null' : typeof v}, not an object`;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') return 'it has no `name` string';
  for (const key of ['conv', 'convTranspose']) {
    if (o[key] !== undefined && typeof o[key] !== 'function') return `its \`${key}\` is not a function`;
  }
  if (o.conv === undefined && o.convTranspose === undefined) return 'it has neither `conv` nor `convTranspose`';
  return undefined;
}

/**
 * Loads `file` and returns its default export (or the export named `exportName`). CommonJS
 * `module.exports = impl`, `exports.default = impl` (compiled TypeScript) and ESM `export default`
 * are all accepted. Throws TargetError with the reason otherwise.
 */
export async function loadImplementation(file: string, exportName?: string): Promise<ImplementationWithSupports> {
  const resolved = path.resolve(file);
  checkModuleFile(file);
  let ns: unknown;
  try {
    ns = await importModule(resolved);
  } catch (e) {
    if (e instanceof TargetError) throw e;
    throw new TargetError(`${file} could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Walk default/`exportName` through at most two wrappers (ESM import of compiled-CJS adds one).
  let candidate: unknown = ns;
  for (let depth = 0; depth < 3 && candidate && typeof candidate === 'object'; depth++) {
    const o = candidate as Record<string, unknown>;
    if (exportName) {
      if (o[exportName] !== undefined) return check(o[exportName], file, exportName);
      candidate = o.default;
      continue;
    }
    if (looksLikeImplementation(o) && depth > 0) break;
    if (o.default === undefined) break;
    candidate = o.default;
  }
  if (exportName) throw new TargetError(`${file} has no export named ${exportName}`);
  return check(candidate, file, 'default');
}

/**
 * Refuses, before anything is read, a module path that is missing, not a regular file (a FIFO, a
 * device such as /dev/zero, a folder) or larger than MAX_MODULE_BYTES.
 */
export function checkModuleFile(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(path.resolve(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TargetError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? (e as Error).message})`);
  }
  if (!st.isFile()) throw new TargetError(`${file} is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : 'a special file'}): give a JavaScript or TypeScript module`);
  if (st.size > MAX_MODULE_BYTES) throw new TargetError(`${file} is ${formatBytes(st.size)}, more than the ${formatBytes(MAX_MODULE_BYTES)} a module may be`);
}

function check(v: unknown, file: string, what: string): ImplementationWithSupports {
  const problem = implementationProblem(v);
  if (problem) throw new TargetError(`the ${what} export of ${file} is not an Implementation: ${problem}`);
  return v as ImplementationWithSupports;
}
