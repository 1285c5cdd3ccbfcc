/**
 * Issue 23, item 4: the validation clauses report every invalid-input class an implementation accepts,
 * each as its own listed case (stable case id), each showing the invalid input itself; a correct
 * implementation's run costs what it did (about as many calls).
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../../impl/reference';
import type { Implementation, Tensor } from '../../impl/types';
import { verifyTarget } from '../../tools/verify/run';
import { CODES_BY_OP, RANDOM_CONTROLS_PER_CODE } from '../properties/validation';

/** The reference with two checks missing: negative pads clamped to 0, a bias longer than M trimmed. */
function lenient(): Implementation {
  const fix = (w: Tensor, b: Tensor | undefined, attrs: any, m: number) => ({
    b: b && b.dims[0] > m ? { dims: [m], data: b.data.subarray(0, m) } : b,
    attrs: attrs.pads ? { ...attrs, pads: attrs.pads.map((p: number) => (p < 0 ? 0 : p)) } : attrs,
  });
  return {
    name: 'lenient',
    conv: (x, w, b, attrs) => {
      const f = fix(w, b, attrs, w.dims[0]);
      return reference.conv!(x, w, f.b, f.attrs);
    },
    convTranspose: (x, w, b, attrs) => {
      const f = fix(w, b, attrs, w.dims[1] * (attrs.group ?? 1));
      return reference.convTranspose!(x, w, f.b, f.attrs);
    },
  };
}

const quiet = { log: () => undefined, probeAmbiguities: false };

describe('validation: every accepted invalid-input class', () => {
  it('reports each accepted class as its own failing case, showing the invalid input', async () => {
    const report = await verifyTarget({ kind: 'implementation', implementation: lenient() }, { clauses: ['conv.validation.errorCodes'], ...quiet });
    const clause = report.clauses[0];
    expect(clause.status).toBe('failed');
    const failing = (clause.cases ?? []).filter((k) => k.status === 'failed');
    expect(failing.map((k) => k.id).sort()).toEqual(['conv.validation.errorCodes/bias-length', 'conv.validation.errorCodes/negative-pads']);
    const pads = failing.find((k) => k.id.endsWith('/negative-pads'))!;
    // The invalid input itself: the -1 pad it was given, not the valid control case.
    expect(pads.error).toMatch(/accepted the invalid input Conv x \[[\d,]+\], w \[[\d,]+\], b \[\d+\], attrs \{[^}]*"pads":\[-1,/);
    expect(pads.error).toMatch(/returned a result with dims \[/);
    const bias = failing.find((k) => k.id.endsWith('/bias-length'))!;
    // The fixed control case has M = 4 output channels: the broken bias holds 5.
    expect(bias.error).toMatch(/b \[5\]/);
    // Every other class is rejected: one case per Conv code, all run.
    expect(clause.cases!.length).toBe(CODES_BY_OP.Conv.length);
    expect(clause.cases!.filter((k) => k.status === 'passed').length).toBe(CODES_BY_OP.Conv.length - 2);
  });

  it('a control outside the declared support is skipped alone: the case still passes on the others', async () => {
    // 2-D only: the fixed control is 2-D, some seeded random controls are 1-D.
    const twoD = { ...reference, name: '2-D reference', supports: { ranks: [2] } };
    const report = await verifyTarget({ kind: 'implementation', implementation: twoD }, { clauses: ['conv.validation.errorCodes', 'convT.validation.errorCodes'], ...quiet });
    const cases = report.clauses.flatMap((c) => c.cases ?? []);
    expect(report.clauses.reduce((a, c) => a + c.numSkips, 0)).toBe(0);
    expect(cases.every((k) => k.status === 'passed')).toBe(true);
    // The test means something only if some random control is 1-D (its call is then skipped).
    expect(report.clauses.some((c) => (c.calls ?? 0) < 2 * 2 * (c.cases?.length ?? 0))).toBe(true);
  });

  it('the reference passes every case, and costs no more calls than the property did', async () => {
    const report = await verifyTarget({ kind: 'implementation', implementation: reference }, { clauses: ['conv.validation.errorCodes', 'convT.validation.errorCodes'], ...quiet });
    for (const c of report.clauses) expect(c.status, c.id).toBe('passed');
    // Before: 40 cases per clause (its examples among them), 2 calls each: 160 calls, measured. Now: the
    // fixed control and RANDOM_CONTROLS_PER_CODE random ones per code, 2 calls each.
    const codes = CODES_BY_OP.Conv.length + CODES_BY_OP.ConvTranspose.length;
    const calls = report.clauses.reduce((a, c) => a + (c.calls ?? 0), 0);
    expect(calls).toBe(2 * (1 + RANDOM_CONTROLS_PER_CODE) * codes);
    expect(calls).toBeLessThanOrEqual(160);
  });
});
