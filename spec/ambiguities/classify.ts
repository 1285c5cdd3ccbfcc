/**
 * "Follows reading X": runs an implementation on an ambiguity's probes and reports which readings of
 * the catalogue agree with every answer. A reading that predicts an error agrees with a thrown error;
 * a reading that predicts a geometry agrees with an output of those dims whose every element is within
 * the tolerance bound of the float64 direct kernels run on that geometry. Inputs are seeded random
 * values (with a bias, so elements no input reaches are visible as the bias, not as zeros).
 */
import { convDirect, convTransposeDirect } from '../../impl/direct';
import type { ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { findMismatch } from '../framework/compare';
import { gamma, PRECISION_PROFILES, productsPerOutput, transformTerm, type Expected, type PrecisionProfile } from '../tolerance';
import type { Ambiguity, AmbiguityProbe } from './catalogue';

export type RunFn = (op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) => Tensor | Promise<Tensor>;

export interface ProbeInputs {
  x: Tensor;
  w: Tensor;
  b: Tensor;
}

/** Deterministic inputs for a probe: values in [−1, 1) from a small LCG seeded by the probe name. */
export function probeInputs(p: AmbiguityProbe, seed = 1): ProbeInputs {
  let state = seed >>> 0;
  for (const ch of p.name) state = (Math.imul(state ^ ch.charCodeAt(0), 0x01000193) + 0x9e3779b9) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const draw = (dims: number[]): Tensor => ({ dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1) });
  const m = p.op === 'Conv' ? p.wDims[0] : p.wDims[1] * (p.attrs.group ?? 1);
  return { x: draw(p.xDims), w: draw(p.wDims), b: draw([m]) };
}

/** The float64 result of a geometry and its per-element bound (spec/tolerance.ts model). */
export function expectedForGeometry(g: ConvGeometry, inputs: ProbeInputs, profile: PrecisionProfile = PRECISION_PROFILES.float32): Expected {
  const kernel = g.op === 'Conv' ? convDirect : convTransposeDirect;
  const abs = (t: Tensor) => t.data.map(Math.abs);
  const y64 = kernel(g, inputs.x.data, inputs.w.data, inputs.b.data);
  const mag = kernel(g, abs(inputs.x), abs(inputs.w), abs(inputs.b));
  const n = productsPerOutput(g);
  const gm = gamma(n + 1, profile.u);
  const floor = (n + 1) * profile.eta;
  const bound = mag.map((v) => gm * v + floor);
  if (profile.algorithm === 'transform') {
    const extra = transformTerm(g, inputs.x, inputs.w, profile);
    bound.forEach((v, i) => (bound[i] = v + extra[i]));
  }
  return { y64, bound, dims: g.outputDims, geometry: g };
}

export interface ProbeResult {
  probe: string;
  /** What the implementation did: its output dims, or the error message. */
  answer: { dims: number[] } | { error: string };
  /** Reading ids consistent with the answer. */
  matches: string[];
}

export interface Classification {
  id: string;
  title: string;
  /** Reading ids consistent with every probe (several when the probes cannot tell them apart). */
  follows: string[];
  probes: ProbeResult[];
  /** One line for reports: e.g. "ort" or "none (probe x: dims [1,1,9] match no reading)". */
  summary: string;
}

/** Which readings of `a` agree with one probe's answer. */
export function matchingReadings(a: Ambiguity, p: AmbiguityProbe, inputs: ProbeInputs, answer: { y: Tensor } | { error: unknown }, profile?: PrecisionProfile): string[] {
  return a.readings
    .filter((r) => {
      const o = r.outcome(p);
      if ('error' in answer) return o.kind === 'error';
      if (o.kind === 'error') return false;
      return findMismatch(answer.y, expectedForGeometry(o.geometry, inputs, profile)) === undefined;
    })
    .map((r) => r.id);
}

/**
 * Runs every probe of `a` through `run` and classifies the implementation. Never throws for what
 * the implementation does: a throw is an answer ("error").
 */
export async function classifyAmbiguity(a: Ambiguity, run: RunFn, options: { seed?: number; profile?: PrecisionProfile } = {}): Promise<Classification> {
  const probes: ProbeResult[] = [];
  let follows = a.readings.map((r) => r.id);
  for (const p of a.probes) {
    const inputs = probeInputs(p, options.seed);
    let answer: { y: Tensor } | { error: unknown };
    try {
      answer = { y: await run(p.op, inputs.x, inputs.w, inputs.b, p.attrs) };
    } catch (e) {
      answer = { error: e };
    }
    const matches = matchingReadings(a, p, inputs, answer, options.profile);
    probes.push({
      probe: p.name,
      answer: 'error' in answer ? { error: answer.error instanceof Error ? answer.error.message : String(answer.error) } : { dims: [...(answer.y?.dims ?? [])] },
      matches,
    });
    follows = follows.filter((id) => matches.includes(id));
  }
  const describe = (r: ProbeResult) => ('error' in r.answer ? `error "${r.answer.error.slice(0, 80)}"` : `dims [${r.answer.dims.join(',')}]`);
  const summary =
    follows.length > 0
      ? follows.join(' / ')
      : `none (${probes.map((r) => `${r.probe}: ${describe(r)} → ${r.matches.length ? r.matches.join('/') : 'no reading'}`).join('; ')})`;
  return { id: a.id, title: a.title, follows, probes, summary };
}
