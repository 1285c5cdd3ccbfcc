/**
 * How a call crosses between Node and the page. The call itself (op, dims, attributes) goes through
 * page.evaluate as JSON; float32 data goes by URL as raw little-endian bytes through the loopback
 * server (server.ts WireStore): the page GETs each input once and POSTs its result to the URL Node
 * announced. Shared by both sides.
 */
export interface WireTensor {
  dims: unknown;
  /** Float32Array data: the path the page GETs its bytes from. */
  url?: string;
  /** Anything else the caller passed as data (the validation clauses pass malformed tensors), as is. */
  raw?: unknown;
  /** The "tensor" itself was not an object (a number, a string): it is `raw`. */
  notObject?: boolean;
}

/** What the page answers to one call. A result's data was POSTed to the call's result path: `bytes` long. */
export type WireReply =
  | { type: 'result'; dims: unknown; bytes: number }
  | { type: 'thrown'; isError: boolean; name?: string; message: string; code?: unknown }
  | { type: 'contract'; message: string }
  | { type: 'wrong-type'; message: string };

/** What the page answers to `load`. */
export type WireLoaded =
  | { type: 'loaded'; name: string; supports: unknown; methods: ('Conv' | 'ConvTranspose')[] }
  | { type: 'loadError'; message: string };
