// `ldplay pipeline` on the fixture directory (linking inputs/) and on a directory holding only the
// link result: both modes run, write the artifacts they produced (compared with the kernel tools'
// files) and print a summary; bad directories fail clearly.
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

  it('declarative 6.1 on x86_64-tiny links inputs/ and writes System.map and vmlinux.relocs equal to the kernel\'s', () => {
    const out = join(dir, 'decl');
    const r = ldplay('pipeline', join(fixturesDir, 'x86_64-tiny'), '-o', out, '--kernel=6.1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/link\s+up-to-date\s+vmlinux\.o, .*→ vmlinux\.unsorted/);
    expect(readdirSync(out).sort()).toEqual(['System.map', 'vmlinux', 'vmlinux.relocs', 'vmlinux.unsorted']);
    expect(sameFile(join(out, 'System.map'), tiny('expected', 'System.map'))).toBe(true);
    expect(sameFile(join(out, 'vmlinux.relocs'), tiny('expected', 'vmlinux.relocs'))).toBe(true);
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
