/**
 * Plan: for every catalogued ambiguity, run its probes on ONNX Runtime (onnxruntime-node, CPU) and
 * assert that ORT follows exactly the reading named 'ort' — the readings' outcomes are computed from
 * their own formulas, not from ORT or impl/resolve.ts — so an ORT upgrade that changes behaviour
 * fails here, naming the ambiguity. Also: the reference follows the reading the catalogue says; the
 * probes tell every pair of readings apart; ids follow the grammar; AMBIGUITIES.md documents every
 * id and reading; fixture cases and exclusions name only catalogued ids; and the exact output_shape
 * range ORT 1.30 accepts is pinned on a grid.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import { CASE_NAME, CLAUSE_ID } from '../../framework/caseId';
import { createOnnxRuntime, ORT_VERSION } from '../../../tools/adapters/onnxruntime';
import { allCases, EXCLUSIONS } from '../../../tools/fixtures/cases';
import { DEFAULT_FIXTURE_SEED } from '../../../tools/fixtures/generate';
import { AMBIGUITIES, ambiguityById, type ReadingOutcome } from '../catalogue';
import { classifyAmbiguity, probeInputs, type RunFn } from '../classify';

const ort = createOnnxRuntime();
afterAll(() => ort.close());
const runOrt: RunFn = (op, x, w, b, attrs) => ort.run(op, x, w, b, attrs);
const runReference: RunFn = (op, x, w, b, attrs) => (op === 'Conv' ? reference.conv! : reference.convTranspose!)(x, w, b, attrs);

describe(`ambiguities: what ONNX Runtime ${ORT_VERSION} does today`, () => {
  for (const a of AMBIGUITIES) {
    it(`${a.id}: ORT follows the 'ort' reading`, async () => {
      const c = await classifyAmbiguity(a, runOrt);
      expect(c.follows, c.summary).toEqual(['ort']);
    });
  }

  it('ambiguity.convT.outputShapeRange: ORT accepts output_shape exactly from 1 to s·i + d(k−1) (grid)', async () => {
    const mismatches: string[] = [];
    for (const s of [1, 2, 3]) for (const k of [1, 3]) for (const d of [1, 2]) for (let op = 0; op < s; op++) {
      const i = 2;
      const x = probeInputs({ name: 'grid', op: 'ConvTranspose', xDims: [1, 1, i], wDims: [1, 1, k], attrs: {} });
      const top = s * i + d * (k - 1);
      for (let out = 1; out <= top + 2; out++) {
        let accepted: boolean;
        try {
          const y = await ort.run('ConvTranspose', x.x, { dims: [1, 1, k], data: x.w.data.subarray(0, k) }, undefined, { strides: [s], dilations: [d], output_padding: [op], output_shape: [out] });
          accepted = y.dims[2] === out;
        } catch {
          accepted = false;
        }
        if (accepted !== out <= top) mismatches.push(`s=${s} k=${k} d=${d} op=${op} out=${out}: ${accepted ? 'accepted' : 'rejected'}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('ambiguities: the catalogue', () => {
  for (const a of AMBIGUITIES) {
    it(`${a.id}: the reference follows the catalogue's reading '${a.reference}'`, async () => {
      const c = await classifyAmbiguity(a, runReference);
      expect(c.follows, c.summary).toEqual([a.reference]);
    });
  }

  // Known divergence found by the probes: impl/resolve.ts accepts output_shape up to natural + s − 1
  // (natural including output_padding) while ORT 1.30 stops at s·i + d(k−1). Reported to the lead;
  // when resolve.ts follows ORT this starts passing: drop `.fails` and set the catalogue's reference to 'ort'.
  it('ambiguity.convT.outputShapeRange: the reference follows ORT', async () => {
    const c = await classifyAmbiguity(ambiguityById('ambiguity.convT.outputShapeRange')!, runReference);
    expect(c.follows).toEqual(['ort']);
  });

  it('every pair of readings is told apart by at least one probe', () => {
    const same = (p: ReadingOutcome, q: ReadingOutcome) =>
      p.kind === q.kind && (p.kind === 'error' || JSON.stringify([p.geometry.padsBegin, p.geometry.padsEnd, p.geometry.outputDims]) === JSON.stringify(q.kind === 'output' ? [q.geometry.padsBegin, q.geometry.padsEnd, q.geometry.outputDims] : null));
    for (const a of AMBIGUITIES) {
      for (const [i, r] of a.readings.entries()) {
        for (const q of a.readings.slice(i + 1)) {
          expect(a.probes.some((p) => !same(r.outcome(p), q.outcome(p))), `${a.id}: ${r.id} vs ${q.id}`).toBe(true);
        }
      }
    }
  });

  it('ids follow the grammar and are unique; the reference reading exists; probes are named like cases', () => {
    expect(new Set(AMBIGUITIES.map((a) => a.id)).size).toBe(AMBIGUITIES.length);
    for (const a of AMBIGUITIES) {
      expect(a.id).toMatch(CLAUSE_ID);
      expect(a.id.startsWith('ambiguity.')).toBe(true);
      expect(a.readings.map((r) => r.id)).toContain(a.reference);
      expect(a.readings.map((r) => r.id)).toContain('ort');
      for (const r of a.readings) expect(r.id).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
      for (const p of a.probes) expect(p.name).toMatch(CASE_NAME);
    }
  });

  it('AMBIGUITIES.md documents every ambiguity id and each of its readings', () => {
    const md = fs.readFileSync(path.join(__dirname, '..', '..', 'AMBIGUITIES.md'), 'utf8');
    for (const a of AMBIGUITIES) {
      const start = md.indexOf(`\`${a.id}\``);
      expect(start, a.id).toBeGreaterThanOrEqual(0);
      const next = md.indexOf('\n## ', start);
      const section = md.slice(start, next < 0 ? undefined : next);
      for (const r of a.readings) expect(section, `${a.id} reading ${r.id}`).toContain(`\`${r.id}\``);
    }
  });

  it('fixture cases and exclusions name only catalogued ambiguities', () => {
    const named = [...allCases(DEFAULT_FIXTURE_SEED).flatMap((c) => c.ambiguities ?? []), ...EXCLUSIONS.flatMap((e) => (e.ambiguity ? [e.ambiguity] : []))];
    for (const id of named) expect(ambiguityById(id), id).toBeDefined();
  });
});
