// Type-checked (never run) as a CommonJS TypeScript consumer with node16 resolution.
import { reference, type Implementation, type Tensor } from 'convspec';
import { verifyTarget, type VerifyReport, type VerifyTarget } from 'convspec/verify';
import { validCase, invalidCase, type CaseOptions, type OpCase, type InvalidCase } from 'convspec/arbitraries';
import { expectedWithBound, findMismatch, type Expected, type Mismatch } from 'convspec/tolerance';

const impl: Implementation = reference;
const target: VerifyTarget = { kind: 'implementation', implementation: impl };
export async function conformant(): Promise<boolean> {
  const report: VerifyReport = await verifyTarget(target, { clauses: ['conv.size.formula'], depth: 2 });
  return report.summary.conformant;
}
const options: CaseOptions = { maxRank: 2, bias: 'never', data: { mode: 'exact' } };
export const valid = validCase('Conv', options);
export const invalid = invalidCase('ConvTranspose', 'OUTPUT_PADDING_RANGE');
export function judge(c: OpCase, y: Tensor): Mismatch | undefined {
  const expected: Expected = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs);
  return findMismatch(y, expected);
}
export const code = (c: InvalidCase): string => c.code;
// @ts-expect-error: not a target kind
void verifyTarget({ kind: 'nope' });
// @ts-expect-error: not an invalid-input class
void invalidCase('Conv', 'NOT_A_CODE');
