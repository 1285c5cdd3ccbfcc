/**
 * What a verification may be asked (VerifyOptions), what it reports as it goes (ProgressEvent), and
 * the errors that blame the caller or the environment rather than the implementation. Below run.ts
 * and jobs.ts, which both use them.
 */
import type { Clause } from '../../spec/framework/clause';
import type { InputShape, ModelLayers } from '../layers/modelLayers';
import type { KnownFailures } from '../report/knownFailures';
import type { ScaleSummary } from '../../spec/arbitraries/scaleTier';

/** Default per-case time limit (ms). */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface VerifyOptions {
  /** Case-id filters (spec/framework/caseId.ts grammar); empty selects everything. */
  clauses?: string[];
  /** fast-check seed. Default DEFAULT_SEED. */
  seed?: number;
  /** fast-check replay path (use with a single --clause). */
  path?: string;
  /** Random cases per property clause, replacing each clause's default. */
  runs?: number;
  /** Multiplier of each clause's default number of random cases. Default 1. */
  depth?: number;
  /** Run only shard `index` (1-based) of `count`. */
  shard?: { index: number; count: number };
  /** Per-case time limit in ms (1 … 2³¹−1). Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Time limit for starting the target (loading a module, a program's describe answer), in ms. Default 60 000. */
  startTimeoutMs?: number;
  /**
   * Smallest share (0…1) of drawn cases that must be inside the declared support for a conformant
   * verdict (report summary.coverage). Default: none.
   */
  minSupported?: number;
  /** The clause registry. Default spec/clauses.ts allClauses. */
  registry?: Clause<any>[];
  /** Fixtures folder for the fixtures.ort clause. Default: the bundled fixtures/. */
  fixturesDir?: string;
  /** Progress callback: called before each unit (clause or enumerated case) and once at the end. */
  onProgress?: (event: ProgressEvent) => void;
  /** Adapter log lines (worker console output, program stderr). Default: stderr, prefixed. */
  log?: (line: string) => void;
  /** How replay commands start. Default 'npx convspec verify'. */
  replayCommand?: string;
  /**
   * Copies of the target run side by side, each with its own judge process (tools/verify/jobs.ts); the
   * report is the same for any number. Default 1. An `implementation` target or a custom registry always
   * runs in this process.
   */
  jobs?: number;
  /**
   * `--layers-from`: verify exactly the Conv/ConvTranspose layers of this ONNX model (clause
   * model.layers), instead of the default selection; `inputShapes` override its graph input shapes.
   * `layers`: the model as already read (internal: the parent of --jobs reads the model once and hands
   * its layers, plain data, to every job, which deals itself the same cases without reading it again).
   */
  layersFrom?: { model: string; inputShapes?: InputShape[]; layers?: ModelLayers };
  /**
   * `--expect FILE`: known failures. Failures an entry covers are reported as expected and do not fail
   * the verdict; entries that cover nothing are stale (not conformant when `strict`). Applied once, to
   * the whole report (tools/report/knownFailures.ts).
   */
  expect?: KnownFailures;
  /**
   * Multiply-adds per case of the scale-and-edges tier: a power of two, 0 for none (`--scale-macs`,
   * CONVSPEC_SCALE_MACS). Default: sized by the target's measured speed (tools/verify/scaleSizing.ts).
   */
  scaleMacs?: number;
  /** Elements per tensor of the scale tier's cases: a power of two (`--scale-elements`, CONVSPEC_SCALE_ELEMENTS). Default: from the target's measured throughput. */
  scaleElements?: number;
  /** Internal (jobs): the scale limit the parent decided (measured once), with how it was decided. */
  scale?: ScaleSummary;
  /** Internal (jobs): after --shard, run only this share of the selection. */
  subShard?: { index: number; count: number };
  /** Internal (jobs): probe the ambiguities even though this run is a share. Default: full runs and shard 1. */
  probeAmbiguities?: boolean;
  /**
   * After a failure, group the failures into findings and search on for faults they do not explain
   * (tools/verify/findings; up to about 30 % more time on a failing run, none on a passing one).
   * Default true; the jobs of a --jobs run leave it to the parent.
   */
  findings?: boolean;
}

/** The most jobs a run may ask for. */
export const MAX_JOBS = 64;

export interface ProgressEvent {
  /** Units done so far and in all. */
  done: number;
  total: number;
  /** The unit about to run (absent on the final event). */
  id?: string;
  /** Failures so far. */
  failed: number;
}

/** Thrown for arguments that cannot work (e.g. a filter matching nothing): the CLI exits 2. */
export class VerifyArgumentError extends Error {
  override readonly name = 'VerifyArgumentError';
}

/**
 * The run could not go on for a reason that is not the implementation's (the fixtures changed or
 * vanished under it): the CLI exits 2, blaming nobody's conformance.
 */
export class VerifyEnvironmentError extends Error {
  override readonly name = 'VerifyEnvironmentError';
}
