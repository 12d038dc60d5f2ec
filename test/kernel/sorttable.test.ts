// sorttable against the kernel tool's real output: the tiny fixture byte for byte, Debian's sorted
// vmlinux as a no-op, the merge-sort tie order against glibc's own qsort, and the tool's errors.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigVmlinux, hasBigVmlinux, load, repoRoot, runTool, tiny } from '../helpers.ts';
import { sorttable } from '../../src/kernel/sorttable/sorttable.ts';
import { mergeSortIndices, mergeSortUnlessInOrder } from '../../src/kernel/sorttable/msort.ts';
import { orcComparator, orcSortKeys } from '../../src/kernel/sorttable/orc.ts';
import { ElfFormatError, readElf } from '../../src/elf/index.ts';
import { sysmap } from '../../src/kernel/sysmap.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { shuffleTables } from './shuffle-tables.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Section sizes as GNU readelf prints them (an independent reading of the headers). */
function readelfSizes(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of runTool('readelf', ['-S', '-W', path]).matchAll(/\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)/g)) {
    out.set(m[1], parseInt(m[3], 16));
  }
  return out;
}

function expectStageError(f: () => unknown, message: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StageError);
    expect((e as StageError).message).toBe(message);
    expect((e as StageError).exitCode).toBe(1);
    return;
  }
  throw new Error(`expected StageError '${message}'`);
}

/** A copy of `bytes` where the string `from` (NUL-terminated, possibly a shared suffix) inside
 *  section `table` is overwritten with `to` (same length). */
function renameString(bytes: Uint8Array, table: string, from: string, to: string): Uint8Array {
  const copy = bytes.slice();
  const s = readElf(bytes).sectionByName(table)!;
  const body = Buffer.from(copy.buffer, Number(s.offset), Number(s.size));
  const at = body.indexOf(Buffer.from(`${from}\0`, 'latin1'));
  expect(at).toBeGreaterThan(0);
  body.write(to, at, 'latin1');
  return copy;
}

describe('sorttable on the x86_64 tiny fixture', () => {
  const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
  const expected = load(tiny('expected', 'vmlinux.unstripped'));

  it('reproduces the kernel tool output byte for byte and leaves its input alone', () => {
    const before = sha(unsorted);
    const r = sorttable(unsorted);
    expect(sha(unsorted)).toBe(before);
    const out = r.outputs.vmlinux;
    expect(out.length).toBe(expected.length);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(expected))).toBe(0);
  });

  it('records entries and moves that agree with the section sizes and the output', () => {
    const sizes = readelfSizes(tiny('expected', 'vmlinux.unsorted'));
    const r = sorttable(unsorted, { sampleLimit: 5 });
    const [ex, orc] = r.record.tables;
    expect(ex.entries).toBe(sizes.get('__ex_table')! / 12);
    expect(orc.entries).toBe(sizes.get('.orc_unwind_ip')! / 4);
    expect(orc.entries).toBe(sizes.get('.orc_unwind')! / 6);
    expect(r.record.zeroedRelocations).toEqual({ section: '.rela__ex_table', bytes: sizes.get('.rela__ex_table') });
    // Each sampled move lands the entry's address at its new index in the sorted file.
    const elf = readElf(expected);
    const ip = elf.sectionByName('.orc_unwind_ip')!;
    for (const m of orc.sample) {
      const at = Number(ip.offset) + 4 * m.to;
      expect(BigInt(m.address)).toBe(ip.addr + BigInt(4 * m.to + elf.data.i32(at)));
    }
    expect(orc.sample.length).toBe(5);
    expect(r.record.sortNeeded.oldValue).toBe(1);
    expect(elf.data.u32(r.record.sortNeeded.fileOffset)).toBe(0);
  });

  it('6.14 keeps .rela__ex_table and sorts __ex_table the same', () => {
    const a = sorttable(unsorted).outputs.vmlinux;
    const b = sorttable(unsorted, { kernel: '6.14' }).outputs.vmlinux;
    const elf = readElf(unsorted);
    const range = (name: string) => {
      const s = elf.sectionByName(name)!;
      return [Number(s.offset), Number(s.offset + s.size)];
    };
    const [lo, hi] = range('.rela__ex_table');
    expect(Buffer.compare(Buffer.from(b.subarray(lo, hi)), Buffer.from(unsorted.subarray(lo, hi)))).toBe(0);
    expect(a.subarray(lo, hi).every((x) => x === 0)).toBe(true);
    const [elo, ehi] = range('__ex_table');
    expect(Buffer.compare(Buffer.from(b.subarray(elo, ehi)), Buffer.from(expected.subarray(elo, ehi)))).toBe(0);
  });

  it('fails with the tool messages', () => {
    expectStageError(() => sorttable(load(tiny('inputs', 'vmlinux.o'))), 'unrecognized ET_EXEC/ET_DYN file vmlinux');
    expectStageError(() => sorttable(renameString(unsorted, '.shstrtab', '__ex_table', '__ex_tablX')), 'no __ex_table in file: vmlinux');
    expectStageError(() => sorttable(renameString(unsorted, '.shstrtab', '.orc_unwind', '.orc_unwinX'), { fileName: 'v' }), 'incomplete ORC unwind tables in file: v');
    expectStageError(() => sorttable(renameString(unsorted, '.strtab', 'main_extable_sort_needed', 'main_extable_sort_neede_')), 'no main_extable_sort_needed symbol in file: vmlinux');
    const badMachine = unsorted.slice();
    badMachine[18] = 0x99;
    expectStageError(() => sorttable(badMachine), 'unrecognized e_machine 153 vmlinux');
    // .orc_unwind one byte short: sizes disagree.
    const short = unsorted.slice();
    const orc = readElf(unsorted).sectionByName('.orc_unwind')!;
    const shdr = Number(readElf(unsorted).header.shoff) + orc.index * 64;
    new DataView(short.buffer).setBigUint64(shdr + 32, orc.size - 1n, true);
    expectStageError(() => sorttable(short), 'inconsistent ORC unwind table entries in file: vmlinux');
    expectStageError(() => sorttable(unsorted, { mcount: true }), "incomplete mcount's sort in file: vmlinux");
  });
});

describe('every __ex_table layout against the kernel tool', () => {
  it('matches scripts/sorttable on 40 machine/class/byte-order combinations', () => {
    const dir = join(repoRoot, 'test', 'golden', 'sorttable');
    const machines: Record<string, number> = { x86_64: 62, aarch64: 183, ppc64: 21, mips: 8, loongarch: 258, arm: 40, i386: 3, ppc: 20, riscv: 243, parisc: 15 };
    const expected = readFileSync(join(dir, 'kernel-sorttable.sha256'), 'latin1').trim().split('\n').map((l) => l.split(/\s+/));
    expect(expected.length).toBe(40);
    const layouts = new Set<string>();
    for (const [hash, name] of expected) {
      const [base, machine] = name.split('-');
      const input = load(join(dir, base)).slice();
      const bigEndian = input[5] === 2;
      new DataView(input.buffer).setUint16(18, machines[machine], !bigEndian);
      const r = sorttable(input, { orc: false });
      expect(r.record.tables[0].moved).toBeGreaterThan(0);
      layouts.add(r.record.tables[0].comparator);
      expect(`${name} ${sha(r.outputs.vmlinux)}`).toBe(`${name} ${hash}`);
    }
    expect(layouts.size).toBe(3);
  });
});

describe('malformed input', () => {
  it('raises only StageError or ElfFormatError from sorttable and sysmap', () => {
    const base = load(tiny('expected', 'vmlinux.unsorted'));
    const shoff = Number(readElf(base).header.shoff);
    let seed = 1;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let round = 0; round < 60; round++) {
      const b = base.slice();
      // Overwrite a few bytes of the section header table, the ELF header or anywhere; sometimes truncate.
      for (let k = 0, n = 1 + random(6); k < n; k++) {
        const where = random(3);
        b[where === 0 ? shoff + random(b.length - shoff) : where === 1 ? random(64) : random(b.length)] = random(256);
      }
      const input = random(4) === 0 ? b.subarray(0, random(b.length)) : b;
      for (const stage of [() => sorttable(input), () => sysmap(input)]) {
        try {
          stage();
        } catch (e) {
          if (!(e instanceof StageError || e instanceof ElfFormatError)) throw e;
        }
      }
    }
  });
});

describe('the merge sort replays glibc qsort', () => {
  it('gives the same permutation as glibc for the ORC comparator with many equal keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-qsort-'));
    const src = join(dir, 'q.c');
    // Keys from a tiny range so most comparisons tie; weak flags decide ties as orc_sort_cmp does.
    writeFileSync(src, `#include <stdio.h>
#include <stdlib.h>
static int key[5000], weak[5000];
static int cmp(const void *pa, const void *pb) {
  int a = *(const int *)pa, b = *(const int *)pb;
  if (key[a] > key[b]) return 1;
  if (key[a] < key[b]) return -1;
  if (weak[a] && weak[b]) return 0;
  return weak[a] ? -1 : 1;
}
int main(void) {
  unsigned s = 7; int idx[5000];
  for (int i = 0; i < 5000; i++) { s = s * 1103515245u + 12345u; key[i] = (s >> 16) % 40; weak[i] = ((s >> 8) & 3) == 0; idx[i] = i; }
  qsort(idx, 5000, sizeof(int), cmp);
  for (int i = 0; i < 5000; i++) printf("%d %d %d\\n", idx[i], key[i], weak[i]);
  return 0;
}
`);
    execFileSync('gcc', ['-O1', '-o', join(dir, 'q'), src]);
    const lines = execFileSync(join(dir, 'q'), { encoding: 'latin1' }).trim().split('\n').map((l) => l.split(' ').map(Number));
    const ip = Float64Array.from(lines, (l) => l[1]);
    const weak = Uint8Array.from(lines, (l) => l[2]);
    const order = mergeSortIndices(lines.length, orcComparator(ip, weak));
    expect(Array.from(order)).toEqual(lines.map((l) => l[0]));
  });

  it('skipping ranges already in order gives the comparator sort\'s permutation', () => {
    let seed = 5;
    let skipped = 0;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < 300; round++) {
      const n = 1 + random(400);
      const range = 1 + random(round % 3 === 0 ? 4 : 1000);
      const ip = Float64Array.from({ length: n }, () => random(range) - (range >> 1) + (round % 5 === 0 ? 2 ** 33 : 0));
      const weak = Uint8Array.from({ length: n }, () => Number(random(3) === 0));
      // Rounds 1 mod 4 are already in order (the skip must give the identity): distinct IPs, or
      // (1 mod 8) groups of equal IPs whose entries are all weak but perhaps the last;
      // rounds 3 mod 4 start from the tool's own output, ties included (a non-weak entry before an
      // equal IP is re-sorted, so the in-order check must say no).
      if (round % 4 === 1) ip.forEach((_, i) => { ip[i] = round % 8 === 1 ? 3 * Math.floor(i / 3) : 3 * i - 50; });
      if (round % 8 === 1) weak.forEach((_, i) => { if (i % 3 !== 2 && i !== n - 1) weak[i] = 1; });
      // Rounds 2 mod 4 are a linker's output: ascending runs (each block in the tool's order).
      if (round % 4 === 2) {
        for (let at = 0; at < n;) {
          const end = Math.min(n, at + 1 + random(60));
          const block = Array.from({ length: end - at }, (_, k) => at + k);
          const sorted = mergeSortIndices(block.length, (a, b) => orcComparator(ip, weak)(block[a], block[b]));
          const [ip2, weak2] = [Float64Array.from(sorted, (j) => ip[block[j]]), Uint8Array.from(sorted, (j) => weak[block[j]])];
          ip.set(ip2, at);
          weak.set(weak2, at);
          at = end;
        }
      }
      if (round % 4 === 3) {
        const sorted = mergeSortIndices(n, orcComparator(ip, weak));
        const [ip2, weak2] = [Float64Array.from(sorted, (j) => ip[j]), Uint8Array.from(sorted, (j) => weak[j])];
        ip.set(ip2);
        weak.set(weak2);
      }
      const keys = orcSortKeys(ip, weak);
      const full = Array.from(mergeSortIndices(n, orcComparator(ip, weak)));
      const skipping = mergeSortUnlessInOrder(orcComparator(ip, weak), keys.left, keys.right);
      expect(Array.from(skipping)).toEqual(full);
      if (round % 4 === 1) skipped += Number(full.every((v, i) => v === i));
    }
    expect(skipped).toBe(75);
  });
});

describe.runIf(hasBigVmlinux)("sorttable on Debian's 632 MB vmlinux", () => {
  const big = hasBigVmlinux ? load(bigVmlinux) : new Uint8Array();

  it('is a no-op on the already sorted file, also with the mcount table', () => {
    const systemMap = runTool('nm', ['-n', bigVmlinux]);
    const r = sorttable(big, { mcount: true, systemMap });
    expect(sha(r.outputs.vmlinux)).toBe(sha(big));
    expect(r.record.tables.map((t) => t.moved)).toEqual([0, 0, 0]);
    expect(r.record.tables[2].entries).toBeGreaterThan(40_000);
  });

  it('restores shuffled __ex_table and ORC tables to the bytes the kernel tool wrote', () => {
    // A seeded shuffle that keeps each entry's meaning: self-relative words are rebased to the
    // entry's new position. Sorting must give back Debian's file exactly (equal-IP ties included).
    const shuffled = shuffleTables(big, 99);
    const r = sorttable(shuffled);
    expect(r.record.tables[1].moved).toBeGreaterThan(380_000);
    expect(sha(r.outputs.vmlinux)).toBe(sha(big));
  });

  it('6.15 with -s nm-file zeroes call sites outside every nm -S function, then sorts', () => {
    const nmS = runTool('nm', ['-S', bigVmlinux]);
    const r = sorttable(big, { kernel: '6.15', mcount: true, nmSymbols: nmS });
    // Independently: a sweep over functions by address, tracking the furthest end seen so far.
    const functions: [bigint, bigint][] = [];
    for (const line of nmS.split('\n')) {
      const f = line.split(' ');
      if (f.length === 4 && 'tTW'.includes(f[2])) functions.push([BigInt(`0x${f[0]}`), BigInt(`0x${f[0]}`) + BigInt(`0x${f[1]}`)]);
    }
    functions.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const elf = readElf(big);
    const sym = elf.symbolTable(elf.sectionByName('.symtab')!.index);
    const value = (name: string) => { for (let i = 0; i < sym.count; i++) if (sym.name(i) === name) return sym.value(i); throw new Error(name); };
    const init = elf.sectionByName('.init.data')!;
    const start = Number(value('__start_mcount_loc') - init.addr + init.offset);
    const n = Number(value('__stop_mcount_loc') - value('__start_mcount_loc')) / 8;
    const values = Array.from({ length: n }, (_, i) => elf.data.u64(start + 8 * i)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let k = 0;
    let furthest = 0n;
    const kept = values.map((v) => {
      for (; k < functions.length && functions[k][0] <= v; k++) if (functions[k][1] > furthest) furthest = functions[k][1];
      return v < furthest ? v : 0n;
    });
    const zeroed = kept.filter((v) => v === 0n).length;
    expect(r.record.mcountZeroed).toBe(zeroed);
    expect(zeroed).toBeGreaterThan(0);
    kept.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out = new DataView(r.outputs.vmlinux.buffer, r.outputs.vmlinux.byteOffset);
    expect(Array.from({ length: n }, (_, i) => out.getBigUint64(start + 8 * i, true))).toEqual(kept);
  });

  it('restores a reversed mcount table to the order the kernel tool wrote', () => {
    const systemMap = runTool('nm', ['-n', bigVmlinux]);
    const elf = readElf(big);
    const sym = elf.symbolTable(elf.sectionByName('.symtab')!.index);
    const value = (name: string) => { for (let i = 0; i < sym.count; i++) if (sym.name(i) === name) return sym.value(i); throw new Error(name); };
    const init = elf.sectionByName('.init.data')!;
    const start = Number(value('__start_mcount_loc') - init.addr + init.offset);
    const stop = Number(value('__stop_mcount_loc') - init.addr + init.offset);
    const scrambled = big.slice();
    const words = new BigUint64Array(scrambled.buffer.slice(start, stop));
    words.reverse();
    scrambled.set(new Uint8Array(words.buffer), start);
    const r = sorttable(scrambled, { mcount: true, systemMap });
    expect(r.record.tables[2].moved).toBeGreaterThan(40_000);
    expect(sha(r.outputs.vmlinux)).toBe(sha(big));
  });
});
