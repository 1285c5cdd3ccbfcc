/**
 * The judge's side of the private pipes to an adapter's host process (host.ts). Not Node's IPC
 * channel: that one the adapter shares (`process.send`, `process.on('message')`), and a malformed
 * frame on it throws inside Node's own reader, ending the judge. Here:
 *
 * - fd 3 carries the judge's frames to the host; its first 32 bytes are a random key, read by the host
 *   before the adapter is loaded;
 * - fd 4 carries the host's frames back, each `[u32 BE body length][HMAC-SHA256(key, body)][body]`,
 *   the body being V8's serialization of one HostReply (the base v8.Serializer: typed arrays are
 *   written by V8 itself, never through JavaScript an adapter could patch).
 *
 * A frame whose MAC does not match (written by something other than the host, or changed on the way)
 * or that cannot be decoded is a protocol failure reported to the caller, never an exception on the
 * judge's event loop.
 */
import * as crypto from 'node:crypto';
import * as v8 from 'node:v8';

export const KEY_BYTES = 32;
const MAC_BYTES = 32;
const HEAD_BYTES = 4 + MAC_BYTES;
/** Largest frame body accepted (a result or its inputs of up to ~256 M float32 elements). */
export const MAX_FRAME_BYTES = 2 ** 31 - 1;

export function newKey(): Buffer {
  return crypto.randomBytes(KEY_BYTES);
}

/** One frame for the host: length, MAC (the host does not check it; kept for one format), body. */
export function encodeFrame(key: Buffer, message: unknown): Buffer {
  const ser = new v8.Serializer();
  ser.writeHeader();
  ser.writeValue(message);
  const body = ser.releaseBuffer();
  const head = Buffer.alloc(HEAD_BYTES);
  head.writeUInt32BE(body.length, 0);
  crypto.createHmac('sha256', key).update(body).digest().copy(head, 4);
  return Buffer.concat([head, body]);
}

/**
 * Splits the host's byte stream into messages. `onMessage` gets each decoded message; `onBroken`
 * gets, once, why the stream cannot be trusted any more (after which nothing else is delivered).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private broken = false;

  constructor(
    private readonly key: Buffer,
    private readonly onMessage: (message: unknown) => void,
    private readonly onBroken: (why: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.broken && this.buffered >= HEAD_BYTES) {
      if (this.chunks[0].length < HEAD_BYTES) this.chunks = [Buffer.concat(this.chunks)];
      const length = this.chunks[0].readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) return this.fail(`a frame of ${length} bytes announced, more than ${MAX_FRAME_BYTES}`);
      // Joined once the whole frame is here, so a large frame in many chunks is copied once.
      if (this.buffered < HEAD_BYTES + length) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      const mac = all.subarray(4, HEAD_BYTES);
      const body = all.subarray(HEAD_BYTES, HEAD_BYTES + length);
      const rest = all.subarray(HEAD_BYTES + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      const expected = crypto.createHmac('sha256', this.key).update(body).digest();
      if (!crypto.timingSafeEqual(mac, expected)) {
        return this.fail("a frame on the host's pipe does not carry the host's MAC: something in the adapter's process other than convspec's host wrote it (a forged reply)");
      }
      let message: unknown;
      try {
        const de = new v8.Deserializer(body);
        de.readHeader();
        message = de.readValue();
      } catch (e) {
        return this.fail(`a frame from the host cannot be decoded: ${(e as Error).message}`);
      }
      this.onMessage(message);
    }
  }

  private fail(why: string): void {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    this.onBroken(why);
  }
}
