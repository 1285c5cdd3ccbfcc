/**
 * Test helper: runs the CLI in-process (tools/cli/main.ts `run`) and captures what it writes to
 * stdout and stderr, with an optional environment and TTY flag for the duration of the call.
 */
import { vi } from 'vitest';
import { run } from '../../cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { env?: Record<string, string | undefined>; tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const savedEnv: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    savedEnv[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const savedTty = process.stdout.isTTY;
  if (opts.tty !== undefined) process.stdout.isTTY = opts.tty;
  try {
    const code = await run(['node', 'convspec', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.stdout.isTTY = savedTty;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** True when the text contains an ANSI escape sequence. */
export const hasEscapes = (s: string): boolean => s.includes('\x1b[');

/**
 * A small well-formedness check for the SVG we generate (no XML parser is installed): one root,
 * every tag closed in order, attributes quoted, no raw < or stray & in text. Returns the problems.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(pos, m.index);
    if (/[<>]/.test(text)) problems.push(`unparsed markup near ${JSON.stringify(text.slice(0, 40))}`);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) problems.push(`stray & in ${JSON.stringify(text.slice(0, 40))}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
    pos = tag.lastIndex;
  }
  if (body.slice(pos).trim() !== '') problems.push(`trailing text ${JSON.stringify(body.slice(pos, pos + 40))}`);
  if (stack.length) problems.push(`unclosed ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
