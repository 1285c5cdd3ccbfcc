import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerJudge(program: Command): void {
  program
    .command('judge')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('judge is not implemented yet');
    });
}
