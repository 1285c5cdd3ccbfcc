/**
 * Which units a run verifies: the clauses and listed cases that pass the `--clause` filters, and the
 * share of them a `--shard` (or a `--jobs` job) takes, dealt round-robin so shares stay balanced.
 */
import type { Clause } from '../../spec/framework/clause';
import { caseId, compileFilter } from '../../spec/framework/caseId';
import { isEnumerated, type EnumeratedClause, type NamedCase } from '../../spec/framework/enumerated';
import { VerifyArgumentError } from './options';

export interface Selection {
  property: Clause<any>[];
  enumerated: { clause: EnumeratedClause<any>; cases: NamedCase<any>[] }[];
}

const FILTER_CHARS = /^[A-Za-z0-9._/*-]+$/;

/** This share of a selection (round-robin, stable): property clauses and listed cases are dealt separately. */
export function shareOf(selection: Selection, shard: { index: number; count: number }): Selection {
  if (shard.count === 1) return selection;
  const mine = (i: number) => i % shard.count === shard.index - 1;
  let k = 0;
  const enumerated = selection.enumerated
    .map(({ clause, cases }) => ({ clause, cases: cases.filter(() => mine(k++)) }))
    .filter((e) => e.cases.length > 0);
  return { property: selection.property.filter((_, i) => mine(i)), enumerated };
}

/** Clauses and cases that pass the filters, then this shard's share of them (round-robin, stable). */
export async function selectUnits(registry: Clause<any>[], filters: string[], shard?: { index: number; count: number }): Promise<Selection> {
  for (const f of filters) {
    if (!FILTER_CHARS.test(f)) throw new VerifyArgumentError(`--clause ${JSON.stringify(f)} is not a filter: use a clause id, a case id, or * / ** wildcards`);
  }
  const matchedBy = new Set<string>();
  const hit = (id: string) => {
    if (filters.length === 0) return true;
    let any = false;
    for (const f of filters) if (compileFilter(f)(id)) {
      matchedBy.add(f);
      any = true;
    }
    return any;
  };
  const property: Clause<any>[] = [];
  const enumerated: Selection['enumerated'] = [];
  for (const clause of registry) {
    if (isEnumerated(clause)) {
      // A filter on the clause id (or a prefix pattern) selects all its cases; a case filter, some.
      const clauseHit = hit(clause.id);
      const couldMatchCases = clauseHit || filters.some((f) => f.includes('/') || f.includes('**'));
      if (!couldMatchCases) continue;
      const cases = (await clause.enumerate()).filter((c) => clauseHit || hit(caseId(clause.id, c.name)));
      if (cases.length > 0) enumerated.push({ clause, cases });
    } else if (hit(clause.id)) {
      property.push(clause);
    }
  }
  const unmatched = filters.filter((f) => !matchedBy.has(f));
  if (unmatched.length > 0) {
    throw new VerifyArgumentError(`--clause ${unmatched.map((f) => JSON.stringify(f)).join(', ')} matches no clause or case (see spec/SPEC.md for ids)`);
  }
  // Round-robin keeps shards balanced; property clauses and listed cases are dealt separately so each
  // shard gets its share of both kinds of work.
  return shard ? shareOf({ property, enumerated }, shard) : { property, enumerated };
}

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new VerifyArgumentError(`--shard ${JSON.stringify(s)} must be i/n with 1 ≤ i ≤ n ≤ 999999, e.g. 2/4`);
  return { index, count };
}
