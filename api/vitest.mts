/**
 * `convspec/vitest`: the conformance clauses as tests in your own vitest run.
 *
 * ```ts
 * import { describeConformance } from 'convspec/vitest';
 * import { myConv } from '../src/conv';
 * describeConformance(myConv);                                         // an Implementation object
 * describeConformance({ kind: 'module', path: './dist/my-conv.js' }, { depth: 2 });
 * ```
 *
 * One test per clause of spec/SPEC.md and one per fixture family, with the seed, depth, filters,
 * `supports` declaration and verdicts of `convspec verify`. A failing test shows the shrunk
 * counterexample, the actual/expected/bound window and a replay line (CONVSPEC_CLAUSE, _SEED, _PATH
 * in front of the vitest command). A case outside what the implementation declares it supports
 * skips its test. ESM only, like vitest itself (vitest cannot be loaded with require()).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as path from 'node:path';
import { planConformance, suiteTitle } from '../tools/verify/conformanceSuite.js';
import type { ConformanceOptions, ConformanceTarget } from '../tools/verify/conformanceSuite.js';

export type { ConformanceOptions, ConformanceTarget } from '../tools/verify/conformanceSuite.js';
export type { VerifyTarget } from '../tools/targets/target.js';
export type { ImplementationWithSupports, Supports } from '../spec/framework/subject.js';

/** A failed clause: the message is the whole report, so the stack (convspec's internals) is left out. */
class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

/** How to start this test file again, for replay lines. */
function runnerCommand(): string {
  const file = expect.getState().testPath;
  return file ? `npx vitest run ${path.relative(process.cwd(), file) || file}` : 'npx vitest run';
}

/**
 * Registers a `describe` block named `convspec conformance: <target>` with one test per selected
 * clause and fixture family. `target` is an Implementation object (called in the test's own thread:
 * no crash isolation, and the time limit ends only promises that never settle) or any VerifyTarget
 * of `convspec/verify` (`{ kind: 'module', path }` runs the module isolated, as the CLI does).
 * Options as `verifyTarget`'s, plus `testTimeoutMs` (per test, default 300 000).
 */
export function describeConformance(target: ConformanceTarget, options: ConformanceOptions = {}): void {
  const command = runnerCommand();
  describe(suiteTitle(target), async () => {
    const plan = await planConformance(target, options, command);
    beforeAll(() => plan.open(), plan.testTimeoutMs);
    afterAll(() => plan.close(), plan.testTimeoutMs);
    for (const unit of plan.units) {
      test(unit.name, async (ctx) => {
        const outcome = await unit.run();
        if (outcome.status === 'failed') throw new ConformanceFailure(outcome.message);
        if (outcome.status === 'unsupported' || outcome.status === 'expected') ctx.skip(outcome.message);
      }, plan.testTimeoutMs);
    }
  });
}
