import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('gate is not implemented yet');
    });
}
