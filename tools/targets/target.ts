/**
 * The kinds of verification target, and the command-line arguments that name each (for replay
 * commands). Opening a target is tools/verify/openTarget.ts; bundled targets by name are registry.ts.
 */
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import type { BrowserModule } from '../browser/browserModule';
import { shellQuote } from '../terminal/shellQuote';

export type VerifyTarget =
  /** The bundled ONNX Runtime adapter (tools/adapters/onnxruntime.ts), in its own process. */
  | { kind: 'ort' }
  /** A module file whose default export (or `exportName`) is an Implementation, in its own process. */
  | { kind: 'module'; path: string; exportName?: string }
  /** A program speaking the JSON-lines protocol (protocol.ts). */
  | { kind: 'cmd'; command: string; cwd?: string }
  /** An Implementation object, called in this thread: no crash isolation; the time limit ends only unsettled promises. */
  | { kind: 'implementation'; implementation: ImplementationWithSupports }
  /** An ES module run inside headless Chromium (tools/browser/): a user's file or a bundled browser adapter. */
  | { kind: 'browser'; module: BrowserModule }
  /** A bundled target by name (tools/targets/registry.ts), e.g. `tfjs-wasm` or `browser:ort-web-webgpu`. */
  | { kind: 'named'; name: string };

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
    case 'browser':
      return 'file' in target.module
        ? `--browser ${shellQuote(target.module.file)}${target.module.exportName ? ` --export ${shellQuote(target.module.exportName)}` : ''}`
        : `<bundled browser adapter ${target.module.bundled}>`;
    case 'named':
      return `--target ${shellQuote(target.name)}`;
  }
}

