/**
 * `supports.validation: false` (issue 24): a kernel whose caller validates declares it, and then its
 * validation clauses are not run and never passed ("not claimed"), the verdict says "numerically;
 * invalid input not checked", coverage leaves them out, and `gate --require-validation` fails it.
 * The same kernel without the declaration is not conformant (it accepts invalid input).
 */
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { reference } from '../../../impl/reference';
import type { ConvTransposeAttributes, Tensor } from '../../../impl/types';
import { verifyTarget } from '../run';
import { runGate } from '../../gate/gate';
import { formatReport } from '../../report/format';
import { plain } from '../../terminal/style';
import { REPORT_SCHEMA } from '../../report/reportSchema';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';

/** The reference's numbers, but never a refusal: invalid input gets a one-element zero tensor. */
function lenient(validation?: boolean): ImplementationWithSupports {
  const call = (f: (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes) => Tensor) => (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes): Tensor => {
    try {
      return f(x, w, b, a);
    } catch {
      return { dims: [1], data: new Float32Array(1) };
    }
  };
  return {
    name: 'lenient',
    conv: call((x, w, b, a) => reference.conv!(x, w, b, a) as Tensor),
    convTranspose: call((x, w, b, a) => reference.convTranspose!(x, w, b, a) as Tensor),
    ...(validation === undefined ? {} : { supports: { validation } }),
  };
}

const clauses = ['conv.validation.**', 'convT.validation.**', 'conv.numeric.withinBound'];
const options = { clauses, runs: 10, probeAmbiguities: false, findings: false } as const;

describe('supports.validation: false', () => {
  it('undeclared, a kernel that accepts invalid input is not conformant', async () => {
    const r = await verifyTarget({ kind: 'implementation', implementation: lenient() }, options);
    expect(r.summary.conformant).toBe(false);
    expect(r.summary.validationConformant).toBe(false);
    expect(r.summary.validationNotChecked).toBeUndefined();
  });

  it('declared: validation clauses not claimed (never passed), the verdict says invalid input was not checked, coverage leaves them out', async () => {
    const r = await verifyTarget({ kind: 'implementation', implementation: lenient(false) }, options);
    const validation = r.clauses.filter((c) => c.category === 'validation');
    expect(validation.length).toBe(2);
    for (const c of validation) {
      expect(c.status).toBe('unsupported');
      expect(c.notClaimed).toMatch(/supports\.validation false/);
      expect(c.calls ?? 0).toBe(0);
    }
    expect(r.summary.conformant).toBe(true);
    expect(r.summary.validationNotChecked).toBe(true);
    expect(r.summary.coverage.casesUnsupported).toBe(0);
    expect(formatReport(r, plain)).toMatch(/CONFORMANT numerically; invalid input not checked \(supports\.validation: false\)/);
    expect(new Ajv({ allErrors: true }).validate(REPORT_SCHEMA, JSON.parse(JSON.stringify(r)))).toBe(true);
  });

  it('gate --require-validation fails the declared target; without it the step passes and says so', async () => {
    const target = { kind: 'implementation' as const, implementation: lenient(false) };
    const gate = (requireValidation: boolean) => runGate({ targets: [target], verify: options, selfCheck: false, fixtures: false, requireValidation });
    const strict = await gate(true);
    expect(strict.steps[0].status).toBe('failed');
    expect(strict.steps[0].summary).toMatch(/--require-validation/);
    expect(strict.exitCode).toBe(1);
    const lax = await gate(false);
    expect(lax.steps[0].status).toBe('passed');
    expect(lax.steps[0].summary).toMatch(/invalid input not checked/);
    expect(lax.exitCode).toBe(0);
  });
});
