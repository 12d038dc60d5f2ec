// `ldplay relocs` spawned as a user runs it: stdout bytes equal the kernel tool's outputs in the
// fixtures, -o, the usage and open errors with exit status 1, and (when present) Debian's 632 MB
// vmlinux read by range through the CLI giving the tool's vmlinux.relocs.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigVmlinux, fixturesDir, hasBigVmlinux, load, repoRoot, tiny } from '../helpers.ts';

const ldplay = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'relocs', ...args], { maxBuffer: 1 << 28 });
const vmlinux = tiny('expected', 'vmlinux.unstripped');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
  expect(r.status, r.stderr.toString()).toBe(0);
});

describe('ldplay relocs', () => {
  it.each([
    [[], 'vmlinux.relocs'],
    [['--text'], 'relocs-text.S'],
    [['--abs-syms'], 'abs-syms.txt'],
    [['--abs-relocs'], 'abs-relocs.txt'],
    [['--reloc-info'], 'reloc-info.txt'],
  ])('%j writes the tool output %s to stdout', (args, file) => {
    const r = ldplay([...args, vmlinux]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(same(r.stdout, load(tiny('expected', file)))).toBe(true);
  });

  it('-o FILE, --no-inverse and --record', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ldplay-relocs-cli-')), 'vmlinux.relocs');
    const r = ldplay(['--no-inverse', '--record', '-o', out, vmlinux]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const record = JSON.parse(r.stderr.toString());
    expect(record.lists.map((l: { name: string }) => l.name)).toEqual(['relocs64', 'relocs32']);
    const counts = record.lists.map((l: { count: number }) => l.count);
    expect(readFileSync(out).length).toBe(4 * (2 + counts[0] + counts[1]));
  });

  it('usage errors and unreadable files exit 1 with the tool\'s messages', () => {
    const usage = ldplay(['--bogus', vmlinux]);
    expect(usage.status).toBe(1);
    expect(usage.stderr.toString()).toMatch(/^relocs \[--abs-syms\|--abs-relocs\|--reloc-info\|--text\|--realmode\] vmlinux\n/);
    expect(ldplay([]).status).toBe(1);
    expect(ldplay([vmlinux, vmlinux]).status).toBe(1);
    const missing = ldplay(['/nonexistent/vmlinux']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.toString()).toBe('Cannot open /nonexistent/vmlinux: No such file or directory\n');
    // An output that cannot be written: one line naming it, no stack trace.
    const unwritable = ldplay([vmlinux, '-o', '/nonexistent/vmlinux.relocs']);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr.toString()).toBe('ldplay relocs: cannot open /nonexistent/vmlinux.relocs: No such file or directory\n');
  });

  it('a stage error prints the tool\'s message, where it happened, and exits 1', () => {
    const r = ldplay(['--format=6.15', vmlinux]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/^Invalid absolute R_X86_64_64 relocation: init_per_cpu__\w+\nldplay relocs: in .*vmlinux.unstripped at file offset 0x[0-9a-f]+\n$/);
    expect(r.stdout.length).toBe(0);
  });

  it.runIf(hasBigVmlinux)("reads Debian's 632 MB vmlinux by range and writes the tool's vmlinux.relocs", () => {
    const r = ldplay([bigVmlinux]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(same(r.stdout, load(join(fixturesDir, 'debian-6.1.0-53/vmlinux.relocs')))).toBe(true);
  });
});
