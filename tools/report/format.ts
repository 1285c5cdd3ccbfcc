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
  return c.status === 'failed' ? (c.expected ? 'expected' : 'FAILED') : c.status;
}

function statusColour(c: ClauseResult, col: Colors): (s: string) => string {
  return c.status === 'passed' ? col.green : c.status === 'failed' && !c.expected ? col.red : col.yellow;
}

function casesCell(c: ClauseResult): string {
  if (c.cases) {
    const failed = c.cases.filter((k) => k.status === 'failed').length;
    const skipped = c.cases.filter((k) => k.status === 'unsupported').length;
    return `${c.numRuns - failed}/${c.numRuns} ok${skipped ? `, ${skipped} skipped` : ''}`;
  }
  return `${c.numRuns}${c.numSkips ? ` (+${c.numSkips} skipped)` : ''}${c.sampled ? `, ${c.sampled.cases} sampled` : ''}`;
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
      const expected = k.expected ? col.yellow(` (expected: ${clip(safe(k.expected.reason), 200)})`) : '';
      out.push(`  - ${safe(k.id)}${expected}: ${clip(safe((k.error ?? '').split('\n')[0]), 200)}`);
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

/**
 * What `--expect` did: the expected failures (one line each, with the entry's reason), then the stale
 * entries, then the count. Nothing without --expect.
 */
export function formatKnownFailures(report: VerifyReport, col: Colors = plain): string[] {
  const k = report.knownFailures;
  if (!k) return [];
  const out: string[] = [];
  const lines: string[] = [];
  for (const c of report.clauses) {
    if (c.status !== 'failed') continue;
    if (c.cases) {
      for (const kase of c.cases) if (kase.status === 'failed' && kase.expected) lines.push(`  ~ ${safe(kase.id)}: ${clip(safe(kase.expected.reason), 200)} [${safe(kase.expected.entry)}]`);
    } else if (c.expected) {
      lines.push(`  ~ ${safe(c.id)}: ${clip(safe(c.expected.reason), 200)} [${safe(c.expected.entry)}]`);
    }
  }
  for (const f of report.findings ?? []) if (f.expected) lines.push(`  ~ finding ${safe(f.id)} (${safe(f.trigger)}): ${clip(safe(f.expected.reason), 200)}`);
  const n = report.summary.expectedFailures ?? 0;
  out.push('', col.bold(`Expected failures (--expect${k.file ? ` ${safe(k.file)}` : ''}): ${n}`));
  if (lines.length > 20) out.push(...lines.slice(0, 20), `  … and ${lines.length - 20} more (see --json)`);
  else out.push(...lines);
  if (k.stale.length > 0) {
    out.push(col.yellow(`  stale: ${k.stale.length} entr${k.stale.length === 1 ? 'y' : 'ies'} covered no failure${k.strict ? ' (--strict-expect: not conformant)' : ' (--strict-expect would fail)'}:`));
    for (const label of k.stale.slice(0, 20)) out.push(col.yellow(`    ${safe(label)}`));
  }
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
  const failures = failed.filter((c) => !cutShort(c) && !c.expected);
  if (failures.length > 0) parts.push('', col.bold('Failures'), '', failures.map((c) => formatFailure(c, col)).join('\n\n'));
  parts.push(...formatKnownFailures(report, col));
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
  else if (s.conformant) verdict = col.green(col.bold('CONFORMANT')) + (s.validationNotChecked ? ' numerically; invalid input not checked (supports.validation: false)' : '') + (s.expectedFailures ? ` with ${s.expectedFailures} expected failure${s.expectedFailures === 1 ? '' : 's'} (--expect${report.knownFailures?.file ? ` ${safe(report.knownFailures.file)}` : ''})` : '');
  // Failures --expect covers fail no verdict: what is left decides which verdict line is shown.
  else if (failed.every((c) => c.expected)) {
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
  const scale = scaleLine(report);
  if (scale) parts.push(scale);
  parts.push('', `${verdict}: ${counts}`);
  return parts.join('\n') + '\n';
}

/**
 * The scale tier's line: its limit, how it was set, and what sampled judging judged. Undefined when
 * the run has no scale tier and sampled nothing.
 */
export function scaleLine(report: VerifyReport): string | undefined {
  const { scale, sampled } = report.summary;
  if (!scale && !sampled) return undefined;
  const limit = !scale || scale.maxMacs === 0
    ? `scale tier off${scale?.note ? ` (${safe(scale.note)})` : ''}`
    : `scale tier: cases up to ${scale.maxMacsText} multiply-adds and ${scale.maxTensorElementsText} elements per tensor (${
      scale.source === 'measured'
        ? `target measured at ${(scale.macsPerSecond! / 1e9).toPrecision(2)} GMAC/s and ${(scale.elementsPerSecond! / 1e6).toPrecision(2)} M elements/s, sized to ~${scale.timeShareSeconds} s per run`
        : scale.source === 'option' ? 'as asked' : `speed not measured: ${safe(scale.note ?? '')}`
    })`;
  const judged = sampled ? `; ${sampled.cases} case${sampled.cases === 1 ? '' : 's'} judged at sampled positions (${sampled.judgedElements} of ${sampled.outputElements} elements)` : '';
  return limit + judged;
}
