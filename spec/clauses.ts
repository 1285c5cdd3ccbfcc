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
import { layerClauses } from './properties/layers';
import { MODEL_LAYERS_ID } from './properties/modelLayers';

export const allClauses: Clause<any>[] = [...sizeClauses, ...matrixClauses, ...invertibilityClauses, ...zeroInsertionClauses, ...dilationClauses, ...structureClauses, ...numericClauses, ...dtypeClauses, ...validationClauses, ...robustnessClauses, ...fixtureClauses, ...layerClauses];

/**
 * Clauses of spec/SPEC.md that exist only for a given input and so are not in allClauses (run on
 * request): model.layers, the layers of the user's model (`verify --layers-from`).
 */
export const onDemandClauseIds: string[] = [MODEL_LAYERS_ID];

export function clauseById(id: string): Clause<any> | undefined {
  return allClauses.find((c) => c.id === id);
}
