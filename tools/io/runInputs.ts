/**
 * Report paths that name an input of the run are refused before the run: `--html model.onnx` next to
 * `--layers-from model.onnx`, or `--json` naming the module under test, would otherwise replace the
 * input with the report and exit 0. Files are compared by identity (device and inode, links followed),
 * so `./x` and `x`, a symbolic link to the input and a hard link to it are all the same file; a folder
 * input (the judge folder, the fixtures folder) takes everything inside it too, whether the report is
 * there already or would be created there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileAccessError } from './files';

/** One input of a run: a file, or a folder whose whole content is input. `what` names it in messages. */
export interface RunInput {
  what: string;
  file: string;
}

interface Identity {
  dev: number;
  ino: number;
}

const statOf = (p: string): fs.Stats | undefined => {
  try {
    return fs.statSync(p); // follows links
  } catch {
    return undefined;
  }
};
const same = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;

/** Where a report would be written: the file a link names (a dangling link: where it points). */
function destination(file: string): string {
  const abs = path.resolve(file);
  try {
    if (fs.lstatSync(abs).isSymbolicLink() && !statOf(abs)) return path.resolve(path.dirname(abs), fs.readlinkSync(abs));
  } catch {
    // not there, or not a link
  }
  return abs;
}

/**
 * Words of a `--cmd` command that name files: every word that is an existing regular file relative to
 * the working folder (`node prog.js`, `./prog`), and the program itself when it is found on PATH.
 */
export function commandFiles(command: string): string[] {
  const words = command.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const files: string[] = [];
  words.forEach((raw, i) => {
    const w = raw.replace(/^(['"])(.*)\1$/, '$2');
    if (statOf(w)?.isFile()) files.push(w);
    else if (i === 0 && !w.includes('/')) {
      for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
        const p = path.join(dir, w);
        if (statOf(p)?.isFile()) {
          files.push(p);
          break;
        }
      }
    }
  });
  return files;
}

/**
 * Throws FileAccessError when a report path (`flag`, `file`) is an input file of the run, or lies inside
 * an input folder. Inputs that do not exist are left out (nothing there to lose).
 */
export function checkNotInputs(reports: { flag: string; file: string | undefined }[], inputs: RunInput[]): void {
  const known = inputs.flatMap(({ what, file }) => {
    const st = statOf(file);
    return st && (st.isFile() || st.isDirectory()) ? [{ what, file, folder: st.isDirectory(), id: { dev: st.dev, ino: st.ino } }] : [];
  });
  for (const { flag, file } of reports) {
    if (!file) continue;
    const dest = destination(file);
    const st = statOf(dest);
    if (st) {
      const hit = known.find((k) => !k.folder && same(k.id, st));
      if (hit) throw new FileAccessError(`${flag} ${file} is ${hit.what} (${hit.file}), an input of this run: the report would replace it; give another file`);
    }
    // Every folder above the destination, the existing ones compared by identity.
    for (let d = path.dirname(dest), i = 0; i < 256; i++) {
      const ds = statOf(d);
      const hit = ds && known.find((k) => k.folder && same(k.id, ds));
      if (hit) throw new FileAccessError(`${flag} ${file} lies inside ${hit.what} (${hit.file}), an input of this run: give a file outside it`);
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
  }
}
