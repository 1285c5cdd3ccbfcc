/**
 * `convspec/verify`: verify an implementation from code. The names exported here are the stable
 * programmatic interface of `convspec verify`; the modules behind them may move.
 *
 * ```ts
 * import { verifyTarget, formatReport } from 'convspec/verify';
 * const report = await verifyTarget({ kind: 'module', path: './my-conv.js' }, { seed: 1, depth: 2 });
 * if (!report.summary.conformant) console.log(formatReport(report));
 * ```
 */
export { verifyTarget, DEFAULT_TIMEOUT_MS, VerifyArgumentError, VerifyEnvironmentError, type VerifyOptions, type ProgressEvent } from '../tools/verify/run';
export type { VerifyTarget } from '../tools/targets/target';
export { TargetError } from '../tools/hosts/loadModule';
export {
  REPORT_SCHEMA_ID, REPORT_VERSION, reportToJson,
  type VerifyReport, type ClauseResult, type CaseResult, type AmbiguityResult, type Tally, type TargetKind,
} from '../tools/report/report';
export { REPORT_SCHEMA } from '../tools/report/reportSchema';
export type { FaultRecord, FaultKind } from '../tools/hosts/guard';
export type { Mismatch, WindowRow } from '../spec/framework/compare';
export type { ClauseStatus } from '../spec/framework/runClause';
export type { ClauseCategory } from '../spec/framework/clause';
export type { Supports, ImplementationWithSupports } from '../spec/framework/subject';
export { DEFAULT_SEED } from '../spec/framework/runClause';
export { formatReport, formatFailure } from '../tools/report/format';
export { toJUnit } from '../tools/report/junit';
export { EXPECT_SCHEMA, parseExpectFile, type ExpectEntry, type ExpectFile } from '../tools/report/expectFile';
export { applyKnownFailures, type KnownFailures } from '../tools/report/knownFailures';
export type { ExpectedMark, KnownFailuresSummary } from '../tools/report/report';
export type { CounterexampleData, Finding, TensorData } from '../tools/report/finding';
