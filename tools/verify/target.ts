/**
 * Verification targets and how each is opened as a guarded Subject: the bundled ONNX Runtime adapter
 * and module files run in a child process of their own (host.ts), `--cmd` programs in a subprocess, and an Implementation
 * object passed by a caller in this thread (no isolation: for tests and the mutants table).
 */
import { subjectFromImplementation, type ImplementationWithSupports } from '../../spec/framework/subject';
import { AdapterFault, guardSubject, type GuardedSubject } from './guard';
import { checkModuleFile, implementationProblem, TargetError } from './loadModule';
import { openProcessSubject } from './processSubject';
import { sanitizeSupports } from './supports';
import { openChildSubject } from './childSubject';

export type VerifyTarget =
  /** The bundled ONNX Runtime adapter (tools/adapters/onnxruntime.ts), in its own process. */
  | { kind: 'ort' }
  /** A module file whose default export (or `exportName`) is an Implementation, in its own process. */
  | { kind: 'module'; path: string; exportName?: string }
  /** A program speaking the JSON-lines protocol (protocol.ts). */
  | { kind: 'cmd'; command: string; cwd?: string }
  /** An Implementation object, called in this thread: no crash isolation; the time limit ends only unsettled promises. */
  | { kind: 'implementation'; implementation: ImplementationWithSupports };

export interface OpenOptions {
  /** Per-case time limit in ms. Default 10 000. */
  timeoutMs?: number;
  /** Time limit for starting the adapter (loading a module, a program's describe answer), in ms. Default 60 000. */
  startTimeoutMs?: number;
  /** Adapter log lines (its console output, a program's stderr). */
  log?: (line: string) => void;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command-line arguments that name `target` (for replay commands); '' for the default target. */
export function targetArgs(target: VerifyTarget): string {
  switch (target.kind) {
    case 'ort':
      return '';
    case 'module':
      return shellQuote(target.path) + (target.exportName ? ` --export ${shellQuote(target.exportName)}` : '');
    case 'cmd':
      return `--cmd ${shellQuote(target.command)}`;
    case 'implementation':
      return `<module exporting ${shellQuote(target.implementation.name)}>`;
  }
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
