// `ldplay strip` end to end through bin/ldplay.mjs: objcopy's option spelling, byte-identical output
// to the fixture's objcopy result, and clear messages with exit codes for bad input.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tiny } from '../helpers.ts';

const ldplay = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), ...args], { encoding: 'utf8' });

describe('ldplay strip', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(repoRoot, 'dist-cli/ldplay.mjs'))) spawnSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
    dir = mkdtempSync(join(tmpdir(), 'ldplay-strip-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['--remove-section=.rel*']],
    [['-R', '.rel*', '--remove-section', '!.rel*.dyn']],
    [['--rules=6.2']],
    [[]],
  ])('%j writes objcopy\'s vmlinux', (options) => {
    const out = join(dir, 'vmlinux');
    const r = ldplay('strip', tiny('expected', 'vmlinux.unstripped'), '-o', out, ...options);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(tiny('expected', 'vmlinux')))).toBe(0);
  });

  it('replaces an existing output (keeping its mode) and writes through non-regular outputs', () => {
    const out = join(dir, 'existing');
    writeFileSync(out, Buffer.alloc(40 << 20, 0xaa));
    chmodSync(out, 0o640);
    expect(ldplay('strip', tiny('expected', 'vmlinux.unstripped'), '-o', out).status).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(tiny('expected', 'vmlinux')))).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const fresh = join(dir, 'fresh');
    expect(ldplay('strip', tiny('expected', 'vmlinux.unstripped'), '-o', fresh).status).toBe(0);
    expect(statSync(fresh).mode & 0o111).not.toBe(0);
    expect(ldplay('strip', tiny('expected', 'vmlinux.unstripped'), '-o', '/dev/null').status).toBe(0);
  });

  it('--verbose lists what was removed', () => {
    const r = ldplay('strip', tiny('expected', 'vmlinux.unstripped'), '-o', join(dir, 'v'), '--verbose');
    expect(r.stdout).toContain("removed relocations .rela.text");
    expect(r.stdout).toMatch(/55 → 34 sections/);
  });

  it('names the file and offset of a malformed input, exit 1', () => {
    const bad = join(dir, 'truncated');
    writeFileSync(bad, readFileSync(tiny('expected', 'vmlinux.unstripped')).subarray(0, 200));
    const r = ldplay('strip', bad, '-o', join(dir, 'x'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ldplay strip: .*truncated: .* at offset 0x/);
  });

  it('rejects usage errors with exit 2', () => {
    expect(ldplay('strip', tiny('expected', 'vmlinux.unstripped')).status).toBe(2);
    expect(ldplay('strip', 'a', '-o', 'b', '--rules=5.0').stderr).toMatch(/unknown rule set/);
    expect(ldplay('strip', join(dir, 'missing'), '-o', join(dir, 'y')).stderr).toMatch(/cannot read/);
  });
});
