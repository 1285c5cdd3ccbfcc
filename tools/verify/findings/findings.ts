/**
 * From failures to findings (issue 23): each failure's culprit call is isolated to its triggering
 * features and fingerprinted against the fault models; failures with the same fingerprint or the
 * same trigger are one finding. Then separation: the failed clauses are drawn again with every
 * known trigger avoided, so a second or third independent fault shows as a finding of its own, within
 * an extra budget (a share of the cases the run judged). Runs only when something failed: a passing run
 * pays nothing.
 */
import type { ScaleLimits } from '../../../spec/arbitraries/scale';
import type { Tensor } from '../../../impl/types';
import type { Clause } from '../../../spec/framework/clause';
import { caseId } from '../../../spec/framework/caseId';
import { pre } from '../../../spec/framework/skip';
import type { Subject } from '../../../spec/framework/subject';
import { runClause } from '../../../spec/framework/runClause';
import { modelsFitting, modelsRefusing, type ModelCase } from '../../../spec/faults/consistent';
import { counterexampleData, type Finding } from '../../report/finding';
import type { ClauseResult } from '../../report/report';
import type { Selection } from '../selection';
import type { ManifestCase } from '../../fixtures/manifest';
import { caseCulprit, judgeCall, propertyCulprit, type Culprit } from './culprit';
import { FEATURES, featuresOf, triggerWords } from './features';

/** Share of the run's own time the separation search may add. */
export const SEPARATION_SHARE = 0.3;
/** Skipped (avoided) cases per case run a clause may draw in the separation search before it gives up. */
const SEPARATION_SKIPS = 3;
/** Fewest cases a clause is drawn with in the separation search. */
const MIN_RUNS = 10;
/** Rounds of separation at most (each can add findings; the search ends at the first that adds none). */
const MAX_ROUNDS = 4;
/** Fresh data draws on which a fitting fault model must reproduce the implementation too. */
const FRESH_DRAWS = 2;
/** Listed (enumerated) failing cases analysed one by one; the rest join the finding their features fit. */
const MAX_CASES_ANALYSED = 8;
/** Listed failing cases replayed per clause to find their culprit call; the rest join by their manifest's features, or are listed as not attributed. */
const MAX_CASES_REPLAYED = 16;

export interface FindingsInput {
  subject: Subject;
  results: ClauseResult[];
  selection: Selection;
  seed: number;
  runs?: number;
  depth?: number;
  /** The run's scale-tier limits: replays and separation draws must draw what the run drew. */
  scale?: ScaleLimits;
}

interface Draft {
  /** Grouping key for failures without a case of their own (no culprit, invalid input accepted). */
  key?: string;
  trigger: string[];
  words: string;
  consistentWith: string[];
  clauses: Set<string>;
  cases: Set<string>;
  culprit?: Culprit;
}

const size = (c: ModelCase) => c.x.data.length + c.w.data.length + (c.b?.data.length ?? 0);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v) => b.includes(v));

/** Whether two analysed failures have one cause: a common fault model, or one case holds the other's whole trigger. */
function sameFault(a: Draft, b: Draft): boolean {
  if (a.consistentWith.some((id) => b.consistentWith.includes(id))) return true;
  if (a.consistentWith.length > 0 && b.consistentWith.length > 0) return false;
  if (sameSet(a.trigger, b.trigger)) return true;
  const holds = (d: Draft, trigger: string[]) => {
    if (!d.culprit || trigger.length === 0) return false;
    const has = featuresOf(d.culprit.case);
    return trigger.every((k) => has.has(k));
  };
  return holds(b, a.trigger) || holds(a, b.trigger);
}

/** The features whose neutralisation makes the culprit pass (in FEATURES order). */
async function isolate(culprit: Culprit, subject: Subject): Promise<string[]> {
  const present = featuresOf(culprit.case);
  const trigger: string[] = [];
  for (const f of FEATURES) {
    if (!present.has(f.key)) continue;
    let n: ModelCase;
    try {
      n = f.neutralise(culprit.case);
    } catch {
      continue;
    }
    // Passing without the feature, on the case's data and on fresh draws (shrunk data is mostly zeros,
    // so one pass can be luck): the feature is needed. A neutralised case the reference refuses says nothing.
    let passes = await agrees(n, subject);
    for (let k = 1; passes && k <= FRESH_DRAWS; k++) passes = await agrees(fresh(n, k), subject);
    if (passes) trigger.push(f.key);
  }
  return trigger;
}

/** Whether the implementation agrees with the reference on c (an error where the reference refuses c too counts as agreeing). */
async function agrees(c: ModelCase, subject: Subject): Promise<boolean> {
  let outcome: { actual?: Tensor; error?: unknown };
  try {
    outcome = { actual: await subject.run(c.op, c.x, c.w, c.b, c.attrs) };
  } catch (error) {
    outcome = { error };
  }
  return !judgeCall(c, outcome, subject);
}

/** The case with fresh small-integer data (draw k), same shapes and attributes. */
function fresh(c: ModelCase, k: number): ModelCase {
  return { ...c, x: redraw(c.x, 7 * k), w: redraw(c.w, 7 * k + 1), b: c.b ? redraw(c.b, 7 * k + 2) : undefined };
}

/**
 * A listed case's op, shapes and attributes without its data, where its value says them (a fixture's
 * manifest entry): tensors with the right dims and no values (a bias counts as present). Only for
 * features (featuresOf reads dims and attributes), never run.
 */
function shapesOnly(value: unknown): ModelCase | undefined {
  const entry = (value as { entry?: Partial<ManifestCase> } | null)?.entry;
  if (!entry || (entry.op !== 'Conv' && entry.op !== 'ConvTranspose') || !entry.shapes || !entry.attributes) return undefined;
  const empty = (dims: number[]): Tensor => ({ dims: [...dims], data: new Float32Array(0) });
  return { op: entry.op, x: empty(entry.shapes.x), w: empty(entry.shapes.w), b: entry.shapes.b ? { dims: [...entry.shapes.b], data: Float32Array.of(1) } : undefined, attrs: entry.attributes };
}

/** A deterministic small-integer redraw of a tensor's data (same dims). */
function redraw(t: Tensor, seed: number): Tensor {
  let s = seed >>> 0 || 1;
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s >>> 24) % 7 - 3;
  }
  return { dims: [...t.dims], data };
}

/** The fault models that reproduce the culprit and the implementation on fresh data with the same shapes and attributes. */
async function fingerprint(culprit: Culprit, subject: Subject): Promise<string[]> {
  if (culprit.kind === 'error') return modelsRefusing(culprit.case);
  if (culprit.kind !== 'mismatch' || !culprit.actual) return [];
  let fits = modelsFitting(culprit.case, culprit.actual);
  for (let k = 1; k <= FRESH_DRAWS && fits.length > 0; k++) {
    const redrawn = fresh(culprit.case, k);
    let actual: Tensor;
    try {
      actual = await subject.run(redrawn.op, redrawn.x, redrawn.w, redrawn.b, redrawn.attrs);
    } catch {
      return [];
    }
    // On data where the implementation happens to agree with the reference there is nothing to match.
    if (!judgeCall(redrawn, { actual }, subject)) continue;
    const again = modelsFitting(redrawn, actual);
    fits = fits.filter((id) => again.includes(id));
  }
  return fits;
}

class FindingsBuilder {
  readonly drafts: Draft[] = [];
  constructor(private readonly subject: Subject) {}

  /** Adds a failure of clause `clauseId` (case `caseName` of an enumerated clause); returns whether it made a new finding. */
  async add(clauseId: string, title: string, culprit: Culprit | undefined, caseName?: string): Promise<boolean> {
    // A case that holds a known finding's whole trigger is that finding again: no analysis needed.
    if (caseName === undefined ? this.joinByFeatures(clauseId, undefined, culprit) : false) return false;
    const draft = await this.draftFor(clauseId, title, culprit);
    const same = this.drafts.find((d) => (draft.key !== undefined ? d.key === draft.key : d.key === undefined && sameFault(d, draft)));
    const into = same ?? draft;
    into.clauses.add(clauseId);
    if (caseName !== undefined) into.cases.add(caseId(clauseId, caseName));
    if (same && draft.culprit && (!same.culprit || size(draft.culprit.case) < size(same.culprit.case))) same.culprit = draft.culprit;
    if (!same) this.drafts.push(draft);
    return !same;
  }

  /** A listed case whose features hold some finding's whole trigger joins it without a full analysis. */
  joinByFeatures(clauseId: string, caseName: string | undefined, culprit: Culprit | undefined): boolean {
    if (!culprit || culprit.kind !== 'mismatch') return false;
    const has = featuresOf(culprit.case);
    const d = this.drafts.find((f) => f.key === undefined && f.trigger.length > 0 && f.trigger.every((k) => has.has(k)));
    if (!d) return false;
    d.clauses.add(clauseId);
    if (caseName !== undefined) d.cases.add(caseId(clauseId, caseName));
    return true;
  }

  private async draftFor(clauseId: string, title: string, culprit: Culprit | undefined): Promise<Draft> {
    const base = { consistentWith: [] as string[], clauses: new Set<string>(), cases: new Set<string>() };
    if (!culprit) {
      return { ...base, key: `clause:${clauseId}`, trigger: [], words: `${title} (no single call disagrees with the reference: the clause relates several calls or the inputs)` };
    }
    if (culprit.kind === 'accepted') {
      const reason = (culprit.message ?? '').split('\n')[0];
      return { ...base, key: `accepted:${reason}`, trigger: [], words: `invalid input accepted: ${reason}`, culprit };
    }
    const trigger = await isolate(culprit, this.subject);
    const consistentWith = await fingerprint(culprit, this.subject);
    const words = (culprit.kind === 'error' ? `an error on a valid ${culprit.case.op} case with ` : '') + triggerWords(trigger);
    return { ...base, trigger, words, consistentWith, culprit };
  }

  /** A listed failing case past MAX_CASES_ANALYSED that no trigger covers: listed, not analysed. */
  unanalysed(clauseId: string, caseName: string): void {
    const key = `unanalysed:${clauseId}`;
    let d = this.drafts.find((f) => f.key === key);
    if (!d) {
      d = { key, trigger: [], words: `failing cases of ${clauseId} not attributed to a fault: convspec replays ${MAX_CASES_REPLAYED} failing cases per clause and analyses ${MAX_CASES_ANALYSED} that no finding covers; replay these with --clause`, consistentWith: [], clauses: new Set(), cases: new Set() };
      this.drafts.push(d);
    }
    d.clauses.add(clauseId);
    d.cases.add(caseId(clauseId, caseName));
  }

  /** Whether a call has every feature of some finding's trigger (so it would show that finding again). */
  explained(c: ModelCase): boolean {
    const has = featuresOf(c);
    return this.drafts.some((d) => d.key === undefined && d.trigger.length > 0 && d.trigger.every((k) => has.has(k)));
  }

  findings(): Finding[] {
    return this.drafts.map((d, i) => ({
      id: `F${i + 1}`,
      clauses: [...d.clauses].sort(),
      cases: [...d.cases].sort(),
      trigger: d.words,
      ...(d.culprit ? { counterexample: counterexampleData(d.culprit.case) } : {}),
      consistentWith: d.consistentWith,
    }));
  }
}

/** The subject with every case that would show a known finding again skipped (convspec's own precondition). */
function avoiding(subject: Subject, builder: FindingsBuilder): Subject {
  return {
    name: subject.name,
    supports: subject.supports,
    run(op, x, w, b, attrs) {
      pre(!builder.explained({ op, x, w, b, attrs }));
      return subject.run(op, x, w, b, attrs);
    },
  };
}

/** Clauses worth drawing again with triggers avoided: numeric and shape clauses that call the implementation. */
const separable = (c: Clause<any>) => c.category === 'numeric' || c.category === 'shape';

/** The findings of a run whose `results` include failures ([] when nothing failed). */
export async function buildFindings(input: FindingsInput): Promise<Finding[]> {
  const failed = input.results.filter((r) => r.status === 'failed');
  if (failed.length === 0) return [];
  const { subject, seed } = input;
  const runs = { runs: input.runs, depth: input.depth, scale: input.scale };
  const builder = new FindingsBuilder(subject);
  const byId = new Map(input.selection.property.map((c) => [c.id, c]));
  const listed = new Map(input.selection.enumerated.map((e) => [e.clause.id, e]));

  for (const r of failed) {
    const clause = byId.get(r.id);
    if (clause) {
      const culprit = r.path !== undefined ? await propertyCulprit(clause, subject, r.seed, r.path, runs) : undefined;
      await builder.add(r.id, r.title, culprit);
      continue;
    }
    const e = listed.get(r.id);
    if (!e || !r.cases) {
      await builder.add(r.id, r.title, undefined);
      continue;
    }
    let analysed = 0;
    let replayed = 0;
    for (const k of r.cases.filter((c) => c.status === 'failed')) {
      const name = k.id.slice(r.id.length + 1);
      // Listed cases can be large (fixtures): a bounded number are replayed, the rest are listed as not attributed.
      const named = e.cases.find((c) => c.name === name);
      if (replayed++ >= MAX_CASES_REPLAYED) {
        // Past the replays, a fixture's manifest still gives its shapes and attributes: enough for its features.
        const shaped = named ? shapesOnly(named.value) : undefined;
        if (!builder.joinByFeatures(r.id, name, shaped && { case: shaped, kind: 'mismatch' })) builder.unanalysed(r.id, name);
        continue;
      }
      const culprit = named ? await caseCulprit(e.clause, named.value, subject) : undefined;
      if (builder.joinByFeatures(r.id, name, culprit)) continue;
      if (analysed++ >= MAX_CASES_ANALYSED) builder.unanalysed(r.id, name);
      else await builder.add(r.id, r.title, culprit, name);
    }
  }

  // Separation: the failed clauses again, known triggers avoided, until a round adds nothing. The
  // budget is in cases (a share of those the run judged), so the report is the same on any machine.
  // A small run (a few clauses selected) still gets a few cases per failed clause.
  const again = failed.map((r) => byId.get(r.id)).filter((c): c is Clause<any> => !!c && separable(c));
  let left = Math.max(2 * MIN_RUNS * again.length, Math.floor(SEPARATION_SHARE * input.results.reduce((n, r) => n + (r.numRuns ?? 0), 0)));
  const shy = avoiding(subject, builder);
  for (let round = 1; round <= MAX_ROUNDS && again.length > 0 && left >= MIN_RUNS; round++) {
    let added = false;
    for (let i = 0; i < again.length && left >= MIN_RUNS; i++) {
      const clause = again[i];
      const full = Math.max(1, Math.round((clause.runs ?? 100) * (input.depth ?? 1)));
      const share = Math.min(input.runs ?? full, Math.max(MIN_RUNS, Math.floor(left / (again.length - i))));
      const s = (seed + round * 0x9e3779b1) | 0;
      // Few skips allowed: a clause whose every case holds a known trigger gives up at once.
      const o = await runClause(clause, shy, { seed: s, runs: share, maxSkipsPerRun: SEPARATION_SKIPS, scale: input.scale }).catch(() => undefined);
      left -= o ? Math.max(o.numRuns + o.numSkips, 1) : share;
      if (!o || o.status !== 'failed' || o.path === undefined) continue;
      const culprit = await propertyCulprit(clause, shy, s, o.path, { runs: share, scale: input.scale });
      if (await builder.add(clause.id, clause.title, culprit)) added = true;
    }
    if (!added) break;
  }
  return builder.findings();
}
