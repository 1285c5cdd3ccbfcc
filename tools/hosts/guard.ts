/**
 * The guard between an implementation and the clauses. Whatever the adapter does — hang, crash, throw
 * a string, return a non-tensor, modify its inputs — becomes an AdapterFault that is both thrown to
 * the clause and recorded. The runner fails a clause that saw any fault even if its check happened to
 * accept the throw (a validation clause expects *some* error; a timeout is not the error it expects),
 * so a fault can never turn into a pass.
 */
import { isDType, isStorageOf, storageName } from '../../impl/dtype';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { Subject } from '../../spec/framework/subject';

export type FaultKind =
  /** No answer within the per-case time limit. */
  | 'timeout'
  /** The worker or program died. */
  | 'crash'
  /** The adapter threw something that is not an Error. */
  | 'non-error-throw'
  /** The result is not a well-formed {dims, data: Float32Array} tensor. */
  | 'wrong-type'
  /** A subprocess answer broke the JSON-lines protocol. */
  | 'protocol'
  /** The adapter modified its inputs or a result it had already returned. */
  | 'contract';

export class AdapterFault extends Error {
  override readonly name = 'AdapterFault';
  constructor(readonly kind: FaultKind, message: string) {
    super(message);
  }
}

/** A fault with the case it happened on. */
export interface FaultRecord {
  kind: FaultKind;
  message: string;
  /** Short description of the case: op, attributes, input dims. */
  case: string;
}

export function describeCase(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): string {
  const dims = (t: Tensor | undefined) => (t && Array.isArray(t.dims) ? `[${t.dims.join(',')}]` : String(t));
  return `${op} ${JSON.stringify(attrs ?? {})} x ${dims(x)} w ${dims(w)}${b ? ` b ${dims(b)}` : ''}`;
}

/** Why `value` is not a well-formed tensor, or undefined when it is one. */
export function tensorProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return `the result is ${value === null ? 'null' : typeof value}, not a tensor {dims, data}`;
  const { dims, data } = value as Record<string, unknown>;
  if (!Array.isArray(dims)) return `result.dims is ${describeValue(dims)}, not an array`;
  if (!dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) return `result.dims ${JSON.stringify(dims)} are not all non-negative integers`;
  // Element types (issue 16): a result declaring a dtype is checked against that type's storage;
  // whether it is the inputs' type is the dtype clauses' question (spec/properties/dtypes.ts).
  const dtype = (value as { dtype?: unknown }).dtype;
  const typed = dtype !== undefined && dtype !== 'float32';
  if (typed) {
    const problem = typedDataProblem(dtype, data);
    if (problem) return problem;
  } else if (!(data instanceof Float32Array)) return `result.data is ${describeValue(data)}, not a Float32Array`;
  const count = (dims as number[]).reduce((a, d) => a * d, 1);
  const length = (data as ArrayLike<number>).length;
  if (length !== count) return `result.data.length ${length} is not the product of result.dims ${JSON.stringify(dims)} (${count})`;
  return undefined;
}

/** tensorProblem's check of a result that declares a dtype other than float32. */
function typedDataProblem(dtype: unknown, data: unknown): string | undefined {
  if (!isDType(dtype)) return `result.dtype is ${JSON.stringify(dtype)}, not one of float16, bfloat16, float32, float64`;
  return isStorageOf(dtype, data) ? undefined : `result.data is ${describeValue(data)}, not a ${storageName(dtype)} as result.dtype ${dtype} needs`;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  const name = typeof v === 'object' ? (v as object).constructor?.name : undefined;
  const noun = typeof v === 'object' ? (name ?? 'object') : typeof v;
  return `${/^[aeiouAEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** A Subject that records faults per clause. */
export interface GuardedSubject extends Subject {
  /** Starts a new fault record (one per clause or enumerated case). */
  beginUnit(): void;
  /** The faults since beginUnit. */
  faults(): FaultRecord[];
  /** Calls since beginUnit that reached the implementation (whatever they returned). */
  calls(): number;
  /** Why the implementation is no longer called at all in this run (it hangs on every call), if it is not. */
  abandoned(): string | undefined;
  close(): Promise<void>;
}

/** Hangs in a row, across clauses, with no answer in between, after which the run stops calling the target. */
export const MAX_HANGS_IN_A_ROW = 3;

/**
 * Wraps a subject: non-Error throws and malformed results become AdapterFaults; AdapterFaults thrown
 * by the inner subject (timeouts, crashes, protocol errors) are recorded. After a timeout or crash,
 * the rest of the unit fails fast instead of calling the adapter again: fast-check would otherwise
 * shrink by re-running cases that each cost a full time limit.
 */
export function guardSubject(inner: Subject): GuardedSubject {
  let records: FaultRecord[] = [];
  let poisoned: AdapterFault | undefined;
  let unitCalls = 0;
  // Run-wide: a target that hangs on every call would otherwise cost one time limit per clause.
  let hangsInARow = 0;
  let abandoned: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const record = (fault: AdapterFault, caseText: string) => {
    if (records.length < 20) records.push({ kind: fault.kind, message: fault.message, case: caseText });
    if (fault.kind === 'timeout' || fault.kind === 'crash') poisoned = fault;
    return fault;
  };
  const guarded: GuardedSubject = {
    name: inner.name,
    supports: inner.supports,
    beginUnit() {
      records = [];
      poisoned = undefined;
      unitCalls = 0;
    },
    faults: () => records,
    calls: () => unitCalls,
    abandoned: () => abandoned,
    run(op, x, w, b, attrs) {
      // One call at a time: workers and programs answer in order, and each time limit must cover only
      // its own call. A clause that issues calls concurrently simply has them queued.
      const next = queue.then(() => guardedRun(op, x, w, b, attrs));
      queue = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
    close: async () => {
      await queue;
      await inner.close?.();
    },
  };

  return guarded;

  async function guardedRun(...[op, x, w, b, attrs]: Parameters<Subject['run']>): Promise<Tensor> {
    const caseText = describeCase(op, x, w, b, attrs);
    if (abandoned) throw record(new AdapterFault('timeout', `not run: ${abandoned}`), caseText);
    if (poisoned) throw new AdapterFault(poisoned.kind, `not run: the adapter already failed on an earlier case of this clause (${poisoned.message})`);
    let result: unknown;
    unitCalls++;
    try {
      result = await inner.run(op, x, w, b, attrs);
      hangsInARow = 0;
    } catch (e) {
      if (e instanceof AdapterFault && e.kind === 'timeout') {
        if (++hangsInARow >= MAX_HANGS_IN_A_ROW) abandoned = `the implementation hangs: no answer on ${hangsInARow} calls in a row, each given the full time limit; it is not called again in this run`;
      } else hangsInARow = 0;
      if (e instanceof AdapterFault) throw record(e, caseText);
      if (e instanceof Error) throw e;
      throw record(new AdapterFault('non-error-throw', `the adapter threw ${describeThrown(e)}, not an Error`), caseText);
    }
    const problem = tensorProblem(result);
    if (problem) throw record(new AdapterFault('wrong-type', problem), caseText);
    return result as Tensor;
  }
}

export function describeThrown(e: unknown): string {
  if (typeof e === 'string') return `the string ${JSON.stringify(e.length > 80 ? e.slice(0, 80) + '…' : e)}`;
  if (e === null || e === undefined) return String(e);
  if (typeof e === 'object') return `${describeValue(e)} (${safeJson(e)})`;
  return `${typeof e} ${String(e)}`;
}

function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? '?' : s.length > 80 ? s.slice(0, 80) + '…' : s;
  } catch {
    return '?';
  }
}
