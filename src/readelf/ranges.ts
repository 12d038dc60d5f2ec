// Which byte ranges of a file a readelf listing reads, so a caller holding a lazily filled buffer
// (the CLI on a 632 MB vmlinux) loads only those: headers first, then names, then the tables.
// Pure: computes ranges from an ElfFile; the reading itself belongs to the caller.

import {
  ElfFormatError, isElf, PT_DYNAMIC, readElf, PT_INTERP, SHT_DYNSYM, SHT_GNU_verdef, SHT_GNU_verneed, SHT_GNU_versym, SHT_REL, SHT_RELA,
  SHT_RELR, SHT_SYMTAB, SHT_SYMTAB_SHNDX, type ElfFile, type FileHeader,
} from '../elf/index.ts';
import type { ReadelfOptions } from './index.ts';

export type ByteRange = [offset: number, size: number];

/** Fills `bytes` (zeroed, the file's length) phase by phase through `load`: the ELF header, its
 *  tables, the section names, then what the chosen listings read. Anything unexpected (not ELF,
 *  malformed headers) loads the whole file so errors match a full read. */
export function loadListingRanges(bytes: Uint8Array, fileName: string, options: ReadelfOptions, load: (ranges: ByteRange[]) => void): void {
  load([[0, 64]]);
  if (!isElf(bytes)) {
    load([[0, bytes.length]]);
    return;
  }
  try {
    load(headerTableRanges(readElf(bytes, fileName).header));
    load(nameRanges(readElf(bytes, fileName)));
    load(listingRanges(readElf(bytes, fileName), options));
  } catch (e) {
    if (!(e instanceof ElfFormatError)) throw e;
    load([[0, bytes.length]]);
  }
}

const PATH_MAX = 4096;

/** The ELF header's own tables: program and section header arrays (section 0 first, for escapes). */
export function headerTableRanges(h: FileHeader): ByteRange[] {
  const ranges: ByteRange[] = [[0, h.elfClass === 64 ? 64 : 52]];
  const shnum = h.rawShnum === 0 ? 1 : h.rawShnum;
  if (h.shoff !== 0n) ranges.push([Number(h.shoff), shnum * h.shentsize]);
  if (h.phoff !== 0n) ranges.push([Number(h.phoff), (h.rawPhnum === 0xffff ? 0 : h.rawPhnum) * h.phentsize]);
  return ranges;
}

/** Section names (the section header string table). */
export function nameRanges(elf: ElfFile): ByteRange[] {
  const ranges: ByteRange[] = headerTableRanges(elf.header);
  const h = elf.header;
  ranges.push([Number(h.shoff), h.shnum * h.shentsize], [Number(h.phoff), h.phnum * h.phentsize]);
  const s = elf.sections[h.shstrndx];
  if (h.shstrndx !== 0 && s) ranges.push(sectionRange(s.offset, s.size));
  return ranges;
}

/** Everything the chosen listings read beyond the headers and section names. */
export function listingRanges(elf: ElfFile, o: ReadelfOptions): ByteRange[] {
  const ranges: ByteRange[] = [];
  const sections = new Set<number>();
  const addSymbolTable = (index: number) => {
    const s = elf.sections[index];
    if (!s || (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM)) return;
    sections.add(index);
    sections.add(s.link);
    for (const x of elf.sections) if (x.type === SHT_SYMTAB_SHNDX && x.link === index) sections.add(x.index);
  };
  for (const p of elf.segments) {
    if (p.type === PT_DYNAMIC) ranges.push(sectionRange(p.offset, p.filesz));
    if (p.type === PT_INTERP && o.programHeaders) ranges.push(sectionRange(p.offset, BigInt(PATH_MAX)));
  }
  for (const s of elf.sections) {
    if (s.type === SHT_GNU_versym || s.type === SHT_GNU_verdef || s.type === SHT_GNU_verneed) {
      sections.add(s.index);
      sections.add(s.link);
    }
    if (o.symbols && (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM)) addSymbolTable(s.index);
    if (o.relocs && (s.type === SHT_REL || s.type === SHT_RELA || s.type === SHT_RELR)) {
      sections.add(s.index);
      addSymbolTable(s.link);
    }
  }
  for (const i of sections) {
    const s = elf.sections[i];
    if (s && i !== 0) ranges.push(sectionRange(s.offset, s.size));
  }
  return ranges;
}

function sectionRange(offset: bigint, size: bigint): ByteRange {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return [Number(offset > limit ? limit : offset), Number(size > limit ? limit : size)];
}
