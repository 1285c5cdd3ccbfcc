/**
 * Where `--log FILE` goes: the adapter's console lines, appended one by one. A regular file (or a
 * device such as /dev/null) is written synchronously, in order with everything else. A FIFO
 * (`--log >(grep …)`) is opened once without blocking — opening it twice let a reader that reads to
 * EOF see the first close and leave, and a blocking open or write then held the main thread for ever,
 * where no signal could end the run — and its lines are queued and written from the event loop.
 *
 * A FIFO's queue is bounded: when the reader falls more than MAX_QUEUED_BYTES behind, later lines are
 * dropped and counted (a last line says how many). A reader that leaves is an error of the run, raised
 * by close() naming the file, never a silently truncated log.
 */
import * as fs from 'node:fs';
import { code, FileAccessError, writeAll } from './files';

/** How far a FIFO's reader may fall behind before lines are dropped. */
export const MAX_QUEUED_BYTES = 16 << 20;

export interface LogSink {
  /** Appends one line (a newline is added). Never blocks, never throws. */
  write(line: string): void;
  /** Writes what is queued and closes. Rejects with FileAccessError when a FIFO's reader left. */
  close(): Promise<void>;
}

/** Opens `file` for `--log` (`flag` names the option in messages). Throws FileAccessError naming the file. */
export function openLogSink(file: string, flag = '--log'): LogSink {
  let fifo = false;
  let fd: number;
  try {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw new FileAccessError(`${flag} ${file} is a folder: give a file name`);
    fifo = st?.isFIFO() === true;
    fd = fifo ? fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK) : fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  } catch (e) {
    if (e instanceof FileAccessError) throw e;
    throw new FileAccessError(`${flag} ${file}: cannot be opened (${fifo && code(e) === 'ENXIO' ? 'a FIFO with no reader' : code(e)})`);
  }
  return fifo ? fifoSink(fd, file, flag) : fileSink(fd, file, flag);
}

function fileSink(fd: number, file: string, flag: string): LogSink {
  let failure: unknown;
  return {
    write(line) {
      if (failure !== undefined) return;
      try {
        fs.writeSync(fd, line + '\n');
      } catch (e) {
        failure = e;
      }
    },
    async close() {
      fs.closeSync(fd);
      if (failure !== undefined) throw new FileAccessError(`${flag} ${file}: cannot be written (${code(failure)})`);
    },
  };
}

function fifoSink(fd: number, file: string, flag: string): LogSink {
  const queue: Buffer[] = [];
  let queued = 0;
  let dropped = 0;
  let failure: unknown;
  let pumping: Promise<void> | undefined;
  const pump = async () => {
    while (queue.length > 0 && failure === undefined) {
      const chunk = Buffer.concat(queue.splice(0, queue.length));
      queued = 0;
      try {
        await writeAll(fd, chunk);
      } catch (e) {
        failure = e;
      }
    }
    pumping = undefined;
  };
  const enqueue = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    queue.push(bytes);
    queued += bytes.length;
    pumping ??= pump();
  };
  return {
    write(line) {
      if (failure !== undefined) return;
      if (queued + line.length + 1 > MAX_QUEUED_BYTES) {
        dropped++;
        return;
      }
      enqueue(line + '\n');
    },
    async close() {
      if (dropped > 0 && failure === undefined) enqueue(`[convspec] ${dropped} log lines dropped: the reader of ${file} fell more than ${MAX_QUEUED_BYTES >> 20} MiB behind\n`);
      while (pumping) await pumping;
      fs.closeSync(fd);
      if (failure !== undefined) {
        const why = code(failure) === 'EPIPE' ? 'its reader left before the log was written' : code(failure);
        throw new FileAccessError(`${flag} ${file}: cannot be written (${why})`);
      }
    },
  };
}
