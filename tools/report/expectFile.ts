/**
 * The known-failures file of `--expect FILE` and `--write-expect FILE` (issue 23, item 6): JSON, checked
 * with ajv against EXPECT_SCHEMA on read. Each entry names what it covers by exactly one of
 *   - `fault`: a fault-model id (SPEC.md "Fault models"), matched against findings[].consistentWith;
 *   - `clause`: a clause or case-id filter (spec/framework/caseId.ts grammar: `*`, `**`), matched
 *     against failing clause ids and case ids;
 *   - `trigger`: a finding's trigger in words, matched against findings[].trigger (spaces and case aside);
 * and says why by a `reason`, a `link`, or both; `target` (optional) limits it to the target whose
 * arguments or name it equals (a gate verifying several). A file `--write-expect` wrote carries
 * `writtenBy`, the only kind of existing file it will replace: it never replaces a file it did not create.
 */
import Ajv from 'ajv';
import * as fs from 'node:fs';
import { compileFilter } from '../../spec/framework/caseId';
import { FileAccessError, readRegularFile } from '../io/files';

export const EXPECT_FORMAT = 'convspec-expect';
export const EXPECT_VERSION = 1;
/** What `writtenBy` says in a file `--write-expect` wrote. */
export const WRITTEN_BY = 'convspec --write-expect';
/** A known-failures file is a short list: more than this is not one. */
export const MAX_EXPECT_BYTES = 4 * 1024 * 1024;

export interface ExpectEntry {
  fault?: string;
  clause?: string;
  trigger?: string;
  reason?: string;
  link?: string;
  target?: string;
}

export interface ExpectFile {
  format: typeof EXPECT_FORMAT;
  version: typeof EXPECT_VERSION;
  writtenBy?: string;
  entries: ExpectEntry[];
}

const text = { type: 'string', minLength: 1, maxLength: 2000 };
export const EXPECT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'convspec known failures (--expect)',
  type: 'object',
  required: ['format', 'version', 'entries'],
  additionalProperties: false,
  properties: {
    format: { const: EXPECT_FORMAT },
    version: { const: EXPECT_VERSION },
    writtenBy: { type: 'string' },
    entries: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          fault: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
          clause: { type: 'string', pattern: '^[A-Za-z0-9._/*-]+$' },
          trigger: text,
          reason: text,
          link: text,
          target: text,
        },
        oneOf: [{ required: ['fault'] }, { required: ['clause'] }, { required: ['trigger'] }],
        anyOf: [{ required: ['reason'] }, { required: ['link'] }],
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;

/** The entry's matcher in words, e.g. `#2 clause conv.validation.**` (1-based, as a reader counts). */
export function entryLabel(e: ExpectEntry, index: number): string {
  const what = e.fault !== undefined ? `fault ${e.fault}` : e.clause !== undefined ? `clause ${e.clause}` : `trigger "${e.trigger}"`;
  return `#${index + 1} ${what}${e.target !== undefined ? ` (target ${e.target})` : ''}`;
}

/** Why an entry's failures are expected: its reason, its link, or both. */
export function entryReason(e: ExpectEntry): string {
  return e.reason !== undefined && e.link !== undefined ? `${e.reason} (${e.link})` : (e.reason ?? e.link!);
}

/** Parses and checks a known-failures file; throws an Error naming `source` and what is wrong. */
export function parseExpectFile(raw: string, source: string): ExpectFile {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message}); a known-failures file is {"format": "${EXPECT_FORMAT}", "version": ${EXPECT_VERSION}, "entries": [...]}`);
  }
  // strictRequired off: oneOf/anyOf name properties declared beside them, which is the point.
  validator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(EXPECT_SCHEMA);
  if (!validator(value)) {
    const errors = (validator.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(
      `${source}: not a valid known-failures file (format ${EXPECT_FORMAT} version ${EXPECT_VERSION}): ${errors}. ` +
        'Each entry names exactly one of fault, clause, trigger, and gives a reason or a link',
    );
  }
  const file = value as ExpectFile;
  file.entries.forEach((e, i) => {
    if (e.clause !== undefined) {
      try {
        compileFilter(e.clause);
      } catch (err) {
        throw new Error(`${source}: entry ${entryLabel(e, i)}: ${(err as Error).message}`);
      }
    }
  });
  return file;
}

/** Reads `file` (a regular file of at most MAX_EXPECT_BYTES) and parses it; throws an Error naming the file. */
export function readExpectFile(file: string): ExpectFile {
  const raw = readRegularFile(file, MAX_EXPECT_BYTES, 'the --expect file').toString('utf8');
  return parseExpectFile(raw, file);
}

/**
 * Refuses, before the run, a --write-expect file that exists and was not written by --write-expect
 * (a file convspec did not create is never replaced). Throws FileAccessError naming the file.
 */
export function checkWriteExpect(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return; // nothing there: it will be created
  }
  if (!st.isFile()) return; // a FIFO or /dev/stdout is written in place; a folder is refused by checkWritable
  let ours = false;
  try {
    const v = JSON.parse(readRegularFile(file, MAX_EXPECT_BYTES, 'the --write-expect file').toString('utf8'));
    ours = v !== null && typeof v === 'object' && v.format === EXPECT_FORMAT && v.writtenBy === WRITTEN_BY;
  } catch {
    ours = false;
  }
  if (!ours) {
    throw new FileAccessError(`--write-expect ${file}: the file exists and was not written by --write-expect; convspec never replaces a file it did not create: give a new file name`);
  }
}

/** The file's text: one entry per line, so a reviewer reads and diffs it line by line. */
export function expectFileText(entries: ExpectEntry[]): string {
  const head = `{\n  "format": "${EXPECT_FORMAT}",\n  "version": ${EXPECT_VERSION},\n  "writtenBy": "${WRITTEN_BY}",\n  "entries": [`;
  const body = entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `${head}${entries.length ? `\n${body}\n  ` : ''}]\n}\n`;
}
