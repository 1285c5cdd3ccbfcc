import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Tests kept out of `npm test` for their cost, run by vitest.extra.config.mts (`npm run test:package`,
 * `npm run test:browser`, `npm run test:catalogue`; .ci/run runs all three sets on every landing, after
 * npm test). On 2 cores (2026-12-07) they were more than half of the suite's ~530 CPU-s, and take
 * 2.5 minutes of wall time together:
 * - the packed tarball (a pack and an offline install of ~300 MB into a fresh project): ~95 CPU-s;
 * - the browser host in headless Chromium (a browser per verify): ~105 CPU-s;
 * - the fault catalogue of tools/faults (development only, not in the package): its mutants rejected
 *   and its correct variants accepted through the real verifier, the suite's power rather than its
 *   function (the clauses' own mutants, which show each clause can fail, stay in spec/test).
 */
export const PACKAGE_TESTS = ['api/test/installed.test.ts'];
export const BROWSER_TESTS = ['browser', 'bundledOrtTargets', 'hostilePage', 'signals'].map((f) => `tools/browser/test/${f}.test.ts`);
export const CATALOGUE_TESTS = ['tools/faults/test/**/*.test.ts'];

/**
 * The slowest files of a full run, slowest first (wall seconds on 2 cores with CI=1, 2026-12-06). They
 * start first, so the two workers end together rather than one running a long file alone at the end:
 * on a fresh clone (CI) vitest knows no durations and starts the largest files first, and
 * goodTransforms.test.ts (20 lines, about 45 s) started last. A file renamed or removed here only
 * loses its place; a new slow file belongs in the list.
 */
const SLOWEST_FIRST = [
  'api/test/installed.test.ts',
  'tools/verify/test/hostile.test.ts',
  'tools/faults/test/goodTransforms.test.ts',
  'tools/browser/test/hostilePage.test.ts',
  'tools/faults/test/mutants.test.ts',
  'tools/faults/test/goodVariants.test.ts',
  'tools/browser/test/bundledOrtTargets.test.ts',
  'tools/verify/test/hostileVerdicts.test.ts',
  'tools/verify/test/hostileBounds.test.ts',
  'tools/faults/test/scaleMutants.test.ts',
  'tools/verify/test/docReplays.test.ts',
  'tools/verify/test/verify.test.ts',
  'tools/layers/test/cli.test.ts',
  'tools/verify/test/hostileSignals.test.ts',
  'tools/verify/test/cli.test.ts',
  'tools/browser/test/browser.test.ts',
  'tools/verify/test/findings/findings.test.ts',
  'tools/cli/test/replay.test.ts',
  'tools/verify/test/scaleTier.test.ts',
  'tools/fixtures/test/cli.test.ts',
];

/**
 * The Python the python targets and tests use: Debian's /usr/bin/python3 when it has numpy (what
 * .ci/run installs), through CONVSPEC_PYTHON, which the targets try first. `python3` on PATH can be a
 * version manager's shim (pyenv: ~0.4 CPU-s of shell per start, ~20 starts a run); unset otherwise,
 * so the targets fall back to `python3` as for a user.
 */
const DEBIAN_PYTHON: Record<string, string> =
  process.env.CONVSPEC_PYTHON === undefined && spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0
    ? { CONVSPEC_PYTHON: '/usr/bin/python3' }
    : {};

/** SLOWEST_FIRST in its order, then every other file in vitest's own order (known durations, else size). */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = SLOWEST_FIRST.indexOf(f.moduleId.slice(f.project.config.root.length + 1));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b)); // a stable sort
  }
}

export default defineConfig({
  test: {
    include: ['api/**/*.test.ts', 'impl/**/*.test.ts', 'spec/**/*.test.ts', 'tools/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...PACKAGE_TESTS, ...BROWSER_TESTS, ...CATALOGUE_TESTS],
    // Property tests run a few thousand reference calls; the slowest files need more than the default 5 s.
    testTimeout: 120_000,
    // vitest's default is one worker fewer than the cores: a single worker on a 2-core machine. Many
    // files here wait on child processes (adapters, the CLI, npm, a browser), so two share 2 cores well.
    // Three gained nothing sure: each worker imports ONNX Runtime, tfjs and the verifier once (isolate:
    // false), so each costs CPU; on 2 cores, one run each, 3 workers took 206 s and ~380 CPU-s, 2 took
    // 192 s and 350 (CI=1, 2026-12-07; an earlier pair came out the other way by 16 s, the machine's noise).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 120_000,
    reporters: ['default', './tools/testing/summaryReporter.ts'],
    // CLI runs spawned by tests use one job unless a test asks for more: the machine's cores are
    // already busy with vitest's own workers.
    // Runs through verify get small scale-tier cases (issue 26): the tier's limits would otherwise be
    // sized to each target's measured speed, about 20 s of its time per run. 2^16 multiply-adds and
    // 2^14 elements (was 2^18 / 2^16: the edge and scale clauses were a third of each test-sized
    // verify's CPU, ~45 CPU-s of the suite); the tier's reach at its real sizes is measured by the
    // tests that set their own limits, the kill table and `--runs 5x`, not here. ONNX Runtime's telemetry
    // off for every file that loads it (the adapter does so itself; ORT does too when CI is set).
    env: { ...DEBIAN_PYTHON, CONVSPEC_JOBS: '1', CONVSPEC_SCALE_MACS: '2^16', CONVSPEC_SCALE_ELEMENTS: '2^14', ORT_DISABLE_TELEMETRY: '1' },
    // Test files share each worker's module cache: importing ONNX Runtime, tfjs and the verifier afresh
    // for every file cost about 50 s of the suite's CPU. No test leaves module state changed (the one
    // switch a test flips, setMagnitude32, is restored in its afterAll).
    isolate: false,
    sequence: { sequencer: SlowestFirst },
  },
});
