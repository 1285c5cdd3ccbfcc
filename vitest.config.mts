import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['api/**/*.test.ts', 'impl/**/*.test.ts', 'spec/**/*.test.ts', 'tools/**/*.test.ts'],
    // Property tests run a few thousand reference calls; the slowest files need more than the default 5 s.
    testTimeout: 120_000,
    // vitest's default is one worker fewer than the cores: a single worker on a 2-core machine. Many
    // files here wait on child processes (adapters, the CLI, npm, a browser), so two share 2 cores well.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 120_000,
    reporters: ['default', './tools/testing/summaryReporter.ts'],
    // CLI runs spawned by tests use one job unless a test asks for more: the machine's cores are
    // already busy with vitest's own workers.
    // Runs through verify get small scale-tier cases (issue 26): the tier's limits would otherwise be
    // sized to each target's measured speed, about 20 s of its time per run.
    env: { CONVSPEC_JOBS: '1', CONVSPEC_SCALE_MACS: '2^18', CONVSPEC_SCALE_ELEMENTS: '2^16' },
    // Test files share each worker's module cache: importing ONNX Runtime, tfjs and the verifier afresh
    // for every file cost about 50 s of the suite's CPU. No test leaves module state changed (the one
    // switch a test flips, setMagnitude32, is restored in its afterAll).
    isolate: false,
  },
});
