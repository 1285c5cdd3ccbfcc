/**
 * Section "Fixtures" of SPEC.md: on every ONNX Runtime fixture case (fixtures/manifest.json, read
 * strictly by tools/fixtures/read.ts) the implementation's output is within the tolerance bound of the
 * float64 reference. The fixtures supply curated inputs — the ONNX backend tests re-created with
 * non-symmetric data, the cases those tests miss, a seeded sweep — and their recorded ORT outputs are
 * provenance, not the oracle: ORT's own float32 error would otherwise be charged to the subject.
 *
 * `convspec verify` runs every case once under its own case id, `fixtures.ort/<case-id>`; through
 * plain runClause the clause samples cases at random.
 */
import fc from 'fast-check';
import { defineClause, type ClauseContext } from '../framework/clause';
import { assertWithinBound } from '../framework/compare';
import { expectedWithBound } from '../tolerance';
import { loadManifest, readCase, type FixtureData } from '../../tools/fixtures/read';
import type { Tensor } from '../../impl/types';
import { defaultFixturesDir } from '../../tools/fixtures/paths';
import type { ManifestCase } from '../../tools/fixtures/manifest';
import type { EnumeratedClause, NamedCase } from '../framework/enumerated';

/** A fixture case to run: the folder it lives in and its manifest entry. */
export interface FixtureRef {
  dir: string;
  entry: ManifestCase;
}

// Read (and sha256-checked) once per process: the mutants table verifies dozens of subjects in a row.
const readCache = new Map<string, FixtureData>();

const copyTensor = (t: Tensor): Tensor => ({ dims: [...t.dims], data: Float32Array.from(t.data) });

/** Runs one fixture case on the subject and judges it against the reference (float64) with the bound. */
export async function checkFixture(ref: FixtureRef, ctx: ClauseContext): Promise<void> {
  const key = `${ref.dir}\0${ref.entry.id}`;
  let cached = readCache.get(key);
  if (!cached) {
    cached = readCase(ref.dir, ref.entry);
    readCache.set(key, cached);
  }
  // Fresh copies per call, so a subject that writes into its inputs cannot spoil the cache.
  const f = { ...cached, x: copyTensor(cached.x), w: copyTensor(cached.w), b: cached.b && copyTensor(cached.b) };
  const expected = expectedWithBound(f.op, f.x, f.w, f.b, f.attrs, ctx.profile);
  const actual = await ctx.call(f.op, f.x, f.w, f.b, f.attrs);
  assertWithinBound(actual, expected, `fixture ${f.id}`);
}

/** The fixtures clause over the fixtures folder `dir` (default: the bundled fixtures/). */
export function fixturesClause(dir?: string): EnumeratedClause<FixtureRef> {
  let cached: FixtureRef[] | undefined;
  const refs = (): FixtureRef[] => {
    if (!cached) {
      const root = dir ?? defaultFixturesDir();
      cached = loadManifest(root).cases.map((entry) => ({ dir: root, entry }));
    }
    return cached;
  };
  const clause = defineClause<FixtureRef>({
    id: 'fixtures.ort',
    title: 'on every ONNX Runtime fixture case the output is within the bound of the float64 reference',
    category: 'numeric',
    ops: [],
    // Loaded on first draw, so importing the registry never touches the disk.
    arbitrary: fc.nat().map((i) => {
      const all = refs();
      if (all.length === 0) throw new Error('the fixtures manifest lists no cases');
      return all[i % all.length];
    }),
    runs: 30,
    check: checkFixture,
  });
  return {
    ...clause,
    async enumerate(): Promise<NamedCase<FixtureRef>[]> {
      return refs().map((r) => ({ name: r.entry.id, value: r }));
    },
  };
}

export const fixturesOrt = fixturesClause();

/** The section's clauses, in SPEC.md order. */
export const fixtureClauses = [fixturesOrt];
