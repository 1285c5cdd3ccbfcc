/**
 * Messages between the judge and an adapter's host process (host.ts), over private pipes with V8
 * serialization, each reply signed (hostFrames.ts). Shared by both sides; nothing here runs code.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';

/** What the host loads: the bundled ORT adapter, or a module file (default export or a named one). */
export type ModuleTarget = { kind: 'ort' } | { kind: 'module'; path: string; exportName?: string };

export interface CallMessage {
  type: 'call';
  seq: number;
  op: OpName;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

/** A thrown value as it crosses the process boundary. */
export interface ThrownInfo {
  isError: boolean;
  name?: string;
  message: string;
  code?: unknown;
  /** For non-Errors: a description of the value. */
  description?: string;
}

/** A tensor-like value as sent back: whatever the adapter's object held (checked by the judge). */
export interface SentTensor {
  dims: unknown;
  data: unknown;
}

/** The inputs as they were after the adapter's call returned. */
export interface InputsAfter {
  x: unknown;
  w: unknown;
  b: unknown;
}

export type HostReply =
  | { type: 'loaded'; name: string; supports: unknown; methods: OpName[] }
  | { type: 'loadError'; message: string }
  | { type: 'result'; seq: number; y: unknown; inputsAfter: InputsAfter; previousAfter?: unknown }
  | { type: 'thrown'; seq: number; thrown: ThrownInfo; inputsAfter: InputsAfter }
  | { type: 'unsendable'; seq: number; message: string }
  /** An uncaught exception or unhandled rejection: the host exits right after sending this. */
  | { type: 'fatal'; message: string };
