import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a report file (--json, --junit) atomically: creates the folder, writes a temporary file,
 * renames it over the target, so a CI system never reads a half-written report.
 */
export function writeReportFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
