/**
 * Findings in words, one wording for every front end (terminal, JUnit, HTML): the trigger, what the
 * finding is consistent with ("no catalogued fault fits" when nothing does: never a guess), what it
 * explains, and its smallest counterexample in one compact line. The full counterexample is data in
 * the JSON report.
 */
import type { CounterexampleData, Finding, TensorData } from './finding';

/** Values shown per tensor in a one-line counterexample; the JSON report holds them all. */
const SHOWN_VALUES = 12;
/** Clauses and cases named per finding; the rest are counted. */
const SHOWN_IDS = 8;

function tensorText(t: TensorData): string {
  const shown = t.data.slice(0, SHOWN_VALUES).map((v) => String(v)).join(', ');
  return `[${t.dims.join('×')}] = [${shown}${t.data.length > SHOWN_VALUES ? `, … ${t.data.length} values` : ''}]`;
}

/** A counterexample in one line: op, X, W, B and the attributes. */
export function counterexampleText(c: CounterexampleData): string {
  return `${c.op} X${tensorText(c.x)} W${tensorText(c.w)} B${c.b ? tensorText(c.b) : ' none'} attrs ${JSON.stringify(c.attrs)}`;
}

export function consistentText(f: Finding): string {
  return f.consistentWith.length > 0 ? `consistent with ${f.consistentWith.join(', ')} (spec/SPEC.md, Fault models)` : 'no catalogued fault fits';
}

function idsText(ids: readonly string[]): string {
  return ids.length <= SHOWN_IDS ? ids.join(', ') : `${ids.slice(0, SHOWN_IDS).join(', ')} and ${ids.length - SHOWN_IDS} more`;
}

/** What the finding explains: its clauses and listed cases. */
export function explainsText(f: Finding): string {
  const clauses = `${f.clauses.length} clause${f.clauses.length === 1 ? '' : 's'} (${idsText(f.clauses)})`;
  return f.cases.length > 0 ? `${clauses}; ${f.cases.length} case${f.cases.length === 1 ? '' : 's'} (${idsText(f.cases)})` : clauses;
}

/** The one-line title of a finding: id and trigger. */
export function findingTitle(f: Finding): string {
  return `${f.id}: ${f.trigger}${f.expected ? ` (expected: ${f.expected.reason})` : ''}`;
}

/** A finding as plain lines (no colour), indented under its title. */
export function findingLines(f: Finding): string[] {
  return [
    findingTitle(f),
    `  ${consistentText(f)}`,
    `  explains ${explainsText(f)}`,
    ...(f.counterexample ? [`  smallest counterexample: ${counterexampleText(f.counterexample)}`] : []),
  ];
}
