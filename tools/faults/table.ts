/**
 * `npm run mutants`: the kill table. Verifies every catalogue entry (tools/faults/) against
 * every registered implementation clause and prints, per entry, the verdict, the first clause that
 * killed it, every killer, and the time taken. Exit 1 if a mutant survives or a good variant is
 * rejected, 0 otherwise, 2 on bad arguments.
 *
 *   node dist/tools/faults/table.js [--first] [--depth N] [--seed S] [--only ID,ID] [--markdown]
 *
 * --first stops each mutant at its first killer (fast); by default every clause runs on every entry
 * so the table shows which clauses see which bug.
 *
 * Each entry is judged in a process of its own (`--judge-one ID`, which prints one JSON line), so
 * whatever judging one entry leaves in the heap goes with it. Judged one after another in one
 * process, the 33 scale entries ran node out of heap (4 GB) after about 50 minutes, twice, and
 * printed nothing (what kept growing was not found).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { allClauses } from '../../spec/clauses';
import { catalogue } from './catalogue';
import { backendStyleFailures, BACKEND_CASES } from './backendStyle';
import { computesFloat32 } from './dtypes';
import { judgeEntry, type Judgement } from './judge';
import type { CatalogueEntry } from './entry';

interface TableOptions {
  first?: boolean;
  depth?: string;
  seed?: string;
  only?: string;
  markdown?: boolean;
  judgeOne?: string;
}

const LINE_PREFIX = 'JUDGED ';

/** Imported from its TypeScript source (by a test), this module has its children run the build of it. */
const FROM_SOURCE = __filename.endsWith('.ts');
const TABLE_SCRIPT = FROM_SOURCE ? path.resolve(__dirname, '../../dist/tools/faults/table.js') : __filename;

/** A row of the table: a Judgement, of whose first kill only the clause id and error are kept. */
export type TableRow = Omit<Judgement, 'firstKill'> & { firstKill?: { id: string; error?: string } };

/** What a `--judge-one` process prints about its entry: its row less the entry, with the ONNX-backend-style failures when it computes float32. */
type JudgedLine = Omit<TableRow, 'entry'> & { backend?: string[] };

/** Judges one entry in this process and prints its JudgedLine. */
async function judgeOne(entry: CatalogueEntry, options: { first?: boolean; depth?: number; seed?: number }): Promise<void> {
  const backend = computesFloat32(entry) ? await backendStyleFailures(entry.impl) : undefined;
  const j = await judgeEntry(entry, { stopAtFirstKill: options.first, depth: options.depth, seed: options.seed });
  const line: JudgedLine = {
    killedBy: j.killedBy, clausesRun: j.clausesRun, unsupported: j.unsupported, durationMs: j.durationMs, asExpected: j.asExpected, scale: j.scale,
    ...(j.firstKill ? { firstKill: { id: j.firstKill.id, error: j.firstKill.error } } : {}),
    ...(backend ? { backend } : {}),
  };
  process.stdout.write(`${LINE_PREFIX}${JSON.stringify(line)}\n`);
}

/** Judges `entry` in a child process running this script with --judge-one; rejects if it prints no judgement. */
function judgeInChild(entry: CatalogueEntry, options: { first?: boolean; depth?: number; seed?: number }): Promise<JudgedLine> {
  const args = [TABLE_SCRIPT, '--judge-one', entry.id, ...(options.first ? ['--first'] : []), ...(options.depth !== undefined ? ['--depth', String(options.depth)] : []),
    ...(options.seed !== undefined ? ['--seed', String(options.seed)] : [])];
  return new Promise((resolve, reject) => {
    // Node's own flags (a larger heap, say) carry over to the child when this is the compiled script.
    const child = spawn(process.execPath, [...(FROM_SOURCE ? [] : process.execArgv), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith(LINE_PREFIX));
      if (line) resolve(JSON.parse(line.slice(LINE_PREFIX.length)) as JudgedLine);
      else reject(new Error(`judging ${entry.id} ended (${signal ?? `exit ${code}`}) without a judgement`));
    });
  });
}

function number(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
}

/** Formats the judgements as a plain-text or Markdown table. */
export function formatKillTable(rows: TableRow[], markdown: boolean, backend?: Map<string, string[]>): string {
  const header = ['entry', 'expected', 'verdict', 'first killer', 'time', 'scale tier', 'ONNX tests*', 'killed by'];
  // The limits the entry's clauses drew within (measured once per entry, as one verify run measures).
  const scaleCell = (j: TableRow) => (j.scale.maxMacs > 0 ? `${j.scale.maxMacsText} · ${j.scale.maxTensorElementsText}` : 'off');
  const backendCell = (id: string) => {
    const f = backend?.get(id);
    return f === undefined ? 'n/a' : f.length === 0 ? 'pass' : `fail ${f.length}/${BACKEND_CASES.length}`;
  };
  const body = rows.map((j) => [
    j.entry.id,
    j.entry.verdict === 'reject' ? 'reject' : 'accept',
    (j.killedBy.length > 0 ? 'rejected' : 'accepted') + (j.asExpected ? '' : '  <-- WRONG'),
    j.killedBy[0] ?? '—',
    `${(j.durationMs / 1000).toFixed(1)} s`,
    scaleCell(j),
    backendCell(j.entry.id),
    j.killedBy.length === 0 ? '—' : `${j.killedBy.length} of ${j.clausesRun}: ${j.killedBy.join(' ')}`,
  ]);
  if (markdown) {
    const line = (cols: string[]) => `| ${cols.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
  }
  const last = header.length - 1;
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => (c === last ? 0 : b[c].length))));
  const line = (cols: string[]) => cols.map((s, c) => (c === last ? s : s.padEnd(widths[c]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/**
 * Per clause: how many mutants it kills, and which mutants no other clause kills (the clause is the
 * only guard against that bug). Only meaningful for a full run (not --first).
 */
export function formatClausePower(rows: TableRow[], clauseIds: string[]): string {
  const mutantRows = rows.filter((r) => r.entry.verdict === 'reject');
  const lines = ['clause                              kills  sole killer of'];
  for (const id of clauseIds) {
    const kills = mutantRows.filter((r) => r.killedBy.includes(id));
    const sole = kills.filter((r) => r.killedBy.length === 1).map((r) => r.entry.id);
    lines.push(`${id.padEnd(36)}${String(kills.length).padStart(5)}  ${sole.join(', ') || '—'}`);
  }
  return lines.join('\n');
}

/** Runs the table for argv (process.argv layout) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('mutants-table')
    .option('--first', 'stop each entry at its first failing clause')
    .option('--depth <n>', 'multiplier of each clause\'s default number of random cases')
    .option('--seed <s>', 'fast-check seed')
    .option('--only <ids>', 'comma-separated catalogue ids')
    .option('--markdown', 'print a Markdown table')
    .option('--judge-one <id>', 'judge one entry in this process and print its judgement as one JSON line (what the table runs per entry)')
    .exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    return e instanceof CommanderError && e.exitCode === 0 ? 0 : 2;
  }
  const o = program.opts<TableOptions>();
  let depth: number | undefined;
  let seed: number | undefined;
  try {
    depth = number('depth', o.depth);
    seed = o.seed === undefined ? undefined : Number(o.seed);
    if (seed !== undefined && !Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${o.seed}`);
  } catch (e) {
    process.stderr.write(`mutants-table: ${(e as Error).message}\n`);
    return 2;
  }
  if (o.judgeOne !== undefined) {
    const entry = catalogue.find((e) => e.id === o.judgeOne);
    if (!entry) {
      process.stderr.write(`mutants-table: unknown id ${o.judgeOne}\n`);
      return 2;
    }
    await judgeOne(entry, { first: o.first, depth, seed });
    return 0;
  }
  const only = o.only?.split(',').map((s) => s.trim());
  const entries = only ? catalogue.filter((e) => only.includes(e.id)) : catalogue;
  if (only && entries.length !== only.length) {
    process.stderr.write(`mutants-table: unknown id in --only; known: ${catalogue.map((e) => e.id).join(', ')}\n`);
    return 2;
  }
  const implementationClauses = allClauses.filter((c) => c.category !== 'math');
  if (implementationClauses.length === 0) {
    process.stderr.write('mutants-table: no implementation clauses are registered in spec/clauses.ts\n');
    return 2;
  }
  const started = Date.now();
  const rows: TableRow[] = [];
  const backend = new Map<string, string[]>();
  for (const entry of entries) {
    if (process.stderr.isTTY) process.stderr.write(`\r${entry.id}…`.padEnd(50));
    const { backend: failures, ...judged } = await judgeInChild(entry, { first: o.first, depth, seed });
    // The ONNX backend tests are float32: entries of other element types alone are not emulated (n/a).
    if (failures) backend.set(entry.id, failures);
    rows.push({ entry, ...judged });
  }
  if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(51) + '\r');
  const mutantRows = rows.filter((r) => r.entry.verdict === 'reject');
  const goodRows = rows.filter((r) => r.entry.verdict === 'accept');
  process.stdout.write(`Kill table: ${entries.length} entries × ${implementationClauses.length} implementation clauses` +
    `${o.first ? ' (stopping at the first killer)' : ''}, seed ${seed ?? 'default'}, depth ${depth ?? 1}\n\n`);
  process.stdout.write(formatKillTable(rows, !!o.markdown, backend) + '\n');
  const escaped = rows.filter((r) => r.entry.verdict === 'reject' && backend.get(r.entry.id)?.length === 0).map((r) => r.entry.id);
  process.stdout.write(`* an emulation of the ONNX backend node tests (tools/faults/backendStyle.ts: their ${BACKEND_CASES.length} configurations, ` +
    `x = 0, 1, 2, …, all-ones weights, rtol 1e-3): "pass" means those tests would not notice the bug. ` +
    `${escaped.length} of ${rows.filter((r) => r.entry.verdict === 'reject' && backend.has(r.entry.id)).length} float32 mutants pass them: ${escaped.join(', ') || 'none'}.\n\n`);
  if (!o.first) process.stdout.write(formatClausePower(rows, implementationClauses.map((c) => c.id)) + '\n\n');
  const survivors = mutantRows.filter((r) => !r.asExpected).map((r) => r.entry.id);
  const falseAlarms = goodRows.filter((r) => !r.asExpected);
  process.stdout.write(`${mutantRows.length - survivors.length} of ${mutantRows.length} mutants rejected; ` +
    `${goodRows.length - falseAlarms.length} of ${goodRows.length} good variants accepted; ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (survivors.length > 0) process.stdout.write(`SURVIVED: ${survivors.join(', ')}\n`);
  for (const f of falseAlarms) process.stdout.write(`FALSE ALARM on ${f.entry.id} by ${f.killedBy.join(', ')}:\n${f.firstKill?.error ?? ''}\n`);
  return survivors.length > 0 || falseAlarms.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`mutants-table: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
