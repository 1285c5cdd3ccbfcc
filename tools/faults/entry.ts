/**
 * One entry of the fault catalogue: a named implementation that must be rejected (a mutant with one
 * defect) or accepted (a correct variant). Below catalogue.ts and dtypes.ts, which both build entries.
 */
import type { ImplementationWithSupports } from '../../spec/framework/subject';

/** A named implementation and the verdict the suite must reach on it. */
export interface CatalogueEntry {
  /** Kebab-case name of the bug (or of the good variant). */
  id: string;
  /** What is wrong, in one line (or why the variant is correct). */
  bug: string;
  /** 'reject': a mutant; 'accept': a correct variant that must pass. */
  verdict: 'reject' | 'accept';
  impl: ImplementationWithSupports;
  /** The fault model (spec/faults/models.ts) this mutant is built from: its finding must be consistent with it. */
  fault?: string;
  /** A multi-bug mutant's fault models, one per independent bug: it must get one finding per bug. */
  faults?: string[];
}
