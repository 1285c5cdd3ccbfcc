/**
 * `convspec judge` on ONNX backend-test folders. A synthetic tree is written in a temp folder with
 * convspec's own ONNX writer (tools/onnx/): a ConvTranspose with X/W/B as graph inputs and two data
 * sets, a Conv whose W and B are initializers and whose output is not called Y, and a Relu model.
 * Expected outputs come from ONNX Runtime (never from the reference that judges them). Then: a
 * tampered copy is flagged at the tampered element; outputs an implementation wrote elsewhere are
 * judged with --tests; a FIFO, a device and an oversized file are refused without hanging; and, when
 * Debian's libonnx-testdata is installed (.ci/run installs it), every official Conv/ConvTranspose
 * test passes and everything else is listed as skipped.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import { unravel } from '../../../spec/framework/compare';
import { createOnnxRuntime } from '../../adapters/onnxruntime';
import { Prng } from '../../fixtures/prng';
import { buildModel } from '../../onnx/model';
import { MAX_TENSOR_BYTES } from '../../onnx/backendTest';
import { encodeTensor, decodeTensor } from '../../onnx/tensorProto';
import { judgeTestTree, TESTS_CLAUSE_ID } from '../judgeTests';
import { REPORT_SCHEMA } from '../../report/reportSchema';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-onnxtests-'));
const ort = createOnnxRuntime();
afterAll(async () => {
  await ort.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const prng = new Prng(13);
const random = (dims: number[]): Tensor => ({ dims, data: prng.floats(dims.reduce((a, b) => a * b, 1)) });

function writeTensor(file: string, t: Tensor, name: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodeTensor(t, name));
}

/** A one-node model; `initializers` moves W (and B) from the graph inputs into initializers, `outputName` renames Y. */
function writeModel(folder: string, op: OpName, attrs: ConvTransposeAttributes, x: Tensor, w: Tensor, b: Tensor | undefined, init?: { w: Tensor; b?: Tensor }, outputName?: string): void {
  fs.mkdirSync(folder, { recursive: true });
  const m = onnx.ModelProto.decode(buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims }));
  const g = m.graph!;
  if (init) {
    g.initializer = [onnx.TensorProto.decode(encodeTensor(init.w, 'W')), ...(init.b ? [onnx.TensorProto.decode(encodeTensor(init.b, 'B'))] : [])];
    g.input = g.input!.filter((i) => i.name === 'X');
  }
  if (outputName) {
    g.node![0].output = [outputName];
    g.output![0].name = outputName;
  }
  fs.writeFileSync(path.join(folder, 'model.onnx'), onnx.ModelProto.encode(m).finish());
}

const convT = { op: 'ConvTranspose' as const, attrs: { strides: [2, 1], pads: [1, 0, 0, 1], output_padding: [1, 0], group: 2, dilations: [1, 2] } };
const conv = { op: 'Conv' as const, attrs: { strides: [2, 2], pads: [1, 2, 0, 1], group: 2, kernel_shape: [3, 2] } };

async function buildTree(root: string): Promise<void> {
  // ConvTranspose, X/W/B graph inputs, two data sets.
  const tDir = path.join(root, 'ops', 'test_convtranspose_mixed');
  const w = random([4, 3, 2, 3]);
  const b = random([6]);
  writeModel(tDir, convT.op, convT.attrs, random([1, 4, 3, 4]), w, b);
  for (const set of [0, 1]) {
    const x = random([1, 4, 3, 4]);
    const y = await ort.run(convT.op, x, w, b, convT.attrs);
    const dir = path.join(tDir, `test_data_set_${set}`);
    writeTensor(path.join(dir, 'input_0.pb'), x, 'X');
    writeTensor(path.join(dir, 'input_1.pb'), w, 'W');
    writeTensor(path.join(dir, 'input_2.pb'), b, 'B');
    writeTensor(path.join(dir, 'output_0.pb'), y, 'Y');
  }
  // Conv, W and B as initializers, output named "features".
  const cDir = path.join(root, 'ops', 'Test_Conv_Init');
  const cw = random([4, 2, 3, 2]);
  const cb = random([4]);
  const cx = random([2, 4, 7, 6]);
  writeModel(cDir, conv.op, conv.attrs, cx, cw, cb, { w: cw, b: cb }, 'features');
  writeTensor(path.join(cDir, 'test_data_set_0', 'input_0.pb'), cx, '');
  writeTensor(path.join(cDir, 'test_data_set_0', 'output_0.pb'), await ort.run(conv.op, cx, cw, cb, conv.attrs), 'features');
  // Not convolution: a Relu model.
  const rDir = path.join(root, 'test_relu');
  const m = onnx.ModelProto.decode(buildModel({ op: 'Conv', attrs: {}, xDims: [1, 1, 2, 2], wDims: [1, 1, 1, 1] }));
  m.graph!.node = [onnx.NodeProto.create({ opType: 'Relu', input: ['X'], output: ['Y'] })];
  fs.mkdirSync(path.join(rDir, 'test_data_set_0'), { recursive: true });
  fs.writeFileSync(path.join(rDir, 'model.onnx'), onnx.ModelProto.encode(m).finish());
}

const tree = path.join(tmp, 'suite');
const built = buildTree(tree);

describe('judge ONNX test folders (synthetic tree)', () => {
  it('judges every data set of the convolution tests, from graph inputs and initializers, and skips the rest', async () => {
    await built;
    const report = await judgeTestTree(tree);
    const clause = report.clauses[0];
    expect(clause.id).toBe(TESTS_CLAUSE_ID);
    const byId = Object.fromEntries(clause.cases!.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(
      [`${TESTS_CLAUSE_ID}/ops-test_conv_init-0`, `${TESTS_CLAUSE_ID}/ops-test_convtranspose_mixed-0`, `${TESTS_CLAUSE_ID}/ops-test_convtranspose_mixed-1`, `${TESTS_CLAUSE_ID}/test_relu`].sort(),
    );
    for (const id of Object.keys(byId).filter((k) => !k.endsWith('relu'))) expect(byId[id].status, byId[id].error).toBe('passed');
    expect(byId[`${TESTS_CLAUSE_ID}/test_relu`]).toMatchObject({ status: 'unsupported', unsupportedReason: expect.stringMatching(/^not convolution: one Relu node/) });
    expect(clause.skipped).toEqual({ 'not convolution': 1 });
    expect(report.summary.conformant).toBe(true);
    expect(clause.title).toContain(`expected outputs stored in the ONNX tests in ${tree}`);
    expect(clause.precision!.elements).toBeGreaterThan(0);
    expect(clause.precision!.max).toBeLessThanOrEqual(1);
  });

  it('flags a tampered expected value in a copy, at the tampered element, with its window', async () => {
    await built;
    const copy = path.join(tmp, 'tampered');
    fs.cpSync(tree, copy, { recursive: true });
    const file = path.join(copy, 'ops', 'test_convtranspose_mixed', 'test_data_set_1', 'output_0.pb');
    const y = decodeTensor(fs.readFileSync(file), file);
    const k = 17;
    y.data[k] += 1e-3 * (Math.abs(y.data[k]) + 1);
    fs.writeFileSync(file, encodeTensor(y, 'Y'));
    const report = await judgeTestTree(copy);
    const failed = report.clauses[0].cases!.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toEqual([`${TESTS_CLAUSE_ID}/ops-test_convtranspose_mixed-1`]);
    const m = failed[0].mismatch!;
    expect(m.badCount).toBe(1);
    expect(m.worst!.index).toEqual(unravel(k, y.dims));
    expect(m.window!.filter((r) => r.bad).map((r) => r.index)).toEqual([unravel(k, y.dims)]);
    expect(failed[0].replay).toContain('--clause');
    expect(report.summary.conformant).toBe(false);
  });

  it('judges outputs an implementation wrote elsewhere (--tests); missing ones are not run and count against the verdict', async () => {
    await built;
    const outputs = path.join(tmp, 'outputs');
    const src = path.join(tree, 'ops', 'test_convtranspose_mixed', 'test_data_set_0', 'output_0.pb');
    const dst = path.join(outputs, 'ops', 'test_convtranspose_mixed', 'test_data_set_0', 'output_0.pb');
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
    const report = await judgeTestTree(outputs, { testsDir: tree });
    const status = Object.fromEntries(report.clauses[0].cases!.map((c) => [c.id.split('/')[1], c.status]));
    expect(status).toEqual({ 'ops-test_convtranspose_mixed-0': 'passed', 'ops-test_convtranspose_mixed-1': 'unsupported', 'ops-test_conv_init-0': 'unsupported', test_relu: 'unsupported' });
    expect(report.clauses[0].title).toContain(`the outputs in ${outputs}, computed from the inputs of the ONNX tests in ${tree}`);
    // 1 of the 3 convolution data sets has an output: not conformant unless --min-supported accepts a third.
    expect(report.summary.conformant).toBe(false);
    expect((await judgeTestTree(outputs, { testsDir: tree, minSupported: 0.3 })).summary.conformant).toBe(true);
  });

  it('refuses a FIFO, a device, an oversized and a malformed file, naming each, without hanging', async () => {
    await built;
    const copy = path.join(tmp, 'hostile');
    fs.cpSync(tree, copy, { recursive: true });
    const t = path.join(copy, 'ops', 'test_convtranspose_mixed');
    fs.rmSync(path.join(t, 'test_data_set_0', 'output_0.pb'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(t, 'test_data_set_0', 'output_0.pb')]);
    fs.rmSync(path.join(t, 'test_data_set_1', 'input_0.pb'));
    fs.symlinkSync('/dev/zero', path.join(t, 'test_data_set_1', 'input_0.pb'));
    const bigDir = path.join(copy, 'ops', 'test_conv_big');
    fs.cpSync(path.join(copy, 'ops', 'Test_Conv_Init'), bigDir, { recursive: true });
    fs.truncateSync(path.join(bigDir, 'test_data_set_0', 'input_0.pb'), MAX_TENSOR_BYTES + 1); // sparse: costs no disk
    fs.writeFileSync(path.join(copy, 'test_relu', 'model.onnx'), Buffer.from([0xff, 0xff, 0xff]));
    const report = await judgeTestTree(copy);
    const errors = Object.fromEntries(report.clauses[0].cases!.map((c) => [c.id.split('/')[1], `${c.status} ${c.error ?? ''}`]));
    expect(errors['ops-test_convtranspose_mixed-0']).toMatch(/^failed .*output_0\.pb: the tensor is a FIFO, not a regular file/);
    expect(errors['ops-test_convtranspose_mixed-1']).toMatch(/^failed .*input_0\.pb: the tensor is a character device, not a regular file/);
    expect(errors['ops-test_conv_big-0']).toMatch(/^failed .*input_0\.pb: the tensor is [\d.]+ \w+, more than the [\d.]+ \w+ it can be/);
    expect(errors['ops-test_conv_init-0']).toMatch(/^passed/);
    expect(errors.test_relu).toMatch(/^failed .*model\.onnx: not a valid ONNX ModelProto/);
  });
});

const root = path.resolve(__dirname, '../../..');
const builtCli = fs.existsSync(path.join(root, 'dist/tools/judge/judgeTests.js'));
function convspec(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!builtCli)('convspec judge PATH on ONNX test folders (the built CLI)', () => {
  it('exit 0 on the suite, 1 on a tampered copy (JSON valid against the schema, HTML written), 2 on conflicting flags', async () => {
    await built;
    const ok = convspec('judge', tree);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/onnx\.testOutputs\s+numeric\s+passed\s+3\/3 ok, 1 skipped/);
    expect(ok.stdout).toMatch(/precision: \|error\|\/bound over \d+ judged elements: median \S+, max \S+/);
    const copy = path.join(tmp, 'tampered-cli');
    fs.cpSync(tree, copy, { recursive: true });
    const file = path.join(copy, 'ops', 'Test_Conv_Init', 'test_data_set_0', 'output_0.pb');
    const y = decodeTensor(fs.readFileSync(file), file);
    y.data[5] = -y.data[5] - 1;
    fs.writeFileSync(file, encodeTensor(y, 'features'));
    const json = path.join(tmp, 'tampered.json');
    const html = path.join(tmp, 'tampered.html');
    const bad = convspec('judge', copy, '--json', json, '--html', html);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain(`replay: npx convspec judge ${copy} --clause ${TESTS_CLAUSE_ID}/ops-test_conv_init-0`);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(REPORT_SCHEMA);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.clauses[0].precision.max).toBeGreaterThan(1);
    expect(report.summary.precision.elements).toBe(report.clauses[0].precision.elements);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('NOT CONFORMANT');
    expect(page).toContain('<figure class="heat">');
    expect(convspec('judge', copy, '--tests', tree, '--fixtures-dir', path.join(root, 'fixtures')).code).toBe(2);
  }, 60_000);
});

const DEBIAN = '/usr/share/libonnx-testdata/data';
describe.skipIf(!fs.existsSync(DEBIAN) && !process.env.CI)("Debian's libonnx-testdata (the official ONNX backend tests)", () => {
  it('every Conv/ConvTranspose test passes within the bound; the other tests are listed as not convolution', async () => {
    const report = await judgeTestTree(DEBIAN);
    const clause = report.clauses[0];
    const judged = clause.cases!.filter((c) => c.status !== 'unsupported');
    expect(judged.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.error}`)).toEqual([]);
    // 16 node tests, 28 pytorch-converted, 2 pytorch-operator (facts.md).
    expect(judged.length).toBe(46);
    expect(Object.keys(clause.skipped)).toEqual(['not convolution']);
    expect(clause.precision!.max).toBeLessThan(1);
    expect(report.summary.conformant).toBe(true);
  });
});
