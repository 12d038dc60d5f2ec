// `ldplay sorttable|sysmap|nm|mismatch` as a user runs them: spawned `node bin/ldplay.mjs`, outputs
// compared with the fixtures and GNU nm, errors checked for the tool's wording and exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigVmlinux, hasBigVmlinux, load, repoRoot, tiny } from '../helpers.ts';
import { readElf } from '../../src/elf/index.ts';
import { sorttable, type SorttableOptions } from '../../src/kernel/sorttable/sorttable.ts';
import { shuffleTables } from './shuffle-tables.ts';

const ldplay = (args: string[], cwd = repoRoot) =>
  spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), ...args], { cwd, encoding: 'latin1', maxBuffer: 1 << 28 });

describe('kernel stage commands', () => {
  beforeAll(() => {
    if (!existsSync(join(repoRoot, 'dist-cli/ldplay.mjs'))) spawnSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
  });
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-sorttable-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ldplay sorttable IN -o OUT writes the kernel tool output', () => {
    const out = join(dir, 'vmlinux');
    const r = ldplay(['sorttable', tiny('expected', 'vmlinux.unsorted'), '-o', out, '--verbose']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^__ex_table: 340 entries, 340 moved/m);
    expect(readFileSync(out).equals(readFileSync(tiny('expected', 'vmlinux.unstripped')))).toBe(true);
  });

  // The CLI reads only headers, names and tables and writes only what changed (into a copy made by
  // copy_file_range, or into IN); the whole-file stage is the reference it must equal.
  const stageOutput = (bytes: Uint8Array, options: SorttableOptions = {}) => asBuffer(sorttable(bytes, options).outputs.vmlinux);
  const expectCliEqualsStage = (input: Uint8Array, args: string[] = [], options: SorttableOptions = {}) => {
    const expected = stageOutput(input, options);
    const inPath = join(dir, 'in.vmlinux');
    const outPath = join(dir, 'out.vmlinux');
    rmSync(outPath, { force: true });
    writeFileSync(inPath, input);
    const copied = ldplay(['sorttable', inPath, '-o', outPath, ...args]);
    expect(copied.stderr).toBe('');
    expect(copied.status).toBe(0);
    expect(readFileSync(outPath).equals(expected)).toBe(true);
    expect(readFileSync(inPath).equals(input)).toBe(true);
    expect(statSync(outPath).mode & 0o111).not.toBe(0);
    const inPlace = ldplay(['sorttable', inPath, ...args]);
    expect(inPlace.status).toBe(0);
    expect(readFileSync(inPath).equals(expected)).toBe(true);
  };

  it('reads and writes by range, giving the whole-file stage output, with -o and in place', () => {
    const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
    expectCliEqualsStage(unsorted);
    expectCliEqualsStage(unsorted, ['--kernel=6.14'], { kernel: '6.14' });
  });

  it('writes through an OUT that is not a regular file (a symlink, /dev/null), never replacing it', () => {
    const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
    const target = join(dir, 'link-target');
    const link = join(dir, 'link');
    writeFileSync(target, 'old');
    rmSync(link, { force: true });
    symlinkSync(target, link);
    expect(ldplay(['sorttable', tiny('expected', 'vmlinux.unsorted'), '-o', link]).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target).equals(stageOutput(unsorted))).toBe(true);
    expect(ldplay(['sorttable', tiny('expected', 'vmlinux.unsorted'), '-o', '/dev/null']).status).toBe(0);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('sorts shuffled __ex_table and ORC tables by range as the stage does', () => {
    const shuffled = shuffleTables(load(tiny('expected', 'vmlinux.unstripped')), 7);
    expect(stageOutput(shuffled).equals(shuffled)).toBe(false);
    expectCliEqualsStage(shuffled);
  });

  it.runIf(hasBigVmlinux)("sorts Debian's vmlinux by range: shuffled tables and a reversed 6.14 mcount table", () => {
    const big = load(bigVmlinux);
    const scrambled = shuffleTables(big, 99);
    const elf = readElf(big);
    const init = elf.sectionByName('.init.data')!;
    const symbols = elf.symbolTable(elf.sectionByName('.symtab')!.index);
    const value = (name: string) => { for (let i = 0; i < symbols.count; i++) if (symbols.name(i) === name) return symbols.value(i); throw new Error(name); };
    const start = Number(value('__start_mcount_loc') - init.addr + init.offset);
    const stop = Number(value('__stop_mcount_loc') - init.addr + init.offset);
    scrambled.set(new Uint8Array(new BigUint64Array(scrambled.slice(start, stop).buffer).reverse().buffer), start);
    // 6.14 rules: mcount bounds from .symtab (the CLI's second read phase); ORC ties by type (6.4+).
    const expected = stageOutput(scrambled, { kernel: '6.14', mcount: true });
    const inPath = join(dir, 'big.vmlinux');
    try {
      writeFileSync(inPath, scrambled);
      const r = ldplay(['sorttable', inPath, '--kernel=6.14', '--mcount', '--verbose']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^__mcount_loc: \d+ entries, \d{5,} moved/m);
      expect(readFileSync(inPath).equals(expected)).toBe(true);
    } finally {
      rmSync(inPath, { force: true });
    }
  }, 120_000);

  it('ldplay sorttable fails like the tool on a relocatable object', () => {
    const r = ldplay(['sorttable', tiny('inputs', 'vmlinux.o'), '-o', join(dir, 'x')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`unrecognized ET_EXEC/ET_DYN file ${tiny('inputs', 'vmlinux.o')}\n`);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    // Malformed tables: the ranged CLI reports what the whole-file stage reports, and writes nothing.
    const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
    const elf = readElf(unsorted);
    for (const [name, cut] of [['truncated', unsorted.subarray(0, 0x1000000)], ['no-symtab', renamed(unsorted, '.symtab', '.symtaX')]] as const) {
      const path = join(dir, name);
      writeFileSync(path, cut);
      let message = '';
      try {
        stageOutput(cut, { fileName: path });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).not.toBe('');
      const r = ldplay(['sorttable', path, '-o', join(dir, 'y')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`${message}\n`);
      expect(existsSync(join(dir, 'y'))).toBe(false);
    }
    expect(elf.sectionByName('.symtab')).toBeDefined();
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

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** `bytes` with a section name changed in .shstrtab (same length). */
function renamed(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const elf = readElf(bytes);
  const names = elf.sections[elf.header.shstrndx];
  const out = bytes.slice();
  const at = Buffer.from(out.buffer, Number(names.offset), Number(names.size)).indexOf(`${from}\0`, 0, 'latin1');
  out.set(Buffer.from(to, 'latin1'), Number(names.offset) + at);
  return out;
}
