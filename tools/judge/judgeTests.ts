/**
 * `convspec judge PATH` on ONNX backend-test folders (tools/onnx/backendTest.ts): every test whose
 * model is one float32 Conv or ConvTranspose node is judged, data set by data set, against the
 * float64 reference on that data set's inputs with the tolerance bound; every other test is listed
 * as skipped with the reason. Two uses:
 * - audit a suite's own expected outputs: the output_K.pb files in the test folders (PATH alone);
 * - judge what an implementation wrote: outputs under PATH at the same relative paths as the tests
 *   under `testsDir` (inputs and models are always read from `testsDir`, never from PATH).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caseId, compileFilter } from '../../spec/framework/caseId';
import { findMismatch, formatWindow } from '../../spec/framework/compare';
import { precisionRecorder, RatioHistogram } from '../../spec/framework/precision';
import { DEFAULT_SEED } from '../../spec/framework/runClause';
import { expectedWithBound, PRECISION_PROFILES, profileFor, type Algorithm, type PrecisionProfile } from '../../spec/tolerance';
import { findTestFolders, readDataSetInputs, readDataSetOutput, readTestModel, TestFolderError, type ConvTest } from '../onnx/backendTest';
import type { CaseResult, ClauseResult, VerifyReport } from '../report/report';
import { MAX_SLICES } from '../report/foldCases';
import { reportHead } from '../report/head';
import { VerifyArgumentError } from '../verify/options';
import { shellQuote } from '../terminal/shellQuote';
import { judgeMinSupported, judgeSummary } from './judgeVerdict';

export const TESTS_CLAUSE_ID = 'onnx.testOutputs';
export const NOT_RUN_TEST = 'not run: no output file';

export interface JudgeTestsOptions {
  /** Where the models and inputs are; default: the judged path itself (audit of the stored outputs). */
  testsDir?: string;
  precision?: PrecisionProfile['name'];
  algorithm?: Algorithm;
  /** Case filters (`onnx.testOutputs/node-test_conv*`); empty selects every test. */
  clauses?: string[];
  name?: string;
  /**
   * Smallest share (0…1) of the selected cases that must have an output for a CONFORMANT verdict; an
   * output not written counts as a case not run. Default 1: every selected case (judgeVerdict.ts).
   */
  minSupported?: number;
}

/** A case name from a test folder's relative path: lower case, [a-z0-9_-] only. */
export function caseNameFor(rel: string, fallback: string): string {
  const base = (rel || fallback).toLowerCase().replace(/\//g, '-').replace(/[^a-z0-9_-]/g, '_').replace(/^[^a-z0-9]+/, '');
  return base || 'test';
}

/** True when `dir` (or a folder below it) holds an ONNX test folder (a model.onnx). */
export function holdsTestFolders(dir: string): boolean {
  try {
    return findTestFolders(dir).length > 0;
  } catch {
    return false;
  }
}

function outputOrigin(outputsDir: string, testsDir: string, separate: boolean): string {
  return separate ? `the outputs in ${outputsDir}, computed from the inputs of the ONNX tests in ${testsDir}` : `the expected outputs stored in the ONNX tests in ${testsDir}`;
}

export async function judgeTestTree(outputsDir: string, options: JudgeTestsOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const testsDir = options.testsDir ?? outputsDir;
  const separate = options.testsDir !== undefined;
  for (const [dir, what] of [[outputsDir, 'path'], [testsDir, '--tests']] as const) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new VerifyArgumentError(`${what} ${dir} is not a folder`);
  }
  const profileName = options.precision ?? 'float32';
  if (!PRECISION_PROFILES[profileName]) throw new VerifyArgumentError(`unknown precision ${JSON.stringify(profileName)}: use ${Object.keys(PRECISION_PROFILES).join(', ')}`);
  const algorithm = options.algorithm ?? 'direct';
  if (algorithm !== 'direct' && algorithm !== 'transform') throw new VerifyArgumentError(`unknown algorithm ${JSON.stringify(algorithm)}: use direct or transform`);
  const profile = profileFor(profileName, algorithm);
  const minSupported = judgeMinSupported(options.minSupported);
  let folders: string[];
  try {
    folders = findTestFolders(testsDir);
  } catch (e) {
    throw new VerifyArgumentError((e as Error).message);
  }
  if (folders.length === 0) throw new VerifyArgumentError(`${testsDir} holds no ONNX test folder (a folder with model.onnx)`);
  const filters = (options.clauses ?? []).map(compileFilter);
  const selected = (id: string) => filters.length === 0 || filters.some((f) => f(id)) || filters.some((f) => f(TESTS_CLAUSE_ID));

  const cases: CaseResult[] = [];
  const skipped: Record<string, number> = {};
  const usedNames = new Set<string>();
  const uniqueName = (name: string) => {
    let n = name;
    for (let i = 2; usedNames.has(n); i++) n = `${name}-dup${i}`;
    usedNames.add(n);
    return n;
  };
  const precision = new RatioHistogram();
  let withSlice = 0;
  const skip = (id: string, source: string, reason: string, detail: string) => {
    cases.push({ id, status: 'unsupported', durationMs: 0, unsupportedReason: `${reason}: ${detail}`, source });
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };

  for (const rel of folders) {
    const folder = path.join(testsDir, rel);
    const name = uniqueName(caseNameFor(rel, path.basename(path.resolve(testsDir))));
    const folderId = caseId(TESTS_CLAUSE_ID, name);
    const t0 = Date.now();
    let test: ConvTest;
    try {
      const read = readTestModel(folder);
      if (read.kind === 'skip') {
        if (selected(folderId)) skip(folderId, folder, read.reason, read.detail);
        continue;
      }
      test = read;
    } catch (e) {
      if (selected(folderId)) cases.push({ id: folderId, status: 'failed', durationMs: Date.now() - t0, error: (e as Error).message, source: folder });
      continue;
    }
    if (test.dataSets.length === 0) {
      if (selected(folderId)) cases.push({ id: folderId, status: 'failed', durationMs: 0, error: `${folder}: a ${test.op} test with no test_data_set_N folder`, source: folder });
      continue;
    }
    for (const dataSet of test.dataSets) {
      const id = caseId(TESTS_CLAUSE_ID, `${name}-${dataSet.replace('test_data_set_', '')}`);
      if (!selected(id) && !selected(folderId)) continue;
      const source = path.join(folder, dataSet);
      const t1 = Date.now();
      let result: CaseResult;
      try {
        const inputs = readDataSetInputs(test, dataSet);
        const out = readDataSetOutput(test, separate ? path.join(outputsDir, rel) : folder, dataSet);
        if (!out.y) {
          if (separate) {
            cases.push({ id, status: 'unsupported', durationMs: 0, unsupportedReason: NOT_RUN_TEST, source });
            skipped[NOT_RUN_TEST] = (skipped[NOT_RUN_TEST] ?? 0) + 1;
            continue;
          }
          throw new TestFolderError(`${out.file}: missing (the test's expected output)`);
        }
        let expected;
        try {
          expected = expectedWithBound(test.op, inputs.x, inputs.w, inputs.b, test.attrs, profile);
        } catch (e) {
          throw new TestFolderError(`${path.join(folder, 'model.onnx')}: the reference rejects this ${test.op} (${(e as Error).message}), so no output can be judged conformant`);
        }
        const outer = precisionRecorder.current;
        precisionRecorder.current = precision;
        let m;
        try {
          m = findMismatch(out.y, expected);
        } finally {
          precisionRecorder.current = outer;
        }
        if (m && m.slice && withSlice++ >= MAX_SLICES) m = { ...m, slice: undefined };
        result = m
          ? { id, status: 'failed', durationMs: Date.now() - t1, error: `${out.file}: ${m.message}${m.window ? '\n' + formatWindow(m.window) : ''}`, mismatch: m, source }
          : { id, status: 'passed', durationMs: Date.now() - t1, source };
      } catch (e) {
        result = { id, status: 'failed', durationMs: Date.now() - t1, error: (e as Error).message, source };
      }
      cases.push(result);
    }
  }
  if (cases.length === 0) throw new VerifyArgumentError('the filters select no test');
  const args = separate ? `${shellQuote(outputsDir)} --tests ${shellQuote(testsDir)}` : shellQuote(outputsDir);
  const flags = [profileName !== 'float32' ? `--precision ${profileName}` : '', algorithm !== 'direct' ? `--algorithm ${algorithm}` : ''].filter(Boolean).join(' ');
  for (const c of cases) if (c.status === 'failed') c.replay = `npx convspec judge ${args}${flags ? ` ${flags}` : ''} --clause ${shellQuote(c.id)}`;
  const count = (s: CaseResult['status']) => cases.filter((c) => c.status === s).length;
  const firstFailure = cases.find((c) => c.status === 'failed');
  const clause: ClauseResult = {
    id: TESTS_CLAUSE_ID,
    title: `${outputOrigin(outputsDir, testsDir, separate)} are within the bound of the float64 reference (every one-node float32 Conv/ConvTranspose test)`,
    category: 'numeric',
    status: count('failed') > 0 ? 'failed' : count('passed') > 0 ? 'passed' : 'unsupported',
    numRuns: count('passed') + count('failed'),
    // Only outputs not written count as skipped cases of the target; tests that are not convolution
    // are listed (cases, skipped) but were never the target's to run, so they do not dilute coverage.
    numSkips: cases.filter((c) => c.unsupportedReason === NOT_RUN_TEST).length,
    seed: DEFAULT_SEED,
    durationMs: Date.now() - started,
    skipped,
    // Every output judged is someone's computation (the suite's or an implementation's): earned, not declared.
    calls: count('passed') + count('failed'),
    ...(firstFailure ? { error: `${count('failed')} of ${count('passed') + count('failed')} judged cases failed; first: ${firstFailure.id}: ${firstFailure.error}`, mismatch: firstFailure.mismatch, replay: firstFailure.replay } : {}),
    ...(precision.elements > 0 ? { precision: precision.summary() } : {}),
    cases,
  };
  return {
    ...reportHead(started),
    target: {
      kind: 'judge',
      args,
      name: options.name ?? (separate ? `outputs in ${outputsDir}` : `expected outputs of the ONNX tests in ${testsDir}`),
      supports: algorithm === 'direct' ? { precision: profileName } : { precision: profileName, algorithm },
    },
    options: { seed: DEFAULT_SEED, depth: 1, timeoutMs: 0, clauseFilters: options.clauses ?? [] },
    clauses: [clause],
    ambiguities: [],
    summary: judgeSummary([clause], minSupported),
  };
}
