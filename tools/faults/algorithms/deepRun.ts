/**
 * Deep runs of the good variants, for reports rather than for `npm test`: every registered
 * implementation clause, at a depth and for several seeds, with the largest |error|/bound each clause
 * saw (spec/framework/compare.ts ratioProbe; ≤ 1 passes). `--as direct` judges a variant as if it
 * declared algorithm 'direct' (the default profile), which shows what the transform term is for;
 * `--ranks 1,2` restricts the cases (e.g. to the FFT variant's transform path: its rank-3 fallback
 * sums products, and its small cases would otherwise dominate the worst ratios).
 *
 *   npm run build && node dist/tools/faults/algorithms/deepRun.js \
 *     --variants winograd-float32,fft-float32 --depth 10 --seeds 20261128,1,2 [--as direct] [--clause numeric]
 */
import { allClauses } from '../../../spec/clauses';
import { ratioProbe } from '../../../spec/framework/compare';
import { runClause } from '../../../spec/framework/runClause';
import { subjectFromImplementation } from '../../../spec/framework/subject';
import { catalogue } from '../catalogue';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const variants = arg('variants', 'winograd-float32,fft-float32').split(',');
  const depth = Number(arg('depth', '1'));
  const seeds = arg('seeds', '20261128').split(',').map(Number);
  const as = arg('as', '');
  const only = arg('clause', '');
  let failures = 0;
  for (const id of variants) {
    const entry = catalogue.find((e) => e.id === id);
    if (!entry) throw new Error(`no catalogue entry ${id}`);
    const ranks = arg('ranks', '');
    const supports = { ...entry.impl.supports };
    if (as) supports.algorithm = as as 'direct' | 'transform';
    if (ranks) supports.ranks = ranks.split(',').map(Number);
    const impl = { ...entry.impl, supports };
    for (const clause of allClauses) {
      if (clause.category === 'math' || (only && !clause.id.includes(only))) continue;
      let largest = 0;
      const lines: string[] = [];
      let cases = 0;
      for (const seed of seeds) {
        ratioProbe.observe = (r) => (largest = Math.max(largest, r));
        const o = await runClause(clause, subjectFromImplementation(impl), { seed, depth });
        ratioProbe.observe = undefined;
        cases += o.numRuns;
        if (o.status === 'failed') {
          failures++;
          lines.push(`    FAILED seed ${seed} path ${o.path}: ${(o.error ?? '').split('\n')[0].slice(0, 240)}`);
        }
      }
      const ratio = largest === 0 ? '0' : Number.isFinite(largest) ? largest.toPrecision(3) : '∞';
      console.log(`${id}${as ? ` (as ${as})` : ''}${ranks ? ` (ranks ${ranks})` : ''}  ${clause.id.padEnd(34)} cases ${String(cases).padStart(5)}  worst |err|/bound ${ratio}`);
      for (const l of lines) console.log(l);
    }
  }
  console.log(`${failures} failing clause runs`);
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();
