/**
 * `convspec coverage --kernel K --dilations r1,r2,… [--dims 1|2] [--svg FILE]`
 *
 * Informational: exits 0 whether or not the stack has holes (the answer is printed); 1 only if the
 * reference's impulse response disagrees with the combinatorial counts (a bug); 2 for unusable
 * arguments, including a kernel or rate that is not an integer ≥ 1 (the ConvSpecError is shown).
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { isConvSpecError } from '../../../impl/errors';
import { setExitCode } from '../exitCode';
import { UsageError } from '../../terminal/usage';
import { parseNumber, parseNumberList } from '../../shape/args';
import { coverage } from '../../coverage/coverage';
import { renderSvg } from '../../explain/svg';
import { makeStyle } from '../../terminal/style';

interface CoverageOptions {
  kernel: string;
  dilations: string;
  dims: string;
  svg?: string;
}

export function registerCoverage(program: Command): void {
  program
    .command('coverage')
    .description('which input pixels one output pixel of a dilated-convolution stack sees: usage counts, receptive field, holes, HDC verdict')
    .requiredOption('--kernel <k>', 'kernel size K of every layer (K×K in 2-D)')
    .requiredOption('--dilations <list>', 'dilation rate of each layer, first layer first, e.g. 1,2,5')
    .option('--dims <n>', '1 (a row of offsets) or 2 (the K×K field)', '2')
    .option('--svg <file>', 'also write the usage-count heat map as an SVG picture')
    .addHelpText('after', '\nExamples:\n  convspec coverage --kernel 3 --dilations 2,2,2   # gridding: holes\n  convspec coverage --kernel 3 --dilations 1,2,3   # 13×13, no holes\n  convspec coverage --kernel 3 --dilations 1,1,1   # three plain 3×3 layers: 7×7')
    .action((o: CoverageOptions) => {
      const dims = parseNumber('--dims', o.dims);
      if (dims !== 1 && dims !== 2) throw new UsageError(`--dims must be 1 or 2, got ${o.dims}`);
      let answer;
      try {
        answer = coverage({ kernel: parseNumber('--kernel', o.kernel), rates: parseNumberList('--dilations', o.dilations), dims }, makeStyle());
      } catch (e) {
        if (isConvSpecError(e)) throw new UsageError(e.message);
        throw e;
      }
      process.stdout.write(answer.text + '\n');
      if (!answer.agree) setExitCode(1);
      if (o.svg) {
        if (answer.panels.length === 0) throw new UsageError(`the field is too large to draw (${answer.extent} per axis); no SVG written`);
        try {
          writeFileSync(o.svg, renderSvg(answer.title, answer.panels));
        } catch (e) {
          throw new UsageError(`cannot write ${o.svg}: ${(e as Error).message}`);
        }
        process.stdout.write(`SVG written to ${o.svg}\n`);
      }
    });
}
