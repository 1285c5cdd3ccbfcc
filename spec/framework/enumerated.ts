/**
 * An enumerated clause: a Clause that also lists named cases (e.g. one per fixture). `convspec verify`
 * runs each listed case exactly once, reports it under its own case id (`clause-id/case-name`, see
 * spec/framework/caseId.ts) and lets `--clause` filters and `--shard` pick single cases. Through plain
 * runClause (vitest) the same clause still runs as a property over its arbitrary.
 */
import type { Clause } from './clause';

export interface NamedCase<T> {
  /** Case name (CASE_NAME grammar), unique within the clause. */
  name: string;
  value: T;
  /** What the case is, in words (e.g. a model's layer: op, dims, attributes); copied into its result. */
  description?: string;
}

export interface EnumeratedClause<T = unknown> extends Clause<T> {
  /** Every case of the clause, in a stable order. */
  enumerate(): Promise<NamedCase<T>[]>;
}

export function isEnumerated(c: Clause<any>): c is EnumeratedClause<any> {
  return typeof (c as Partial<EnumeratedClause>).enumerate === 'function';
}
