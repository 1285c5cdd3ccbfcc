/**
 * `convspec judge DIR`: judges output_0.pb files a third party wrote in the fixtures layout under DIR
 * against the float64 reference (tools/verify/judge.ts). Exit 0 every output present and within the
 * bound, 1 a failure (or no output at all), 2 could not run.
 */
import type { Command } from 'commander';
import { formatReport } from '../../verify/format';
import { judgeDirectory } from '../../verify/judge';
import { toJUnit } from '../../verify/junit';
import { reportToJson } from '../../verify/report';
import { VerifyArgumentError, VerifyEnvironmentError } from '../../verify/run';
import { setExitCode } from '../exitCode';
import { UsageError } from '../usage';
import { checkReportFiles, writeReportFile } from '../writeReport';

interface JudgeFlags {
  fixturesDir?: string;
  precision?: string;
  algorithm?: string;
  clause: string[];
  json?: string;
  junit?: string;
  name?: string;
}

export function registerJudge(program: Command): void {
  program
    .command('judge')
    .argument('<dir>', 'folder with <case-id>/test_data_set_0/output_0.pb files (fixtures layout)')
    .description("judge a third party's fixture outputs against the float64 reference (missing outputs are reported as not run)")
    .option('--fixtures-dir <dir>', 'the fixtures whose inputs were run (default: the bundled fixtures/)')
    .option('--precision <profile>', 'precision profile to judge with: float32 (default), tf32, float16, bfloat16, exact')
    .option('--algorithm <kind>', "direct (default) or transform: FFT/Winograd kernels, judged with the transform term of spec/SPEC.md's Tolerance section")
    .option('--clause <filter>', 'only these cases, e.g. fixtures.ort/convtranspose_*; repeatable', (v: string, p: string[]) => [...p, v], [])
    .option('--name <name>', 'name of the implementation in the report')
    .option('--json <file>', 'write the report as JSON (same schema as verify)')
    .option('--junit <file>', 'write the report as JUnit XML')
    .action(async (dir: string, flags: JudgeFlags) => {
      checkReportFiles([{ flag: '--json', file: flags.json }, { flag: '--junit', file: flags.junit }]);
      let report;
      try {
        report = await judgeDirectory(dir, {
          fixturesDir: flags.fixturesDir,
          precision: flags.precision as never,
          algorithm: flags.algorithm as never,
          clauses: flags.clause,
          name: flags.name,
        });
      } catch (e) {
        if (e instanceof VerifyArgumentError || e instanceof VerifyEnvironmentError) throw new UsageError(e.message);
        throw e;
      }
      process.stdout.write(formatReport(report));
      if (flags.json) writeReportFile(flags.json, reportToJson(report), '--json');
      if (flags.junit) writeReportFile(flags.junit, toJUnit(report), '--junit');
      setExitCode(report.summary.conformant ? 0 : 1);
    });
}
