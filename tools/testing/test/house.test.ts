/**
 * Plan: the house keeps its shape. Every source file (tests and test data aside) belongs to a room,
 * rooms are ordered from the ground up, and an import may only go to the importer's own room or to a
 * room below it; no file imports itself back through a circle, even by a type. docs/DEVELOPING.md's
 * "The map: rooms, lowest first" draws the same order. A new room, or an import that goes up, fails here with
 * the file and the import named, so the map is changed on purpose or the import is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

/** The rooms, lowest first. A file belongs to the first room whose pattern matches its path. */
const ROOMS: [room: string, pattern: RegExp][] = [
  ['impl', /^impl\//],
  ['spec/core', /^spec\/(framework|arbitraries)\/|^spec\/(tolerance|dtypeTolerance)\.ts$/],
  ['spec/faults', /^spec\/faults\//],
  ['tools/io', /^tools\/io\//],
  ['tools/terminal', /^tools\/terminal\//],
  ['tools/onnx', /^tools\/onnx\//],
  ['tools/adapters', /^tools\/adapters\//],
  ['tools/fixtures', /^tools\/fixtures\//],
  ['tools/layers', /^tools\/layers\//],
  ['spec/clauses', /^spec\/(properties|ambiguities)\/|^spec\/clauses\.ts$/],
  ['tools/hosts', /^tools\/hosts\//],
  ['tools/report', /^tools\/report\//],
  ['tools/browser', /^tools\/browser\//],
  ['tools/targets', /^tools\/targets\//],
  ['tools/verify', /^tools\/verify\//],
  ['tools/judge', /^tools\/judge\//],
  ['tools/gate', /^tools\/gate\//],
  ['tools/shape', /^tools\/shape\//],
  ['tools/explain', /^tools\/explain\//],
  ['tools/coverage', /^tools\/coverage\//],
  ['api', /^api\//],
  ['tools/cli', /^tools\/cli\//],
  ['bin', /^bin\//],
  // Development only, not in the package: the fault catalogue and its kill table, the tables and
  // screenshots of the docs, the benchmark, the build step, the test reporter.
  ['tools/faults', /^tools\/faults\//],
  ['tools/conformance', /^tools\/conformance\//],
  ['tools/bench', /^tools\/bench\//],
  ['tools/build', /^tools\/build\//],
  ['tools/testing', /^tools\/testing\//],
];

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const isTest = (f: string) => /(^|\/)test\//.test(f) || /\.test\.m?ts$/.test(f);

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'wasm' && e.name !== 'python') walk(rel);
      } else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts') && !isTest(rel)) out.push(rel);
    }
  };
  for (const top of ['impl', 'spec', 'tools', 'api', 'bin']) walk(top);
  return out;
}

/** The repository file a relative specifier names (through dist/ to its source), or undefined. */
function resolveImport(from: string, specifier: string, files: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  let base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  if (base.startsWith('dist/')) base = base.slice('dist/'.length).replace(/^browser\//, '');
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  for (const c of [base, `${base}.ts`, `${stem}.ts`, `${stem}.mts`, `${base}/index.ts`]) if (files.has(c)) return c;
  return undefined;
}

function importGraph(): Map<string, string[]> {
  const files = sourceFiles();
  const set = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(root, f), 'utf8'), true, true);
    const targets = info.importedFiles.map((i) => resolveImport(f, i.fileName, set)).filter((t): t is string => t !== undefined && t !== f);
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

const roomOf = (f: string) => ROOMS.findIndex(([, p]) => p.test(f));

describe('the house: rooms and the way imports flow', () => {
  const graph = importGraph();

  it('every source file is in a room', () => {
    expect([...graph.keys()].filter((f) => roomOf(f) < 0)).toEqual([]);
  });

  it('no import goes up to a higher room', () => {
    const upward: string[] = [];
    for (const [f, targets] of graph) for (const t of targets) {
      if (roomOf(t) > roomOf(f)) upward.push(`${f} (${ROOMS[roomOf(f)][0]}) imports ${t} (${ROOMS[roomOf(t)][0]})`);
    }
    expect(upward).toEqual([]);
  });

  it('no circle of imports, not even through types', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...trail.slice(trail.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('no room of tools/ holds more than a fifth of the tools\' lines', () => {
    const lines = new Map<string, number>();
    let total = 0;
    for (const f of graph.keys()) {
      // Code generated from a schema (flatc's TFLite classes, 11k lines) is no one's writing: not counted.
      if (!f.startsWith('tools/') || f.endsWith('.generated.ts')) continue;
      const n = fs.readFileSync(path.join(root, f), 'utf8').split('\n').length;
      total += n;
      const room = ROOMS[roomOf(f)][0];
      lines.set(room, (lines.get(room) ?? 0) + n);
    }
    const crowded = [...lines].filter(([, n]) => n > total / 5).map(([room, n]) => `${room}: ${n} of ${total} lines`);
    expect(crowded).toEqual([]);
  });
});
