/**
 * Skipped cases that only convspec can raise. fast-check turns anything carrying its precondition
 * marker (`Symbol.for('fast-check/PreconditionFailure')`, a public symbol) into a skipped run, so an
 * implementation that throws such an error would have its failures counted as skips. convspec's own
 * skips are therefore made here and remembered by identity; every other thrown value that reaches a
 * clause's runner becomes a failure (`asJudged`), whatever it carries.
 */
import fc from 'fast-check';

const ownSkips = new WeakSet<object>();

/** Skips the case (fast-check precondition) when `condition` is false: convspec's `fc.pre`. */
export function pre(condition: boolean): asserts condition {
  if (condition) return;
  const skip = new fc.PreconditionFailure();
  ownSkips.add(skip);
  throw skip;
}

/** Whether `e` is a skip raised by `pre` above (by identity: no property of `e` is read). */
export function isOwnSkip(e: unknown): boolean {
  return (typeof e === 'object' || typeof e === 'function') && e !== null && ownSkips.has(e);
}

/**
 * A failure of a clause check, wrapping what was thrown so fast-check sees only convspec's own
 * object (it reads the marker from whatever is thrown, and a hostile value may answer differently on
 * each read). `thrown` is the original, for the report.
 */
export class JudgedThrow extends Error {
  override readonly name = 'JudgedThrow';
  constructor(readonly thrown: unknown) {
    super('a clause check failed');
  }
}

/** What a clause's property rethrows for a thrown `e`: convspec's own skip as is, anything else wrapped. */
export function asJudged(e: unknown): unknown {
  return isOwnSkip(e) ? e : new JudgedThrow(e);
}

/** The thrown value inside a JudgedThrow (or `e` itself). */
export function unwrapJudged(e: unknown): unknown {
  return e instanceof JudgedThrow ? e.thrown : e;
}

/** Whether `e` carries fast-check's precondition marker without being convspec's own skip (for messages). */
export function isForeignSkipMarker(e: unknown): boolean {
  if (isOwnSkip(e)) return false;
  try {
    return fc.PreconditionFailure.isFailure(e);
  } catch {
    return false;
  }
}
