/**
 * `--html FILE`: one self-contained page per run (verify, judge, gate). Readable without JavaScript
 * and without network: styles inline, charts inline SVG rendered when the report is written
 * (charts.ts), a Content-Security-Policy that allows nothing to be fetched and only the page's own
 * table script (tableScript.ts, by hash) to run. Everything from the report is HTML-escaped.
 */
import { createHash } from 'node:crypto';
import { formatWindow, type MismatchSlice } from '../../spec/framework/compare';
import { formatRatio, type PrecisionSummary } from '../../spec/framework/precision';
import { compactCounterexample, scaleLine } from './format';
import type { CaseResult, ClauseResult, VerifyReport } from './report';
import { axisName, clauseProfileSpec, comparedProfileSpec, overallProfileSpec, renderSvg, sliceHeatmapSpec } from './charts';
import { TABLE_SCRIPT } from './tableScript';
import type { Finding } from './finding';
import { consistentText, counterexampleText, explainsText, findingTitle } from './findingText';
import { RAN_IN, shortTargetName } from './targetName';

/** Heat maps drawn per report at most (each failing clause or case with a slice). */
export const MAX_HEATMAPS = 12;

export interface HtmlSection {
  /** Heading above the report (gate: the step's name). */
  heading?: string;
  report: VerifyReport;
}

export interface HtmlInput {
  title: string;
  /** The command that produced the page, shown at the top. */
  command?: string;
  /** Gate: its steps, each with status and one-line summary. */
  steps?: { name: string; status: string; summary: string; durationMs: number }[];
  sections: HtmlSection[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const e = escapeHtml;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function verdict(r: VerifyReport): { cls: string; text: string } {
  const s = r.summary;
  if (s.nothingSelected) return { cls: 'warn', text: `NOTHING SELECTED (${s.notConformantBecause ?? 'this share holds no clause and no case'})` };
  if (s.conformant) return { cls: 'pass', text: 'CONFORMANT' };
  if (s.clauses.failed === 0) return { cls: 'warn', text: `NOT CONFORMANT (${s.notConformantBecause ?? 'nothing verified'})` };
  const which = [!s.numericConformant ? 'numerical conformance' : '', !s.validationConformant ? 'validation (errors on invalid input)' : ''].filter(Boolean).join(' and ');
  return { cls: 'fail', text: `NOT CONFORMANT in ${which}` };
}

function keyValues(rows: [string, string][]): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/** The implementation's name and, apart, where it ran (a browser, its version and flags): the title shows only the short name. */
function nameRows(name: string): [string, string][] {
  const cut = name.indexOf(RAN_IN);
  if (cut < 0) return [['name', e(name)]];
  return [['name', e(name.slice(0, cut))], ['ran in', `<code>${e(name.slice(cut + RAN_IN.length))}</code>`]];
}

function header(r: VerifyReport): string {
  const v = verdict(r);
  const t = r.summary.clauses;
  const c = r.summary.cases;
  const supports = Object.entries(r.target.supports);
  const declaration = supports.length
    ? keyValues(supports.map(([k, val]) => [k, `<code>${e(JSON.stringify(val))}</code>`]))
    : '<p>nothing declared: every clause applies, judged as float32</p>';
  const o = r.options;
  return `
<div class="verdict ${v.cls}"><strong>${e(v.text)}</strong>: clauses ${t.passed} passed, ${t.failed} failed, ${t.unsupported} ${r.target.kind === 'judge' ? 'skipped' : 'unsupported'}${c.passed + c.failed + c.unsupported > 0 ? `; cases ${c.passed} passed, ${c.failed} failed, ${c.unsupported} skipped` : ''}${r.summary.expectedFailures ? `; ${r.summary.expectedFailures} expected failure${r.summary.expectedFailures === 1 ? '' : 's'} (--expect)` : ''}${r.knownFailures?.stale.length ? `; stale --expect entries: ${e(r.knownFailures.stale.join(', '))}` : ''}</div>
<div class="cols">
<section><h3>Target</h3>${keyValues([
    ...nameRows(r.target.name),
    ['kind', e(r.target.kind)],
    ...(r.target.args ? ([['arguments', `<code>${e(r.target.args)}</code>`]] as [string, string][]) : []),
    ['convspec', e(r.convspecVersion)],
    ['started', e(r.startedAt)],
    ['duration', `${(r.durationMs / 1000).toFixed(1)} s`],
  ])}</section>
<section><h3>Declaration</h3>${declaration}</section>
<section><h3>Options</h3>${keyValues([
    ['seed', String(o.seed)],
    ['depth', String(o.depth)],
    ...(o.runs !== undefined ? ([['runs', String(o.runs)]] as [string, string][]) : []),
    ...(o.shard ? ([['shard', `${o.shard.index}/${o.shard.count}`]] as [string, string][]) : []),
    ...(o.timeoutMs ? ([['time limit', `${o.timeoutMs} ms`]] as [string, string][]) : []),
    ['filters', o.clauseFilters.length ? o.clauseFilters.map((f) => `<code>${e(f)}</code>`).join(' ') : 'none'],
  ])}</section>
</div>`;
}

function num(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '' : String(v === Infinity ? 1e308 : v);
}

function casesText(c: ClauseResult): string {
  if (c.cases) {
    const failed = c.cases.filter((k) => k.status === 'failed').length;
    const skipped = c.cases.filter((k) => k.status === 'unsupported').length;
    return `${c.numRuns - failed}/${c.numRuns} ok${skipped ? `, ${skipped} skipped` : ''}`;
  }
  return `${c.numRuns}${c.numSkips ? ` (+${c.numSkips} skipped)` : ''}${c.sampled ? `, ${c.sampled.cases} sampled` : ''}`;
}

function precisionCell(p: PrecisionSummary | undefined, which: 'median' | 'max'): string {
  if (!p) return '<td data-sort="">—</td>';
  const v = p[which];
  return `<td class="num" data-sort="${num(v)}">${e(formatRatio(v))}</td>`;
}

function clauseTable(r: VerifyReport): string {
  const rows = r.clauses.map((c) => {
    const skipped = Object.entries(c.skipped).map(([k, n]) => `${k} (${n})`).join('; ');
    return `<tr data-status="${c.status}"><td><a href="#${e(anchor(r, c.id))}"><code>${e(c.id)}</code></a></td><td>${e(c.category)}</td><td class="st ${c.expected ? 'unsupported' : c.status}">${c.status === 'failed' ? (c.expected ? 'expected' : 'FAILED') : e(c.status)}</td><td data-sort="${c.numRuns}">${e(casesText(c))}</td><td class="num" data-sort="${c.precision?.elements ?? ''}">${c.precision?.elements ?? '—'}</td>${precisionCell(c.precision, 'median')}${precisionCell(c.precision, 'max')}<td class="num" data-sort="${c.durationMs}">${(c.durationMs / 1000).toFixed(1)} s</td><td>${e(c.title)}${skipped ? `<div class="skip">skipped: ${e(clip(skipped, 400))}</div>` : ''}</td></tr>`;
  });
  return `<table class="clauses" data-sortable><thead><tr><th>clause</th><th>category</th><th>status</th><th>cases</th><th>elements judged</th><th>median |err|/bound</th><th>max |err|/bound</th><th>time</th><th>title</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

let sectionCounter = 0;
const anchors = new WeakMap<VerifyReport, number>();
function anchor(r: VerifyReport, id: string): string {
  if (!anchors.has(r)) anchors.set(r, ++sectionCounter);
  return `r${anchors.get(r)}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Where the heat map's slice lies: the fixed indices, and the axes and ranges of its rows and columns. */
function sliceWhere(s: MismatchSlice, rank: number | undefined): string {
  const range = (start: number, n: number) => `${start}–${start + n - 1}`;
  if (!s.axes || rank === undefined) {
    return `${s.fixed.length ? `[${s.fixed.join(', ')}, …]` : 'the output'}, rows ${range(s.rowStart, s.rows)}, columns ${range(s.colStart, s.cols)}`;
  }
  const [ra, ca] = s.axes;
  let k = 0;
  const index = Array.from({ length: rank }, (_, a) => (a === ra ? 'rows' : a === ca ? 'columns' : String(s.fixed[k++])));
  return `[${index.join(', ')}]: rows along ${axisName(ra, rank)} ${range(s.rowStart, s.rows)}, columns along ${axisName(ca, rank)} ${range(s.colStart, s.cols)} (the axes where the error varies most)`;
}

async function failureBlock(r: VerifyReport, c: ClauseResult, budget: { heatmaps: number }): Promise<string> {
  const parts = [`<article class="failure" id="${e(anchor(r, c.id))}"><h4><code>${e(c.id)}</code> — ${e(c.title)} <span class="cat">[${e(c.category)}]</span></h4>`];
  const detail = async (x: { error?: string; mismatch?: CaseResult['mismatch']; replay?: string; counterexample?: string; source?: string; expected?: CaseResult['expected'] }, label?: string) => {
    const out: string[] = [];
    if (label) out.push(`<h5><code>${e(label)}</code></h5>`);
    if (x.expected) out.push(`<p class="expected">expected failure (--expect ${e(x.expected.entry)}): ${e(x.expected.reason)}</p>`);
    if (x.source) out.push(`<p class="src">from <code>${e(x.source)}</code></p>`);
    if (x.counterexample) out.push(`<p>counterexample (shrunk):</p><pre>${e(clip(compactCounterexample(x.counterexample), 4000))}</pre>`);
    if (x.mismatch) out.push(`<p>${e(x.mismatch.message)}</p>`);
    else if (x.error) out.push(`<pre>${e(clip(x.error, 3000))}</pre>`);
    if (x.mismatch?.window) out.push(`<p>around the worst element:</p><pre>${e(formatWindow(x.mismatch.window))}</pre>`);
    if (x.mismatch?.slice && budget.heatmaps > 0) {
      budget.heatmaps--;
      const s = x.mismatch.slice;
      const where = sliceWhere(s, x.mismatch.worst?.index.length);
      out.push(`<figure class="heat"><figcaption>the failing slice: ${e(where)}; the worst element outlined</figcaption>${await renderSvg(sliceHeatmapSpec(s, x.mismatch.worst?.index))}</figure>`);
    }
    if (x.replay) out.push(`<p>replay: <code class="replay">${e(x.replay)}</code></p>`);
    return `<div class="case">${out.join('\n')}</div>`;
  };
  if (c.cases) {
    const failing = c.cases.filter((k) => k.status === 'failed');
    parts.push(`<p>${failing.length} of ${c.cases.length} cases failed.</p>`);
    for (const k of failing.slice(0, 20)) parts.push(await detail(k, k.id));
    if (failing.length > 20) parts.push(`<p>… and ${failing.length - 20} more (see the --json report).</p>`);
  } else {
    parts.push(await detail(c));
    for (const f of (c.faults ?? []).slice(0, 3)) parts.push(`<p>fault (${e(f.kind)}) on <code>${e(clip(f.case, 300))}</code>: ${e(f.message)}</p>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}

async function precisionBlock(r: VerifyReport): Promise<string> {
  const p = r.summary.precision;
  if (!p) return '<p>No element was judged against a bound, so there is no precision profile.</p>';
  const rows = r.clauses.filter((c) => c.precision).map((c) => ({ clause: c.id, precision: c.precision! }));
  const charts = [`<figure>${await renderSvg(overallProfileSpec(p, 'Precision profile: every judged element'))}</figure>`];
  if (rows.length > 1) charts.push(`<figure>${await renderSvg(clauseProfileSpec(rows))}</figure>`);
  return `<p>How close the outputs come to their bounds: |error| / bound for every judged element (the bound is the tolerance model of spec/SPEC.md; ≤ 1 passes). A float32 kernel sits far below 1; TF32 or float16 accumulation sits near or above it.</p>${charts.join('\n')}`;
}

/** The findings, one block each: trigger, what it is consistent with, what it explains, the smallest counterexample. */
function findingsBlock(r: VerifyReport): string {
  const findings = r.findings ?? [];
  if (findings.length === 0) return '';
  const block = (f: Finding) => `<div class="finding${f.expected ? ' expected' : ''}" id="${e(anchor(r, `finding-${f.id}`))}"><h4>${e(findingTitle(f))}</h4>
<p>${e(consistentText(f))}.</p><p>Explains ${e(explainsText(f))}.</p>${
    f.counterexample ? `<p>Smallest counterexample (all values in the JSON report, <code>findings[].counterexample</code>):</p><pre>${e(counterexampleText(f.counterexample))}</pre>` : ''
  }</div>`;
  return `<h3>Findings: ${findings.length} distinct fault${findings.length === 1 ? '' : 's'}</h3>\n${findings.map(block).join('\n')}`;
}

async function sectionHtml(s: HtmlSection): Promise<string> {
  const r = s.report;
  const failures = r.clauses.filter((c) => c.status === 'failed');
  const budget = { heatmaps: MAX_HEATMAPS };
  const failureHtml: string[] = [];
  for (const c of failures) failureHtml.push(await failureBlock(r, c, budget));
  const ambiguities = r.ambiguities.length
    ? `<h3>Ambiguities (spec/AMBIGUITIES.md): readings, not verdicts</h3><table><thead><tr><th>point</th><th>follows</th><th>detail</th></tr></thead><tbody>${r.ambiguities
        .map((a) => `<tr><td><code>${e(a.id)}</code></td><td>${e(a.follows)}</td><td>${e(a.detail ?? '')}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const l = r.layersFrom;
  const layers = l
    ? `<h3>Layers from ${e(l.model)}</h3><p>${l.nodes} Conv/ConvTranspose nodes, ${l.resolved} resolved (the cases of <code>model.layers</code>), ${l.unresolved.length} unresolved.</p>${
        l.unresolved.length
          ? `<table><thead><tr><th>node</th><th>op</th><th>why it is not judged</th></tr></thead><tbody>${l.unresolved.map((u) => `<tr><td><code>${e(u.node)}</code></td><td>${e(u.op)}</td><td>${e(u.reason)}</td></tr>`).join('')}</tbody></table>`
          : ''
      }${l.notes.map((n) => `<p>Note: ${e(n)}</p>`).join('')}`
    : '';
  return `<section class="report">
${s.heading ? `<h2>${e(s.heading)}</h2>` : ''}
${header(r)}
${findingsBlock(r)}
${layers}
<h3>Precision profile</h3>
${await precisionBlock(r)}
${scaleLine(r) ? `<p>${e(scaleLine(r)!)}</p>` : ''}
<h3>Clauses</h3>
${clauseTable(r)}
${failures.length ? `<h3>Failures</h3>\n${failureHtml.join('\n')}` : ''}
${ambiguities}
</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1b1b1b}
h1{font-size:22px;margin:4px 0 12px}h2{font-size:19px;border-top:2px solid #ddd;padding-top:12px}h3{font-size:16px;margin:20px 0 8px}h4{font-size:14px;margin:14px 0 6px}h5{font-size:13px;margin:12px 0 4px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap}
.verdict{padding:10px 14px;border-radius:6px;font-size:15px;margin:8px 0}.verdict.pass{background:#e6f4ea;border:1px solid #34a853}.verdict.fail{background:#fce8e6;border:1px solid #d93025}.verdict.warn{background:#fef7e0;border:1px solid #f9ab00}
.cols{display:flex;flex-wrap:wrap;gap:24px}.cols section{flex:1 1 300px}
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:3px 8px;text-align:left;vertical-align:top}thead th{background:#f3f3f3;position:sticky;top:0}
th.sortable{cursor:pointer}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
table.kv th{font-weight:normal;color:#555;border:0;padding:1px 12px 1px 0}table.kv td{border:0;padding:1px 0}
td.num{text-align:right;font-variant-numeric:tabular-nums}.st.passed{color:#188038}.st.failed{color:#c5221f;font-weight:bold}.st.unsupported{color:#a56300}
.skip{color:#666;font-size:12px}.cat{color:#666;font-weight:normal}.src{color:#555}
.failure{border-left:4px solid #d93025;padding:2px 12px;margin:12px 0;background:#fffafa}
.finding{border-left:4px solid #d93025;padding:2px 12px;margin:10px 0;background:#fff6f5}.finding.expected{border-color:#f9ab00;background:#fffbf0}
figure{margin:8px 0;overflow-x:auto}figcaption{font-size:12px;color:#555}
.filters{margin:6px 0;display:flex;gap:8px;align-items:center}.filters input{width:280px;padding:3px}.filters .count{color:#666;font-size:12px}
table.steps td,table.steps th{padding:3px 10px}
`;

/** The whole page. */
export async function renderHtmlReport(input: HtmlInput): Promise<string> {
  const sections: string[] = [];
  for (const s of input.sections) sections.push(await sectionHtml(s));
  const scriptHash = createHash('sha256').update(TABLE_SCRIPT).digest('base64');
  const steps = input.steps
    ? `<h2>Steps</h2><table class="steps"><thead><tr><th>step</th><th>status</th><th>summary</th><th>time</th></tr></thead><tbody>${input.steps
        .map((s) => `<tr><td>${e(s.name)}</td><td class="st ${s.status === 'passed' ? 'passed' : s.status === 'empty' ? 'unsupported' : 'failed'}">${e(s.status)}</td><td>${e(s.summary)}</td><td>${(s.durationMs / 1000).toFixed(1)} s</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const profiles = input.sections.filter((s) => s.report.summary.precision).map((s) => ({ target: s.heading ?? shortTargetName(s.report.target), precision: s.report.summary.precision! }));
  const compared = profiles.length > 1 ? `<h2>Precision</h2><figure>${await renderSvg(comparedProfileSpec(profiles))}</figure>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="convspec">
<title>${e(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${e(input.title)}</h1>
${input.command ? `<p>produced by <code>${e(input.command)}</code></p>` : ''}
${steps}
${compared}
${sections.join('\n')}
<script>${TABLE_SCRIPT}</script>
</body>
</html>
`;
}
