/**
 * `convspec verify --jobs N`: the selection is dealt round-robin into N shares, each verified by a job
 * process of its own (jobMain.ts: a judge with its own copy of the target), and the shares' results are
 * put back in selection order. Each clause draws its cases from the seed alone and each listed case is
 * independent, so the merged report is the same for any N: same verdicts, counterexamples and replay
 * lines. Judging runs in the jobs too, so the work that scales is the whole case, not just the target.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergePrecision } from '../../spec/framework/precision';
import { endOnExit } from '../hosts/endOnExit';
import { onJobEnd } from './jobChannel';
import { forwardLogLines } from '../hosts/lines';
import { summarise, type CaseResult, type ClauseResult, type VerifyReport } from '../report/report';
import { foldCases } from '../report/foldCases';
import { reportHead } from '../report/head';
import { VerifyArgumentError, VerifyEnvironmentError, type ProgressEvent, type VerifyOptions } from './options';
import { shareOf, type Selection } from './selection';
import { TargetError } from '../hosts/loadModule';
import { targetArgs, type VerifyTarget } from '../targets/target';

/** What a job is asked to do: the target and the plain-data options of its share. */
export interface JobRequest {
  target: VerifyTarget;
  options: Omit<VerifyOptions, 'onProgress' | 'log' | 'registry' | 'jobs'>;
}

export type JobMessage =
  /** The job is about to run unit `id`; `failed` counts its failures so far. */
  | { type: 'progress'; id: string; failed: number }
  | { type: 'log'; line: string }
  | { type: 'report'; report: VerifyReport }
  | { type: 'error'; name: string; message: string };

function jobScript(): string {
  const beside = path.join(__dirname, 'jobMain.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../dist/tools/verify/jobMain.js');
  if (fs.existsSync(built)) return built;
  throw new TargetError('the verify job is not built: run `npm run build` first');
}

/**
 * Runs one share in a job process; rejects with the error the job met (its class kept for exit codes).
 * `script` is the job's entry point (jobMain.js; a test passes a stand-in).
 */
export function runJob(request: JobRequest, log: (line: string) => void, progress: (id: string, failed: number) => void, script = jobScript()): Promise<VerifyReport> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
    // SIGTERM, not SIGKILL: the job ends its own hosts and programs on the way out (jobMain.ts).
    endOnExit(child, 'process', 'SIGTERM');
    forwardLogLines(child.stdout!, log);
    forwardLogLines(child.stderr!, log);
    let settled = false;
    child.on('message', (m: JobMessage) => {
      if (m.type === 'progress') progress(m.id, m.failed);
      else if (m.type === 'log') log(m.line);
      else if (m.type === 'report') {
        settled = true;
        resolve(m.report);
      } else if (m.type === 'error') {
        settled = true;
        const E = m.name === 'TargetError' ? TargetError : m.name === 'VerifyEnvironmentError' ? VerifyEnvironmentError : m.name === 'VerifyArgumentError' ? VerifyArgumentError : Error;
        reject(new E(m.message));
      }
    });
    onJobEnd(child, (how) => {
      if (!settled) reject(new Error(`a verify job ended without a report (${how})`));
    });
    child.send(request);
  });
}

/**
 * Verifies `selection` (already filtered and sharded) in `jobs` job processes and merges their reports.
 * Called by verifyTarget when options.jobs > 1.
 */
export async function verifyInJobs(target: VerifyTarget, options: VerifyOptions & { seed: number; timeoutMs: number }, selection: Selection, jobs: number, started: number): Promise<VerifyReport> {
  const filters = options.clauses ?? [];
  const probeAll = filters.length === 0 && !options.layersFrom && (!options.shard || options.shard.index === 1);
  const shares = Array.from({ length: jobs }, (_, i) => ({ index: i + 1, count: jobs })).filter((sub) => {
    const s = shareOf(selection, sub);
    return s.property.length + s.enumerated.length > 0;
  });
  const total = selection.property.length + selection.enumerated.reduce((a, e) => a + e.cases.length, 0);
  let done = 0;
  const failedPerJob = shares.map(() => 0);
  const report = (id?: string) => options.onProgress?.({ done, total, id, failed: failedPerJob.reduce((a, b) => a + b, 0) } satisfies ProgressEvent);
  const log = options.log ?? ((line: string) => process.stderr.write(`[adapter] ${line}\n`));
  const { onProgress: _p, log: _l, registry: _r, jobs: _j, ...plain } = options;
  const reports = await Promise.all(
    shares.map((subShard, k) =>
      runJob({ target, options: { ...plain, subShard, probeAmbiguities: probeAll && k === 0, findings: false } }, log, (id, failedSoFar) => {
        failedPerJob[k] = failedSoFar;
        report(id);
        done++;
      }),
    ),
  ).finally(() => report());

  // Back into selection order: property clauses whole, enumerated clauses from their cases.
  const byId = new Map<string, ClauseResult>();
  const casesById = new Map<string, CaseResult>();
  for (const r of reports) for (const c of r.clauses) {
    if (c.cases) for (const k of c.cases) casesById.set(k.id, k);
    else byId.set(c.id, c);
  }
  const clauses: ClauseResult[] = [];
  for (const clause of selection.property) {
    const c = byId.get(clause.id);
    if (!c) throw new Error(`no job reported clause ${clause.id}`);
    clauses.push(c);
  }
  for (const { clause, cases } of selection.enumerated) {
    const parts = reports.flatMap((r) => r.clauses.filter((c) => c.id === clause.id));
    const results = cases.map((c) => {
      const id = `${clause.id}/${c.name}`;
      const k = casesById.get(id);
      if (!k) throw new Error(`no job reported case ${id}`);
      return k;
    });
    clauses.push(foldCases({ id: clause.id, title: clause.title, category: clause.category, seed: options.seed }, results, parts.reduce((a, c) => a + c.durationMs, 0), mergePrecision(parts.map((c) => c.precision))));
  }
  const first = reports[0];
  const abandoned = reports.map((r) => r.summary.abandoned).find((a) => a !== undefined);
  return {
    ...reportHead(started),
    target: { kind: target.kind, args: targetArgs(target), name: first.target.name, supports: first.target.supports },
    options: first.options,
    clauses,
    ambiguities: reports.flatMap((r) => r.ambiguities),
    summary: summarise(clauses, { minSupported: options.minSupported, abandoned }),
  };
}
