/**
 * Report files for the CLI commands: checked before the run (so a bad path costs nothing), written
 * after it without replacing what is not a regular file (tools/io/files.ts).
 */
import { checkDistinct, checkWritable, FileAccessError, writeReportFile as write } from '../io/files';
import { checkNotInputs, type RunInput } from '../io/runInputs';
import { UsageError } from '../terminal/usage';

/**
 * Checks every report option before the run: distinct files, none of them an input of the run (or
 * inside an input folder), each writable. Throws UsageError (exit 2) naming the option.
 */
export function checkReportFiles(files: { flag: string; file: string | undefined }[], inputs: RunInput[] = []): void {
  try {
    checkDistinct(files);
    checkNotInputs(files, inputs);
    for (const { flag, file } of files) if (file) checkWritable(file, flag);
  } catch (e) {
    if (e instanceof FileAccessError) throw new UsageError(e.message);
    throw e;
  }
}

/** Writes one report; a failure is a UsageError (exit 2) naming the file. */
export async function writeReportFile(file: string, text: string, flag?: string): Promise<void> {
  try {
    await write(file, text, flag);
  } catch (e) {
    if (e instanceof FileAccessError) throw new UsageError(e.message);
    throw e;
  }
}
