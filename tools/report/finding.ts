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
