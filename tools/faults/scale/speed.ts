/**
 * How fast the scale catalogue runs (it must keep up with cases of 10⁸–10⁹ multiply-adds): each
 * entry of SCALE_CATALOGUE and SCALE2_CATALOGUE, and the reference (impl/fast, float64) for comparison, on a few
 * realistic shapes; prints the best of `--repeat` runs in GMAC/s. Development only.
 *
 *   node dist/tools/faults/scale/speed.js [--only ID,ID] [--repeat N]
 */
import { fastKernels } from '../../../impl/fast';
import { prepare } from '../../../impl/reference';
import { product } from '../../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import { SCALE_CATALOGUE } from '../scaleCatalogue';
import { SCALE2_CATALOGUE } from '../scaleCatalogue2';

interface Shape {
  name: string;
  op: OpName;
  x: number[];
  w: number[];
  attrs: ConvTransposeAttributes;
}

const SHAPES: Shape[] = [
  { name: 'ResNet 3×3 64→64 56²', op: 'Conv', x: [1, 64, 56, 56], w: [64, 64, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { name: 'late 3×3 512→512 7², N=2', op: 'Conv', x: [2, 512, 7, 7], w: [512, 512, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { name: 'pointwise 256→256 28², N=4', op: 'Conv', x: [4, 256, 28, 28], w: [256, 256, 1, 1], attrs: {} },
  { name: 'depthwise 3×3 256ch 56²', op: 'Conv', x: [1, 256, 56, 56], w: [256, 1, 3, 3], attrs: { group: 256, pads: [1, 1, 1, 1] } },
  { name: 'ConvTranspose 4×4/2 64→64 32²', op: 'ConvTranspose', x: [1, 64, 32, 32], w: [64, 64, 4, 4], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
];

const tensor = (dims: number[]): Tensor => ({ dims, data: Float32Array.from({ length: product(dims) }, (_, i) => ((i * 2654435761) % 1000) / 500 - 1) });

function macs(s: Shape, x: Tensor, w: Tensor): number {
  const g = prepare(s.op, x, w, undefined, s.attrs);
  const cg = g.inChannels / g.group;
  return s.op === 'Conv' ? product(g.outputDims) * cg * product(g.kernel) : product(g.inputDims) * (g.outChannels / g.group) * product(g.kernel);
}

function best(run: () => unknown, repeat: number): number {
  let t = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    run();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

function main(argv: string[]): number {
  const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const only = at('--only')?.split(',');
  const repeat = Number(at('--repeat') ?? 2);
  if (!Number.isInteger(repeat) || repeat < 1) {
    process.stderr.write('speed: --repeat must be a positive integer\n');
    return 2;
  }
  const all = [...SCALE_CATALOGUE, ...SCALE2_CATALOGUE];
  const entries = only ? all.filter((e) => only.includes(e.id)) : all;
  process.stdout.write(`entry${' '.repeat(42)}${SHAPES.map((s) => s.name).join(' | ')}  (GMAC/s, best of ${repeat})\n`);
  const rows: [string, (s: Shape, x: Tensor, w: Tensor) => unknown][] = [
    ['reference (impl/fast, float64)', (s, x, w) => {
      const g = prepare(s.op, x, w, undefined, s.attrs);
      return (s.op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose)(g, x.data, w.data, undefined);
    }],
    ...entries.map((e): [string, (s: Shape, x: Tensor, w: Tensor) => unknown] => [e.id, (s, x, w) => (s.op === 'Conv' ? e.impl.conv! : e.impl.convTranspose!)(x, w, undefined, s.attrs)]),
  ];
  const inputs = SHAPES.map((s) => ({ s, x: tensor(s.x), w: tensor(s.w) }));
  for (const [name, run] of rows) {
    const cells = inputs.map(({ s, x, w }) => (macs(s, x, w) / best(() => run(s, x, w), repeat) / 1e6).toFixed(2));
    process.stdout.write(`${name.padEnd(47)}${cells.join(' | ')}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
