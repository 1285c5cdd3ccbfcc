/**
 * Splits a byte stream into lines with a cap on each line's length. Each chunk is scanned once (no
 * re-scan of what is already buffered), and a line longer than the cap keeps only its first `maxBytes`
 * bytes plus a count of what was dropped, so a program that writes without newlines can never grow
 * convspec's memory past the cap (it once grew a string until V8 gave up: "Invalid string length").
 */

import { terminalSafe } from '../terminal/terminalText';

export interface Line {
  /** The line's text (UTF-8), at most maxBytes bytes of it, without the newline. */
  text: string;
  /** Bytes of the line beyond the cap that were dropped (0 for a whole line). */
  droppedBytes: number;
}

export class BoundedLineSplitter {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  /**
   * @param maxBytes the longest line kept whole; longer lines are cut (see Line.droppedBytes).
   * @param onOverflow called once per line, as soon as it passes the cap (before its newline, which may never come).
   */
  constructor(
    private maxBytes: number,
    private readonly onLine: (line: Line) => void,
    private readonly onOverflow?: (keptBytes: number) => void,
  ) {}

  /** Changes the cap for the line being read and those after it (e.g. sized to the answer a request implies). */
  setMaxBytes(maxBytes: number): void {
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      this.keep(chunk.subarray(start, end));
      if (nl < 0) return;
      this.flush();
      start = nl + 1;
    }
  }

  /** The stream ended: a last line without a newline is delivered. */
  end(): void {
    if (this.kept > 0 || this.dropped > 0) this.flush();
  }

  private keep(bytes: Buffer): void {
    const room = Math.max(0, this.maxBytes - this.kept);
    if (bytes.length <= room) {
      if (bytes.length > 0) this.parts.push(bytes);
      this.kept += bytes.length;
      return;
    }
    if (room > 0) this.parts.push(bytes.subarray(0, room));
    this.kept += room;
    const first = this.dropped === 0;
    this.dropped += bytes.length - room;
    if (first) this.onOverflow?.(this.kept);
  }

  private flush(): void {
    const text = Buffer.concat(this.parts, this.kept).toString('utf8').replace(/\r$/, '');
    const line: Line = { text, droppedBytes: this.dropped };
    this.parts.length = 0;
    this.kept = 0;
    this.dropped = 0;
    this.onLine(line);
  }
}

/** Default cap for log lines (stderr, console output): longer lines are cut and marked. */
export const LOG_LINE_MAX_BYTES = 64 * 1024;

/** `text` with the note every cut log line carries. */
function withDropNote(text: string, droppedBytes: number): string {
  return droppedBytes > 0 ? `${text}… (${droppedBytes} more bytes of this line not shown)` : text;
}

/** One line that arrived whole (a browser console message) cut at `maxBytes` of UTF-8, as streams' lines are. */
export function capLine(line: string, maxBytes = LOG_LINE_MAX_BYTES): string {
  if (line.length <= maxBytes / 3) return line; // at most 3 bytes per UTF-16 unit: surely within
  const bytes = Buffer.from(line);
  if (bytes.length <= maxBytes) return line;
  return withDropNote(bytes.subarray(0, maxBytes).toString('utf8'), bytes.length - maxBytes);
}

/**
 * Forwards a stream's lines to `log`, each cut at LOG_LINE_MAX_BYTES with a note of what was dropped,
 * and with its control characters escaped (tools/terminal/terminalText.ts): the lines go to a terminal or a log.
 */
export function forwardLogLines(stream: NodeJS.ReadableStream, log: (line: string) => void, maxBytes = LOG_LINE_MAX_BYTES): void {
  const splitter = new BoundedLineSplitter(maxBytes, ({ text, droppedBytes }) => log(terminalSafe(withDropNote(text, droppedBytes))));
  stream.on('data', (chunk: Buffer | string) => splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  stream.on('end', () => splitter.end());
}
