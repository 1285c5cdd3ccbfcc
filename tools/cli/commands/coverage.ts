import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerCoverage(program: Command): void {
  program
    .command('coverage')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('coverage is not implemented yet');
    });
}
