/**
 * Counterexamples people can paste (issue 23, item 5): a failing clause's counterexample is in the
 * --json report as data (schema-valid, non-finite values as strings, bounded in size), and
 * `convspec replay` runs such a case — or one picked from a whole report — on a target: exit 0 within
 * the bound, 1 outside (actual, expected and the window printed), 2 for a file or case it cannot use.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { counterexampleFields, MAX_DATA_ELEMENTS } from '../../report/counterexample';
import { tensorFromData } from '../../report/finding';
import { REPORT_SCHEMA } from '../../report/reportSchema';

const root = path.resolve(__dirname, '../../..');
const biasBugs = path.join(root, 'tools/verify/test/adapters/expect/biasBugs.cjs');
const referenceAdapter = path.join(root, 'tools/verify/test/adapters/reference.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-replay-'));

function convspec(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CONVSPEC_JOBS: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeJson(name: string, value: unknown): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
}

const t = (dims: number[], fill = 0.5) => ({ dims, data: new Array(dims.reduce((a, b) => a * b, 1)).fill(fill) });

describe('counterexamples as data', () => {
  it('non-finite values become "NaN", "Infinity", "-Infinity" and read back; large or invalid cases are omitted with the reason', () => {
    const x = { dims: [1, 1, 3], data: new Float32Array([NaN, Infinity, -Infinity]) };
    const w = { dims: [1, 1, 1], data: new Float32Array([2]) };
    const f = counterexampleFields({ op: 'Conv', x, w, b: undefined, attrs: { strides: [1] } });
    expect(f.counterexampleData).toEqual({ op: 'Conv', x: { dims: [1, 1, 3], data: ['NaN', 'Infinity', '-Infinity'] }, w: { dims: [1, 1, 1], data: [2] }, b: null, attrs: { strides: [1] } });
    expect(Array.from(tensorFromData(JSON.parse(JSON.stringify(f.counterexampleData!.x)), 'x').data)).toEqual([NaN, Infinity, -Infinity]);
    const big = { dims: [1, 1, MAX_DATA_ELEMENTS], data: new Float32Array(MAX_DATA_ELEMENTS) };
    expect(counterexampleFields({ op: 'Conv', x: big, w, b: undefined, attrs: {} })).toEqual({ counterexampleDataOmitted: expect.stringMatching(/8193 values, more than the 8192 .* replay command/) });
    const broken = { dims: [1, 1, 3], data: null as unknown as Float32Array };
    expect(counterexampleFields({ op: 'Conv', x: broken, w, b: undefined, attrs: {} }).counterexampleDataOmitted).toMatch(/x\.data is not a Float32Array/);
  });

  it('a failing clause carries its counterexample as data in the --json report, and replay runs it: 1 on the buggy target, 0 on a correct one', () => {
    const json = path.join(tmp, 'r.json');
    const r = convspec('verify', biasBugs, '--clause', 'convT.numeric.withinBound', '--runs', '10', '--json', json);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(new Ajv({ allErrors: true }).validate(REPORT_SCHEMA, report)).toBe(true);
    const data = report.clauses[0].counterexampleData;
    expect(data.op).toBe('ConvTranspose');
    expect(data.b).not.toBeNull(); // the bias bug needs a bias to show
    const caseFile = writeJson('case.json', data);

    const bad = convspec('replay', caseFile, biasBugs);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^case: ConvTranspose x \[/m);
    expect(bad.stdout).toMatch(/^expected: dims \[/m);
    expect(bad.stdout).toMatch(/^actual: {3}dims \[/m);
    expect(bad.stdout).toMatch(/OUTSIDE THE BOUND: \d+ of \d+ elements outside the bound/);
    expect(bad.stdout).toMatch(/index +actual +expected +bound/);

    const good = convspec('replay', caseFile, referenceAdapter);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/within the bound: largest \|error\|\/bound/);

    // The same case picked from the whole report.
    expect(convspec('replay', json, '--clause', 'convT.numeric.withinBound', biasBugs).code).toBe(1);
    const unpicked = convspec('replay', json, biasBugs);
    expect(unpicked.code).toBe(2);
    expect(unpicked.stderr).toMatch(/is a verify report: pick one counterexample with --clause ID or --finding F \(with data: convT\.numeric\.withinBound\)/);
    expect(convspec('replay', json, '--finding', 'F9', biasBugs).stderr).toMatch(/has no finding F9/);
  }, 120_000);

  it('an invalid input is judged the other way: the target must reject it, as the reference does', () => {
    // A bias of M + 1 values: the bias bug ignores the bias, so it answers.
    const c = { op: 'ConvTranspose', x: t([1, 2, 3]), w: t([2, 3, 2]), b: t([4]), attrs: {} };
    const f = writeJson('invalid.json', c);
    const accepted = convspec('replay', f, biasBugs);
    expect(accepted.code).toBe(1);
    expect(accepted.stdout).toMatch(/expected: a rejection — the input is invalid \(BIAS_LENGTH/);
    expect(accepted.stdout).toMatch(/NOT REJECTED/);
    const rejected = convspec('replay', f, referenceAdapter);
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toMatch(/rejected, as it must be/);
  }, 60_000);

  it.each([
    ['not JSON', '{"op": ', /bad\.json: not JSON/],
    ['a wrong op', { op: 'MaxPool', x: t([1, 1, 2]), w: t([1, 1, 1]), b: null, attrs: {} }, /bad\.json: op must be "Conv" or "ConvTranspose", got "MaxPool"/],
    ['data of the wrong length', { op: 'Conv', x: { dims: [1, 1, 3], data: [1, 2] }, w: t([1, 1, 1]), b: null, attrs: {} }, /bad\.json: x: data must list 3 values/],
    ['a value that is no number', { op: 'Conv', x: { dims: [1, 1, 1], data: ['nan'] }, w: t([1, 1, 1]), b: null, attrs: {} }, /bad\.json: x: data\[0\] is "nan"/],
    ['no b', { op: 'Conv', x: t([1, 1, 2]), w: t([1, 1, 1]), attrs: {} }, /bad\.json: b is missing \(null for no bias\)/],
    ['an attribute of the wrong type', { op: 'Conv', x: t([1, 1, 2]), w: t([1, 1, 1]), b: null, attrs: { strides: { a: 1 } } }, /bad\.json: attrs\.strides must be a number, a string or a list of numbers/],
    ['a huge tensor', { op: 'Conv', x: { dims: [1, 1, 1 << 25], data: [] }, w: t([1, 1, 1]), b: null, attrs: {} }, /bad\.json: x: 33554432 elements, more than/],
  ])('exits 2 on %s, naming what is wrong', (_what, content, message) => {
    const r = convspec('replay', writeJson('bad.json', content), referenceAdapter);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }, 60_000);
});
