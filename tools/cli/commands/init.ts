/**
 * `convspec init [js|ts|python|cmd] [DIR]`: writes a minimal working adapter a user starts from — the
 * adapter (validation through convspec's own resolve: `prepare` in JavaScript, the shipped
 * geometry.py in Python), a vitest file where it applies, and a CI job — from the package's
 * skeletons/ folder. Every skeleton is verified CONFORMANT from the installed tarball
 * (api/test/installedSkeletons.test.ts). It never replaces a file: when any file it would write
 * exists, it writes nothing and exits 2 naming it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../terminal/usage';
import { terminalSafe } from '../../terminal/terminalText';
import { shellQuote } from '../../terminal/shellQuote';

export const SKELETON_KINDS = ['js', 'ts', 'python', 'cmd'] as const;
export type SkeletonKind = (typeof SKELETON_KINDS)[number];

/** A file to write: where it comes from (relative to the package root) and its name in DIR. */
interface SkeletonFile {
  from: string;
  to: string;
}

const CI = { from: 'skeletons/ci/convspec-ci.yml', to: 'convspec-ci.yml' };

/** The files of each kind, and the target that `verify` and the CI job are given (relative to DIR). */
const SKELETONS: Record<SkeletonKind, { files: SkeletonFile[]; target: (dir: string) => string }> = {
  js: {
    files: [{ from: 'skeletons/js/conv-adapter.mjs', to: 'conv-adapter.mjs' }, { from: 'skeletons/js/conformance.test.mjs', to: 'conformance.test.mjs' }, CI],
    target: (dir) => shellQuote(`./${path.posix.join(dir, 'conv-adapter.mjs')}`),
  },
  ts: {
    files: [{ from: 'skeletons/ts/conv-adapter.ts', to: 'conv-adapter.ts' }, { from: 'skeletons/ts/conformance.test.ts', to: 'conformance.test.ts' }, CI],
    target: (dir) => shellQuote(`./${path.posix.join(dir, 'conv-adapter.ts')}`),
  },
  python: {
    files: [
      { from: 'skeletons/python/conv_adapter.py', to: 'conv_adapter.py' },
      { from: 'tools/adapters/python/protocol.py', to: 'convspec_protocol.py' },
      { from: 'tools/adapters/python/geometry.py', to: 'convspec_geometry.py' },
      CI,
    ],
    target: (dir) => `--cmd ${shellQuote(`python3 ${shellQuote(path.posix.join(dir, 'conv_adapter.py'))}`)}`,
  },
  cmd: {
    files: [{ from: 'skeletons/js/conv-adapter.mjs', to: 'conv-adapter.mjs' }, { from: 'skeletons/cmd/conv-adapter-cmd.mjs', to: 'conv-adapter-cmd.mjs' }, CI],
    target: (dir) => `--cmd ${shellQuote(`node ${shellQuote(path.posix.join(dir, 'conv-adapter-cmd.mjs'))}`)}`,
  },
};

/** The package root: three levels up from dist/tools/cli/commands, three from the TypeScript source. */
function packageRoot(): string {
  for (const rel of ['../../../..', '../../..']) {
    const root = path.resolve(__dirname, rel);
    if (fs.existsSync(path.join(root, 'skeletons')) && fs.existsSync(path.join(root, 'package.json'))) return root;
  }
  throw new Error('convspec init: the skeletons/ folder is missing from this installation of convspec');
}

/** Writes the skeleton of `kind` into `dir` (created if missing); returns the files written. Throws UsageError on a clash. */
export function writeSkeleton(kind: string, dir: string, root = packageRoot()): { files: string[]; verify: string } {
  if (!(SKELETON_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`init: unknown kind ${JSON.stringify(kind)}; choose one of ${SKELETON_KINDS.join(', ')}`);
  }
  const skeleton = SKELETONS[kind as SkeletonKind];
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`init: ${dir} exists and is not a folder`);
  const clashes = skeleton.files.map((f) => path.join(dir, f.to)).filter((f) => fs.existsSync(f) || isLink(f));
  if (clashes.length > 0) {
    throw new UsageError(`init: ${clashes.join(', ')} already ${clashes.length === 1 ? 'exists' : 'exist'}; convspec init never replaces a file: choose another folder or move ${clashes.length === 1 ? 'it' : 'them'}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const rel = path.relative(process.cwd(), dir).split(path.sep).join('/') || '.';
  const target = skeleton.target(rel);
  const written: string[] = [];
  for (const f of skeleton.files) {
    let text = fs.readFileSync(path.join(root, f.from), 'utf8');
    if (f === CI) text = text.replace('__TARGET__', target);
    const to = path.join(dir, f.to);
    fs.writeFileSync(to, text, { flag: 'wx', mode: f.to.endsWith('.py') ? 0o755 : 0o644 }); // wx: fails rather than replace a file made meanwhile
    written.push(to);
  }
  return { files: written, verify: `npx convspec verify ${target}` };
}

function isLink(f: string): boolean {
  try {
    return fs.lstatSync(f).isSymbolicLink();
  } catch {
    return false;
  }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a minimal working adapter to start from: js, ts, python (--cmd) or cmd (a --cmd program in Node); never replaces a file')
    .argument('[kind]', `one of ${SKELETON_KINDS.join(', ')}`, 'js')
    .argument('[dir]', 'the folder to write into (created if missing)', '.')
    .action((kind: string, dir: string) => {
      const { files, verify } = writeSkeleton(kind, dir);
      const lines = [
        `wrote ${files.map((f) => terminalSafe(path.relative(process.cwd(), f) || f)).join(', ')}`,
        '',
        `  ${verify}        # every clause of the spec; replace the compute functions by your kernel`,
        ...(kind === 'js' || kind === 'ts' ? [`  npx vitest run ${terminalSafe(path.relative(process.cwd(), files[1]))}   # the same inside your vitest run (install vitest)`] : []),
        ...(kind === 'python' ? ['  (needs Python 3.8+ and numpy)'] : []),
        `  move ${terminalSafe(path.relative(process.cwd(), files[files.length - 1]))} to .github/workflows/convspec.yml for a CI job`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
