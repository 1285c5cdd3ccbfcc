/**
 * A clause of the specification as code: an arbitrary of cases and a check that throws when a case
 * breaks the clause. Checks talk to the implementation only through `ctx.call`, which skips cases the
 * subject declares unsupported, so the same clause verifies the reference and third parties alike.
 */
import type fc from 'fast-check';
import type { ConvTransposeAttributes, DType, OpName, Tensor } from '../../impl/types';
import { profileFor, type PrecisionProfile } from '../tolerance';
import { pre } from './skip';
import { unsupportedReason, type Subject } from './subject';

export type ClauseCategory =
  /** Output dims and resolved padding. */
  | 'shape'
  /** Values within the tolerance model. */
  | 'numeric'
  /** Errors on invalid input: reported apart from numerical conformance. */
  | 'validation'
  /** Inputs untouched, repeatable results, well-typed outputs. */
  | 'robustness'
  /** Facts about the mathematics itself (e.g. the HDC rule); they need no implementation. */
  | 'math';

export interface Clause<T = unknown> {
  /** Stable id, e.g. `convT.size.formula` (grammar in caseId.ts). */
  id: string;
  /** One line: what the clause says. SPEC.md holds the precise statement. */
  title: string;
  category: ClauseCategory;
  /** Operators the implementation must provide for the clause to run; empty for math clauses. */
  ops: OpName[];
  /** Random cases. Must be bounded (small sizes), so a run stays fast. */
  arbitrary: fc.Arbitrary<T>;
  /** Throws (preferably a MismatchError) when the case breaks the clause. */
  check(value: T, ctx: ClauseContext): Promise<void>;
  /** Worked examples always run before the random cases. */
  examples?: T[];
  /** Default number of random cases. Default 100. */
  runs?: number;
  /**
   * 'float32' (default): the clause calls the subject with float32 tensors only, so it is unsupported
   * for a subject whose `supports.dtypes` leaves float32 out. 'declared': it draws the declared types.
   */
  elementTypes?: 'float32' | 'declared';
  /**
   * Features every case of the clause has, because they are what it is about (a bias per channel,
   * batch items, groups): a subject that declares it lacks one (`supports.bias`/`batch`/`groups`
   * false) gets the clause reported unsupported up front, instead of thousands of skipped draws.
   */
  needs?: ('bias' | 'batch' | 'groups')[];
  /**
   * The clause draws some of its cases from the scale-and-edges tier (valueShape, scaleOnlyShape or
   * edgeOnlyShape in spec/arbitraries/cases.ts), whose limits a run decides before its first clause —
   * by measuring the target unless `--scale-macs` gives them. A run none of whose clauses set this
   * skips that measurement (about 2 s of a short run) and its replay lines say `--scale-macs off`.
   * Default false. spec/test/drawsScaleCases.test.ts checks that exactly the clauses that read the
   * tier's limits set it.
   */
  drawsScaleCases?: boolean;
}

export class UnsupportedCase extends Error {
  override readonly name = 'UnsupportedCase';
}

export interface ClauseContext {
  subject: Subject;
  profile: PrecisionProfile;
  /**
   * Calls the subject. A case outside its declared support is skipped (convspec's own precondition,
   * spec/framework/skip.ts) and its reason counted; anything the subject throws propagates as a failure.
   */
  call(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor>;
  /** Like call, but returns the thrown error (or undefined if none): for validation clauses. */
  callExpectingError(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<{ error?: unknown; result?: Tensor }>;
  /** Reasons for skipped cases, counted. */
  skipped: Map<string, number>;
  /**
   * The last call that reached the subject (its arguments, as passed): the case a failing check was
   * judging, given back as data in the report for `convspec replay`. Runners reset it per case.
   */
  lastCall?: RecordedCall;
}

/** One call of the subject, as made. */
export interface RecordedCall {
  op: OpName;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

export function makeContext(subject: Subject): ClauseContext {
  const skipped = new Map<string, number>();
  const profile = profileFor(subject.supports.precision, subject.supports.algorithm);
  const gate = (op: OpName, x: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) => {
    const reason = unsupportedReason(subject.supports, op, x.dims, b, attrs, (x as { dtype?: DType }).dtype);
    if (reason) {
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      pre(false);
    }
  };
  const ctx: ClauseContext = {
    subject,
    profile,
    skipped,
    async call(op, x, w, b, attrs) {
      gate(op, x, b, attrs);
      ctx.lastCall = { op, x, w, b, attrs };
      return subject.run(op, x, w, b, attrs);
    },
    async callExpectingError(op, x, w, b, attrs) {
      if (subject.supports.ops && !subject.supports.ops.includes(op)) gate(op, x, b, attrs);
      ctx.lastCall = { op, x, w, b, attrs };
      try {
        return { result: await subject.run(op, x, w, b, attrs) };
      } catch (error) {
        return { error };
      }
    },
  };
  return ctx;
}

export function defineClause<T>(c: Clause<T>): Clause<T> {
  return c;
}
