import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('verify is not implemented yet');
    });
}
