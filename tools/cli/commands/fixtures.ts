import type { Command } from 'commander';
import { UsageError } from '../usage';

export function registerFixtures(program: Command): void {
  program
    .command('fixtures')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('fixtures is not implemented yet');
    });
}
