/**
 * `convspec targets [--json]`: the bundled targets `verify --target NAME` accepts, where each runs,
 * the runtime's version, and whether it can run here or why not — for browser targets that need
 * WebGPU, WebGL2 or WebNN, after starting the browser once to ask (`--no-probe` skips that). Exit 0.
 */
import { terminalSafe } from '../../terminal/terminalText';
import type { Command } from 'commander';
import { findBrowser } from '../../browser/findBrowser';
import { probeBrowser, type BrowserFeatures } from '../../browser/probe';
import { BUNDLED_TARGETS, targetStatus, type TargetStatus } from '../../targets/registry';

export function targetsTable(rows: TargetStatus[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  return rows
    .map((r) => `${r.name.padEnd(width)}  ${r.where.padEnd(8)}  ${r.available ? 'available' : 'NOT AVAILABLE'}  ${r.version}\n${' '.repeat(width + 2)}${r.description}${r.why ? `\n${' '.repeat(width + 2)}why not: ${r.why}` : ''}`)
    .join('\n') + '\n';
}

export function registerTargets(program: Command): void {
  program
    .command('targets')
    .description('list the bundled targets of `verify --target NAME`: where each runs, its version, available here or why not')
    .option('--json', 'print JSON: [{name, where, description, version, available, why?}]')
    .option('--no-probe', 'do not start the browser to check for WebGPU, WebGL2 and WebNN (they are then checked by verify)')
    .action(async (flags: { json?: boolean; probe?: boolean }) => {
      let features: BrowserFeatures | undefined;
      if (flags.probe !== false && !('missing' in findBrowser())) {
        try {
          features = await probeBrowser();
        } catch (e) {
          process.stderr.write(`convspec targets: the browser could not be probed: ${terminalSafe((e as Error).message.split('\n')[0])}\n`);
        }
      }
      const rows = BUNDLED_TARGETS.map((t) => targetStatus(t, features));
      process.stdout.write(flags.json ? JSON.stringify(rows, null, 2) + '\n' : targetsTable(rows));
    });
}
