// Which relocation sections the relocs tool walks, and the file-range checks its reads imply.
// Lists sections only; deciding per entry is scan.ts's job. Follows relocs.c read_strtabs,
// read_symtabs, read_relocs and walk_relocs (6.1.192: the SHT_NOTE skip is the 6.1.y backport).

import { ElfFormatError, SHF_ALLOC, SHT_NOTE, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from '../../elf/index.ts';
import type { Diagnostic } from '../../pipeline/stage.ts';
import type { ElfFile, SectionHeader } from '../../elf/index.ts';
import { die } from './header.ts';

export interface WalkedSection {
  /** The relocation section, the section it patches (sh_info) and its symbol table (sh_link). */
  relocations: SectionHeader;
  target: SectionHeader;
  symtab: SectionHeader;
  /** File offset of the first entry and the entry count (sh_size / entry size, rounded down). */
  start: number;
  count: number;
}

/** The relocation section type of the word size: SHT_RELA for 64-bit, SHT_REL for 32-bit. */
export const relocationSectionType = (is64: boolean): number => (is64 ? SHT_RELA : SHT_REL);
export const relocationEntrySize = (is64: boolean): number => (is64 ? 24 : 8);

/** The tool reads every string table, then every symbol and extended index table, then every relocation
 *  section of its word size, in full; a section running past the end of the file fails that read. */
export function checkSectionReads(elf: ElfFile): void {
  const relType = relocationSectionType(elf.is64);
  const passes = [[SHT_STRTAB], [SHT_SYMTAB_SHNDX, SHT_SYMTAB], [relType]];
  for (const types of passes) {
    for (const s of elf.sections) {
      if (!types.includes(s.type) || s.offset + s.size <= BigInt(elf.bytes.length)) continue;
      const message = `Cannot read ${s.type === SHT_SYMTAB_SHNDX ? 'extended symbol table' : 'symbol table'}: Success\n`;
      die(message, elf.fileName, Number(s.offset < BigInt(elf.bytes.length) ? s.offset : BigInt(elf.bytes.length)));
    }
  }
}

/** The relocation sections walk_relocs visits, in header order: target SHF_ALLOC and not SHT_NOTE. */
export function walkedSections(elf: ElfFile, diagnostics: Diagnostic[]): WalkedSection[] {
  const relType = relocationSectionType(elf.is64);
  const entrySize = relocationEntrySize(elf.is64);
  const out: WalkedSection[] = [];
  for (const s of elf.sections) {
    if (s.type !== relType) continue;
    const where = `relocation section [${s.index}] ${s.name}`;
    const target = elf.sections[s.info];
    if (!target) throw new ElfFormatError(elf.fileName, where, Number(s.offset), `sh_info ${s.info} names no section (${elf.sections.length} sections)`);
    if ((target.flags & BigInt(SHF_ALLOC)) === 0n || target.type === SHT_NOTE) continue;
    const symtab = elf.sections[s.link];
    if (!symtab || symtab.type !== SHT_SYMTAB) {
      throw new ElfFormatError(elf.fileName, where, Number(s.offset), `sh_link ${s.link} is not a symbol table`);
    }
    const size = Number(s.size);
    if (size % entrySize !== 0) {
      diagnostics.push({ severity: 'warning', file: elf.fileName, offset: Number(s.offset) + size - (size % entrySize),
        message: `${where}: size ${size} is not a multiple of ${entrySize}; the tool ignores the trailing ${size % entrySize} bytes` });
    }
    out.push({ relocations: s, target, symtab, start: Number(s.offset), count: Math.floor(size / entrySize) });
  }
  return out;
}

/** The sections whose contents a run reads (for callers that load big files by range): the section
 *  name table, symbol tables with their string and extended-index tables, and the walked relocations. */
export function relocsInputSections(elf: ElfFile, withRelocations: boolean): number[] {
  const wanted = new Set<number>([elf.header.shstrndx]);
  const relType = relocationSectionType(elf.is64);
  for (const s of elf.sections) {
    if (s.type === SHT_SYMTAB) wanted.add(s.index).add(s.link);
    if (s.type === SHT_SYMTAB_SHNDX) wanted.add(s.index);
    if (withRelocations && s.type === relType) {
      const target = elf.sections[s.info];
      if (target && (target.flags & BigInt(SHF_ALLOC)) !== 0n && target.type !== SHT_NOTE) wanted.add(s.index);
    }
  }
  return [...wanted].filter((i) => i > 0 && i < elf.sections.length).sort((a, b) => a - b);
}
