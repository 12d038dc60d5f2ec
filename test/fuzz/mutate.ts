// Structure-aware mutations of ELF files, ar archives, linker scripts and URL fragments, plus plain
// byte flips and truncations. Deterministic for a seed, so every failure replays from its number.
// Knows the ELF layout only through src/elf's reader: a case mutates a copy, never the corpus file.

import { readElf, EHDR_SIZE, SHDR_SIZE, PHDR_SIZE, SYM_SIZE, SHT_SYMTAB, SHT_RELA, SHT_REL, SHT_STRTAB, type ElfFile } from '../../src/elf/index.ts';

/** A small, fast PRNG (mulberry32): a case is its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const below = (r: Random, n: number) => Math.floor(r() * n);

/** Values that break parsers: zero, all ones, sign bits, the file size and its neighbours, escapes. */
function interesting(r: Random, fileSize: number): bigint {
  return BigInt.asUintN(64, pick(r, [
    0n, 1n, 2n, 0xffn, 0xffffn, 0xff00n, 0xfff1n, 0xfff2n, 0x7fffffffn, 0x80000000n, 0xffffffffn,
    0x7fffffffffffffffn, 0xffffffffffffffffn, BigInt(fileSize), BigInt(fileSize - 1), BigInt(fileSize + 1),
    BigInt(fileSize) * 2n, 1n << 40n, BigInt(below(r, fileSize + 16)),
  ]));
}

function writeField(bytes: Uint8Array, at: number, width: number, value: bigint, le: boolean): void {
  for (let i = 0; i < width && at + i < bytes.length; i++) {
    const shift = BigInt(8 * (le ? i : width - 1 - i));
    bytes[at + i] = Number((value >> shift) & 0xffn);
  }
}

interface Region {
  name: string;
  at: number;
  size: number;
  entsize: number;
}

/** The regions of an ELF file worth aiming at: headers and the entries of its tables. */
export function elfRegions(elf: ElfFile): Region[] {
  const c = elf.header.elfClass;
  const out: Region[] = [{ name: 'file header', at: 0, size: EHDR_SIZE[c], entsize: EHDR_SIZE[c] }];
  if (elf.sections.length) out.push({ name: 'section headers', at: Number(elf.header.shoff), size: elf.sections.length * SHDR_SIZE[c], entsize: SHDR_SIZE[c] });
  if (elf.segments.length) out.push({ name: 'program headers', at: Number(elf.header.phoff), size: elf.segments.length * PHDR_SIZE[c], entsize: PHDR_SIZE[c] });
  for (const s of elf.sections) {
    if (s.size === 0n || s.type === 8) continue;
    if (s.type === SHT_SYMTAB) out.push({ name: 'symbols', at: Number(s.offset), size: Number(s.size), entsize: SYM_SIZE[c] });
    else if (s.type === SHT_RELA || s.type === SHT_REL) out.push({ name: 'relocations', at: Number(s.offset), size: Number(s.size), entsize: Number(s.entsize) || 8 });
    else if (s.type === SHT_STRTAB) out.push({ name: 'strings', at: Number(s.offset), size: Number(s.size), entsize: 1 });
  }
  return out;
}

/** One mutated copy of an ELF file; `what` says what was done, for the failure report. */
export function mutateElf(base: Uint8Array, regions: Region[], r: Random, le: boolean): { bytes: Uint8Array; what: string } {
  const kind = below(r, 10);
  if (kind === 0) {
    const n = below(r, base.length);
    return { bytes: base.slice(0, n), what: `truncate to ${n}` };
  }
  const bytes = base.slice();
  if (kind === 1) {
    const flips = 1 + below(r, 8);
    for (let i = 0; i < flips; i++) bytes[below(r, bytes.length)] ^= 1 << below(r, 8);
    return { bytes, what: `${flips} random bit flips` };
  }
  const region = pick(r, regions);
  if (region.name === 'strings') {
    // Remove terminators: a string table without NUL.
    for (let i = region.at; i < region.at + region.size; i++) if (bytes[i] === 0 && r() < 0.5) bytes[i] = 0x41;
    return { bytes, what: `strings at 0x${region.at.toString(16)} lose NULs` };
  }
  const entries = Math.max(1, Math.floor(region.size / region.entsize));
  const entry = region.at + below(r, entries) * region.entsize;
  const width = pick(r, [1, 2, 4, 8]);
  const at = entry + below(r, Math.max(1, region.entsize - width + 1));
  const value = interesting(r, base.length);
  writeField(bytes, at, width, value, le);
  return { bytes, what: `${region.name}: ${width}-byte field at 0x${at.toString(16)} = 0x${value.toString(16)}` };
}

/** Mutations of an ar archive: header fields (names, sizes, terminators) and its symbol index. */
export function mutateArchive(base: Uint8Array, r: Random): { bytes: Uint8Array; what: string } {
  const bytes = base.slice();
  const headers: number[] = [];
  for (let at = 8; at + 60 <= base.length; ) {
    headers.push(at);
    const size = Number(new TextDecoder().decode(base.subarray(at + 48, at + 58)).trim());
    if (!Number.isFinite(size)) break;
    at += 60 + size + (size & 1);
  }
  const h = pick(r, headers.length ? headers : [8]);
  const field = pick(r, [
    ['name', 0, 16], ['size', 48, 10], ['fmag', 58, 2], ['index', 60, 8],
  ] as const);
  const text = pick(r, ['/', '//', '/999999', '/SYM64/', '99999999999', '-1', '', 'x'.repeat(field[2]), String(below(r, 1 << 20)), '\n\n']);
  for (let i = 0; i < field[2] && h + field[1] + i < bytes.length; i++) bytes[h + field[1] + i] = text.charCodeAt(i) || 0x20;
  if (r() < 0.3) return { bytes: bytes.subarray(0, below(r, bytes.length)), what: `archive ${field[0]} at 0x${h.toString(16)} = "${text}", truncated` };
  return { bytes, what: `archive ${field[0]} at 0x${h.toString(16)} = "${text}"` };
}

/** Mutations of a flat binary file (vmlinux.relocs): truncation, bit flips, a 32-bit word overwritten. */
export function mutateBlob(base: Uint8Array, r: Random): { bytes: Uint8Array; what: string } {
  const kind = below(r, 3);
  if (kind === 0) {
    const n = below(r, base.length + 1);
    return { bytes: base.slice(0, n), what: `truncate to ${n}` };
  }
  const bytes = base.slice();
  if (kind === 1) {
    const flips = 1 + below(r, 8);
    for (let i = 0; i < flips && bytes.length; i++) bytes[below(r, bytes.length)] ^= 1 << below(r, 8);
    return { bytes, what: `${flips} random bit flips` };
  }
  const at = below(r, Math.max(1, bytes.length >> 2)) * 4;
  const value = interesting(r, base.length);
  writeField(bytes, at, 4, value, true);
  return { bytes, what: `word at 0x${at.toString(16)} = 0x${(value & 0xffffffffn).toString(16)}` };
}

/** Linker-script text mutations: deletions, duplications and insertions of ld's punctuation. */
export function mutateText(base: string, r: Random): { text: string; what: string } {
  const tokens = ['{', '}', '(', ')', ';', ':', '=', '.', '*', '/*', '"', 'ALIGN(', 'AT(', '0x', '>>', '?', ',', '\0', 'SECTIONS', 'KEEP(', '\n'];
  let t = base;
  const edits = 1 + below(r, 4);
  for (let i = 0; i < edits; i++) {
    const at = below(r, t.length + 1);
    const k = below(r, 3);
    if (k === 0) t = t.slice(0, at) + t.slice(at + 1 + below(r, 20));
    else if (k === 1) t = t.slice(0, at) + pick(r, tokens) + t.slice(at);
    else t = t.slice(0, at) + t.slice(at, at + below(r, 50)).repeat(2) + t.slice(at + 50);
  }
  return { text: t, what: `${edits} text edits` };
}

export function isLittleEndian(bytes: Uint8Array): boolean {
  return bytes[5] !== 2;
}

export function regionsOf(bytes: Uint8Array, name: string): Region[] {
  return elfRegions(readElf(bytes, name));
}
