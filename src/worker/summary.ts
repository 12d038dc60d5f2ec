// Builds an ArtifactSummary from an opened ELF (headers only: no table is decoded here), so the
// page can draw the section table and memory map as soon as the headers are parsed.
// Segment membership follows the gABI rule readelf uses: an allocated section lies in a segment
// when its address range falls inside [p_vaddr, p_vaddr + p_memsz).

import { SHF_ALLOC, SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_SYMTAB, type ElfFile, REL_SIZE, RELA_SIZE, SYM_SIZE } from '../elf/index.ts';
import type { ArtifactSummary, SectionRow, SegmentRow } from './api.ts';
import {
  fileTypeName, machineName, sectionFlagLetters, sectionTypeName, segmentFlagLetters, segmentTypeName,
} from './names.ts';

export function summarizeElf(elf: ElfFile): ArtifactSummary {
  const h = elf.header;
  const sections: SectionRow[] = elf.sections.map(({ nameOffset: _, ...s }) => ({
    ...s, typeName: sectionTypeName(s.type), flagLetters: sectionFlagLetters(s.flags), entries: tableEntries(elf, s.index),
  }));
  const segments: SegmentRow[] = elf.segments.map((p) => ({
    ...p, typeName: segmentTypeName(p.type), flagLetters: segmentFlagLetters(p.flags),
    sections: sections
      .filter((s) => (s.flags & BigInt(SHF_ALLOC)) !== 0n && s.addr >= p.vaddr && s.addr + s.size <= p.vaddr + p.memsz && (s.size > 0n || s.addr < p.vaddr + p.memsz))
      .map((s) => s.index),
  }));
  return {
    name: elf.fileName,
    size: elf.bytes.length,
    kind: 'elf',
    header: {
      elfClass: h.elfClass, littleEndian: h.littleEndian, type: h.type, typeName: fileTypeName(h.type),
      machine: h.machine, machineName: machineName(h.machine), osabi: h.osabi, entry: h.entry, flags: h.flags,
      shnum: h.shnum, phnum: h.phnum, shstrndx: h.shstrndx,
    },
    sections,
    segments,
    symbolTables: sections.filter((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM).map((s) => s.index),
    relocationSections: sections.filter((s) => s.type === SHT_REL || s.type === SHT_RELA).map((s) => s.index),
    lines: 0,
  };
}

function tableEntries(elf: ElfFile, index: number): number {
  const s = elf.sections[index];
  const cls = elf.header.elfClass;
  const size = Number(s.size);
  if (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) return Math.floor(size / SYM_SIZE[cls]);
  if (s.type === SHT_RELA) return Math.floor(size / RELA_SIZE[cls]);
  if (s.type === SHT_REL) return Math.floor(size / REL_SIZE[cls]);
  return 0;
}

/** Summary of a non-ELF artifact (System.map, relocs text, vmlinux.relocs). */
export function summarizeOther(name: string, bytes: Uint8Array, lines: number): ArtifactSummary {
  return {
    name, size: bytes.length, kind: lines > 0 ? 'text' : 'binary', sections: [], segments: [],
    symbolTables: [], relocationSections: [], lines,
  };
}
