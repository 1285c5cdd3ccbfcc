/**
 * JUnit XML for the gate: one <testsuite> per gate step inside one <testsuites>. Verify reports are
 * rendered by tools/report/junit.ts (so a verify step looks exactly as `verify --junit` writes it) and
 * their <testsuite> element is lifted out; the gate's own steps are written here.
 */
import { toJUnit, xmlEscape } from '../report/junit';
import type { VerifyReport } from '../report/report';

export interface GateCase {
  name: string;
  classname: string;
  timeMs: number;
  failure?: string;
  /** A problem that kept the check from running (JUnit <error>). */
  error?: string;
  skipped?: string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const firstLine = (s: string) => s.split('\n')[0];

/** A <testsuite> element for the gate's own checks. */
export function suiteXml(name: string, cases: GateCase[], timestamp: string, totalMs: number): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const errors = cases.filter((c) => c.error !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const lines = [
    `  <testsuite name="${xmlEscape(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(totalMs)}" timestamp="${xmlEscape(timestamp)}">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="${seconds(c.timeMs)}"`;
    if (c.failure !== undefined) {
      lines.push(`${open}>`, `      <failure message="${xmlEscape(firstLine(c.failure))}" type="GateCheckFailed">${xmlEscape(c.failure)}</failure>`, '    </testcase>');
    } else if (c.error !== undefined) {
      lines.push(`${open}>`, `      <error message="${xmlEscape(firstLine(c.error))}" type="CouldNotRun">${xmlEscape(c.error)}</error>`, '    </testcase>');
    } else if (c.skipped !== undefined) {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(c.skipped)}"/>`, '    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

/** The <testsuite> element of a verify report, as tools/report/junit.ts renders it. */
export function reportSuiteXml(report: VerifyReport, name: string): string {
  const doc = toJUnit(report, name);
  const m = /<testsuite [\s\S]*<\/testsuite>/.exec(doc);
  if (!m) throw new Error('internal: toJUnit produced no <testsuite> element');
  return `  ${m[0]}`;
}

function countsOf(suite: string): Record<'tests' | 'failures' | 'errors' | 'skipped', number> {
  const open = /<testsuite [^>]*>/.exec(suite)?.[0] ?? '';
  const n = (attr: string) => Number(new RegExp(`\\s${attr}="(\\d+)"`).exec(open)?.[1] ?? 0);
  return { tests: n('tests'), failures: n('failures'), errors: n('errors'), skipped: n('skipped') };
}

/** The whole document: <testsuites> with totals summed over the suites. */
export function gateJUnit(suites: string[], totalMs: number): string {
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of suites) {
    const c = countsOf(s);
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="convspec gate" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${seconds(totalMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
