/**
 * The built CLI with `--layers-from` (built by `npm test`'s pretest) on the real exported model
 * data/tinynet.onnx: verify on the bundled ORT adapter is CONFORMANT, on a module that drops the Conv
 * bias NOT CONFORMANT naming the layers; --jobs and --clause work; the JSON report (validated against
 * its schema) lists unresolved nodes; `fixtures generate --layers-from` writes folders that judge and
 * verify --fixtures-dir accept, holding ONNX Runtime's outputs; bad flags exit 2 with clear messages.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { createOnnxRuntime } from '../../adapters/onnxruntime';
import { loadManifest, readCase } from '../../fixtures/read';
import { decodeTensor } from '../../onnx/tensorProto';
import { REPORT_SCHEMA } from '../../report/reportSchema';
import { runVerify } from '../../cli/commands/verify';
import { UsageError } from '../../terminal/usage';

const root = path.resolve(__dirname, '../../..');
const MODEL = path.join(__dirname, 'data', 'tinynet.onnx');
const rel = path.relative(root, MODEL);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-layers-cli-'));

/** Runs the CLI; asynchronous, so independent runs go side by side (each is mostly Node's start-up). */
function convspec(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => done({ code, out }));
  });
}
const validate = new Ajv({ allErrors: true }).compile(REPORT_SCHEMA);

describe('verify --layers-from', () => {
  it('judges exactly the layers of the model: the bundled ORT adapter is CONFORMANT', async () => {
    const json = path.join(tmp, 'ort.json');
    const html = path.join(tmp, 'ort.html');
    const r = await convspec('verify', '--layers-from', rel, '--jobs', '2', '--json', json, '--html', html, '--no-progress');
    expect(r.out).toContain('CONFORMANT: 1 passed, 0 failed, 0 unsupported; cases 9 passed');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Layers from ${rel}: 9 Conv/ConvTranspose nodes, 9 resolved, 0 unresolved`);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.clauses.map((c: { id: string }) => c.id)).toEqual(['model.layers']);
    expect(report.ambiguities).toEqual([]);
    expect(report.layersFrom).toMatchObject({ nodes: 9, resolved: 9, unresolved: [] });
    expect(fs.readFileSync(html, 'utf8')).toContain(`<h3>Layers from ${rel}</h3><p>9 Conv/ConvTranspose nodes, 9 resolved`);
    const cases = report.clauses[0].cases;
    expect(cases.map((c: { id: string }) => c.id)).toContain('model.layers/up-convtranspose');
    expect(cases.find((c: { id: string }) => c.id === 'model.layers/head-conv').description).toContain("Conv node '/head/Conv': X 1×4×1024 (shape propagation), W 6×4×5 (initializer 'head.weight'), B 6");
  });

  it('a module that drops the Conv bias is NOT CONFORMANT, naming the layers with a bias; --clause narrows', async () => {
    const broken = path.join(__dirname, 'adapters', 'dropsBias.cjs');
    const [r, one] = await Promise.all([
      convspec('verify', broken, '--layers-from', rel, '--jobs', '1', '--no-progress'),
      convspec('verify', broken, '--layers-from', rel, '--clause', 'model.layers/stem-conv', '--jobs', '1', '--no-progress'),
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('NOT CONFORMANT');
    expect(r.out).toContain('5 of 9 cases failed');
    expect(r.out).toMatch(/- model\.layers\/res1-conv: layer \/res1\/Conv of .*tinynet\.onnx/);
    expect(r.out).toContain("Conv node '/res1/Conv': X 1×16×8×8");
    expect(r.out).toContain('--clause model.layers/res1-conv');
    expect(one.code).toBe(0); // the stem has no bias
    expect(one.out).toContain('cases 1 passed');
  });

  it('lists unresolved nodes, and exits 2 when none resolves', async () => {
    const model = onnx.ModelProto.decode(fs.readFileSync(MODEL));
    (model.graph as onnx.GraphProto).input[0].type!.tensorType!.shape!.dim = ['batch', 3, 'h', 'w'].map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
    const file = path.join(tmp, 'symbolic.onnx');
    fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
    const [none, wrong] = await Promise.all([
      convspec('verify', '--layers-from', file, '--no-progress'),
      convspec('verify', '--layers-from', file, '--input-shape', 'x=1x3x32x32', '--no-progress'),
    ]);
    expect(none.code).toBe(2);
    expect(none.out).toContain('none of its 9 Conv/ConvTranspose nodes could be resolved');
    expect(none.out).toContain("Conv '/stem/Conv': shape of X 'image' unknown: graph input 'image' has dims [1, 3, h, w] with symbolic or missing sizes; give --input-shape");
    expect(wrong.code).toBe(2);
    expect(wrong.out).toContain('has no graph input "x"; its graph inputs are "image"');
  });

  it('refuses bad flags (UsageError: exit 2) before opening any target', async () => {
    const cases: [string[], RegExp][] = [
      [['--input-shape', '1x3x8x8'], /--input-shape gives the input shapes of a --layers-from model/],
      [['--layers-from', rel, '--input-shape', '1x3xQ'], /--input-shape "1x3xQ" must be \[NAME=\]DIMS/],
      [['--layers-from', path.join(tmp, 'absent.onnx')], /absent\.onnx: cannot read the model \(ENOENT\)/],
      [['--layers-from', rel, '--fixtures-dir', 'fixtures'], /leave out --fixtures-dir/],
      [['--layers-from', rel, '--clause', 'conv.size.formula'], /matches no clause or case/],
    ];
    // In this process (the exit code of a UsageError is 2 everywhere: see the test above and tools/verify/test/cli.test.ts).
    for (const [args, message] of cases) {
      const flags = { clause: [] as string[], inputShape: [] as string[], jobs: '1', progress: false };
      for (let i = 0; i < args.length; i += 2) {
        const key = args[i].slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
        if (key === 'clause' || key === 'inputShape') flags[key].push(args[i + 1]);
        else (flags as Record<string, unknown>)[key] = args[i + 1];
      }
      await expect(runVerify(undefined, flags)).rejects.toThrow(UsageError);
      await expect(runVerify(undefined, flags)).rejects.toThrow(message);
    }
  });
});

describe('fixtures generate --layers-from', () => {
  it('writes one backend-test folder per layer with ORT outputs, which judge and verify --fixtures-dir accept', async () => {
    const out = path.join(tmp, 'fx');
    const r = await convspec('fixtures', 'generate', '--layers-from', rel, '--out', out);
    expect(r.out).toContain(`wrote 9 layer cases of ${rel}`);
    expect(r.code).toBe(0);
    const manifest = loadManifest(out);
    expect(manifest.cases.map((c) => c.id)).toContain('up2-convtranspose');
    expect(manifest.cases.every((c) => c.source === 'model')).toBe(true);
    // The outputs are ONNX Runtime's, bit for bit, on the stored inputs.
    const ort = createOnnxRuntime({ graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    try {
      for (const entry of manifest.cases) {
        const f = readCase(out, entry);
        const y = await ort.run(f.op, f.x, f.w, f.b, f.attrs);
        const stored = decodeTensor(fs.readFileSync(path.join(out, entry.files.y.path)), entry.id);
        expect(Buffer.from(stored.data.buffer).equals(Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength))).toBe(true);
      }
    } finally {
      await ort.close();
    }
    const [judged, verified] = await Promise.all([convspec('judge', out), convspec('verify', '--fixtures-dir', out, '--clause', 'fixtures.ort', '--jobs', '1', '--no-progress')]);
    expect(judged.out).toContain('cases 9 passed, 0 failed');
    expect(judged.code).toBe(0);
    expect(verified.out).toContain('cases 9 passed');
    // Regenerating replaces its own folder; a folder it did not make is never replaced.
    const foreign = path.join(tmp, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    const [again, refused] = await Promise.all([convspec('fixtures', 'generate', '--layers-from', rel, '--out', out), convspec('fixtures', 'generate', '--layers-from', rel, '--out', foreign)]);
    expect(again.code).toBe(0);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain(`refusing to replace ${foreign}`);
    expect(fs.readdirSync(foreign)).toEqual(['notes.txt']);
  });

  it("lists the layers ONNX Runtime refuses, with ORT's message, and writes the others", async () => {
    // Conv SAME_UPPER with dilation: the reference accepts it, ONNX Runtime 1.30 refuses it (onnxruntime#20582).
    const AttrType = onnx.AttributeProto.AttributeType;
    const w = (name: string): onnx.ITensorProto => ({ name, dims: [2, 2, 3, 3], dataType: 1, floatData: Array.from({ length: 36 }, (_, i) => Math.sin(i)) });
    const model: onnx.IModelProto = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'two',
        node: [
          { name: 'plain', opType: 'Conv', input: ['X', 'wa'], output: ['a'] },
          { name: 'same_dilated', opType: 'Conv', input: ['a', 'wb'], output: ['Y'], attribute: [{ name: 'auto_pad', type: AttrType.STRING, s: new TextEncoder().encode('SAME_UPPER') }, { name: 'dilations', type: AttrType.INTS, ints: [2, 2] }] },
        ],
        initializer: [w('wa'), w('wb')],
        input: [{ name: 'X', type: { tensorType: { elemType: 1, shape: { dim: [1, 2, 9, 9].map((d) => ({ dimValue: d })) } } } }],
        output: [{ name: 'Y', type: { tensorType: { elemType: 1 } } }],
      },
    };
    const file = path.join(tmp, 'refused.onnx');
    fs.writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
    const out = path.join(tmp, 'refused-fx');
    const r = await convspec('fixtures', 'generate', '--layers-from', file, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('wrote 1 layer cases');
    expect(r.out).toMatch(/1 layer\(s\) ONNX Runtime refused \(left out\):\n  same_dilated: .*Dilation not supported for AutoPadType::SAME_UPPER/);
    expect(loadManifest(out).cases.map((c) => c.id)).toEqual(['plain']);
  });

  it('needs --out, and takes no --check', async () => {
    const [noOut, check] = await Promise.all([
      convspec('fixtures', 'generate', '--layers-from', rel),
      convspec('fixtures', 'generate', '--layers-from', rel, '--out', path.join(tmp, 'c'), '--check'),
    ]);
    expect(noOut.code).toBe(2);
    expect(noOut.out).toContain('--layers-from needs --out DIR');
    expect(check.code).toBe(2);
    expect(check.out).toContain('--check');
  });
});
