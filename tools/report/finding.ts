/**
 * Findings: one per distinct fault an implementation shows (issue 23). A finding groups the failures
 * one cause explains, says what triggers it in words, carries its smallest counterexample as data
 * (not a string, so a user can paste it into `convspec replay`), and names the catalogued fault
 * models whose output matches the implementation's on it. Shared by the verifier (which builds
 * findings), the report front ends (which show them) and known-failure files (which match them).
 */

/** A tensor as JSON data: numbers as JSON numbers, non-finite values as "NaN", "Infinity", "-Infinity". */
export interface TensorData {
  dims: number[];
  data: (number | 'NaN' | 'Infinity' | '-Infinity')[];
}

/** One case, complete: what `convspec replay` runs. `attrs` are the ONNX attributes as given to the op. */
export interface CounterexampleData {
  op: 'Conv' | 'ConvTranspose';
  x: TensorData;
  w: TensorData;
  b: TensorData | null;
  attrs: Record<string, unknown>;
}

export interface Finding {
  /** Stable within one report: `F1`, `F2`, … in the order found. */
  id: string;
  /** Clause ids whose failures this finding explains. */
  clauses: string[];
  /** Case ids (clause-id/case-name) of enumerated cases it explains. */
  cases: string[];
  /** The triggering features in words, e.g. "batch > 1", "auto_pad SAME_* with stride > 1 on the padded axis". */
  trigger: string;
  /** The smallest counterexample, as data. Absent only where the failure has no single case (e.g. a crash before any). */
  counterexample?: CounterexampleData;
  /** Fault-model ids (SPEC.md, "Fault models") that reproduce the output on the counterexample; [] when none fits. */
  consistentWith: string[];
  /** Set when a known-failures entry (--expect) covers this finding. */
  expected?: { reason: string };
}

const MAX_REPLAY_ELEMENTS = 1 << 24;

/** A float32 tensor as JSON data (non-finite values as strings). */
export function tensorData(t: { dims: readonly number[]; data: ArrayLike<number> }): TensorData {
  const data: TensorData['data'] = new Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    data[i] = Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
  }
  return { dims: [...t.dims], data };
}

/** One case as data (see CounterexampleData). */
export function counterexampleData(c: {
  op: 'Conv' | 'ConvTranspose';
  x: { dims: readonly number[]; data: ArrayLike<number> };
  w: { dims: readonly number[]; data: ArrayLike<number> };
  b?: { dims: readonly number[]; data: ArrayLike<number> } | undefined;
  attrs: object;
}): CounterexampleData {
  return { op: c.op, x: tensorData(c.x), w: tensorData(c.w), b: c.b ? tensorData(c.b) : null, attrs: JSON.parse(JSON.stringify(c.attrs)) };
}

/**
 * A TensorData read back as a Float32Array tensor; throws an Error naming `what` and the problem
 * (dims not a list of non-negative integers, too many elements, data of the wrong length or a value
 * that is neither a number nor one of the three strings).
 */
export function tensorFromData(t: unknown, what: string): { dims: number[]; data: Float32Array } {
  const o = t as Partial<TensorData> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.dims) || !o.dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${what}: expected {dims: non-negative integers[], data: number[]}`);
  }
  const n = o.dims.reduce((p, d) => p * d, 1);
  if (n > MAX_REPLAY_ELEMENTS) throw new Error(`${what}: ${n} elements, more than the ${MAX_REPLAY_ELEMENTS} a case may hold`);
  if (!Array.isArray(o.data) || o.data.length !== n) throw new Error(`${what}: data must list ${n} values (dims ${JSON.stringify(o.dims)}), got ${Array.isArray(o.data) ? o.data.length : typeof o.data}`);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = o.data[i];
    if (typeof v === 'number') data[i] = v;
    else if (v === 'NaN') data[i] = NaN;
    else if (v === 'Infinity') data[i] = Infinity;
    else if (v === '-Infinity') data[i] = -Infinity;
    else throw new Error(`${what}: data[${i}] is ${JSON.stringify(v)}; a value is a number or "NaN", "Infinity", "-Infinity"`);
  }
  return { dims: [...o.dims], data };
}
