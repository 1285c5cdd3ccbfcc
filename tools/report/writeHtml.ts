import { renderHtmlReport, type HtmlInput } from './html';
import { shellQuote } from '../terminal/shellQuote';
import { writeReportFile } from './writeReport';

/** The command line as typed (shell-quoted), for the page header. */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
  return ['convspec', ...argv.map((a) => shellQuote(a))].join(' ');
}

/** Renders the HTML report (tools/report/html.ts) and writes it with the CLI's report writer (checked, atomic). */
export async function writeHtmlReport(file: string, input: Omit<HtmlInput, 'command'>): Promise<void> {
  await writeReportFile(file, await renderHtmlReport({ ...input, command: commandLine() }), '--html');
}
