// Every relocation type number of x86_64, i386, aarch64 and riscv (32 and 64) printed as GNU
// readelf 2.40 prints it: a synthetic object per machine carries one relocation of each type
// 0..N and both listings must match byte for byte (names, "unrecognized: N" fallbacks, widths).
// Patch sizes are checked against the psABI facts the linker relies on.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EM_386, EM_AARCH64, EM_RISCV, EM_X86_64, readElf } from '../../src/elf/index.ts';
import { relocationSize, relocationTypeName } from '../../src/elf/reloc-types/index.ts';
import { readelfText } from '../../src/readelf/index.ts';

/** A relocatable ELF (little-endian) with .text, one .rela.text holding types 0..count-1
 *  against symbol 1, .symtab, .strtab and .shstrtab. */
function objectWithEveryType(machine: number, is64: boolean, count: number): Uint8Array {
  const shstrtab = Buffer.from('\0.text\0.rela.text\0.symtab\0.strtab\0.shstrtab\0', 'latin1');
  const name = (s: string) => shstrtab.indexOf(Buffer.from(`${s}\0`, 'latin1'));
  const strtab = Buffer.from('\0s\0', 'latin1');
  const symSize = is64 ? 24 : 16;
  const relaSize = is64 ? 24 : 12;
  const symtab = Buffer.alloc(2 * symSize);
  if (is64) {
    symtab.writeUInt32LE(1, symSize);
    symtab[symSize + 4] = 0x10;
    symtab.writeUInt16LE(1, symSize + 6);
  } else {
    symtab.writeUInt32LE(1, symSize);
    symtab[symSize + 12] = 0x10;
    symtab.writeUInt16LE(1, symSize + 14);
  }
  const rela = Buffer.alloc(count * relaSize);
  for (let t = 0; t < count; t++) {
    if (is64) {
      rela.writeBigUInt64LE(BigInt(t * 4), t * 24);
      rela.writeBigUInt64LE((1n << 32n) | BigInt(t), t * 24 + 8);
      rela.writeBigInt64LE(BigInt(t - 8), t * 24 + 16);
    } else {
      rela.writeUInt32LE(t * 4, t * 12);
      rela.writeUInt32LE((1 << 8) | t, t * 12 + 4);
      rela.writeInt32LE(t - 8, t * 12 + 8);
    }
  }
  const text = Buffer.alloc(16);
  const ehsize = is64 ? 64 : 52;
  const parts: [string, Buffer][] = [['text', text], ['rela', rela], ['symtab', symtab], ['strtab', strtab], ['shstrtab', shstrtab]];
  const offsets: Record<string, number> = {};
  let at = ehsize;
  for (const [key, data] of parts) {
    at = (at + 7) & ~7;
    offsets[key] = at;
    at += data.length;
  }
  const shoff = (at + 7) & ~7;
  const shentsize = is64 ? 64 : 40;
  const file = Buffer.alloc(shoff + 6 * shentsize);
  for (const [key, data] of parts) data.copy(file, offsets[key]);
  const sections = [
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
    [name('.text'), 1, 6, offsets.text, text.length, 0, 0, 1, 0],
    [name('.rela.text'), 4, 0x40, offsets.rela, rela.length, 3, 1, 8, relaSize],
    [name('.symtab'), 2, 0, offsets.symtab, symtab.length, 4, 1, 8, symSize],
    [name('.strtab'), 3, 0, offsets.strtab, strtab.length, 0, 0, 1, 0],
    [name('.shstrtab'), 3, 0, offsets.shstrtab, shstrtab.length, 0, 0, 1, 0],
  ];
  sections.forEach(([nm, type, flags, offset, size, link, info, align, entsize], i) => {
    const base = shoff + i * shentsize;
    if (is64) {
      file.writeUInt32LE(nm, base); file.writeUInt32LE(type, base + 4); file.writeBigUInt64LE(BigInt(flags), base + 8);
      file.writeBigUInt64LE(BigInt(offset), base + 24); file.writeBigUInt64LE(BigInt(size), base + 32);
      file.writeUInt32LE(link, base + 40); file.writeUInt32LE(info, base + 44);
      file.writeBigUInt64LE(BigInt(align), base + 48); file.writeBigUInt64LE(BigInt(entsize), base + 56);
    } else {
      file.writeUInt32LE(nm, base); file.writeUInt32LE(type, base + 4); file.writeUInt32LE(flags, base + 8);
      file.writeUInt32LE(offset, base + 16); file.writeUInt32LE(size, base + 20); file.writeUInt32LE(link, base + 24);
      file.writeUInt32LE(info, base + 28); file.writeUInt32LE(align, base + 32); file.writeUInt32LE(entsize, base + 36);
    }
  });
  file.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1], 0);
  file.writeUInt16LE(1, 16);
  file.writeUInt16LE(machine, 18);
  file.writeUInt32LE(1, 20);
  if (is64) {
    file.writeBigUInt64LE(BigInt(shoff), 40);
    file.writeUInt16LE(64, 52); file.writeUInt16LE(shentsize, 58); file.writeUInt16LE(6, 60); file.writeUInt16LE(5, 62);
  } else {
    file.writeUInt32LE(shoff, 32);
    file.writeUInt16LE(52, 40); file.writeUInt16LE(shentsize, 46); file.writeUInt16LE(6, 48); file.writeUInt16LE(5, 50);
  }
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

const MACHINES: [string, number, boolean, number][] = [
  ['x86_64', EM_X86_64, true, 300],
  ['i386', EM_386, false, 256],
  ['aarch64', EM_AARCH64, true, 1100],
  ['riscv64', EM_RISCV, true, 300],
  ['riscv32', EM_RISCV, false, 256],
];

describe('relocation type names match GNU readelf 2.40 for every type number', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-reloc-types-'));
  for (const [label, machine, is64, count] of MACHINES) {
    it(`${label}: types 0..${count - 1}, wide and narrow`, () => {
      const bytes = objectWithEveryType(machine, is64, count);
      const path = join(dir, `${label}.o`);
      writeFileSync(path, bytes);
      for (const wide of [true, false]) {
        const expected = spawnSync('readelf', [wide ? '-Wr' : '-r', path], { encoding: 'latin1', maxBuffer: 1 << 26 }).stdout;
        expect(readelfText(readElf(bytes, path), { relocs: true, wide })).toBe(expected);
      }
    });
  }
});

describe('relocation patch sizes', () => {
  it('follow the psABI field widths', () => {
    expect(relocationTypeName(EM_X86_64, 2)).toBe('R_X86_64_PC32');
    const cases: [number, string, number][] = [
      [EM_X86_64, 'R_X86_64_64', 8], [EM_X86_64, 'R_X86_64_PC32', 4], [EM_X86_64, 'R_X86_64_32S', 4],
      [EM_X86_64, 'R_X86_64_16', 2], [EM_X86_64, 'R_X86_64_PC8', 1], [EM_X86_64, 'R_X86_64_NONE', 0],
      [EM_X86_64, 'R_X86_64_REX_GOTPCRELX', 4], [EM_X86_64, 'R_X86_64_TLSDESC', 16],
      [EM_386, 'R_386_32', 4], [EM_386, 'R_386_16', 2], [EM_386, 'R_386_PC8', 1],
      [EM_AARCH64, 'R_AARCH64_ABS64', 8], [EM_AARCH64, 'R_AARCH64_PREL32', 4], [EM_AARCH64, 'R_AARCH64_CALL26', 4],
      [EM_AARCH64, 'R_AARCH64_ABS16', 2], [EM_RISCV, 'R_RISCV_64', 8], [EM_RISCV, 'R_RISCV_CALL_PLT', 8],
      [EM_RISCV, 'R_RISCV_RVC_JUMP', 2], [EM_RISCV, 'R_RISCV_SET6', 1], [EM_RISCV, 'R_RISCV_RELAX', 0],
    ];
    for (const [machine, name, size] of cases) {
      let type = -1;
      for (let t = 0; t < 2048 && type < 0; t++) if (relocationTypeName(machine, t) === name) type = t;
      expect(type, name).toBeGreaterThanOrEqual(0);
      expect(relocationSize(machine, type), name).toBe(size);
    }
    expect(relocationSize(EM_RISCV, 3, false)).toBe(4); // R_RISCV_RELATIVE is XLEN-sized
    expect(relocationTypeName(EM_X86_64, 999)).toBeUndefined();
    expect(relocationTypeName(0x1234, 1)).toBeUndefined();
  });
});
