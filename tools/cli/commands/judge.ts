/**
 * `convspec judge DIR`: judges output_0.pb files a third party wrote in the fixtures layout under DIR
 * against the float64 reference (tools/judge/judge.ts). Exit 0 every output present and within the
 * bound, 1 a failure (or too few outputs: every selected case needs one unless --min-supported says
 * otherwise), 2 could not run.
 */
import type { Command } from 'commander';
import { defaultFixturesDir } from '../../fixtures/paths';
import { formatReport } from '../../report/format';
import { judgeDirectory } from '../../judge/judge';
import { holdsTestFolders, judgeTestTree } from '../../judge/judgeTests';
import { toJUnit } from '../../report/junit';
import { reportToJson } from '../../report/report';
import { VerifyArgumentError, VerifyEnvironmentError } from '../../verify/run';
import { setExitCode } from '../exitCode';
import { UsageError } from '../../terminal/usage';
import { writeHtmlReport } from '../../report/writeHtml';
import { reportTitle } from '../../report/targetName';
import { checkReportFiles, writeReportFile } from '../../report/writeReport';
import { parseMinSupported } from './verify';

interface JudgeFlags {
  fixturesDir?: string;
  precision?: string;
  algorithm?: string;
  clause: string[];
  json?: string;
  junit?: string;
  name?: string;
  tests?: string;
  html?: string;
  minSupported?: string;
}

export function registerJudge(program: Command): void {
  program
    .command('judge')
    .argument('<dir>', 'ONNX test folders (model.onnx + test_data_set_N), or outputs laid out like them (--tests), or output_0.pb files in the fixtures layout')
    .description('judge outputs against the float64 reference: the expected outputs of ONNX test folders, outputs an implementation wrote for them (--tests), or for convspec\'s fixtures')
    .option('--tests <dir>', 'the ONNX test folders whose inputs were run; <dir> then holds only the outputs, at the same relative paths')
    .option('--fixtures-dir <dir>', 'the fixtures whose inputs were run (default: the bundled fixtures/)')
    .option('--precision <profile>', 'precision profile to judge with: float32 (default), tf32, float16, bfloat16, exact')
    .option('--algorithm <kind>', "direct (default) or transform: FFT/Winograd kernels, judged with the transform term of spec/SPEC.md's Tolerance section")
    .option('--clause <filter>', 'only these cases, e.g. fixtures.ort/convtranspose_*; repeatable', (v: string, p: string[]) => [...p, v], [])
    .option('--name <name>', 'name of the implementation in the report')
    .option('--min-supported <share>', 'conformant with this share (0.8 or 80%) of the selected cases having an output; default 100%: an output not written is a case not run')
    .option('--json <file>', 'write the report as JSON (same schema as verify)')
    .option('--junit <file>', 'write the report as JUnit XML')
    .option('--html <file>', 'write a self-contained HTML report: verdict, clause table, failures with heat maps, precision profile')
    .action(async (dir: string, flags: JudgeFlags) => {
      const inputs = [
        { what: 'the judged folder', file: dir },
        ...(flags.tests !== undefined ? [{ what: 'the --tests folder', file: flags.tests }] : []),
        { what: 'the fixtures folder', file: flags.fixturesDir ?? defaultFixturesDir() },
      ];
      checkReportFiles([{ flag: '--json', file: flags.json }, { flag: '--junit', file: flags.junit }, { flag: '--html', file: flags.html }], inputs);
      const minSupported = flags.minSupported === undefined ? undefined : parseMinSupported(flags.minSupported);
      let report;
      try {
        if (flags.tests !== undefined && flags.fixturesDir !== undefined) throw new VerifyArgumentError('--tests and --fixtures-dir exclude each other: inputs come from ONNX test folders or from convspec fixtures');
        // ONNX test folders (a model.onnx at or below the path, or --tests): judged from their own
        // models and inputs; otherwise outputs for convspec's manifest-checked fixtures.
        const testsMode = flags.tests !== undefined || (flags.fixturesDir === undefined && holdsTestFolders(dir));
        const common = { precision: flags.precision as never, algorithm: flags.algorithm as never, clauses: flags.clause, name: flags.name, minSupported };
        report = testsMode ? await judgeTestTree(dir, { ...common, testsDir: flags.tests }) : await judgeDirectory(dir, { ...common, fixturesDir: flags.fixturesDir });
      } catch (e) {
        if (e instanceof VerifyArgumentError || e instanceof VerifyEnvironmentError) throw new UsageError(e.message);
        throw e;
      }
      process.stdout.write(formatReport(report));
      if (flags.json) await writeReportFile(flags.json, reportToJson(report), '--json');
      if (flags.junit) await writeReportFile(flags.junit, toJUnit(report), '--junit');
      if (flags.html) await writeHtmlReport(flags.html, { title: reportTitle('judge', report), sections: [{ report }] });
      setExitCode(report.summary.conformant ? 0 : 1);
    });
}
