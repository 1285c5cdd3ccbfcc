/**
 * One case-id grammar for test names, CLI filters, reports and known-failure lists:
 *
 *   case-id   = clause-id [ "/" case-name ]
 *   clause-id = segment *( "." segment )        e.g. convT.size.formula
 *   segment   = lowercase letter *( letter / digit )
 *   case-name = 1*( lowercase letter / digit / "_" / "-" )   e.g. a fixture id
 *
 * Filters are case ids in which "*" matches any run of characters except "." and "/", and "**"
 * matches anything: `convT.*.formula`, `conv.**`, `fixtures.ort/convtranspose_*`.
 */
const SEGMENT = '[a-z][A-Za-z0-9]*';
export const CLAUSE_ID = new RegExp(`^${SEGMENT}(\\.${SEGMENT})+$`);
export const CASE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function isClauseId(s: string): boolean {
  return CLAUSE_ID.test(s);
}

export function caseId(clauseId: string, caseName?: string): string {
  return caseName === undefined ? clauseId : `${clauseId}/${caseName}`;
}

export function parseCaseId(s: string): { clauseId: string; caseName?: string } {
  const slash = s.indexOf('/');
  const clauseId = slash < 0 ? s : s.slice(0, slash);
  const caseName = slash < 0 ? undefined : s.slice(slash + 1);
  if (!isClauseId(clauseId)) throw new Error(`"${s}" is not a case id: the clause part must look like convT.size.formula`);
  if (caseName !== undefined && !CASE_NAME.test(caseName)) throw new Error(`"${s}" is not a case id: the case name may use a-z, 0-9, _ and -`);
  return { clauseId, caseName };
}

/** Compiles a filter (see the grammar above) into a predicate over case ids. */
export function compileFilter(filter: string): (id: string) => boolean {
  const re = filter
    .split('**')
    .map((part) => part.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^./]*'))
    .join('.*');
  const full = new RegExp(`^${re}$`);
  // A filter naming a clause also selects every case of that clause.
  const prefix = new RegExp(`^${re}/`);
  return (id) => full.test(id) || prefix.test(id);
}

export function matchesAny(filters: readonly string[], id: string): boolean {
  return filters.length === 0 || filters.some((f) => compileFilter(f)(id));
}
