/**
 * Where a bundled target's runtime package (onnxruntime-node, onnxruntime-web, @tensorflow/*) comes
 * from: the user's project first (the folder convspec runs in and its parents, as Node's own lookup
 * from there), then convspec's own location. The runtimes other than onnxruntime-node are not
 * convspec's dependencies: a user installs them in their project, which convspec's own lookup does not
 * see when convspec is linked, installed globally, run by `npx` from its cache, or laid out by pnpm.
 * When a package is found nowhere, `installLine` names exactly what to install, at the versions this
 * convspec was tested with (its own package.json).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The convspec package root: the nearest folder above this module whose package.json is named convspec. */
export function convspecRoot(): string {
  let dir = __dirname;
  for (;;) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'convspec') return dir;
    } catch {
      // no readable package.json here: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the convspec package root above ${__dirname}`);
    dir = up;
  }
}

export interface RuntimePackage {
  name: string;
  /** The package's folder. */
  dir: string;
  version: string;
  /** Whether it came from the user's project (else from convspec's own location). */
  fromProject: boolean;
  /** require() as seen from inside the package: what the package itself resolves (its peers) comes from the same place. */
  requireBeside: NodeJS.Require;
}

/** The folder of `name` that Node's lookup from `base` (a file path) finds; by folder, because exports maps may hide package.json. */
function lookup(name: string, base: string): string | undefined {
  const paths = createRequire(base).resolve.paths(name) ?? [];
  for (const p of paths) {
    const dir = path.join(p, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** `name` resolved from the user's project (`cwd`) first, then from convspec's location; undefined when neither has it. */
export function findRuntime(name: string, cwd: string = process.cwd()): RuntimePackage | undefined {
  const fromProject = lookup(name, path.join(path.resolve(cwd), 'package.json'));
  const dir = fromProject ?? lookup(name, path.join(convspecRoot(), 'package.json'));
  if (!dir) return undefined;
  let version: string;
  try {
    version = String(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version);
  } catch {
    return undefined;
  }
  return { name, dir, version, fromProject: fromProject !== undefined, requireBeside: createRequire(path.join(dir, 'package.json')) };
}

/** The version of `name` convspec was tested with (its package.json's dependencies and devDependencies), if it names one. */
export function testedVersion(name: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(convspecRoot(), 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
  } catch {
    return undefined;
  }
}

/** The command that installs `names` into the user's project at the tested versions: `npm i -D a@1.2.3 b@4.5.6`. */
export function installLine(names: readonly string[]): string {
  return `npm i -D ${names.map((n) => (testedVersion(n) ? `${n}@${testedVersion(n)}` : n)).join(' ')}`;
}

/** Thrown by requireRuntime when a package is found nowhere; its message is the install line. */
export class RuntimeMissingError extends Error {
  constructor(readonly missing: string[]) {
    super(`npm package${missing.length > 1 ? 's' : ''} not installed: ${missing.join(', ')}; install ${missing.length > 1 ? 'them' : 'it'} in your project with \`${installLine(missing)}\``);
    this.name = 'RuntimeMissingError';
  }
}

/** Loads `name` from where findRuntime finds it; RuntimeMissingError (with the install line) when it is nowhere. */
export function requireRuntime<T>(name: string, cwd?: string): { module: T; pkg: RuntimePackage } {
  const pkg = findRuntime(name, cwd);
  if (!pkg) throw new RuntimeMissingError([name]);
  return { module: pkg.requireBeside(name) as T, pkg };
}

/** Loads `name` as the package `of` itself resolves it (its peer, e.g. tfjs-core beside a tfjs backend); RuntimeMissingError when absent. */
export function requirePeer<T>(of: RuntimePackage, name: string): T {
  try {
    return of.requireBeside(name) as T;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(name)) throw new RuntimeMissingError([name]);
    throw e;
  }
}
