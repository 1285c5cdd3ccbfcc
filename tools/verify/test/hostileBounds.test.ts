/**
 * Hostile input, second round (convspec issue 21, items 12, 14, 15, 16): models whose size is bounded
 * but whose content is not (ten million empty nodes), environment knobs past the caps the flags
 * enforce, report paths that name an input of the run, and names that carry terminal escape sequences.
 * Fixtures are built here, into a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../../spec/framework/runClause';
import { readModelLayers } from '../../layers/modelLayers';
import { checkProtobufBounds, MODEL_LIMITS, type ProtobufLimits } from '../../onnx/protobufBounds';
import { terminalSafe, terminalSafeLines } from '../../terminal/terminalText';
import { checkAndSelect } from '../run';

const root = path.resolve(__dirname, '../../..');
const adapters = path.join(__dirname, 'adapters');
const reference = path.join(adapters, 'reference.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-bounds-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function convspec(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000, cwd = root): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

describe('item 14: environment knobs get the caps their flags get', () => {
  it('CONVSPEC_DEPTH beyond 1000 (or not above 0) is refused, naming the variable', () => {
    expect(() => optionsFromEnv({ CONVSPEC_DEPTH: '1000000000' })).toThrow(/CONVSPEC_DEPTH=1000000000: the multiplier must be above 0 and at most 1000/);
    expect(() => optionsFromEnv({ CONVSPEC_DEPTH: '-3' })).toThrow(/CONVSPEC_DEPTH/);
    expect(() => optionsFromEnv({ CONVSPEC_SEED: '1e30' })).toThrow(/CONVSPEC_SEED=1e30 must be an integer/);
    expect(optionsFromEnv({ CONVSPEC_DEPTH: '1000', CONVSPEC_SEED: '-7' })).toEqual({ seed: -7, path: undefined, depth: 1000 });
  });

  it('convspec verify with CONVSPEC_DEPTH=1000000000 exits 2 before the run, as --runs 1000000000x does', () => {
    const args = ['verify', reference, '--clause', 'conv.size.formula', '--jobs', '1'];
    const viaEnv = convspec(args, { CONVSPEC_DEPTH: '1000000000' }, 20_000);
    expect(viaEnv.code, viaEnv.stderr).toBe(2);
    expect(viaEnv.stderr).toMatch(/CONVSPEC_DEPTH=1000000000: the multiplier must be above 0 and at most 1000/);
    expect(viaEnv.stdout).toBe('');
    const viaFlag = convspec([...args, '--runs', '1000000000x'], {}, 30_000);
    expect(viaFlag.code).toBe(2);
  });

  it('the API refuses a depth or runs past the caps too (conformanceSuite and verifyTarget callers)', async () => {
    await expect(checkAndSelect({ depth: 1e9 })).rejects.toThrow(/depth must be above 0 and at most 1000/);
    await expect(checkAndSelect({ runs: 1e9 })).rejects.toThrow(/runs must be an integer from 1 to 1000000/);
    await expect(checkAndSelect({ depth: 1000, runs: 1_000_000 })).resolves.toBeDefined();
  });

  it('gate --self-check-runs is capped like --runs', () => {
    const r = convspec(['gate', '--no-verify', '--no-fixtures', '--self-check-runs', '1000000000'], {}, 20_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--self-check-runs must be an integer from 1 to 1000000/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Item 12: models bounded by their content before decoding.

const varint = (v: number) => {
  const b: number[] = [];
  while (v > 127) {
    b.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  b.push(v);
  return Buffer.from(b);
};
const field = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), varint(body.length), body]);
/** `count` copies of an empty length-delimited field (two bytes each). */
const empties = (tag: number, count: number): Buffer => Buffer.from(Buffer.alloc(2 * count).map((_, i) => (i % 2 === 0 ? tag : 0)));

/** Two Conv layers (X 1×1×5×5, W 2×1×3×3 as an initializer) and `extra` raw bytes appended to the graph. */
function twoConvModel(extra: Buffer = Buffer.alloc(0)): Buffer {
  const w = new Float32Array(18).fill(0.5);
  const graph = onnx.GraphProto.encode(
    onnx.GraphProto.create({
      name: 'g',
      node: [{ opType: 'Conv', name: 'conv', input: ['X', 'W'], output: ['Y'] }, { opType: 'Conv', name: 'conv2', input: ['X', 'W'], output: ['Y2'] }],
      initializer: [{ name: 'W', dims: [2, 1, 3, 3], dataType: 1, rawData: new Uint8Array(w.buffer) }],
      input: [{ name: 'X', type: { tensorType: { elemType: 1, shape: { dim: [1, 1, 5, 5].map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: 'Y', type: { tensorType: { elemType: 1 } } }, { name: 'Y2', type: { tensorType: { elemType: 1 } } }],
    }),
  ).finish();
  const head = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 10, opsetImport: [{ domain: '', version: 22 }] })).finish();
  return Buffer.concat([Buffer.from(head), field(0x3a, Buffer.concat([Buffer.from(graph), extra]))]);
}

/** Messages in a decoded protobuf object (every object that is not an array, bytes or a 64-bit integer). */
function countMessages(o: unknown): { messages: number; nodes: number } {
  const out = { messages: 0, nodes: 0 };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object' || v instanceof Uint8Array || ('low' in v && 'high' in v && 'unsigned' in v)) return;
    out.messages++;
    if (v instanceof onnx.NodeProto) out.nodes++;
    for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
  };
  walk(o);
  out.messages--; // the root
  return out;
}

const small: ProtobufLimits = { nodes: 10, messages: 40, values: 100, depth: 12 };

describe('item 12: a model is bounded by what it holds before it is decoded', () => {
  it('the scan counts exactly the messages and nodes the decoder builds (real models, a subgraph, a typed attribute)', () => {
    const files = [path.join(root, 'tools/layers/test/data/tinynet.onnx'), path.join(root, 'fixtures/conv_bias/model.onnx'), path.join(root, 'fixtures/conv_3d/model.onnx')];
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      const c = checkProtobufBounds(bytes, 'ModelProto', f);
      expect({ messages: c.messages, nodes: c.nodes }, f).toEqual(countMessages(onnx.ModelProto.decode(bytes)));
    }
    const withSubgraph = Buffer.from(
      onnx.ModelProto.encode(
        onnx.ModelProto.create({
          graph: { node: [{ opType: 'If', attribute: [{ name: 'then_branch', type: 5, g: { node: [{ opType: 'Conv', input: ['a'], attribute: [{ name: 'x', ints: [1, 2, 3], type: 7 }] }] } }] }] },
        }),
      ).finish(),
    );
    const c = checkProtobufBounds(withSubgraph, 'ModelProto', 'sub.onnx');
    expect({ messages: c.messages, nodes: c.nodes }).toEqual(countMessages(onnx.ModelProto.decode(withSubgraph)));
    expect(c.nodes).toBe(2);
  });

  it('each limit is checked: nodes, messages, values (packed numbers counted one by one), nesting depth', () => {
    const nodes = twoConvModel(empties(0x0a, 9));
    expect(() => checkProtobufBounds(nodes, 'ModelProto', 'n.onnx', small)).toThrow(/^n\.onnx: holds more than 10 nodes/);
    expect(() => checkProtobufBounds(twoConvModel(empties(0x6a, 40)), 'ModelProto', 'm.onnx', small)).toThrow(/^m\.onnx: holds more than 40 protobuf messages/);
    // An initializer with 101 packed float_data values, and one with 101 packed int64 dims.
    const floats = field(0x2a, field(0x22, Buffer.alloc(4 * 101)));
    expect(() => checkProtobufBounds(twoConvModel(floats), 'ModelProto', 'f.onnx', small)).toThrow(/holds more than 100 values .*raw_data/);
    const dims = field(0x2a, field(0x0a, Buffer.alloc(101, 1)));
    expect(() => checkProtobufBounds(twoConvModel(dims), 'ModelProto', 'd.onnx', small)).toThrow(/holds more than 100 values/);
    // TypeProto → sequence → TypeProto → … 20 levels deep, in a graph input.
    let type = Buffer.alloc(0);
    for (let i = 0; i < 10; i++) type = field(0x22, field(0x0a, type));
    expect(() => checkProtobufBounds(twoConvModel(field(0x5a, field(0x12, type))), 'ModelProto', 'deep.onnx', small)).toThrow(/more than 12 levels of nested messages/);
    // The same content below the limits passes, and a TensorProto file is scanned as one.
    expect(checkProtobufBounds(twoConvModel(empties(0x0a, 8)), 'ModelProto', 'ok.onnx', small).nodes).toBe(10);
    expect(() => checkProtobufBounds(field(0x22, Buffer.alloc(4 * 101)), 'TensorProto', 'input_0.pb', small)).toThrow(/^input_0\.pb: holds more than 100 values/);
    expect(MODEL_LIMITS).toEqual({ nodes: 1_000_000, messages: 2_000_000, values: 16_000_000, depth: 100 });
  });

  it('--layers-from a 2 MB model of a million empty nodes exits 2 at once, naming the file and the limit', () => {
    const file = path.join(tmp, 'million-nodes.onnx');
    fs.writeFileSync(file, twoConvModel(empties(0x0a, MODEL_LIMITS.nodes - 1)));
    const r = convspec(['verify', reference, '--layers-from', file, '--jobs', '2', '--no-progress'], {}, 60_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`convspec: ${file}: holds more than 1,000,000 nodes, more than convspec reads`);
    expect(r.ms).toBeLessThan(20_000);
    expect(() => readModelLayers(file)).toThrow(/holds more than 1,000,000 nodes/);
  });

  it('judge fails a test folder whose model.onnx holds a million empty nodes, naming the file and the limit, at once', () => {
    // As for any test model that cannot be read, that folder's case fails (the run goes on with the others).
    const dir = path.join(tmp, 'judge-nodes', 'test_conv');
    fs.mkdirSync(path.join(dir, 'test_data_set_0'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.onnx'), twoConvModel(empties(0x0a, MODEL_LIMITS.nodes - 1)));
    const r = convspec(['judge', path.dirname(dir)], {}, 60_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`${path.join(dir, 'model.onnx')}: holds more than 1,000,000 nodes`);
    expect(r.ms).toBeLessThan(20_000);
  });

  it('judge refuses an output_0.pb of two million empty external_data entries (4 MB), naming the file and the limit', () => {
    // An ONNX test folder (the fixture conv_1d) whose output_0.pb is replaced.
    const dir = path.join(tmp, 'judge-outputs');
    fs.cpSync(path.join(root, 'fixtures/conv_1d'), path.join(dir, 'conv_1d'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'conv_1d', 'test_data_set_0', 'output_0.pb'), empties(0x6a, MODEL_LIMITS.messages + 1));
    const r = convspec(['judge', dir], {}, 60_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('output_0.pb: holds more than 2,000,000 protobuf messages');
    expect(r.ms).toBeLessThan(20_000);
  });

  it('--jobs 2 reads the model once, in the parent: the jobs get its layers', () => {
    const file = path.join(tmp, 'watched.onnx');
    fs.writeFileSync(file, twoConvModel());
    const trace = path.join(tmp, 'opens.txt');
    const preload = path.join(tmp, 'trace-open.cjs');
    fs.writeFileSync(
      preload,
      `const fs = require('fs'); const open = fs.openSync;
       fs.openSync = function (p, ...rest) { if (String(p).endsWith('watched.onnx')) fs.appendFileSync(${JSON.stringify(trace)}, process.pid + '\\n'); return open.call(this, p, ...rest); };`,
    );
    const r = convspec(['verify', reference, '--layers-from', file, '--jobs', '2', '--no-progress'], { NODE_OPTIONS: `--require ${preload}` }, 90_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cases 2 passed/);
    const readers = new Set(fs.readFileSync(trace, 'utf8').trim().split('\n'));
    expect(readers.size).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------
// Item 15: no report path may name an input of the run.

describe('item 15: a report path that is an input of the run is refused before the run', () => {
  const work = path.join(tmp, 'inputs');
  fs.mkdirSync(work, { recursive: true });
  const mod = path.join(work, 'mod.cjs');
  fs.writeFileSync(mod, `module.exports = require(${JSON.stringify(path.join(root, 'dist/impl/reference.js'))}).reference;\n`);
  const model = path.join(work, 'model.onnx');
  fs.writeFileSync(model, twoConvModel());
  const few = ['--clause', 'conv.size.formula', '--runs', '2', '--jobs', '1', '--no-progress'];
  /** Runs convspec in `work`; expects exit 2 before the run, the message, and every input unchanged. */
  const refused = (args: string[], message: RegExp) => {
    const before = [mod, model].map((f) => fs.readFileSync(f));
    const r = convspec(args, {}, 60_000, work);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    [mod, model].forEach((f, i) => expect(fs.readFileSync(f).equals(before[i]), f).toBe(true));
  };

  it('--html MODEL with --layers-from MODEL, and --log MODEL', () => {
    refused(['verify', mod, '--layers-from', 'model.onnx', '--html', 'model.onnx', '--jobs', '1'], /--html model\.onnx is the --layers-from model \(model\.onnx\), an input of this run/);
    refused(['verify', mod, '--layers-from', './model.onnx', '--log', 'model.onnx', '--jobs', '1'], /--log model\.onnx is the --layers-from model/);
  });

  it('--json naming the module under test, however spelled: ./x for x, a symbolic link, a hard link', () => {
    refused(['verify', 'mod.cjs', '--json', './mod.cjs', ...few], /--json \.\/mod\.cjs is the module under test \(mod\.cjs\)/);
    fs.symlinkSync(mod, path.join(work, 'link.json'));
    refused(['verify', mod, '--junit', 'link.json', ...few], /--junit link\.json is the module under test/);
    fs.linkSync(mod, path.join(work, 'hard.json'));
    refused(['verify', './mod.cjs', '--json', 'hard.json', ...few], /--json hard\.json is the module under test/);
  });

  it("--cmd's program file, and gate's targets", () => {
    const prog = path.join(work, 'prog.cjs');
    // The JSON-lines reference program, so that without the check the run would succeed and write its report.
    fs.writeFileSync(prog, fs.readFileSync(path.join(adapters, 'program.cjs'), 'utf8').replace("'../../../../dist/impl/reference.js'", JSON.stringify(path.join(root, 'dist/impl/reference.js'))));
    const before = fs.readFileSync(prog);
    const r = convspec(['verify', '--cmd', `${process.execPath} prog.cjs`, '--json', 'prog.cjs', ...few], {}, 60_000, work);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--json prog\.cjs is a file --cmd's command names/);
    expect(fs.readFileSync(prog).equals(before)).toBe(true);
    refused(['gate', 'mod.cjs', '--no-self-check', '--no-fixtures', '--junit', 'mod.cjs', '--clause', 'conv.size.formula', '--runs', '2'], /--junit mod\.cjs is the module under test/);
  });

  it('judge: a report inside the judged folder (new or not, through a link), or inside the fixtures folder', () => {
    const judged = path.join(work, 'judged');
    fs.cpSync(path.join(root, 'fixtures/conv_1d'), path.join(judged, 'conv_1d'), { recursive: true });
    fs.symlinkSync(judged, path.join(work, 'judged-link'));
    for (const report of ['judged/report.json', 'judged/new/deeper/report.json', 'judged-link/report.json', 'judged/conv_1d/model.onnx']) {
      const r = convspec(['judge', 'judged', '--json', report], {}, 60_000, work);
      expect(r.code, `${report}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/lies inside the judged folder \(judged\), an input of this run/);
      expect(fs.existsSync(path.join(work, 'judged/report.json'))).toBe(false);
    }
    const fixtures = path.join(work, 'fx');
    fs.cpSync(path.join(root, 'fixtures'), fixtures, { recursive: true });
    refused(['verify', mod, '--fixtures-dir', 'fx', '--html', 'fx/report.html', ...few], /--html fx\/report\.html lies inside the fixtures folder \(fx\)/);
    // A report beside the inputs is fine.
    const ok = convspec(['judge', 'judged', '--json', 'judged.json'], {}, 60_000, work);
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.existsSync(path.join(work, 'judged.json'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// Item 16: names and messages from outside cannot act on the terminal.

const HOSTILE = '\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\u2066\x9b31m\nCONFORMANT: 999 passed, 0 failed';
/** Raw control characters that must never reach a terminal or a plain-text log from outside. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('item 16: control characters in names and messages are escaped on the terminal and in logs', () => {
  it('terminalSafe escapes C0 (newline included), DEL, C1 and bidi controls visibly, and nothing else', () => {
    expect(terminalSafe('a\x1b[2Jb\nc\rd\te\x7ff\x9bg\u202eh\u2066i\u2069')).toBe('a\\x1b[2Jb\\nc\\rd\\te\\x7ff\\x9bg\\u202eh\\u2066i\\u2069');
    expect(terminalSafe('conv_1×3 é 中 \\x1b ✗')).toBe('conv_1×3 é 中 \\x1b ✗');
    expect(terminalSafe(terminalSafe(HOSTILE))).toBe(terminalSafe(HOSTILE));
    expect(terminalSafeLines('one\x1b\ntwo')).toBe('one\\x1b\ntwo');
  });

  it('ONNX node names, the adapter\'s name, errors and console output: escaped on stdout, stderr and --log; raw in --json', () => {
    // Conv nodes named with the hostile text: one resolved (its description is printed with the failure), one unresolved.
    const w = new Float32Array(18).fill(0.5);
    const model = path.join(tmp, 'escapes.onnx');
    fs.writeFileSync(
      model,
      onnx.ModelProto.encode(
        onnx.ModelProto.create({
          irVersion: 10,
          opsetImport: [{ domain: '', version: 22 }],
          graph: {
            name: 'g',
            node: [
              { opType: 'Conv', name: `resolved ${HOSTILE}`, input: ['X', 'W'], output: ['Y'] },
              { opType: 'Conv', name: `unresolved ${HOSTILE}`, input: ['X', 'nowhere'], output: ['Y2'] },
            ],
            initializer: [{ name: 'W', dims: [2, 1, 3, 3], dataType: 1, rawData: new Uint8Array(w.buffer) }],
            input: [{ name: 'X', type: { tensorType: { elemType: 1, shape: { dim: [1, 1, 5, 5].map((d) => ({ dimValue: d })) } } } }],
          },
        }),
      ).finish(),
    );
    const json = path.join(tmp, 'escapes.json');
    const log = path.join(tmp, 'escapes.log');
    const adapter = path.join(adapters, 'bounds', 'escapes.cjs');
    // Without --log: the adapter's lines go to stderr.
    const r = convspec(['verify', adapter, '--layers-from', model, '--json', json, '--jobs', '1', '--no-progress'], {}, 90_000);
    expect(r.code, r.stderr).toBe(1);
    for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]]) {
      expect(RAW.test(text), `${name}: ${JSON.stringify(text.match(RAW))}`).toBe(false);
      expect(text.split('\n').filter((l) => /CONFORMANT/.test(l) && !/^NOT CONFORMANT/.test(l)).every((l) => !/^\s*CONFORMANT/.test(l)), name).toBe(true);
    }
    expect(r.stdout).toContain(`unresolved Conv 'unresolved \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07\\u202e\\u2066\\x9b31m\\nCONFORMANT: 999 passed, 0 failed'`);
    expect(r.stdout).toContain('escapes \\x1b[2J');
    expect(r.stdout).toMatch(/resolved \\x1b\[2J.*\\nCONFORMANT: 999 passed/);
    expect(r.stderr).toMatch(/\[adapter\] (loading|conv called) \\x1b\[2J/);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^NOT CONFORMANT/);
    // The JSON report keeps the raw strings.
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.layersFrom.unresolved[0].node).toBe(`unresolved ${HOSTILE}`);
    // With --log: the plain-text log holds the escaped lines.
    const withLog = convspec(['verify', adapter, '--layers-from', model, '--log', log, '--jobs', '2', '--no-progress'], {}, 90_000);
    expect(withLog.code, withLog.stderr).toBe(1);
    const logged = fs.readFileSync(log, 'utf8');
    expect(RAW.test(logged), JSON.stringify(logged.match(RAW))).toBe(false);
    // (Console output is a stream: its newlines end lines, so the adapter's second line is a line of the log.)
    expect(logged).toMatch(/^conv called \\x1b\[2J\\x1b\]52;c;ZXZpbA==\\x07\\u202e\\u2066\\x9b31m$/m);
  });

  it('judge: a test folder named with escape sequences is printed escaped', () => {
    const dir = path.join(tmp, 'judge-names');
    const hostileFolder = path.join(dir, `test_\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e`);
    fs.mkdirSync(path.join(hostileFolder, 'test_data_set_0'), { recursive: true });
    fs.writeFileSync(path.join(hostileFolder, 'model.onnx'), Buffer.from([0xff, 0xff, 0xff])); // unreadable: its error names the folder
    const r = convspec(['judge', dir], {}, 60_000);
    expect(r.code, r.stderr).toBe(1);
    expect(RAW.test(r.stdout + r.stderr), JSON.stringify((r.stdout + r.stderr).match(RAW))).toBe(false);
    expect(r.stdout).toContain('test_\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07\\u202e/model.onnx: not a valid ONNX ModelProto');
  });
});
