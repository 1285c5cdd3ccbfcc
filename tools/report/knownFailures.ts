/**
 * Known failures (`--expect FILE`, issue 23 item 6) applied to a report: every failure an entry covers
 * is marked `expected` (clause, case, finding) and fails no verdict; a failure no entry covers still
 * does; an entry that covered nothing is stale (not conformant with `--strict-expect`). Also the other
 * way round: the entries that cover a report's current failures (`--write-expect`).
 *
 * What covers what:
 *   - a finding is expected when an entry names a fault id it is consistent with, its trigger, or
 *     (clause entries) every clause and case it explains; an expected finding covers its clauses and cases;
 *   - a failing case is expected when a clause entry's filter matches its case id (a filter naming the
 *     clause matches all its cases) or an expected finding lists it (or lists its clause and none of its cases);
 *   - a failing property clause is expected when a clause entry matches its id or an expected finding
 *     lists it; an enumerated clause is expected when all its failing cases are.
 */
import { compileFilter } from '../../spec/framework/caseId';
import { entryLabel, entryReason, type ExpectEntry } from './expectFile';
import type { Finding } from './finding';
import { summarise, type ExpectedMark, type VerifyReport } from './report';

export interface KnownFailures {
  entries: ExpectEntry[];
  /** The file they came from, for messages and the report. */
  file?: string;
  /** `--strict-expect`: stale entries make the run not conformant. */
  strict?: boolean;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Whether the entry applies to this report's target (no `target`: every target). */
export function appliesTo(e: ExpectEntry, target: Pick<VerifyReport['target'], 'args' | 'name'>): boolean {
  return e.target === undefined || e.target === target.args || e.target === target.name;
}

function findingMatches(e: ExpectEntry, f: Finding, clauseHit: (id: string) => boolean): boolean {
  if (e.fault !== undefined) return f.consistentWith.includes(e.fault);
  if (e.trigger !== undefined) return norm(f.trigger) === norm(e.trigger);
  const ids = [...f.clauses, ...f.cases];
  return ids.length > 0 && ids.every(clauseHit);
}

/**
 * The report with known failures marked and its summary recomputed. `minSupported` as given to the run
 * (the summary needs it again). A share that selected nothing is returned as it is.
 */
export function applyKnownFailures(report: VerifyReport, known: KnownFailures, minSupported?: number): VerifyReport {
  if (report.summary.nothingSelected) return report;
  const entries = known.entries.map((e, i) => ({ e, label: entryLabel(e, i), reason: entryReason(e), matched: [] as string[], applies: appliesTo(e, report.target) }));
  const active = entries.filter((x) => x.applies);
  const clauseEntries = active.filter((x) => x.e.clause !== undefined).map((x) => ({ ...x, hit: compileFilter(x.e.clause!) }));
  const mark = (x: { label: string; reason: string }): ExpectedMark => ({ reason: x.reason, entry: x.label });
  const note = (x: { matched: string[] }, id: string) => {
    if (!x.matched.includes(id)) x.matched.push(id);
  };

  // Findings first: an expected finding covers the clauses and cases it explains.
  const findings = report.findings?.map((f) => ({ ...f, clauses: [...f.clauses], cases: [...f.cases], consistentWith: [...f.consistentWith] }));
  const byFinding = new Map<string, { mark: ExpectedMark; finding: Finding }>();
  for (const f of findings ?? []) {
    const x = active.find((a) => findingMatches(a.e, f, (id) => clauseEntries.some((c) => c.e === a.e && c.hit(id))));
    if (!x) continue;
    f.expected = { reason: x.reason };
    note(x, f.id);
    for (const id of [...f.clauses, ...f.cases]) byFinding.set(id, { mark: mark(x), finding: f });
  }
  const coveringFinding = (clauseId: string, caseId?: string, caseIdsOfClause: string[] = []) => {
    if (caseId !== undefined) {
      const direct = byFinding.get(caseId);
      if (direct) return direct.mark;
      const viaClause = byFinding.get(clauseId);
      return viaClause && !viaClause.finding.cases.some((k) => caseIdsOfClause.includes(k)) ? viaClause.mark : undefined;
    }
    return byFinding.get(clauseId)?.mark;
  };
  const byClauseEntry = (id: string) => {
    const x = clauseEntries.find((c) => c.hit(id));
    if (!x) return undefined;
    note(x, id);
    return mark(x);
  };

  let expectedFailures = 0;
  const clauses = report.clauses.map((c) => {
    if (c.status !== 'failed') return c;
    if (c.cases) {
      const ids = c.cases.map((k) => k.id);
      const cases = c.cases.map((k) => {
        if (k.status !== 'failed') return k;
        const m = byClauseEntry(k.id) ?? coveringFinding(c.id, k.id, ids);
        if (!m) return k;
        expectedFailures++;
        return { ...k, expected: m };
      });
      const failing = cases.filter((k) => k.status === 'failed');
      // A clause failed without a failing case (it could not run): only an entry naming it covers it.
      const all = failing.length > 0 ? failing.every((k) => k.expected) : false;
      const m = all ? failing[0].expected : failing.length === 0 ? byClauseEntry(c.id) : undefined;
      return { ...c, cases, ...(m ? { expected: m } : {}) };
    }
    const m = byClauseEntry(c.id) ?? coveringFinding(c.id);
    if (!m) return c;
    expectedFailures++;
    return { ...c, expected: m };
  });

  const stale = active.filter((x) => x.matched.length === 0).map((x) => x.label);
  const strict = known.strict === true;
  const summary = summarise(clauses, { minSupported, abandoned: report.summary.abandoned });
  summary.expectedFailures = expectedFailures;
  summary.staleExpectations = stale.length;
  if (strict && stale.length > 0 && summary.conformant) {
    summary.conformant = false;
    summary.notConformantBecause = `${stale.length} --expect entr${stale.length === 1 ? 'y' : 'ies'} covered no failure (stale: ${stale.join(', ')}), and --strict-expect is given: remove ${stale.length === 1 ? 'it' : 'them'} from ${known.file ?? 'the file'}`;
  }
  return {
    ...report,
    clauses,
    ...(findings ? { findings } : {}),
    knownFailures: {
      ...(known.file !== undefined ? { file: known.file } : {}),
      strict,
      entries: active.map((x) => ({ label: x.label, reason: x.reason, matched: x.matched })),
      stale,
    },
    summary,
  };
}

/**
 * Entries that cover the report's current failures (`--write-expect`): one per failing property clause
 * and one per failing case — exactly today's failures. A finding's fault id or trigger goes into the
 * reason, not into the entry: an entry by fault id would also cover a new bug of the same kind in
 * another clause or op (a bias bug added to Conv where ConvTranspose's was known), which must turn the
 * gate red. Hand-written files may still name faults and triggers. `target` is written into each
 * entry when given (a gate verifying several targets). The reason is a placeholder to complete.
 */
export function entriesFor(report: VerifyReport, target?: string): ExpectEntry[] {
  const origin = `written by --write-expect from ${report.target.args || report.target.name}, ${report.startedAt.slice(0, 10)}`;
  const findingOf = (id: string) => report.findings?.find((f) => f.clauses.includes(id) || f.cases.includes(id));
  const out: ExpectEntry[] = [];
  const push = (id: string, clauseId: string) => {
    const f = findingOf(id) ?? findingOf(clauseId);
    const what = f ? `finding ${f.id}: ${f.consistentWith.length > 0 ? `consistent with ${f.consistentWith.join(', ')}; ` : ''}trigger ${f.trigger}` : 'no finding';
    const full: ExpectEntry = { clause: id, reason: `TODO: say why this failure is expected (${what}; ${origin})`, ...(target !== undefined ? { target } : {}) };
    if (!out.some((o) => JSON.stringify(o) === JSON.stringify(full))) out.push(full);
  };
  for (const c of report.clauses) {
    if (c.status !== 'failed') continue;
    const failing = (c.cases ?? []).filter((k) => k.status === 'failed');
    if (c.cases && failing.length > 0) for (const k of failing) push(k.id, c.id);
    else push(c.id, c.id);
  }
  return out;
}
