/**
 * The built CLI (`node bin/convspec.js`, built by `npm test`'s pretest): exit codes 0 / 1 / 2 for
 * verify and judge, the --json report validated with ajv against its published schema (conformant
 * and failing reports, with non-finite numbers in the window), and the --junit file checked to be
 * well-formed XML whose failure text is escaped. Few cases per run keep it within seconds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { encodeTensor } from '../../onnx/tensorProto';
import { readCase, loadManifest } from '../../fixtures/read';
import { defaultFixturesDir } from '../../fixtures/paths';
import { REPORT_SCHEMA } from '../../report/reportSchema';
import { xmlEscape } from '../../report/junit';
import { expectedWithBound } from '../../../spec/tolerance';

const root = path.resolve(__dirname, '../../..');
const adapters = path.join(__dirname, 'adapters');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-cli-'));

function convspec(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const validate = new Ajv({ allErrors: true }).compile(REPORT_SCHEMA);
function expectValidReport(file: string): Record<string, any> {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ok = validate(report);
  expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
  return report;
}

/**
 * A small well-formedness check (no XML library is installed): one root, balanced tags, quoted
 * attributes, only the five predefined entities or character references, no raw '<' or '&' in text.
 */
function expectWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body))) {
    consumed = token.lastIndex;
    const [, close, name, attrs, selfClose, text] = m;
    const checkEntities = (s: string) => {
      for (const e of s.match(/&[^;]*;?/g) ?? []) expect(e).toMatch(/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/);
    };
    if (text !== undefined) {
      if (stack.length === 0) expect(text.trim()).toBe('');
      checkEntities(text);
      continue;
    }
    checkEntities(attrs ?? '');
    if (close) {
      expect(stack.pop()).toBe(name);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name);
    }
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe('convspec verify: exit codes and report files', () => {
  it('exit 0 for the reference module, with a JSON report that validates and well-formed JUnit', () => {
    const json = path.join(tmp, 'ok.json');
    const junit = path.join(tmp, 'ok.xml');
    const r = convspec('verify', path.join(adapters, 'reference.cjs'), '--clause', 'robustness.output.*', '--clause', 'fixtures.ort/conv_1d', '--runs', '5', '--json', json, '--junit', junit);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CONFORMANT/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR and not a TTY: no escape codes
    const report = expectValidReport(json);
    expect(report.summary.conformant).toBe(true);
    expect(report.clauses.map((c: { id: string }) => c.id)).toEqual(['robustness.output.dims', 'robustness.output.type', 'robustness.output.finite', 'fixtures.ort']);
    expectWellFormedXml(fs.readFileSync(junit, 'utf8'));
  });

  it('exit 1 for a broken adapter; the report names the failure, a replay command, and validates', () => {
    const json = path.join(tmp, 'bad.json');
    const junit = path.join(tmp, 'bad.xml');
    const r = convspec('verify', path.join(adapters, 'broken.cjs'), '--export', 'throwsString', '--clause', 'robustness.output.dims', '--clause', 'fixtures.ort/convtranspose_1d', '--runs', '5', '--timeout', '2000', '--json', json, '--junit', junit);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/NOT CONFORMANT/);
    expect(r.stdout).toMatch(/replay: npx convspec verify \S+broken\.cjs --export throwsString --clause robustness\.output\.dims --seed 20261128/);
    const report = expectValidReport(json);
    expect(report.summary.conformant).toBe(false);
    const xml = fs.readFileSync(junit, 'utf8');
    expectWellFormedXml(xml);
    // The adapter's string contains < & >: escaped in the XML.
    expect(xml).toContain('not an Error &lt;&amp;&gt;');
  });

  it('exit 2 for a missing module, a bad flag value, a filter matching nothing, a --cmd that cannot start', () => {
    expect(convspec('verify', path.join(adapters, 'nope.cjs')).code).toBe(2);
    expect(convspec('verify', path.join(adapters, 'reference.cjs'), '--shard', '4/3').code).toBe(2);
    expect(convspec('verify', path.join(adapters, 'reference.cjs'), '--runs', 'many').code).toBe(2);
    const nomatch = convspec('verify', path.join(adapters, 'reference.cjs'), '--clause', 'no.such.clause');
    expect(nomatch.code).toBe(2);
    expect(nomatch.stderr).toMatch(/matches no clause/);
    expect(convspec('verify', '--cmd', 'convspec-no-such-program-xyz').code).toBe(2);
  });
});

describe('convspec judge: third-party outputs in the fixtures layout', () => {
  it('exit 0 when the present outputs are within the bound (absent ones are not run, accepted by --min-supported); exit 1 for a wrong value; exit 2 for no folder', () => {
    const dir = path.join(tmp, 'judge');
    const manifest = loadManifest();
    const entries = manifest.cases.filter((c) => ['conv_1d', 'convtranspose_1d'].includes(c.id));
    // The ORT outputs of two cases, as a third party would have produced them.
    for (const e of entries) {
      const out = path.join(dir, e.files.y.path);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(path.join(defaultFixturesDir(), e.files.y.path), out);
    }
    const json = path.join(tmp, 'judge.json');
    // Every selected case needs its output by default; the absent ones are accepted explicitly.
    expect(convspec('judge', dir).code).toBe(1);
    const ok = convspec('judge', dir, '--json', json, '--min-supported', '0');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const report = expectValidReport(json);
    expect(report.summary.cases.passed).toBe(2);
    expect(report.summary.cases.unsupported).toBe(manifest.cases.length - 2);

    // One element moved far outside its bound, and a NaN elsewhere: judged as a failure with the window.
    const c = readCase(defaultFixturesDir(), entries[0]);
    const y = { dims: c.y.dims, data: Float32Array.from(c.y.data) };
    y.data[1] += 1;
    y.data[0] = NaN;
    fs.writeFileSync(path.join(dir, entries[0].files.y.path), encodeTensor(y, 'Y'));
    const badJson = path.join(tmp, 'judge-bad.json');
    const bad = convspec('judge', dir, '--json', badJson, '--junit', path.join(tmp, 'judge.xml'), '--min-supported', '0');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/fixtures\.ort\/conv_1d: .*2 of \d+ elements outside the bound/);
    const badReport = expectValidReport(badJson);
    expect(JSON.stringify(badReport)).toContain('"NaN"');
    expectWellFormedXml(fs.readFileSync(path.join(tmp, 'judge.xml'), 'utf8'));

    expect(convspec('judge', path.join(tmp, 'no-such-folder')).code).toBe(2);
  });
});

describe('convspec judge --algorithm transform', () => {
  it('an error 5× the direct bound fails under the default profile and passes with the declared transform term', () => {
    const dir = path.join(tmp, 'judge-transform');
    const entry = loadManifest().cases.find((c) => c.id === 'conv_1d')!;
    const c = readCase(defaultFixturesDir(), entry);
    const direct = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs);
    // Start from the float32-rounded reference, then move one element by 5 × its direct bound: the
    // kind of spread-out noise an FFT kernel makes, far below the transform term.
    const y = { dims: c.y.dims, data: Float32Array.from(direct.y64) };
    y.data[1] = direct.y64[1] + 5 * direct.bound[1];
    const out = path.join(dir, entry.files.y.path);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, encodeTensor(y, 'Y'));
    expect(convspec('judge', dir, '--clause', 'fixtures.ort/conv_1d').code).toBe(1);
    const lenient = convspec('judge', dir, '--clause', 'fixtures.ort/conv_1d', '--algorithm', 'transform');
    expect(lenient.code, lenient.stdout + lenient.stderr).toBe(0);
    expect(convspec('judge', dir, '--algorithm', 'fft').code).toBe(2);
  });
});

describe('the checks used above can fail', () => {
  it('the XML check rejects unbalanced tags, raw ampersands, two roots; the schema rejects a wrong version', () => {
    for (const bad of ['<a><b></a>', '<a>x & y</a>', '<a/><b/>', '<a x=1/>']) expect(() => expectWellFormedXml(bad)).toThrow();
    expect(validate({ schema: 'convspec-verify-report', version: 2 })).toBe(false);
  });
});

describe('xmlEscape', () => {
  it('escapes the five special characters and drops characters XML cannot carry', () => {
    expect(xmlEscape(`a<b>&"c'\u0001\u0008d\ttab`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;d\ttab');
  });
});
