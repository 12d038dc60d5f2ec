// Malformed input never crashes the ELF model or readelf: 10,000+ seeded mutations of real files
// (truncations; byte flips in the file, section and program headers, symbols, relocations and
// string tables; absurd counts and offsets; e_shnum/e_shstrndx escapes; ar member headers). Each
// case must render readelf text or throw ElfFormatError, within a time bound.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfFormatError, readElf, SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, type ElfFile } from '../../src/elf/index.ts';
import { writeReadelfFile, type ReadelfOptions } from '../../src/readelf/index.ts';
import { repoRoot, tiny } from '../helpers.ts';
import { prng } from '../fuzz/mutate.ts';

const SOURCES = [
  join(repoRoot, 'samples/common-symbols/a.o'),
  join(repoRoot, 'samples/got-relax/main.o'),
  tiny('inputs', 'version-timestamp.o'),
  '/usr/lib/x86_64-linux-gnu/crt1.o',
  '/usr/lib/x86_64-linux-gnu/crti.o',
  '/usr/aarch64-linux-gnu/lib/crt1.o',
  '/usr/riscv64-linux-gnu/lib/crt1.o',
  '/usr/lib/x86_64-linux-gnu/libBrokenLocale.so.1',
  '/usr/bin/true',
].filter(existsSync);

const MODES: ReadelfOptions[] = [
  { fileHeader: true, sectionHeaders: true, programHeaders: true, symbols: true, relocs: true, wide: true },
  { fileHeader: false, sectionHeaders: true, programHeaders: true, symbols: true, relocs: true, wide: false },
];

const CASE_TIME_LIMIT_MS = 1000;

interface Outcome {
  rendered: number;
  rejected: number;
  crashes: string[];
  slowest: number;
}

function tryCase(bytes: Uint8Array, label: string, mode: ReadelfOptions, outcome: Outcome): void {
  const started = performance.now();
  try {
    let length = 0;
    writeReadelfFile(bytes, label, mode, (c) => (length += c.length), false);
    outcome.rendered++;
  } catch (e) {
    if (e instanceof ElfFormatError) outcome.rejected++;
    else outcome.crashes.push(`${label}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  const took = performance.now() - started;
  if (took > outcome.slowest) outcome.slowest = took;
  if (took > CASE_TIME_LIMIT_MS) outcome.crashes.push(`${label}: took ${took.toFixed(0)} ms`);
}

/** Byte regions worth hitting in a file: its headers and tables. */
function regions(elf: ElfFile): [string, number, number][] {
  const h = elf.header;
  const out: [string, number, number][] = [['ehdr', 0, h.elfClass === 64 ? 64 : 52]];
  if (h.shoff) out.push(['shdrs', Number(h.shoff), h.shnum * h.shentsize]);
  if (h.phoff && h.phnum) out.push(['phdrs', Number(h.phoff), h.phnum * h.phentsize]);
  for (const s of elf.sections) {
    if (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) out.push(['symbols', Number(s.offset), Number(s.size)]);
    if (s.type === SHT_REL || s.type === SHT_RELA) out.push(['relocations', Number(s.offset), Number(s.size)]);
    if (s.type === SHT_STRTAB) out.push(['strings', Number(s.offset), Number(s.size)]);
    if (s.type >= 0x6ffffffd) out.push(['versions', Number(s.offset), Number(s.size)]);
  }
  return out.filter(([, , size]) => size > 0);
}

function put(bytes: Uint8Array, at: number, value: bigint, size: number, le: boolean): void {
  for (let i = 0; i < size && at + i < bytes.length; i++) {
    const shift = BigInt(8 * (le ? i : size - 1 - i));
    bytes[at + i] = Number((value >> shift) & 0xffn);
  }
}

const TABLE_TYPES = [2, 3, 4, 9, 11, 17, 18, 19, 0x6ffffffd, 0x6ffffffe, 0x6fffffff];
const ABSURD = [0n, 1n, 0x7fn, 0xffn, 0xffffn, 0xff00n, 0xfff1n, 0x7fffffffn, 0xffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];

/** Writes an absurd value into one header field (count, index, offset, size, entsize, link). */
function absurdField(bytes: Uint8Array, elf: ElfFile, rand: () => number): string {
  const is64 = elf.is64;
  const le = elf.data.le;
  const value = ABSURD[Math.floor(rand() * ABSURD.length)];
  const h = elf.header;
  const pick = Math.floor(rand() * 8);
  if (pick < 3 || h.shnum === 0) {
    // e_phoff, e_shoff, e_phnum, e_shnum (0 = escape), e_shstrndx (0xffff = escape), entsizes
    const fields: [number, number][] = is64
      ? [[32, 8], [40, 8], [54, 2], [56, 2], [58, 2], [60, 2], [62, 2]]
      : [[28, 4], [32, 4], [42, 2], [44, 2], [46, 2], [48, 2], [50, 2]];
    const [at, size] = fields[Math.floor(rand() * fields.length)];
    put(bytes, at, value, size, le);
    return `ehdr@${at}=${value.toString(16)}`;
  }
  const index = Math.floor(rand() * h.shnum);
  const base = Number(h.shoff) + index * h.shentsize;
  // sh_name, sh_type, sh_offset, sh_size, sh_link, sh_info, sh_entsize (section 0 holds escapes)
  const fields: [number, number][] = is64
    ? [[0, 4], [4, 4], [24, 8], [32, 8], [40, 4], [44, 4], [56, 8]]
    : [[0, 4], [4, 4], [16, 4], [20, 4], [24, 4], [28, 4], [36, 4]];
  const [at, size] = fields[Math.floor(rand() * fields.length)];
  if (at === 4 && rand() < 0.7) {
    // Type confusion: make any section claim to be a table readelf decodes.
    const type = TABLE_TYPES[Math.floor(rand() * TABLE_TYPES.length)];
    put(bytes, base + at, BigInt(type), size, le);
    return `shdr${index} type=${type.toString(16)}`;
  }
  put(bytes, base + at, value, size, le);
  return `shdr${index}@${at}=${value.toString(16)}`;
}

describe('malformed ELF input', () => {
  it('sources exist', () => {
    expect(SOURCES.length).toBeGreaterThanOrEqual(6);
  });

  it('10,000+ seeded mutations render or throw ElfFormatError, each within the time bound', () => {
    const rand = prng(0x1d91a7);
    const outcome: Outcome = { rendered: 0, rejected: 0, crashes: [], slowest: 0 };
    let cases = 0;
    for (const path of SOURCES) {
      const original = new Uint8Array(readFileSync(path));
      const elf = readElf(original, path);
      const areas = regions(elf);
      const name = path.split('/').slice(-2).join('/');
      // Truncations spread over the whole length, denser at the start where the headers are.
      for (let k = 0; k < 150; k++) {
        const length = k < 50 ? k * 2 : Math.floor(rand() * original.length);
        tryCase(original.subarray(0, length), `${name} cut@${length}`, MODES[k & 1], outcome);
        cases++;
      }
      // Byte flips inside one structure at a time.
      for (let k = 0; k < 700; k++) {
        const bytes = original.slice();
        const [what, start, size] = areas[k % areas.length];
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) bytes[start + Math.floor(rand() * size)] ^= 1 << Math.floor(rand() * 8);
        tryCase(bytes, `${name} flip ${what}#${k}`, MODES[k & 1], outcome);
        cases++;
      }
      // Absurd counts, offsets, sizes, links and the section-0 escapes.
      for (let k = 0; k < 350; k++) {
        const bytes = original.slice();
        const label = absurdField(bytes, elf, rand);
        tryCase(bytes, `${name} ${label}`, MODES[k & 1], outcome);
        cases++;
      }
    }
    expect(cases).toBeGreaterThanOrEqual(10_000);
    console.log(`malformed ELF: ${cases} cases, ${outcome.rendered} rendered, ${outcome.rejected} rejected, slowest ${outcome.slowest.toFixed(1)} ms`);
    expect(outcome.crashes.slice(0, 20)).toEqual([]);
    expect(outcome.rejected).toBeGreaterThan(0);
    expect(outcome.rendered).toBeGreaterThan(0);
  });

  it('corrupted ar member headers render or throw ElfFormatError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-malformed-ar-'));
    const members = SOURCES.filter((p) => p.endsWith('.o')).slice(0, 4);
    execFileSync('cp', [...members.map((m, i) => m), dir]);
    const names = members.map((m) => m.split('/').pop()!);
    // Long names force a "//" table; the symbol index comes from ar's s modifier.
    execFileSync('cp', [join(dir, names[0]), join(dir, 'a-rather-long-member-name-for-the-table.o')]);
    execFileSync('ar', ['rcs', 'lib.a', ...new Set(names), 'a-rather-long-member-name-for-the-table.o'], { cwd: dir });
    const original = new Uint8Array(readFileSync(join(dir, 'lib.a')));
    const headers: number[] = [];
    for (let at = 8; at + 60 <= original.length;) {
      headers.push(at);
      const size = Number(new TextDecoder('latin1').decode(original.subarray(at + 48, at + 58)).trim());
      at += 60 + size + (size & 1);
    }
    const rand = prng(0xa5c11);
    const outcome: Outcome = { rendered: 0, rejected: 0, crashes: [], slowest: 0 };
    const junk = ['', '-1', '99999999999', 'abc', '/9999', '//', '#1/20', '/SYM64/', '`\n'];
    let cases = 0;
    for (let k = 0; k < 800; k++) {
      const bytes = original.slice();
      const header = headers[k % headers.length];
      const field = [[0, 16], [48, 10], [58, 2]][Math.floor(rand() * 3)];
      if (rand() < 0.5) {
        const text = junk[Math.floor(rand() * junk.length)].padEnd(field[1], ' ').slice(0, field[1]);
        for (let i = 0; i < field[1]; i++) bytes[header + field[0] + i] = text.charCodeAt(i);
      } else {
        bytes[header + field[0] + Math.floor(rand() * field[1])] ^= 1 << Math.floor(rand() * 8);
      }
      const cut = rand() < 0.2 ? Math.floor(rand() * bytes.length) : bytes.length;
      tryCase(bytes.subarray(0, cut), `lib.a #${k} header@${header}+${field[0]}`, MODES[k & 1], outcome);
      cases++;
    }
    console.log(`malformed ar: ${cases} cases, ${outcome.rendered} rendered, ${outcome.rejected} rejected`);
    expect(outcome.crashes.slice(0, 20)).toEqual([]);
    expect(outcome.rejected).toBeGreaterThan(0);
  });
});
