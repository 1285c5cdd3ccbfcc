/**
 * `convspec shape conv|convtranspose --input DIMS --weight DIMS [attributes] [--bias] [--json]`
 *
 * Exit codes: 0 the configuration is valid (pads and output dims printed); 1 the configuration is
 * invalid — the answer is the exact ConvSpecError (code and message) an implementation call would
 * raise, printed on stdout; 2 the command line itself is unusable (missing --input, "abc" as a number).
 * So `convspec shape … && …` works as a validity test in scripts.
 */
import type { Command } from 'commander';
import { setExitCode } from '../exitCode';
import { UsageError } from '../../terminal/usage';
import { addAttributeOptions, attributesFrom, parseNumberList, parseOp, type ConvOptionValues } from '../../shape/args';
import { explainShape } from '../../shape/shape';
import { makeStyle } from '../../terminal/style';

interface ShapeOptions extends ConvOptionValues {
  input?: string;
  weight?: string;
  bias?: boolean;
  json?: boolean;
}

export function registerShape(program: Command): void {
  const cmd = program
    .command('shape')
    .argument('<op>', 'conv or convtranspose')
    .description('resolve pads and output dims, with the formula filled in per axis, or show the validation error')
    .requiredOption('--input <dims>', 'X dims, e.g. 1,1,4,4 (N, C, spatial…)')
    .requiredOption('--weight <dims>', 'W dims: Conv [M, C/group, k…], ConvTranspose [C, M/group, k…]')
    .option('--bias', 'include a bias of M values (does not change the shape)')
    .option('--json', 'print the resolved geometry (or the error) as JSON');
  addAttributeOptions(cmd, true);
  cmd.addHelpText('after', '\nExit status: 0 valid, 1 invalid configuration (error printed), 2 unusable arguments.');
  cmd.action((opName: string, o: ShapeOptions) => {
    const op = parseOp(opName);
    if (op === 'Conv' && (o.outputPadding !== undefined || o.outputShape !== undefined)) {
      throw new UsageError('--output-padding and --output-shape are ConvTranspose attributes; Conv has neither');
    }
    const xDims = parseNumberList('--input', o.input ?? '');
    const wDims = parseNumberList('--weight', o.weight ?? '');
    const attrs = attributesFrom(op, o);
    const answer = explainShape(op, xDims, wDims, attrs, o.bias === true, makeStyle(o.json ? false : undefined));
    if (o.json) {
      const body = answer.ok
        ? { valid: true, op, attributes: attrs, geometry: answer.geometry }
        : { valid: false, op, attributes: attrs, error: { code: answer.error.code, message: answer.error.message } };
      process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    } else {
      process.stdout.write(answer.text + '\n');
    }
    if (!answer.ok) setExitCode(1);
  });
}
