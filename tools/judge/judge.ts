/**
 * `convspec judge DIR`: for implementations that cannot be called from here (another machine, a GPU,
 * a device). The third party runs each fixture's inputs itself and writes `output_0.pb` in the
 * fixtures layout under DIR (`DIR/<case-id>/test_data_set_0/output_0.pb`). Each output is judged
 * against the float64 reference on the fixture's inputs with the tolerance bound; a missing output is
 * reported as not run. Inputs always come from the (sha256-checked) fixtures, never from DIR.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caseId, compileFilter } from '../../spec/framework/caseId';
import { findMismatch, formatWindow } from '../../spec/framework/compare';
import { precisionRecorder, RatioHistogram } from '../../spec/framework/precision';
import { DEFAULT_SEED } from '../../spec/framework/runClause';
import { expectedWithBound, PRECISION_PROFILES, profileFor, type Algorithm, type PrecisionProfile } from '../../spec/tolerance';
import { defaultFixturesDir } from '../fixtures/paths';
import { FixtureError, loadManifest, readCase, readOutput, type FixtureData } from '../fixtures/read';
import type { CaseResult, ClauseResult, VerifyReport } from '../report/report';
import { MAX_SLICES } from '../report/foldCases';
import { reportHead } from '../report/head';
import { VerifyArgumentError, VerifyEnvironmentError } from '../verify/options';
import { judgeMinSupported, judgeSummary } from './judgeVerdict';

export const NOT_RUN = 'not run: no output file';

export interface JudgeOptions {
  /** The fixtures whose inputs were run. Default: the bundled fixtures/. */
  fixturesDir?: string;
  /** Precision profile the outputs are judged with. Default float32. */
  precision?: PrecisionProfile['name'];
  /** 'transform' for FFT/Winograd kernels: adds the declared transform term (spec/SPEC.md, Tolerance). Default 'direct'. */
  algorithm?: Algorithm;
  /** Case filters (`fixtures.ort/conv_*`); empty selects every case. */
  clauses?: string[];
  /** Name shown in reports. Default: the folder name. */
  name?: string;
  /**
   * Smallest share (0…1) of the selected cases that must have an output for a CONFORMANT verdict; an
   * output not written counts as a case not run. Default 1: every selected case (judgeVerdict.ts).
   */
  minSupported?: number;
}

/** Judges the outputs under `outputDir`. Rejects with VerifyArgumentError when it cannot start (exit 2). */
export async function judgeDirectory(outputDir: string, options: JudgeOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  if (!fs.existsSync(outputDir) || !fs.statSync(outputDir).isDirectory()) throw new VerifyArgumentError(`${outputDir} is not a folder`);
  const fixturesDir = options.fixturesDir ?? defaultFixturesDir();
  const profileName = options.precision ?? 'float32';
  if (!Object.prototype.hasOwnProperty.call(PRECISION_PROFILES, profileName)) throw new VerifyArgumentError(`unknown precision ${JSON.stringify(profileName)}: use ${Object.keys(PRECISION_PROFILES).join(', ')}`);
  const algorithm = options.algorithm ?? 'direct';
  if (algorithm !== 'direct' && algorithm !== 'transform') throw new VerifyArgumentError(`unknown algorithm ${JSON.stringify(algorithm)}: use direct or transform`);
  const profile = profileFor(profileName, algorithm);
  const minSupported = judgeMinSupported(options.minSupported);
  let manifest;
  try {
    manifest = loadManifest(fixturesDir);
  } catch (e) {
    throw new VerifyArgumentError((e as Error).message);
  }
  const clauseIdText = 'fixtures.ort';
  const filters = (options.clauses ?? []).map(compileFilter);
  const entries = manifest.cases.filter((e) => filters.length === 0 || filters.some((f) => f(caseId(clauseIdText, e.id))));
  if (entries.length === 0) throw new VerifyArgumentError('the filters select no fixture case');

  const cases: CaseResult[] = [];
  const precision = new RatioHistogram();
  let withSlice = 0;
  for (const entry of entries) {
    const t0 = Date.now();
    const id = caseId(clauseIdText, entry.id);
    const outFile = path.join(outputDir, entry.files.y.path);
    if (!fs.existsSync(outFile)) {
      cases.push({ id, status: 'unsupported', durationMs: 0, unsupportedReason: NOT_RUN });
      continue;
    }
    let fixture: FixtureData;
    try {
      fixture = readCase(fixturesDir, entry);
    } catch (e) {
      // The fixtures are convspec's inputs, not the third party's output: a damaged one stops the run (exit 2).
      if (e instanceof FixtureError) throw new VerifyEnvironmentError(e.message);
      throw e;
    }
    let result: CaseResult;
    try {
      const actual = readOutput(outputDir, entry);
      const expected = expectedWithBound(fixture.op, fixture.x, fixture.w, fixture.b, fixture.attrs, profile);
      const outer = precisionRecorder.current;
      precisionRecorder.current = precision;
      let m;
      try {
        m = findMismatch(actual, expected);
      } finally {
        precisionRecorder.current = outer;
      }
      if (m && m.slice && withSlice++ >= MAX_SLICES) m = { ...m, slice: undefined };
      result = m
        ? { id, status: 'failed', durationMs: Date.now() - t0, error: `${outFile}: ${m.message}${m.window ? '\n' + formatWindow(m.window) : ''}`, mismatch: m }
        : { id, status: 'passed', durationMs: Date.now() - t0 };
    } catch (e) {
      // A malformed or mis-shaped output is the third party's failure, named by file.
      result = { id, status: 'failed', durationMs: Date.now() - t0, error: (e as Error).message };
    }
    cases.push(result);
  }
  const count = (s: CaseResult['status']) => cases.filter((c) => c.status === s).length;
  const firstFailure = cases.find((c) => c.status === 'failed');
  const clause: ClauseResult = {
    id: clauseIdText,
    title: `the outputs in ${outputDir}, computed from the inputs of convspec's fixtures (${fixturesDir}), are within the bound of the float64 reference`,
    category: 'numeric',
    status: count('failed') > 0 ? 'failed' : count('passed') > 0 ? 'passed' : 'unsupported',
    numRuns: count('passed') + count('failed'),
    numSkips: count('unsupported'),
    seed: DEFAULT_SEED,
    durationMs: Date.now() - started,
    skipped: count('unsupported') > 0 ? { [NOT_RUN]: count('unsupported') } : {},
    // Every output read is the third party's computation.
    calls: count('passed') + count('failed'),
    ...(firstFailure ? { error: `${count('failed')} of ${cases.length} cases failed; first: ${firstFailure.id}: ${firstFailure.error}`, mismatch: firstFailure.mismatch } : {}),
    ...(precision.elements > 0 ? { precision: precision.summary() } : {}),
    cases,
  };
  return {
    ...reportHead(started),
    target: { kind: 'judge', args: outputDir, name: options.name ?? `outputs in ${outputDir}`, supports: algorithm === 'direct' ? { precision: profileName } : { precision: profileName, algorithm } },
    options: { seed: DEFAULT_SEED, depth: 1, timeoutMs: 0, clauseFilters: options.clauses ?? [] },
    clauses: [clause],
    ambiguities: [],
    summary: judgeSummary([clause], minSupported),
  };
}
