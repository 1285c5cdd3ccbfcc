/**
 * The culprit of a failure: the one call to the implementation, among those a failing check made,
 * whose answer disagrees with the reference (a value or dims outside the bound, an error where an
 * output is due, an output where the reference refuses the input). A clause's check may call the
 * implementation several times (metamorphic clauses); the failing case is replayed with every call
 * recorded and each call judged on its own, so a finding starts from one plain Conv/ConvTranspose case.
 */
import type { ScaleLimits } from '../../../spec/arbitraries/scale';
import type { Tensor } from '../../../impl/types';
import { makeContext, type Clause } from '../../../spec/framework/clause';
import { findMismatch } from '../../../spec/framework/compare';
import { isOwnSkip } from '../../../spec/framework/skip';
import type { Subject } from '../../../spec/framework/subject';
import { runClause } from '../../../spec/framework/runClause';
import type { ModelCase } from '../../../spec/faults/consistent';
import { expectedWithBound, profileFor } from '../../../spec/tolerance';

export interface Culprit {
  case: ModelCase;
  /** What the implementation answered (absent when it threw). */
  actual?: Tensor;
  /** 'mismatch': a wrong output; 'error': it threw on a valid case; 'accepted': it answered an invalid one. */
  kind: 'mismatch' | 'error' | 'accepted';
  /** The reference's refusal (kind 'accepted') or the implementation's error (kind 'error'). */
  message?: string;
}

interface Recorded {
  case: ModelCase;
  actual?: Tensor;
  error?: unknown;
}

const copy = (t: Tensor): Tensor => ({ dims: [...t.dims], data: Float32Array.from(t.data) });
const isFloat32 = (t: Tensor | undefined) => !t || ((t as { dtype?: string }).dtype ?? 'float32') === 'float32';

/** A subject that records every call (inputs copied before the call, so an implementation that edits them cannot hide it). */
export function recording(subject: Subject): { subject: Subject; calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    calls,
    subject: {
      name: subject.name,
      supports: subject.supports,
      async run(op, x, w, b, attrs) {
        const rec: Recorded = { case: { op, x: copy(x), w: copy(w), b: b ? copy(b) : undefined, attrs: JSON.parse(JSON.stringify(attrs ?? {})) } };
        if (isFloat32(x) && isFloat32(w) && isFloat32(b)) calls.push(rec);
        try {
          const y = await subject.run(op, x, w, b, attrs);
          rec.actual = y && y.data instanceof Float32Array ? copy(y) : y;
          return y;
        } catch (e) {
          rec.error = e;
          throw e;
        }
      },
    },
  };
}

/** Judges one call against the reference under the subject's profile: undefined when it agrees. */
export function judgeCall(c: ModelCase, outcome: { actual?: Tensor; error?: unknown }, subject: Subject): Culprit | undefined {
  let expected;
  try {
    expected = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, profileFor(subject.supports.precision, subject.supports.algorithm));
  } catch (e) {
    if (outcome.error !== undefined) return undefined;
    return { case: c, actual: outcome.actual, kind: 'accepted', message: e instanceof Error ? e.message : String(e) };
  }
  if (outcome.error !== undefined) {
    if (isOwnSkip(outcome.error)) return undefined;
    return { case: c, kind: 'error', message: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) };
  }
  return outcome.actual && !findMismatch(outcome.actual, expected) ? undefined : { case: c, actual: outcome.actual, kind: 'mismatch' };
}

/** The first recorded call that disagrees with the reference. */
function firstCulprit(calls: Recorded[], subject: Subject): Culprit | undefined {
  for (const r of calls) {
    const c = judgeCall(r.case, r, subject);
    if (c) return c;
  }
  return undefined;
}

/** Replays a property clause's shrunk failure (seed and path) and finds its culprit call. */
export async function propertyCulprit(clause: Clause<any>, subject: Subject, seed: number, path: string, runs: { runs?: number; depth?: number; scale?: ScaleLimits }): Promise<Culprit | undefined> {
  const rec = recording(subject);
  try {
    await runClause(clause, rec.subject, { seed, path, ...runs });
  } catch {
    return undefined; // a replay that does not run explains nothing
  }
  return firstCulprit(rec.calls, subject);
}

/** Re-runs one listed case of an enumerated clause and finds its culprit call. */
export async function caseCulprit(clause: Clause<any>, value: unknown, subject: Subject): Promise<Culprit | undefined> {
  const rec = recording(subject);
  try {
    await clause.check(value, makeContext(rec.subject));
  } catch {
    // the failure is expected; its calls are what matter
  }
  return firstCulprit(rec.calls, subject);
}
