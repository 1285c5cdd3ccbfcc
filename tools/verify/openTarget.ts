/**
 * Opens a verification target as a guarded Subject: the bundled ONNX Runtime adapter and module files
 * run in a child process of their own (tools/hosts/host.ts), `--cmd` programs in a subprocess, browser
 * modules in headless Chromium, and an Implementation object passed by a caller in this thread (no
 * isolation: for tests and the mutants table).
 */
import { subjectFromImplementation } from '../../spec/framework/subject';
import { openBrowserSubject } from '../browser/browserSubject';
import { openChildSubject } from '../hosts/childSubject';
import { AdapterFault, guardSubject, type GuardedSubject } from '../hosts/guard';
import { checkModuleFile, implementationProblem, TargetError } from '../hosts/loadModule';
import { openProcessSubject } from '../hosts/processSubject';
import { sanitizeSupports } from '../hosts/supports';
import { resolveBundledTarget } from '../targets/registry';
import type { VerifyTarget } from '../targets/target';

export interface OpenOptions {
  /** Per-case time limit in ms. Default 10 000. */
  timeoutMs?: number;
  /** Time limit for starting the adapter (loading a module, a program's describe answer), in ms. Default 60 000. */
  startTimeoutMs?: number;
  /** Adapter log lines (its console output, a program's stderr). */
  log?: (line: string) => void;
}

/** Opens the target. Rejects with TargetError when it cannot be used (verify exits 2). */
export async function openTarget(target: VerifyTarget, options: OpenOptions = {}): Promise<GuardedSubject> {
  switch (target.kind) {
    case 'ort':
    case 'module':
      if (target.kind === 'module') checkModuleFile(target.path);
      return guardSubject(await openChildSubject(target, { ...options, loadTimeoutMs: options.startTimeoutMs }));
    case 'cmd':
      return guardSubject(await openProcessSubject(target.command, { ...options, startTimeoutMs: options.startTimeoutMs, cwd: target.cwd }));
    case 'browser':
      return guardSubject(await openBrowserSubject(target.module, { ...options, loadTimeoutMs: options.startTimeoutMs }));
    case 'named':
      return openTarget(resolveBundledTarget(target.name), options);
    case 'implementation': {
      const problem = implementationProblem(target.implementation);
      if (problem) throw new TargetError(`not an Implementation: ${problem}`);
      const inner = subjectFromImplementation(target.implementation);
      try {
        const declared = sanitizeSupports(target.implementation.supports);
        inner.supports = { ...declared, ops: declared.ops ?? inner.supports.ops };
      } catch (e) {
        throw new TargetError(`${target.implementation.name} declares ${(e as Error).message}`);
      }
      // A promise that never settles still ends at the time limit (a synchronous endless loop cannot be
      // stopped in this thread: that needs a module target, which runs in its own process).
      const timeoutMs = options.timeoutMs ?? 10_000;
      const call = inner.run.bind(inner);
      inner.run = (op, x, w, b, attrs) => {
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new AdapterFault('timeout', `no result within ${timeoutMs} ms`)), timeoutMs);
        });
        return Promise.race([call(op, x, w, b, attrs), limit]).finally(() => clearTimeout(timer));
      };
      return guardSubject(inner);
    }
  }
}
