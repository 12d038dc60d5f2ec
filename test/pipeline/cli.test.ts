// `ldplay pipeline` on the fixture directory (linking inputs/) and on a directory holding only the
// link result: both modes run, write the artifacts they produced (each byte for byte the kernel
// tools' file) and print a summary; bad directories fail clearly.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot, tiny } from '../helpers.ts';

const ldplay = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), ...args], { encoding: 'utf8' });
const sameFile = (a: string, b: string) => Buffer.compare(readFileSync(a), readFileSync(b)) === 0;

describe('ldplay pipeline', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(repoRoot, 'dist-cli/ldplay.mjs'))) spawnSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
    dir = mkdtempSync(join(tmpdir(), 'ldplay-pipeline-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('declarative 6.1 on x86_64-tiny links inputs/ and writes every file byte for byte as ld, sorttable, mksysmap and relocs did', () => {
    const out = join(dir, 'decl');
    const r = ldplay('pipeline', join(fixturesDir, 'x86_64-tiny'), '-o', out, '--kernel=6.1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/link\s+up-to-date\s+vmlinux\.o, .*→ vmlinux\.unsorted/);
    expect(readdirSync(out).sort()).toEqual(['System.map', 'vmlinux', 'vmlinux.relocs', 'vmlinux.unsorted']);
    expect(sameFile(join(out, 'vmlinux.unsorted'), tiny('expected', 'vmlinux.unsorted'))).toBe(true);
    // 6.1 sorts vmlinux itself and keeps its relocations: the file 6.15 calls vmlinux.unstripped.
    expect(sameFile(join(out, 'vmlinux'), tiny('expected', 'vmlinux.unstripped'))).toBe(true);
    expect(sameFile(join(out, 'System.map'), tiny('expected', 'System.map'))).toBe(true);
    expect(sameFile(join(out, 'vmlinux.relocs'), tiny('expected', 'vmlinux.relocs'))).toBe(true);
    // and objcopy --remove-section='.rel*' of it is the fixture's stripped vmlinux
    const stripped = join(dir, 'stripped');
    expect(ldplay('strip', join(out, 'vmlinux'), '-o', stripped).status).toBe(0);
    expect(sameFile(stripped, tiny('expected', 'vmlinux'))).toBe(true);
  });

  it('postlink 6.2 from a linked vmlinux.unsorted rewrites vmlinux in place into objcopy\'s stripped file', () => {
    const linked = join(dir, 'linked');
    mkdirSync(linked);
    symlinkSync(tiny('expected', 'vmlinux.unsorted'), join(linked, 'vmlinux.unsorted'));
    const out = join(dir, 'postlink');
    const r = ldplay('pipeline', linked, '-o', out, '--mode=postlink', '--kernel=6.2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/strip\s+ran\s+objcopy .*\(vmlinux rewritten in place\)/);
    expect(r.stdout).toMatch(/vmlinux\.relocs: fresh/);
    expect(sameFile(join(out, 'vmlinux'), tiny('expected', 'vmlinux'))).toBe(true);
    expect(sameFile(join(out, 'vmlinux.relocs'), tiny('expected', 'vmlinux.relocs'))).toBe(true);
  });

  it('--jobs=2 (a worker-thread pool running independent rules at once) writes the same files as --jobs=1', () => {
    for (const kernel of ['6.1', '6.15']) {
      const one = join(dir, `jobs1-${kernel}`);
      const two = join(dir, `jobs2-${kernel}`);
      const a = ldplay('pipeline', join(fixturesDir, 'x86_64-tiny'), '-o', one, `--kernel=${kernel}`, '--jobs=1');
      const b = ldplay('pipeline', join(fixturesDir, 'x86_64-tiny'), '-o', two, `--kernel=${kernel}`, '--jobs=2');
      expect(b.stderr).toBe(a.stderr);
      expect(b.status, kernel).toBe(a.status);
      // The same rules end the same way (6.15's relocs rejects this 6.1 image in both).
      const statuses = (out: string) => out.split('\n').filter((l) => /^  \w+\s+(up-to-date|failed|blocked|superseded|pending)/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
      expect(statuses(b.stdout), kernel).toEqual(statuses(a.stdout));
      expect(readdirSync(two).sort(), kernel).toEqual(readdirSync(one).sort());
      for (const f of readdirSync(one)) expect(sameFile(join(one, f), join(two, f)), `${kernel} ${f}`).toBe(true);
    }
  });

  it('--jobs wants a positive number', () => {
    const r = ldplay('pipeline', join(fixturesDir, 'x86_64-tiny'), '--jobs=0');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--jobs wants a number of workers \(1 or more\), got '0'/);
  });

  it('a directory without a link result fails with a message naming it', () => {
    const r = ldplay('pipeline', join(fixturesDir, 'debian-6.1.0-53'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/has neither the link inputs .* nor a linked vmlinux\.unsorted/);
  });

  it('a kernel the mode does not cover is a clear error', () => {
    const r = ldplay('pipeline', join(fixturesDir, 'x86_64-tiny'), '--kernel=6.8');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/postlink/);
  });
});
