import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('explain is not implemented yet');
    });
}
