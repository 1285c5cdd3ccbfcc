/**
 * The built CLI loads only the module of the subcommand it runs (tools/cli/main.ts), and still lists
 * every subcommand where the user can ask for them: `--help`, `help`, and commander's answer to an
 * unknown command. Each run is a fresh `node` on dist/ (the module cache is the thing observed).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../../..');
const main = path.join(repo, 'dist/tools/cli/main.js');
const COMMANDS = ['verify', 'judge', 'fixtures', 'shape', 'explain', 'coverage', 'gate', 'targets', 'init', 'replay'];

/** Runs the CLI with `args` in a fresh process; returns its exit code, output, and the command modules it loaded. */
function cli(args: string[]): { code: number; out: string; loaded: string[] } {
  const script = `
    require(${JSON.stringify(main)}).run(['node', 'convspec', ...${JSON.stringify(args)}]).then((code) => {
      const loaded = Object.keys(require.cache).filter((f) => f.includes('/cli/commands/')).map((f) => require('node:path').basename(f, '.js'));
      process.stderr.write('\\nLOADED ' + JSON.stringify(loaded.sort()) + '\\n');
      process.exitCode = code;
    });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repo, encoding: 'utf8' });
  const loaded = /LOADED (.*)\n/.exec(r.stderr);
  if (!loaded) throw new Error(`no module list: ${r.stderr}`);
  return { code: r.status ?? -1, out: r.stdout + r.stderr, loaded: JSON.parse(loaded[1]) as string[] };
}

describe('the CLI loads commands on demand', () => {
  it('`shape` loads the shape command alone and still works', () => {
    const r = cli(['shape', 'conv', '--input', '1,1,5,5', '--weight', '1,1,3,3', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.slice(0, r.out.indexOf('\nLOADED'))).geometry.outputDims).toEqual([1, 1, 3, 3]);
    expect(r.loaded).toEqual(['shape']);
  });

  it('`verify --help` loads verify (and nothing else) and prints its own options', () => {
    const r = cli(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: convspec verify');
    expect(r.out).toContain('--clause');
    expect(r.loaded).toEqual(['verify']);
  });

  it.each([[['--help']], [['help']], [[]]])('%j lists every command', (args) => {
    const r = cli(args);
    for (const name of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('an unknown command is refused with the closest real one suggested (every command is registered)', () => {
    const r = cli(['replya']);
    expect(r.code).toBe(2);
    expect(r.out).toContain("unknown command 'replya'");
    expect(r.out).toContain('replay');
    expect(r.loaded).toEqual([...COMMANDS].sort());
  });
});
