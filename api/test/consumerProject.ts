/**
 * A throw-away project that installs convspec's packed tarball the way a user's project would, with
 * no network: `npm ci --offline` from a lockfile written here. npm's cache holds the tarballs that
 * `npm ci` fetched for this repository but not the registry's metadata, so `npm install --offline`
 * cannot resolve versions; a lockfile copied from this repository's (same versions, same integrity
 * hashes) lets npm fetch every tarball by its hash from the cache instead.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** The lock path npm would use for `name` required from the package at `from` (node's lookup, upwards). */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/**
 * The lock entries of everything `roots` need (dependencies, optional dependencies, required peers),
 * taken from `lock`. Dev flags are dropped: in the consumer these are ordinary dependencies.
 */
export function closure(lock: Lockfile, roots: Record<string, string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const queue: [string, string][] = Object.keys(roots).map((name) => ['', name]);
  while (queue.length > 0) {
    const [from, name] = queue.shift()!;
    const at = locate(lock.packages, from, name);
    if (at === undefined || out[at]) continue;
    const { dev: _dev, devOptional: _devOptional, ...entry } = lock.packages[at];
    out[at] = entry;
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
    for (const dep of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]) queue.push([at, dep]);
  }
  return out;
}

export interface PackResult {
  /** Absolute path of the .tgz. */
  tarball: string;
  integrity: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

/** `npm pack` of `repo` into `dest`, without running `prepare` (npm test has just built dist/). */
export function pack(repo: string, dest: string): PackResult {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out) as { filename: string; integrity: string; size: number; unpackedSize: number; entryCount: number; files: { path: string; size: number }[] }[];
  return { tarball: path.join(dest, info.filename), integrity: info.integrity, size: info.size, unpackedSize: info.unpackedSize, entryCount: info.entryCount, files: info.files };
}

/**
 * Writes a consumer project in `dir` that depends on the packed convspec and on `devDeps` (name →
 * exact version, present in the repository's lockfile), and installs it offline. onnxruntime-node's
 * CUDA download is skipped as the README tells users to: ONNXRUNTIME_NODE_INSTALL=skip in the
 * environment of the install (no .npmrc key, which npm 11 warns about on every npx).
 */
export function installConsumer(repo: string, dir: string, packed: PackResult, devDeps: Record<string, string>): void {
  const repoPkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; bin?: Record<string, string>; license?: string; engines?: Record<string, string> };
  const repoLock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
  const spec = `file:${path.relative(dir, packed.tarball)}`;
  const dependencies = { convspec: spec };
  const pkg = { name: 'convspec-consumer', version: '1.0.0', private: true, dependencies, devDependencies: devDeps };
  const packages: Record<string, LockEntry> = {
    '': { name: pkg.name, version: pkg.version, dependencies, devDependencies: devDeps },
    'node_modules/convspec': {
      version: repoPkg.version, resolved: spec, integrity: packed.integrity, license: repoPkg.license,
      dependencies: repoPkg.dependencies, bin: repoPkg.bin, engines: repoPkg.engines,
      ...(repoPkg.peerDependencies ? { peerDependencies: repoPkg.peerDependencies, peerDependenciesMeta: repoPkg.peerDependenciesMeta } : {}),
    },
    ...closure(repoLock, { ...repoPkg.dependencies, ...devDeps }),
  };
  for (const name of Object.keys(devDeps)) {
    if (!packages[`node_modules/${name}`]) throw new Error(`${name} is not in this repository's package-lock.json: it cannot be installed offline`);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages }, null, 2));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
