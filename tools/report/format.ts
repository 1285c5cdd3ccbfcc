/**
 * The terminal report: a table by clause (status, category, cases), then each failure with its
 * counterexample, the actual/expected/bound window and a replay command, then the ambiguity readings
 * and the verdict. Colour only on a terminal (tools/terminal/style.ts: NO_COLOR, non-TTY and CI logs get none).
 * Every name and message that comes from outside (node and folder names, the target's name, adapters'
 * errors) goes through terminalSafe (tools/terminal/terminalText.ts): it cannot act on the terminal or start a line.
 */
import { makeStyle, plain as plainStyle, type Style } from '../terminal/style';
import { formatWindow } from '../../spec/framework/compare';
import { formatPrecision } from '../../spec/framework/precision';
import { terminalSafe as safe, terminalSafeLines } from '../terminal/terminalText';
import type { ClauseResult, LayersFromSummary, VerifyReport } from './report';
import { findingLines } from './findingText';

type Colors = Pick<Style, 'red' | 'green' | 'yellow' | 'dim' | 'bold'>;

const plain: Colors = plainStyle;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function statusText(c: ClauseResult): string {
  return c.status === 'failed' ? 'FAILED' : c.status;
}

function statusColour(c: ClauseResult, col: Colors): (s: string) => string {
  return c.status === 'passed' ? col.green : c.status === 'failed' ? col.red : col.yellow;
}

function casesCell(c: ClauseResult): string {
  if (c.cases) {
    const failed = c.cases.filter((k) => k.status === 'failed').length;
    const skipped = c.cases.filter((k) => k.status === 'unsupported').length;
    return `${c.numRuns - failed}/${c.numRuns} ok${skipped ? `, ${skipped} skipped` : ''}`;
  }
  return `${c.numRuns}${c.numSkips ? ` (+${c.numSkips} skipped)` : ''}`;
}

/** The table by clause. Widths fit the content; long titles are clipped. */
export function formatTable(report: VerifyReport, col: Colors = plain): string {
  const rows = report.clauses.map((c) => [safe(c.id), c.category, statusText(c), casesCell(c), formatPrecision(c.precision), `${(c.durationMs / 1000).toFixed(1)}s`, clip(safe(c.title), 60)]);
  const header = ['clause', 'category', 'status', 'cases', '|err|/bound med / max', 'time', 'title'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const body = report.clauses.map((c, i) =>
    rows[i]
      .map((s, j) => (j === 2 ? statusColour(c, col)(s.padEnd(widths[j])) : s.padEnd(widths[j])))
      .join('  ')
      .trimEnd(),
  );
  return [col.bold(header.map((h, j) => h.padEnd(widths[j])).join('  ').trimEnd()), ...body].join('\n');
}

/** Shortens long typed-array literals in a counterexample (the --json report keeps them whole). */
export function compactCounterexample(s: string): string {
  return s.replace(/(Float32Array|Float64Array)\.from\(\[([^\]]*)\]\)/g, (whole, type: string, body: string) => {
    const values = body.split(',');
    return values.length <= 8 ? whole : `${type}.from([${values.slice(0, 6).join(',')},… ${values.length} values])`;
  });
}

function indent(s: string, by = '    '): string {
  return s
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** The details of one failing clause. */
export function formatFailure(c: ClauseResult, col: Colors = plain): string {
  const out = [col.red(col.bold(`✗ ${safe(c.id)}`)) + ` — ${safe(c.title)} [${c.category}]`];
  if (c.cases) {
    const failing = c.cases.filter((k) => k.status === 'failed');
    out.push(`  ${failing.length} of ${c.cases.length} cases failed:`);
    for (const k of failing.slice(0, 10)) {
      out.push(`  - ${safe(k.id)}: ${clip(safe((k.error ?? '').split('\n')[0]), 200)}`);
      if (k.description) out.push(`    ${clip(safe(k.description), 400)}`);
    }
    if (failing.length > 10) out.push(`  … and ${failing.length - 10} more (see --json)`);
    const first = failing[0];
    if (first?.mismatch?.window) out.push(`  first failure, around the worst element:`, indent(formatWindow(first.mismatch.window), '  '));
    if (first?.replay) out.push(`  replay: ${safe(first.replay)}`);
    return out.join('\n');
  }
  if (c.counterexample) out.push(`  counterexample: ${clip(safe(compactCounterexample(c.counterexample)), 1200)}`);
  out.push(`  seed ${c.seed}${c.path ? `, path ${c.path}` : ''}`);
  if (c.mismatch) {
    out.push(indent(terminalSafeLines(c.mismatch.message), '  '));
    if (c.mismatch.window) out.push(indent(formatWindow(c.mismatch.window), '  '));
  } else if (c.error) {
    // Its line breaks kept, each line indented under the failure: no line of it reaches the margin.
    out.push(indent(terminalSafeLines(clip(c.error, 2000)), '  '));
  }
  for (const f of (c.faults ?? []).slice(0, 3)) out.push(`  fault (${f.kind}) on ${clip(safe(f.case), 300)}: ${safe(f.message)}`);
  if (c.replay) out.push(`  replay: ${safe(c.replay)}`);
  return out.join('\n');
}

/** What --layers-from found: counts, every unresolved node with its reason, the notes. */
export function formatLayersFrom(l: LayersFromSummary, col: Colors = plain): string[] {
  const out = [col.bold(`Layers from ${safe(l.model)}: ${l.nodes} Conv/ConvTranspose node${l.nodes === 1 ? '' : 's'}, ${l.resolved} resolved, ${l.unresolved.length} unresolved`)];
  for (const u of l.unresolved) out.push(`  unresolved ${safe(u.op)} '${safe(u.node)}': ${safe(u.reason)}`);
  for (const n of l.notes) out.push(col.dim(`  note: ${safe(n)}`));
  return out;
}

/** The findings, first in the report (one per distinct fault), followed by a blank line; nothing when there are none. */
export function formatFindings(report: VerifyReport, col: Colors = plain): string[] {
  const findings = report.findings ?? [];
  if (findings.length === 0) return [];
  const out = [col.bold(`Findings: ${findings.length} distinct fault${findings.length === 1 ? '' : 's'}`)];
  for (const f of findings) {
    const [title, ...rest] = findingLines(f);
    out.push(`  ${(f.expected ? col.yellow : col.red)(safe(title))}`, ...rest.map((l) => `  ${safe(l)}`));
  }
  out.push('');
  return out;
}

/** The whole terminal report. */
export function formatReport(report: VerifyReport, col: Colors = makeStyle()): string {
  const s = report.summary;
  const parts = [
    `convspec ${report.target.kind === 'judge' ? 'judge' : 'verify'} — ${safe(report.target.name)}${report.target.args ? ` (${safe(report.target.args)})` : ''}`,
    `seed ${report.options.seed}, depth ${report.options.depth}${report.options.runs ? `, runs ${report.options.runs}` : ''}${report.options.shard ? `, shard ${report.options.shard.index}/${report.options.shard.count}` : ''}, ${(report.durationMs / 1000).toFixed(1)} s`,
    ...(Object.keys(report.target.supports).length > 0 ? [`declares: ${safe(JSON.stringify(report.target.supports))}`] : []),
    ...(report.target.supports.algorithm === 'transform'
      ? [`tolerance: ${report.target.supports.precision ?? 'float32'} bound + the transform-algorithm normwise term (spec/SPEC.md, Tolerance)`]
      : []),
    '',
    ...formatFindings(report, col),
    formatTable(report, col),
  ];
  const failed = report.clauses.filter((c) => c.status === 'failed');
  // Clauses cut short because the target hangs everywhere are named once, not each with the same story.
  const cutShort = (c: ClauseResult) => s.abandoned !== undefined && (c.error ?? '').includes(s.abandoned);
  const failures = failed.filter((c) => !cutShort(c));
  if (failures.length > 0) parts.push('', col.bold('Failures'), '', failures.map((c) => formatFailure(c, col)).join('\n\n'));
  const notRun = failed.filter(cutShort);
  if (notRun.length > 0) parts.push('', `not run because the target hangs (failed): ${notRun.map((c) => safe(c.id)).join(', ')}`);
  if (report.ambiguities.length > 0) {
    parts.push('', col.bold('Ambiguities (spec/AMBIGUITIES.md): readings, not verdicts'));
    for (const a of report.ambiguities) parts.push(`  ${a.id}: follows ${safe(a.follows)}${a.detail ? col.dim(` — ${safe(a.detail)}`) : ''}`);
  }
  if (report.layersFrom) parts.push('', ...formatLayersFrom(report.layersFrom, col));
  const t = s.clauses;
  // For judge, a skipped case is one the third party produced no output for.
  // judge on ONNX test folders also skips tests that are not convolution: 'skipped' covers both.
  const testFolders = report.clauses.some((c) => c.id === 'onnx.testOutputs');
  const skipWord = report.target.kind === 'judge' ? (testFolders ? 'skipped (not run or not convolution)' : 'not run') : 'unsupported';
  const counts = `${t.passed} passed, ${t.failed} failed, ${t.unsupported} ${skipWord}${s.cases.passed + s.cases.failed + s.cases.unsupported > 0 ? `; cases ${s.cases.passed} passed, ${s.cases.failed} failed, ${s.cases.unsupported} ${skipWord}` : ''}`;
  const cov = s.coverage;
  if (cov && cov.casesUnsupported > 0) {
    const left = report.target.kind === 'judge' ? 'not run (no output file)' : 'outside the declared support';
    parts.push('', `coverage: ${cov.casesJudged} cases judged, ${cov.casesUnsupported} ${left} (${(cov.supportedFraction * 100).toFixed(1)} % supported)`);
  }
  // Said once here rather than in every clause it cut short.
  if (s.abandoned) parts.push('', col.red(col.bold(`stopped calling the target: ${safe(s.abandoned)}`)));
  let verdict: string;
  if (s.nothingSelected) verdict = col.yellow(col.bold('NOTHING SELECTED')) + ` (${s.notConformantBecause ?? 'this share holds no clause and no case'})`;
  else if (s.conformant) verdict = col.green(col.bold('CONFORMANT'));
  else if (t.failed === 0) {
    const judgeWhy = testFolders ? 'no Conv/ConvTranspose test judged' : 'no output file found';
    const earned = (s.coverage?.casesJudged ?? 0) > 0;
    verdict = col.yellow(col.bold('NOT CONFORMANT')) + ` (${report.target.kind === 'judge' && !earned ? judgeWhy : safe(s.notConformantBecause ?? 'nothing verified')})`;
  } else {
    const which = [!s.numericConformant ? 'numerical conformance' : '', !s.validationConformant ? 'validation (errors on invalid input)' : ''].filter(Boolean).join(' and ');
    verdict = col.red(col.bold('NOT CONFORMANT')) + ` in ${which}`;
  }
  if (s.precision) {
    parts.push('', `precision: |error|/bound over ${s.precision.elements} judged elements: median ${formatPrecision(s.precision).replace(' / ', ', max ')} (≤ 1 passes)`);
  }
  parts.push('', `${verdict}: ${counts}`);
  return parts.join('\n') + '\n';
}
