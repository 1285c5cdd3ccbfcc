/**
 * Reading files someone else laid out (ONNX test folders) without trusting them: only regular files,
 * size checked on the open descriptor before anything is read or decoded. A FIFO is opened
 * non-blocking and refused, so it cannot hang the reader; /dev/zero or a huge file cannot exhaust memory.
 */
import * as fs from 'node:fs';

/** Largest model.onnx read (a one-node model with its weights as initializers). */
export const MAX_MODEL_BYTES = 64 * 2 ** 20;
/** Largest input/output TensorProto read. */
export const MAX_TENSOR_BYTES = 256 * 2 ** 20;

export class UnsafeFileError extends Error {
  override readonly name = 'UnsafeFileError';
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

function kind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of `file` when it is a regular file of at most `maxBytes` bytes; throws UnsafeFileError
 * naming the file otherwise (missing, not regular, too large, or changing size while read).
 */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new UnsafeFileError(file, `cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnsafeFileError(file, `is ${kind(st)}, not a regular file`);
    if (st.size > maxBytes) throw new UnsafeFileError(file, `is ${st.size} bytes, more than the ${maxBytes}-byte limit`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = fs.readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off !== st.size) throw new UnsafeFileError(file, `changed size while being read (${off} of ${st.size} bytes)`);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}
