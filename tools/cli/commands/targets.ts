/**
 * `convspec targets [--json]`: the bundled targets `verify --target NAME` accepts, where each runs,
 * the runtime's version, and whether it can run here or why not. Exit 0.
 */
import type { Command } from 'commander';
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
    .action((flags: { json?: boolean }) => {
      const rows = BUNDLED_TARGETS.map(targetStatus);
      process.stdout.write(flags.json ? JSON.stringify(rows, null, 2) + '\n' : targetsTable(rows));
    });
}
