/**
 * Reading and writing files a user names, without ever hanging on them, reading more than the caller
 * can use, or destroying what is there.
 *
 * Reading: only regular files, opened without blocking (a FIFO would otherwise wait forever for a
 * writer), with a size limit checked before a byte is read.
 *
 * Writing a report: a new or regular file is replaced atomically (temporary file in the same folder,
 * then rename), a symbolic link is followed so the link itself stays, and a FIFO, a character device
 * or a socket (`/dev/stdout`, `>(jq .)`, `/dev/null`) is written in place — never replaced by a
 * regular file. A folder, or a place where nothing can be created, is refused by `checkWritable`
 * before any work starts. The temporary file is removed when anything fails.
 *
 * A FIFO is opened once, without blocking, and written from the event loop: no open and no write
 * can then wait for ever on the main thread, where a signal could not end the run (issue 21, item 9).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file cannot be read or written as asked; the message names the file and why. */
export class FileAccessError extends Error {
  override readonly name = 'FileAccessError';
}

export const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message ?? String(e);

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Human size, for messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * Reads a regular file of at most `maxBytes` bytes. `what` names the file's role in messages
 * ("the module", "output_0.pb"). Throws FileAccessError for a missing file, anything that is not a
 * regular file (FIFO, device, folder), or a file larger than the limit.
 */
export function readRegularFile(file: string, maxBytes: number, what = 'the file'): Buffer {
  return readChecked(file, what, (size) => {
    if (size > maxBytes) throw new FileAccessError(`${file}: ${what} is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} it can be`);
    return { offset: 0, length: size };
  });
}

/**
 * Reads `length` bytes at `offset` of a regular file (an ONNX external-data file holds many tensors),
 * with the same checks as readRegularFile; the range must lie inside the file. Throws FileAccessError.
 */
export function readRegularFileRange(file: string, offset: number, length: number, what = 'the file'): Buffer {
  return readChecked(file, what, (size) => {
    if (offset + length > size) throw new FileAccessError(`${file}: ${what} is ${formatBytes(size)}; bytes ${offset} … ${offset + length} lie beyond its end`);
    return { offset, length };
  });
}

/** Opens without blocking, checks it is a regular file, asks `range` (given the size) what to read, reads exactly that. */
function readChecked(file: string, what: string, range: (size: number) => { offset: number; length: number }): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new FileAccessError(`${file}: cannot read ${what} (${code(e)})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new FileAccessError(`${file}: ${what} is ${kindOf(st)}, not a regular file`);
    const { offset, length } = range(st.size);
    const buf = Buffer.alloc(length);
    let off = 0;
    while (off < length) {
      const n = fs.readSync(fd, buf, off, length - off, offset + off);
      if (n === 0) break;
      off += n;
    }
    if (off !== length) throw new FileAccessError(`${file}: ${what} changed while it was read (${off} of ${length} bytes)`);
    return buf;
  } catch (e) {
    if (e instanceof FileAccessError) throw e;
    throw new FileAccessError(`${file}: cannot read ${what} (${code(e)})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks that `file` exists and is a regular file (or a symbolic link to one), without opening it. */
export function requireRegularFile(file: string, what = 'the file'): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new FileAccessError(`${file}: ${code(e) === 'ENOENT' ? `no such file` : `cannot read ${what} (${code(e)})`}`);
  }
  if (!st.isFile()) throw new FileAccessError(`${file}: ${what} is ${kindOf(st)}, not a regular file`);
}

type Plan = { mode: 'replace'; final: string } | { mode: 'in-place'; final: string };

/** Where the text will go: the file a symbolic link names, and whether it is replaced or written in place. */
function plan(file: string, flag: string): Plan {
  const abs = path.resolve(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs); // follows links
  } catch (e) {
    if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') throw new FileAccessError(`${flag} ${file}: cannot be written (${code(e)})`);
  }
  if (st) {
    const final = fs.realpathSync(abs);
    if (st.isDirectory()) throw new FileAccessError(`${flag} ${file} is a folder: give a file name`);
    if (st.isFile()) return { mode: 'replace', final };
    if (st.isFIFO() || st.isCharacterDevice() || st.isSocket()) return { mode: 'in-place', final };
    throw new FileAccessError(`${flag} ${file} is ${kindOf(st)}: give a regular file`);
  }
  // A dangling link: write where it points, keeping the link.
  let final = abs;
  try {
    if (fs.lstatSync(abs).isSymbolicLink()) final = path.resolve(path.dirname(abs), fs.readlinkSync(abs));
  } catch {
    // not a link
  }
  return { mode: 'replace', final };
}

/** The nearest existing ancestor folder of `p`, and the folders missing below it (outermost first). */
function existingAncestor(dir: string, flag: string, file: string): { base: string; missing: string[] } {
  const missing: string[] = [];
  let d = dir;
  for (let i = 0; i < 256; i++) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(d);
    } catch (e) {
      if (code(e) !== 'ENOENT') throw new FileAccessError(`${flag} ${file}: cannot use folder ${d} (${code(e)})`);
    }
    if (st) {
      if (!st.isDirectory()) throw new FileAccessError(`${flag} ${file}: ${d} is not a folder`);
      return { base: d, missing: missing.reverse() };
    }
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  throw new FileAccessError(`${flag} ${file}: no existing folder above it`);
}

/**
 * Checks, before a long run, that a report can be written to `file` (`flag` names the option in
 * messages). Throws FileAccessError for a folder, a block device, or a place where no file can be created.
 */
export function checkWritable(file: string, flag: string): void {
  const p = plan(file, flag);
  if (p.mode === 'in-place') return;
  const { base } = existingAncestor(path.dirname(p.final), flag, file);
  try {
    fs.accessSync(base, fs.constants.W_OK);
  } catch (e) {
    throw new FileAccessError(`${flag} ${file}: cannot create files in ${base} (${code(e)})`);
  }
  // /proc, /sys and read-only mounts pass access() but refuse files: try one, and remove it.
  const probe = path.join(base, `.${path.basename(p.final)}.probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '', { flag: 'wx' });
  } catch (e) {
    throw new FileAccessError(`${flag} ${file}: cannot create files in ${base} (${code(e)})`);
  }
  fs.rmSync(probe, { force: true });
}

/** Refuses two report options naming the same file (one would silently overwrite the other). */
export function checkDistinct(files: { flag: string; file: string | undefined }[]): void {
  const seen = new Map<string, string>();
  for (const { flag, file } of files) {
    if (!file) continue;
    let key = path.resolve(file);
    try {
      key = fs.realpathSync(key);
    } catch {
      // not there yet: its resolved path is its identity
    }
    const other = seen.get(key);
    if (other) throw new FileAccessError(`${other} and ${flag} name the same file ${file}: give each report its own file`);
    seen.set(key, flag);
  }
}

/** Creates the missing folders above `final` one level at a time (Node's recursive mkdir loops forever under /proc). */
function makeFolders(final: string, flag: string, file: string): void {
  const { missing } = existingAncestor(path.dirname(final), flag, file);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (code(e) !== 'EEXIST') throw new FileAccessError(`${flag} ${file}: cannot create folder ${d} (${code(e)})`);
    }
  }
}

/** Creates `dir` and any missing folders above it, one level at a time. Throws FileAccessError. */
export function ensureFolder(dir: string): void {
  const abs = path.resolve(dir);
  const { missing } = existingAncestor(abs, 'folder', abs);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (code(e) !== 'EEXIST') throw new FileAccessError(`cannot create folder ${d} (${code(e)})`);
    }
  }
}

/** Writes a report (see the module comment). Rejects with FileAccessError naming the file when it cannot. */
export async function writeReportFile(file: string, text: string, flag = 'the report'): Promise<void> {
  const p = plan(file, flag);
  if (p.mode === 'in-place') {
    await writeInPlace(p.final, text, flag, file);
    return;
  }
  makeFolders(p.final, flag, file);
  const tmp = path.join(path.dirname(p.final), `.${path.basename(p.final)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx' });
    fs.renameSync(tmp, p.final);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new FileAccessError(`${flag} ${file}: cannot be written (${code(e)})`);
  }
}

async function writeInPlace(final: string, text: string, flag: string, file: string): Promise<void> {
  let fd: number;
  let fifo = false;
  try {
    fifo = fs.statSync(final).isFIFO();
    // A FIFO is opened once and without blocking: with no reader the open fails at once (ENXIO). (A
    // probe that opened and closed it first let a reader that reads to EOF, like `cat`, see that close
    // and leave; the second, blocking open then waited for ever.)
    fd = fs.openSync(final, fifo ? fs.constants.O_WRONLY | fs.constants.O_NONBLOCK : fs.constants.O_WRONLY | fs.constants.O_APPEND);
  } catch (e) {
    const why = fifo && code(e) === 'ENXIO' ? 'a FIFO with no reader' : code(e);
    throw new FileAccessError(`${flag} ${file}: cannot be written (${why})`);
  }
  try {
    await writeAll(fd, Buffer.from(text, 'utf8'));
  } catch (e) {
    const why = code(e) === 'EPIPE' ? 'its reader left before the report was written' : code(e);
    throw new FileAccessError(`${flag} ${file}: cannot be written (${why})`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes all of `bytes`, however many writes it takes: a write may take only part (a pipe whose reader
 * left mid-way took part and the rest was silently lost; the next write says EPIPE, Node ignoring
 * SIGPIPE). On a non-blocking fd, while the reader is behind (EAGAIN: the pipe is full), it waits on
 * the event loop, a few ms at a time, so a signal still ends the run.
 */
export async function writeAll(fd: number, bytes: Buffer): Promise<void> {
  let written = 0;
  let waitMs = 1;
  while (written < bytes.length) {
    try {
      written += fs.writeSync(fd, bytes, written, bytes.length - written);
      waitMs = 1;
    } catch (e) {
      if (code(e) !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, waitMs));
      waitMs = Math.min(2 * waitMs, 50);
    }
  }
}

