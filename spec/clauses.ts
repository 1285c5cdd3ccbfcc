/**
 * The registry: every clause of spec/SPEC.md, in SPEC.md order. Sections live in spec/properties/,
 * one module each; a test checks that SPEC.md and this list name the same ids.
 */
import type { Clause } from './framework/clause';
import { dilationClauses } from './properties/dilation';
import { invertibilityClauses } from './properties/invertibility';
import { matrixClauses } from './properties/matrix';
import { numericClauses } from './properties/numeric';
import { dtypeClauses } from './properties/dtypes';
import { sizeClauses } from './properties/size';
import { structureClauses } from './properties/structure';
import { validationClauses } from './properties/validation';
import { zeroInsertionClauses } from './properties/zeroInsertion';
import { robustnessClauses } from './properties/robustness';
import { fixtureClauses } from './properties/fixtures';

export const allClauses: Clause<any>[] = [...sizeClauses, ...matrixClauses, ...invertibilityClauses, ...zeroInsertionClauses, ...dilationClauses, ...structureClauses, ...numericClauses, ...dtypeClauses, ...validationClauses, ...robustnessClauses, ...fixtureClauses];

export function clauseById(id: string): Clause<any> | undefined {
  return allClauses.find((c) => c.id === id);
}
