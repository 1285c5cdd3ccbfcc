/**
 * `convspec init` (tools/cli/commands/init.ts): which files each kind writes, and that it never
 * replaces anything — a file, a dangling link, or a folder given as a file. Whether the written
 * adapters are CONFORMANT is checked from the installed tarball (api/test/installed.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSkeleton } from '../commands/init';
import { UsageError } from '../../terminal/usage';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-init-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('convspec init', () => {
  it('writes each kind\'s adapter, its helpers and the CI job naming the adapter', () => {
    const d = tmp();
    const py = writeSkeleton('python', path.join(d, 'py'));
    expect(py.files.map((f) => path.basename(f))).toEqual(['conv_adapter.py', 'convspec_protocol.py', 'convspec_geometry.py', 'convspec-ci.yml']);
    expect(fs.readFileSync(path.join(d, 'py', 'convspec-ci.yml'), 'utf8')).toContain('npx convspec gate --cmd ');
    expect(fs.readFileSync(path.join(d, 'py', 'convspec-ci.yml'), 'utf8')).not.toContain('__TARGET__');
    const js = writeSkeleton('js', path.join(d, 'js'));
    expect(js.files.map((f) => path.basename(f))).toEqual(['conv-adapter.mjs', 'conformance.test.mjs', 'convspec-ci.yml']);
    expect(js.verify).toMatch(/^npx convspec verify \S*conv-adapter\.mjs$/);
  });

  it('writes nothing when any file it would write exists, even as a dangling link, and says which', () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'conformance.test.mjs'), 'mine');
    fs.symlinkSync(path.join(d, 'nowhere'), path.join(d, 'convspec-ci.yml'));
    expect(() => writeSkeleton('js', d)).toThrow(UsageError);
    expect(() => writeSkeleton('js', d)).toThrow(/conformance\.test\.mjs, .*convspec-ci\.yml already exist; convspec init never replaces a file/);
    expect(fs.existsSync(path.join(d, 'conv-adapter.mjs'))).toBe(false);
    expect(fs.readFileSync(path.join(d, 'conformance.test.mjs'), 'utf8')).toBe('mine');
  });

  it('refuses an unknown kind and a DIR that is a file', () => {
    const d = tmp();
    expect(() => writeSkeleton('rust', d)).toThrow(/unknown kind "rust"; choose one of js, ts, python, cmd/);
    fs.writeFileSync(path.join(d, 'f'), '');
    expect(() => writeSkeleton('ts', path.join(d, 'f'))).toThrow(/exists and is not a folder/);
  });
});
