/**
 * `convspec explain convtranspose …` and `convspec explain matrix …`: the tutorial's pictures,
 * computed by the reference for a configuration the user types. Small examples only (every value is
 * printed). `--svg FILE` writes the same grids as a picture.
 *
 * Exit codes: 0 explained and the check agreed; 1 the configuration is invalid (the ConvSpecError is
 * printed) or a check disagreed (which would be a bug in the reference); 2 unusable arguments.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { setExitCode } from '../exitCode';
import { UsageError } from '../../terminal/usage';
import { addAttributeOptions, attributesFrom, parseNumberList, type ConvOptionValues } from '../../shape/args';
import { explainConvTranspose, type ExplainAnswer } from '../../explain/convTranspose';
import { explainMatrix, type MatrixAnswer } from '../../explain/matrix';
import { renderSvg, type Panel } from '../../explain/svg';
import { makeStyle } from '../../terminal/style';

interface ExplainOptions extends ConvOptionValues {
  input: string;
  weight: string;
  x?: string;
  w?: string;
  bias?: string;
  svg?: string;
}

function writeSvg(file: string, title: string, panels: Panel[]): void {
  try {
    writeFileSync(file, renderSvg(title, panels));
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
  process.stdout.write(`SVG written to ${file}\n`);
}

function valuesOption(cmd: Command): Command {
  return cmd
    .option('--x <values>', 'input values, row-major (default 1…n)')
    .option('--w <values>', 'weight values, row-major (default 1…n)')
    .option('--svg <file>', 'also write the grids as an SVG picture');
}

/** Prints an explanation; exit 1 when it could not be built or its check against the direct op failed. */
function report(answer: ExplainAnswer | MatrixAnswer, svg: string | undefined): void {
  process.stdout.write(answer.text + '\n');
  if (!answer.ok) return setExitCode(1);
  if (!answer.agree) setExitCode(1);
  if (svg) writeSvg(svg, answer.title, answer.panels);
}

export function registerExplain(program: Command): void {
  const explain = program.command('explain').description("show the tutorial's pictures for a configuration: the four steps of ConvTranspose, or the equivalent matrix");

  const ct = explain
    .command('convtranspose')
    .description('ConvTranspose as zero insertion + padding + flipped kernel + stride-1 convolution, checked against the direct ConvTranspose')
    .option('--input <dims>', 'X dims [N, C, spatial…]', '1,1,2,2')
    .option('--weight <dims>', 'W dims [C, M/group, k…]', '1,1,3,3')
    .option('--bias <values>', 'bias values, one per output channel');
  addAttributeOptions(ct, true);
  valuesOption(ct);
  ct.addHelpText('after', '\nExamples:\n  convspec explain convtranspose                       # 2×2 input, 3×3 kernel → padded 6×6 → 4×4\n  convspec explain convtranspose --input 1,1,3,3 --strides 2,2 --pads 1,1,1,1   # → 5×5');
  ct.action((o: ExplainOptions) => {
    const answer = explainConvTranspose(
      {
        xDims: parseNumberList('--input', o.input),
        wDims: parseNumberList('--weight', o.weight),
        attrs: attributesFrom('ConvTranspose', o),
        xValues: o.x === undefined ? undefined : parseNumberList('--x', o.x),
        wValues: o.w === undefined ? undefined : parseNumberList('--w', o.w),
        bValues: o.bias === undefined ? undefined : parseNumberList('--bias', o.bias),
      },
      makeStyle(),
    );
    report(answer, o.svg);
  });

  const mx = explain
    .command('matrix')
    .description('the equivalent matrix C of a small Conv (and Cᵀ), its rank and null space: why convolution cannot be inverted')
    .option('--input <dims>', 'X dims [1, C, spatial…]', '1,1,4,4')
    .option('--weight <dims>', 'W dims [M, C/group, k…]', '1,1,3,3');
  addAttributeOptions(mx, false);
  valuesOption(mx);
  mx.action((o: ExplainOptions) => {
    const answer = explainMatrix(
      {
        xDims: parseNumberList('--input', o.input),
        wDims: parseNumberList('--weight', o.weight),
        attrs: attributesFrom('Conv', o),
        xValues: o.x === undefined ? undefined : parseNumberList('--x', o.x),
        wValues: o.w === undefined ? undefined : parseNumberList('--w', o.w),
      },
      makeStyle(),
    );
    report(answer, o.svg);
  });
}
