import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerShape(program: Command): void {
  program
    .command('shape')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('shape is not implemented yet');
    });
}
