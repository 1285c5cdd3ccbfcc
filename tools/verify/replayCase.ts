/**
 * `convspec replay`: one case, given as data (a counterexample of a report, issue 23 item 5), run on a
 * target and judged against the float64 reference with the per-element bound, printing the actual and
 * expected values and the window around the worst element. A case the reference rejects (an invalid
 * input, e.g. from a validation clause) is judged the other way: the target must reject it too.
 *
 * The file holds either the case itself, `{op, x: {dims, data}, w, b, attrs}`, or a whole `--json`
 * report, from which `--finding F1` or `--clause ID` (a clause id or a case id) picks one counterexample.
 */
import { isConvSpecError } from '../../impl/errors';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { findMismatch, formatWindow, elementRatio } from '../../spec/framework/compare';
import { unsupportedReason } from '../../spec/framework/subject';
import { expectedWithBound, profileFor, type Expected } from '../../spec/tolerance';
import { tensorFromData } from '../report/finding';
import { REPORT_SCHEMA_ID } from '../report/report';
import type { VerifyTarget } from '../targets/target';
import { openTarget, type OpenOptions } from './openTarget';

/** The file or the case in it is unusable (exit 2); the message names what is wrong. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

export interface ReplayCase {
  op: OpName;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks and converts one case's data; throws ReplayInputError naming the field and the problem. */
export function parseCase(v: unknown, source: string): ReplayCase {
  if (!isObject(v)) throw new ReplayInputError(`${source}: a case is an object {op, x, w, b, attrs}, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`);
  if (v.op !== 'Conv' && v.op !== 'ConvTranspose') throw new ReplayInputError(`${source}: op must be "Conv" or "ConvTranspose", got ${JSON.stringify(v.op)}`);
  const tensor = (name: string) => {
    try {
      return tensorFromData(v[name], `${source}: ${name}`);
    } catch (e) {
      throw new ReplayInputError((e as Error).message);
    }
  };
  const x = tensor('x');
  const w = tensor('w');
  if (!('b' in v)) throw new ReplayInputError(`${source}: b is missing (null for no bias)`);
  const b = v.b === null ? undefined : tensor('b');
  if (!isObject(v.attrs)) throw new ReplayInputError(`${source}: attrs must be an object of ONNX attributes (e.g. {"strides": [2, 2]}), got ${JSON.stringify(v.attrs)}`);
  for (const [k, a] of Object.entries(v.attrs)) {
    const ok = a === null || typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a)) || (Array.isArray(a) && a.every((n) => typeof n === 'number' && Number.isFinite(n)));
    if (!ok) throw new ReplayInputError(`${source}: attrs.${k} must be a number, a string or a list of numbers, got ${JSON.stringify(a)}`);
  }
  // null stands for an attribute left out (JSON has no undefined).
  const attrs = Object.fromEntries(Object.entries(v.attrs).filter(([, a]) => a !== null)) as ConvTransposeAttributes;
  return { op: v.op, x, w, b, attrs };
}

/** The case a file holds: the case itself, or one counterexample of a report picked by finding or clause/case id. */
export function caseFromJson(value: unknown, pick: { finding?: string; clause?: string }, source: string): { c: ReplayCase; from: string } {
  if (isObject(value) && value.schema === REPORT_SCHEMA_ID) {
    const report = value as { findings?: { id: string; counterexample?: unknown }[]; clauses?: { id: string; counterexampleData?: unknown; counterexampleDataOmitted?: string; replay?: string; cases?: { id: string; counterexampleData?: unknown; counterexampleDataOmitted?: string; replay?: string }[] }[] };
    const units = (report.clauses ?? []).flatMap((c) => [c, ...(c.cases ?? [])]);
    const withData = units.filter((u) => u.counterexampleData !== undefined).map((u) => u.id);
    if (pick.finding !== undefined) {
      const f = (report.findings ?? []).find((x) => x.id === pick.finding);
      if (!f) throw new ReplayInputError(`${source}: the report has no finding ${pick.finding} (findings: ${(report.findings ?? []).map((x) => x.id).join(', ') || 'none'})`);
      if (f.counterexample === undefined) throw new ReplayInputError(`${source}: finding ${pick.finding} has no counterexample`);
      return { c: parseCase(f.counterexample, `${source} finding ${pick.finding}`), from: `finding ${pick.finding}` };
    }
    if (pick.clause === undefined) {
      throw new ReplayInputError(`${source} is a verify report: pick one counterexample with --clause ID or --finding F (with data: ${withData.slice(0, 10).join(', ') || 'none'}${withData.length > 10 ? ', …' : ''})`);
    }
    const u = units.find((x) => x.id === pick.clause);
    if (!u) throw new ReplayInputError(`${source}: the report has no clause or case ${pick.clause}`);
    if (u.counterexampleData === undefined) {
      throw new ReplayInputError(`${source}: ${pick.clause} has no counterexample data${u.counterexampleDataOmitted ? ` (${u.counterexampleDataOmitted})` : ' (it did not fail, or the report predates counterexampleData)'}${u.replay ? `; replay: ${u.replay}` : ''}`);
    }
    return { c: parseCase(u.counterexampleData, `${source} ${pick.clause}`), from: pick.clause };
  }
  if (pick.finding !== undefined || pick.clause !== undefined) throw new ReplayInputError(`${source}: --finding and --clause pick from a verify report; this file is a single case`);
  return { c: parseCase(value, source), from: source };
}

export interface ReplayOutcome {
  /** 0 within the bound (or rejected, as the reference rejects it); 1 outside, or a wrong answer or error. */
  code: 0 | 1;
  text: string;
}

// 9 significant digits tell any two float32 values apart; trailing zeros dropped.
const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(9))) : String(v));
/** At most this many values of actual and expected are printed (the window shows the worst place). */
const SHOWN = 32;

function values(data: ArrayLike<number>): string {
  const n = Math.min(data.length, SHOWN);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(fmt(data[i]));
  return `[${out.join(', ')}${data.length > n ? `, … ${data.length - n} more` : ''}]`;
}

function describe(c: ReplayCase): string {
  return `${c.op} x ${JSON.stringify(c.x.dims)}, w ${JSON.stringify(c.w.dims)}, b ${c.b ? JSON.stringify(c.b.dims) : 'none'}, attrs ${JSON.stringify(c.attrs)}`;
}

/** Runs the case on the target and judges it (see the module comment). Rejects with TargetError for an unusable target. */
export async function replayCase(c: ReplayCase, target: VerifyTarget, options: OpenOptions = {}): Promise<ReplayOutcome> {
  const subject = await openTarget(target, options);
  try {
    const lines = [`case: ${describe(c)}`, `target: ${subject.name}`];
    const outside = unsupportedReason(subject.supports, c.op, c.x.dims, c.b, c.attrs);
    if (outside) lines.push(`note: the case is outside the target's declared support (${outside}); run anyway`);
    let expected: Expected | undefined;
    let rejection: string | undefined;
    try {
      expected = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, profileFor(subject.supports.precision, subject.supports.algorithm));
    } catch (e) {
      if (!isConvSpecError(e)) throw e;
      rejection = `${e.code}: ${e.message}`;
    }
    let actual: Tensor | undefined;
    let error: unknown;
    try {
      actual = await subject.run(c.op, c.x, c.w, c.b, c.attrs);
    } catch (e) {
      error = e;
    }
    const thrown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (rejection !== undefined) {
      lines.push(`expected: a rejection — the input is invalid (${rejection})`);
      if (actual === undefined) return { code: 0, text: [...lines, `actual: rejected (${thrown})`, 'rejected, as it must be'].join('\n') };
      return { code: 1, text: [...lines, `actual: accepted, dims ${JSON.stringify(actual.dims)}: ${values(actual.data)}`, 'NOT REJECTED: an invalid input was answered'].join('\n') };
    }
    lines.push(`expected: dims ${JSON.stringify(expected!.dims)}: ${values(expected!.y64)}`);
    if (actual === undefined) return { code: 1, text: [...lines, `actual: threw ${thrown}`, 'FAILED: a valid input was rejected'].join('\n') };
    lines.push(`actual:   dims ${JSON.stringify(actual.dims)}: ${actual.data instanceof Float32Array ? values(actual.data) : '(not a Float32Array)'}`);
    const m = findMismatch(actual, expected!);
    if (!m) {
      let worst = 0;
      for (let i = 0; i < expected!.y64.length; i++) worst = Math.max(worst, elementRatio(actual.data[i], expected!.y64[i], expected!.bound[i], expected!.mayOverflow?.[i] === 1));
      return { code: 0, text: [...lines, `within the bound: largest |error|/bound ${worst.toPrecision(3)} (≤ 1 passes)`].join('\n') };
    }
    lines.push(`OUTSIDE THE BOUND: ${m.message}`);
    if (m.window) lines.push(formatWindow(m.window));
    return { code: 1, text: lines.join('\n') };
  } finally {
    await subject.close().catch(() => undefined);
  }
}
