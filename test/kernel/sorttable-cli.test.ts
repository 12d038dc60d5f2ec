// `ldplay sorttable|sysmap|nm|mismatch` as a user runs them: spawned `node bin/ldplay.mjs`, outputs
// compared with the fixtures and GNU nm, errors checked for the tool's wording and exit codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, tiny } from '../helpers.ts';

const ldplay = (args: string[], cwd = repoRoot) =>
  spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), ...args], { cwd, encoding: 'latin1', maxBuffer: 1 << 28 });

describe('kernel stage commands', () => {
  beforeAll(() => {
    if (!existsSync(join(repoRoot, 'dist-cli/ldplay.mjs'))) spawnSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
  });
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-sorttable-cli-'));

  it('ldplay sorttable IN -o OUT writes the kernel tool output', () => {
    const out = join(dir, 'vmlinux');
    const r = ldplay(['sorttable', tiny('expected', 'vmlinux.unsorted'), '-o', out, '--verbose']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^__ex_table: 340 entries, 340 moved/m);
    expect(readFileSync(out).equals(readFileSync(tiny('expected', 'vmlinux.unstripped')))).toBe(true);
  });

  it('ldplay sorttable fails like the tool on a relocatable object', () => {
    const r = ldplay(['sorttable', tiny('inputs', 'vmlinux.o'), '-o', join(dir, 'x')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`unrecognized ET_EXEC/ET_DYN file ${tiny('inputs', 'vmlinux.o')}\n`);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(ldplay(['sorttable']).status).toBe(2);
    expect(ldplay(['sorttable', join(dir, 'missing')]).status).toBe(1);
  });

  it('ldplay sysmap prints System.map, or writes it with -o', () => {
    const r = ldplay(['sysmap', tiny('expected', 'vmlinux.unstripped')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(tiny('expected', 'System.map'), 'latin1'));
    const out = join(dir, 'System.map');
    expect(ldplay(['sysmap', tiny('expected', 'vmlinux.unstripped'), '-o', out]).status).toBe(0);
    expect(readFileSync(out).equals(readFileSync(tiny('expected', 'System.map')))).toBe(true);
    const bad = ldplay(['sysmap', tiny('expected', 'System.map')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not an ELF file/);
  });

  it('ldplay nm matches GNU nm in its three orders', () => {
    const file = tiny('inputs', 'vmlinux.o');
    for (const flags of [['-n'], [], ['-p']]) {
      const ours = ldplay(['nm', ...flags, file]);
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(execFileSync('nm', [...flags, file], { encoding: 'latin1', maxBuffer: 1 << 28, env: { ...process.env, LC_ALL: 'C' } }));
    }
  });

  it('ldplay mismatch reports modpost warnings on stderr', () => {
    const clean = ldplay(['mismatch', 'vmlinux.o'], tiny('inputs'));
    expect(clean.status).toBe(0);
    expect(clean.stderr).toBe('');
    const obj = join(dir, 'minimal.o');
    execFileSync('gcc', ['-O2', '-fno-pic', '-fno-pie', '-mcmodel=kernel', '-c', '-o', obj, join(repoRoot, 'test/golden/mismatch/minimal.c')]);
    const r = ldplay(['mismatch', 'minimal.o'], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(readFileSync(join(repoRoot, 'test/golden/mismatch/minimal.modpost.txt'), 'latin1'));
  });
});
