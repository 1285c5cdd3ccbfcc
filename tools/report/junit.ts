/**
 * JUnit XML for CI systems: one <testcase> per property clause and one per enumerated case, failures
 * with the counterexample and replay command, unsupported clauses as <skipped>. Every text and
 * attribute is escaped, and characters XML 1.0 cannot carry are dropped.
 */
import { consistentText, findingLines, findingTitle } from './findingText';
import { formatWindow } from '../../spec/framework/compare';
import type { ClauseResult, VerifyReport } from './report';

// Tab, newline, carriage return and the ranges XML 1.0 allows; everything else is removed.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML element body or a double-quoted attribute. */
export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const firstLine = (s: string | undefined) => (s ?? '').split('\n')[0];

interface TestCase {
  classname: string;
  name: string;
  timeMs: number;
  failure?: { message: string; body: string };
  skipped?: string;
  /**
   * A failure `--expect` covers: written as <skipped type="convspec.expected"> with the reason and the
   * failure's details, the way pytest writes an xfail, so CI shows it apart from passes and failures.
   */
  expected?: { message: string; body: string };
}

/** A failure becomes an expected one when a known-failures entry covers it. */
function asExpected(t: TestCase, mark: { reason: string; entry: string } | undefined): TestCase {
  if (!mark || !t.failure) return t;
  return { ...t, failure: undefined, expected: { message: `expected failure (--expect ${mark.entry}): ${mark.reason}`, body: t.failure.body } };
}

function clauseCases(c: ClauseResult, findingsOf: (id: string) => string[]): TestCase[] {
  if (c.cases) {
    return c.cases.map((k) => asExpected({
      classname: c.id,
      name: k.id,
      timeMs: k.durationMs,
      failure: k.status === 'failed' ? { message: firstLine(k.error), body: [...findingsOf(k.id), k.error, k.mismatch?.window ? formatWindow(k.mismatch.window) : '', k.replay ? `replay: ${k.replay}` : ''].filter(Boolean).join('\n') } : undefined,
      skipped: k.status === 'unsupported' ? `unsupported: ${k.unsupportedReason ?? ''}` : undefined,
    }, k.expected));
  }
  const reasons = Object.entries(c.skipped).map(([r, n]) => `${r} (${n})`).join(', ');
  return [
    asExpected({
      classname: c.category,
      name: `${c.id}: ${c.title}`,
      timeMs: c.durationMs,
      failure:
        c.status === 'failed'
          ? {
              message: firstLine(c.error),
              body: [
                ...findingsOf(c.id),
                `counterexample: ${c.counterexample ?? '(none)'}`,
                `seed ${c.seed}${c.path ? `, path ${c.path}` : ''}`,
                c.error ?? '',
                ...(c.faults ?? []).map((f) => `fault (${f.kind}) on ${f.case}: ${f.message}`),
                c.replay ? `replay: ${c.replay}` : '',
              ]
                .filter(Boolean)
                .join('\n'),
            }
          : undefined,
      skipped: c.status === 'unsupported' ? `unsupported: ${reasons}` : undefined,
    }, c.expected),
  ];
}

/** The report as a JUnit XML document (one <testsuite>). */
export function toJUnit(report: VerifyReport, suiteName = `convspec verify ${report.target.name}`): string {
  const findings = report.findings ?? [];
  // Each failure names the findings that explain it; the suite's system-out lists the findings in full.
  const findingsOf = (id: string) => findings.filter((f) => f.clauses.includes(id) || f.cases.includes(id)).map((f) => `finding ${findingTitle(f)}; ${consistentText(f)}`);
  const cases = report.clauses.flatMap((c) => clauseCases(c, findingsOf));
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped || c.expected).length;
  const time = seconds(report.durationMs);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${xmlEscape(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${xmlEscape(report.startedAt)}">`,
    '    <properties>',
    `      <property name="seed" value="${report.options.seed}"/>`,
    `      <property name="target" value="${xmlEscape(report.target.args || '(bundled onnxruntime adapter)')}"/>`,
    `      <property name="convspec" value="${xmlEscape(report.convspecVersion)}"/>`,
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="${seconds(c.timeMs)}"`;
    if (c.failure) {
      lines.push(`${open}>`, `      <failure message="${xmlEscape(c.failure.message)}" type="NotConformant">${xmlEscape(c.failure.body)}</failure>`, '    </testcase>');
    } else if (c.expected) {
      lines.push(`${open}>`, `      <skipped type="convspec.expected" message="${xmlEscape(c.expected.message)}">${xmlEscape(c.expected.body)}</skipped>`, '    </testcase>');
    } else if (c.skipped) {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(c.skipped)}"/>`, '    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  if (findings.length > 0) {
    const text = [`Findings: ${findings.length} distinct fault${findings.length === 1 ? '' : 's'}`, ...findings.flatMap(findingLines)].join('\n');
    lines.push(`    <system-out>${xmlEscape(text)}</system-out>`);
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
