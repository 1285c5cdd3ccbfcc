/**
 * `convspec fixtures generate [--out DIR] [--seed S] [--check]`: writes the ONNX Runtime fixtures
 * (ONNX backend-test layout + manifest.json), or with --check regenerates into a temporary folder and
 * compares byte for byte with DIR (exit 1 when stale).
 */
import { terminalSafe } from '../../terminal/terminalText';
import * as path from 'node:path';
import type { Command } from 'commander';
import { checkFixtures } from '../../fixtures/check';
import { DEFAULT_FIXTURE_SEED, generateFixtures } from '../../fixtures/generate';
import { defaultFixturesDir } from '../../fixtures/paths';
import { formatUnresolved } from '../../layers/modelLayers';
import { readModelLayersOffThread } from '../../layers/readLayersOffThread';
import { LAYER_INPUTS_TEXT, layerFixtureCases } from '../../layers/fixtureCases';
import { setExitCode } from '../exitCode';
import { layersFromFlags } from './verify';
import { UsageError } from '../../terminal/usage';

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** A progress bar on a terminal only: CI logs and files get one summary line instead. */
function progress(): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  // Loaded lazily: only interactive runs pay for it.
  const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({ stream: process.stderr, format: 'fixtures [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

interface GenerateFlags {
  out?: string;
  seed?: string;
  check?: boolean;
  layersFrom?: string;
  inputShape: string[];
}

/**
 * `--layers-from MODEL`: one fixture case per resolved layer of the model, with the model's weights.
 * Unresolved nodes and the layers ONNX Runtime refuses are listed; the folder rules are the generator's.
 */
async function generateLayers(opts: GenerateFlags, seed: number): Promise<void> {
  const { layersFrom } = layersFromFlags(opts);
  if (!layersFrom) return;
  if (opts.check) throw new UsageError('--check compares with the bundled generator; it does not take --layers-from');
  if (opts.out === undefined) throw new UsageError('--layers-from needs --out DIR (the bundled fixtures/ folder is never the target)');
  const outDir = path.resolve(opts.out);
  let m;
  try {
    m = await readModelLayersOffThread(layersFrom.model, { inputShapes: layersFrom.inputShapes, seed });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const unresolved = m.unresolved.length > 0 ? [`${m.unresolved.length} node(s) not resolved:`, ...formatUnresolved(m)] : [];
  if (m.layers.length === 0) throw new UsageError([`${layersFrom.model}: none of its ${m.nodes} Conv/ConvTranspose nodes could be resolved`, ...unresolved].join('\n'));
  const bar = progress();
  const started = Date.now();
  let result;
  try {
    result = await generateFixtures({
      outDir, seed, cases: layerFixtureCases(m, seed), skipRefused: true, inputsText: LAYER_INPUTS_TEXT,
      generator: `convspec fixtures generate --layers-from ${layersFrom.model}${layersFrom.inputShapes?.map((s) => ` --input-shape ${s.name ? `${s.name}=` : ''}${s.dims.join('x')}`).join('') ?? ''} --seed ${seed}`,
      onProgress: (d, t) => bar.update(d, t),
    });
  } catch (e) {
    throw new UsageError([(e as Error).message, ...unresolved].join('\n'));
  } finally {
    bar.stop();
  }
  const lines = [
    `wrote ${result.manifest.cases.length} layer cases of ${layersFrom.model} (${m.nodes} Conv/ConvTranspose nodes) to ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(onnxruntime-node ${result.manifest.provenance.version}, seed ${seed})`,
    ...unresolved,
    ...(result.refused.length > 0 ? [`${result.refused.length} layer(s) ONNX Runtime refused (left out):`, ...result.refused.map((r) => `  ${r.id}: ${r.message}`)] : []),
    ...m.notes.map((n) => `note: ${n}`),
  ];
  process.stdout.write(lines.map(terminalSafe).join('\n') + '\n');
}

async function generateAction(opts: GenerateFlags): Promise<void> {
  const seed = parseSeed(opts.seed);
  if (opts.layersFrom !== undefined || opts.inputShape.length > 0) return generateLayers(opts, seed ?? DEFAULT_FIXTURE_SEED);
  const outDir = path.resolve(opts.out ?? defaultFixturesDir());
  if (opts.check) {
    let r;
    try {
      r = await checkFixtures(outDir, seed);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (r.upToDate) {
      process.stdout.write(`fixtures in ${outDir} are up to date (seed ${r.seed}, onnxruntime-node ${r.generatedOrtVersion})\n`);
      if (r.numerics.length > 0) {
        process.stdout.write(
          `  note: ${r.numerics.length} file(s) differ only in ORT's rounding on this CPU (every element of both versions within the reference's bound), ` +
            `e.g. ${r.numerics.slice(0, 3).join(', ')}; ORT's kernels depend on the instruction set, so this is not staleness\n`,
        );
      }
      return;
    }
    const show = (label: string, files: string[]) => {
      if (files.length === 0) return;
      process.stdout.write(`  ${label} (${files.length}): ${files.slice(0, 10).map(terminalSafe).join(', ')}${files.length > 10 ? ', …' : ''}\n`);
    };
    process.stdout.write(`fixtures in ${outDir} are STALE against the generator (seed ${r.seed}):\n`);
    show('different', r.different);
    show('missing', r.missing);
    show('extra', r.extra);
    if (r.committedOrtVersion && r.committedOrtVersion !== r.generatedOrtVersion) {
      process.stdout.write(`  the fixtures were made with onnxruntime-node ${r.committedOrtVersion}, this is ${r.generatedOrtVersion}\n`);
    }
    process.stdout.write(`  regenerate with: convspec fixtures generate${opts.out ? ` --out ${opts.out}` : ''} --seed ${r.seed}\n`);
    setExitCode(1);
    return;
  }
  const bar = progress();
  const started = Date.now();
  let result;
  try {
    result = await generateFixtures({ outDir, seed: seed ?? DEFAULT_FIXTURE_SEED, onProgress: (d, t) => bar.update(d, t) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  } finally {
    bar.stop();
  }
  const m = result.manifest;
  process.stdout.write(
    `wrote ${m.cases.length} cases (${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB) to ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(onnxruntime-node ${m.provenance.version}, opset ${m.provenance.opset}, seed ${m.provenance.seed})\n`,
  );
}

export function registerFixtures(program: Command): void {
  const fixtures = program.command('fixtures').description('ONNX Runtime fixtures in the ONNX backend-test layout');
  fixtures
    .command('generate')
    .description('generate fixtures/<case>/model.onnx, test_data_set_0/*.pb and manifest.json with onnxruntime-node (CPU, optimisation disabled, one thread)')
    .option('--out <dir>', 'target folder (replaced as a whole)', undefined)
    .option('--seed <n>', `generator seed (default ${DEFAULT_FIXTURE_SEED}; with --check, the committed manifest's seed)`)
    .option('--check', 'regenerate into a temporary folder and compare with the target; exit 1 when stale')
    .option('--layers-from <model>', "one case per Conv/ConvTranspose layer of this ONNX model, with its weights and seeded inputs (needs --out)")
    .option('--input-shape <[name=]dims>', 'with --layers-from: the shape of a graph input, e.g. image=1x3x224x224; repeatable', (v: string, p: string[]) => [...p, v], [])
    .action(generateAction);
}
