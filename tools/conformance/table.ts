/**
 * The README's conformance table: verifies every bundled target that can run here (`convspec
 * targets`: ONNX Runtime in several settings, onnxruntime-web, TensorFlow.js backends, numpy and
 * PyTorch over --cmd, and the same runtimes inside headless Chromium) with verifyTarget, and prints
 * one Markdown table, clause by clause, with the date, the versions, the run settings, the wall time
 * of each target, and the targets that could not run here with the reason. Each column is verified at
 * several seeds (tools/conformance/seeds.ts): a cell passes only if it passes at every seed, so no
 * verdict rests on the luck of one seed.
 *
 *   npm run build && node dist/tools/conformance/table.js [--out FILE] [--targets ort,tfjs-wasm,...] [--depth N] [--seeds S1,S2,...]
 *
 * Exit 0 when the table was produced (whatever the verdicts: it documents them), 2 when a target
 * could not be run at all (a target that cannot run here is listed, not an error, unless named in
 * --targets).
 */
import * as fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { findBrowser } from '../browser/findBrowser';
import { probeBrowser, type BrowserFeatures } from '../browser/probe';
import { BUNDLED_TARGETS, targetStatus, type TargetStatus } from '../targets/registry';
import { DEFAULT_SEED } from '../../spec/framework/runClause';
import { writeReportFile } from '../report/writeReport';
import { renderHtmlReport } from '../report/html';
import { type ClauseResult, type VerifyReport, type VerifyTarget } from '../verify/run';
import { failingSeeds, verifyAtSeeds, type SeedRun } from './seeds';

/** The table's seeds unless --seeds says otherwise: the default seed and two more. */
export const TABLE_SEEDS = [DEFAULT_SEED, 5, 17];

export interface ConformanceTarget {
  key: string;
  /** Column heading. */
  label: string;
  target: VerifyTarget;
  /** Version line for the header. */
  version(): string;
}

/** Every bundled target (tools/targets/registry.ts) that can run here, by its `--target` name (`features`: what the browser offers, tools/browser/probe.ts). */
export function shippedTargets(features?: BrowserFeatures): { available: ConformanceTarget[]; unavailable: TargetStatus[] } {
  const statuses = BUNDLED_TARGETS.map((t) => targetStatus(t, features));
  return {
    available: statuses.filter((s) => s.available).map((s) => ({ key: s.name, label: s.name, target: { kind: 'named', name: s.name }, version: () => s.version })),
    unavailable: statuses.filter((s) => !s.available),
  };
}

/**
 * One table cell for a clause result (merged over the seeds, tools/conformance/seeds.ts). `failedAt`:
 * the seeds at which it failed, shown when the column ran more than one seed.
 */
export function cell(r: ClauseResult | undefined, failedAt: number[] = []): string {
  if (!r) return '—';
  if (r.cases) {
    const passed = r.cases.filter((c) => c.status === 'passed').length;
    const failed = r.cases.filter((c) => c.status === 'failed').length;
    const run = passed + failed;
    if (run === 0) return `n/a (${skipText(r)})`;
    return failed === 0 ? `pass (${passed}/${run})` : `**FAIL** (${failed} of ${run})`;
  }
  // Skipped draws (outside the declared support) are listed once per target under the table.
  if (r.status === 'passed') return `pass (${r.numRuns})${r.numSkips > 0 ? ' †' : ''}`;
  if (r.status === 'failed') return failedAt.length > 0 ? `**FAIL** (seed${failedAt.length > 1 ? 's' : ''} ${failedAt.join(', ')})` : '**FAIL**';
  return `n/a (${skipText(r)})`;
}

function skipText(r: ClauseResult): string {
  const reasons = Object.keys(r.skipped);
  return reasons.length > 0 ? reasons.join(', ') : 'unsupported';
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown: header, the clause-by-clause table, ambiguity readings, and one line per failure. */
export function conformanceMarkdown(
  columns: { t: ConformanceTarget; report: VerifyReport; wallMs?: number; runs?: SeedRun[] }[],
  /** `seeds`: every seed the columns ran, in order (`seed`: one seed only, when `seeds` is absent). */
  meta: { date: string; seeds?: number[]; seed?: number; depth: number; unavailable?: TargetStatus[] },
): string {
  const seeds = meta.seeds ?? [meta.seed ?? DEFAULT_SEED];
  // Math clauses (facts such as the HDC rule) never call the implementation: they would pass for any
  // column, so they are counted in one line instead of filling rows.
  const ids: { id: string; title: string }[] = [];
  const mathIds = new Set<string>();
  for (const { report } of columns) {
    for (const c of report.clauses) {
      if (c.category === 'math') mathIds.add(c.id);
      else if (!ids.some((x) => x.id === c.id)) ids.push({ id: c.id, title: c.title });
    }
  }
  const lines: string[] = [];
  lines.push(`Conformance of real implementations, produced by \`node dist/tools/conformance/table.js\` on ${meta.date}`);
  const seedText =
    seeds.length === 1
      ? `seed ${seeds[0]}`
      : `seeds ${seeds.join(', ')} — every clause at the first; the clauses that draw random cases again at each other seed (listed cases such as the fixtures do not depend on the seed); a cell passes, and a column is conformant, only if it is at every seed; a pass counts the cases of all seeds`;
  lines.push(`(convspec ${columns[0]?.report.convspecVersion ?? '?'}, Node ${process.version}, ${seedText}, depth ${meta.depth}, per-case time limit ${(columns[0]?.report.options.timeoutMs ?? 10000) / 1000} s).`);
  lines.push('');
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  for (const { t, report, wallMs, runs } of columns) {
    const perSeed = runs && runs.length > 1 ? ` (${runs.map((r) => `seed ${r.seed}: ${seconds(r.wallMs)}`).join(', ')})` : '';
    lines.push(`- **${t.label}**: ${t.version()} — adapter reports "${report.target.name}"; ${seconds(wallMs ?? report.durationMs)}${perSeed}`);
  }
  for (const u of meta.unavailable ?? []) lines.push(`- not run here: **${u.name}** — ${u.why}`);
  lines.push('');
  lines.push(`| clause | ${columns.map(({ t }) => t.label).join(' | ')} |`);
  lines.push(`| --- | ${columns.map(() => '---').join(' | ')} |`);
  for (const { id } of ids) {
    lines.push(`| \`${id}\` | ${columns.map(({ report, runs }) => escapeCell(cell(report.clauses.find((c) => c.id === id), runs && runs.length > 1 ? failingSeeds(runs, id) : []))).join(' | ')} |`);
  }
  const verdict = (r: VerifyReport) =>
    r.summary.conformant ? 'conformant' : r.summary.numericConformant ? 'numerically conformant; validation failures' : '**not conformant**';
  lines.push(`| **verdict** | ${columns.map(({ report }) => verdict(report)).join(' | ')} |`);
  if (mathIds.size > 0) lines.push('', `Not shown: ${mathIds.size} math clauses (${[...mathIds].map((id) => `\`${id}\``).join(', ')}), which check facts without calling the implementation.`);
  const skipNotes = columns
    .map(({ t, report }) => ({ t, reasons: [...new Set(report.clauses.flatMap((c) => Object.keys(c.skipped)))] }))
    .filter((n) => n.reasons.length > 0);
  if (skipNotes.length > 0) {
    lines.push('', '† random cases outside what the adapter declares it supports were skipped, not counted:');
    for (const { t, reasons } of skipNotes) lines.push(`- ${t.label}: ${reasons.join('; ')}`);
  }
  const ambiguityIds = [...new Set(columns.flatMap(({ report }) => report.ambiguities.map((a) => a.id)))];
  if (ambiguityIds.length > 0) {
    lines.push('', 'Ambiguous points (spec/AMBIGUITIES.md): which reading each follows — not a verdict.', '');
    lines.push(`| point | ${columns.map(({ t }) => t.label).join(' | ')} |`);
    lines.push(`| --- | ${columns.map(() => '---').join(' | ')} |`);
    for (const id of ambiguityIds) {
      lines.push(`| \`${id}\` | ${columns.map(({ report }) => escapeCell(report.ambiguities.find((a) => a.id === id)?.follows ?? '—')).join(' | ')} |`);
    }
  }
  // A merged clause carries its first failing seed's details; its replay line names that seed.
  const failures = columns.flatMap(({ t, report, runs }) => report.clauses.filter((c) => c.status === 'failed').map((c) => ({ t, c, also: runs && runs.length > 1 ? failingSeeds(runs, c.id).filter((s) => s !== c.seed) : [] })));
  if (failures.length > 0) {
    lines.push('', 'Failures (first line of each; `replay` reproduces it):', '');
    for (const { t, c, also } of failures) {
      const first = (c.error ?? '').split('\n')[0].slice(0, 240);
      const more = also.length > 0 ? ` (fails at seed${also.length > 1 ? 's' : ''} ${also.join(', ')} too)` : '';
      lines.push(`- ${t.label}, \`${c.id}\`: ${first}${c.replay ? ` — replay: \`${c.replay}\`` : ''}${more}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('conformance-table')
    .option('--out <file>', 'also write the Markdown to this file')
    .option('--html <file>', 'also write a self-contained HTML report: every target, precision profiles compared')
    .option('--targets <names>', 'comma-separated subset of the bundled targets (`convspec targets`)')
    .option('--depth <n>', 'multiplier of each clause\'s default number of random cases', '1')
    .option('--seeds <list>', 'comma-separated fast-check seeds; every column runs at each (the first runs every clause, the others the seed-drawn ones)', TABLE_SEEDS.join(','))
    .option('--seed <s>', 'one fast-check seed only (the same as --seeds S)')
    .option('--timeout <ms>', 'per-case time limit (verify --timeout); raise it on a busy machine, where software WebGPU can take seconds per new shape', '10000')
    .exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    return e instanceof CommanderError && e.exitCode === 0 ? 0 : 2;
  }
  const o = program.opts<{ out?: string; html?: string; targets?: string; depth: string; seeds: string; seed?: string; timeout: string }>();
  const depth = Number(o.depth);
  const timeoutMs = Number(o.timeout);
  const bothSeedOptions = o.seed !== undefined && program.getOptionValueSource('seeds') === 'cli';
  const seeds = (o.seed ?? o.seeds).split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  // Which browser targets the installed browser can run (a WebGPU adapter, WebGL2, a WebNN backend).
  const features = 'missing' in findBrowser() ? undefined : await probeBrowser().catch(() => undefined);
  const { available: all, unavailable } = shippedTargets(features);
  const keys = o.targets ? o.targets.split(',').map((s) => s.trim()) : all.map((t) => t.key);
  const unknown = keys.filter((k) => !all.some((t) => t.key === k));
  const badSeeds = bothSeedOptions || seeds.length === 0 || new Set(seeds).size !== seeds.length || !seeds.every((s) => Number.isSafeInteger(s));
  if (unknown.length > 0 || !(depth > 0) || badSeeds || !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0)) {
    const why = unknown.map((k) => unavailable.find((u) => u.name === k)).filter((u): u is TargetStatus => !!u).map((u) => `${u.name}: ${u.why}`);
    process.stderr.write(`conformance-table: bad arguments (targets available here: ${all.map((t) => t.key).join(',')}; depth > 0; integer seeds, each once, in --seeds or --seed but not both)${why.length ? `\n${why.join('\n')}` : ''}\n`);
    return 2;
  }
  const columns: { t: ConformanceTarget; report: VerifyReport; wallMs: number; runs: SeedRun[] }[] = [];
  for (const t of all.filter((x) => keys.includes(x.key))) {
    process.stderr.write(`verifying ${t.label}…\n`);
    const started = Date.now();
    try {
      const { report, runs } = await verifyAtSeeds(t.target, seeds, { depth, timeoutMs, log: () => undefined });
      columns.push({ t, report, wallMs: Date.now() - started, runs });
      const each = runs.map((r) => `seed ${r.seed}: ${r.report.summary.conformant ? 'conformant' : 'NOT conformant'}, ${(r.wallMs / 1000).toFixed(1)} s`).join('; ');
      process.stderr.write(`  ${report.summary.conformant ? 'conformant' : 'NOT conformant'} in ${((Date.now() - started) / 1000).toFixed(1)} s (${each})\n`);
    } catch (e) {
      process.stderr.write(`conformance-table: could not run ${t.label}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const md = conformanceMarkdown(columns, { date: new Date().toISOString().slice(0, 10), seeds, depth, unavailable: o.targets ? [] : unavailable });
  process.stdout.write(md);
  if (o.out) fs.writeFileSync(o.out, md);
  if (o.html) {
    const sections = columns.map((c) => ({ heading: c.t.label, report: c.report }));
    await writeReportFile(o.html, await renderHtmlReport({ title: 'convspec: conformance of real implementations', command: `node dist/tools/conformance/table.js ${argv.slice(2).join(' ')}`, sections }));
  }
  return 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`conformance-table: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
