// Serialises an ELF image model to bytes: file header, program headers, section contents and
// section headers at the offsets the model states. Layout decisions belong to the stage that
// builds the model (the linker, strip); this module only writes what it is told.

import { ByteView } from './bytes.ts';
import { EHDR_SIZE, PHDR_SIZE, SHDR_SIZE, SHT_NOBITS } from './constants.ts';
import { ElfFormatError } from './errors.ts';
import type { ElfFile } from './reader.ts';
import type { FileHeader, ProgramHeader, SectionHeader } from './types.ts';

export interface ImageSection {
  header: SectionHeader;
  /** Contents written at header.offset; ignored for SHT_NOBITS. */
  data: Uint8Array;
}

export interface ElfImage {
  header: FileHeader;
  sections: ImageSection[];
  segments: ProgramHeader[];
  /** Bytes that belong to no header or section (padding a tool chose to fill), kept verbatim. */
  fill: { offset: number; bytes: Uint8Array }[];
  /** Total file size. */
  size: number;
}

/** A model of `elf` that writes back to the same bytes: section data and fill are views, not copies. */
export function imageFromElf(elf: ElfFile): ElfImage {
  const sections = elf.sections.map((header, i) => ({ header: { ...header }, data: elf.sectionData(i) }));
  const covered: [number, number][] = [[0, EHDR_SIZE[elf.header.elfClass]]];
  if (elf.segments.length) {
    const at = Number(elf.header.phoff);
    covered.push([at, at + elf.segments.length * PHDR_SIZE[elf.header.elfClass]]);
  }
  if (elf.sections.length) {
    const at = Number(elf.header.shoff);
    covered.push([at, at + elf.sections.length * SHDR_SIZE[elf.header.elfClass]]);
  }
  for (const s of sections) {
    if (s.header.type !== SHT_NOBITS && s.data.length) {
      const at = Number(s.header.offset);
      covered.push([at, at + s.data.length]);
    }
  }
  covered.sort((a, b) => a[0] - b[0]);
  const fill: ElfImage['fill'] = [];
  let pos = 0;
  const keepGap = (from: number, to: number) => {
    // Only non-zero runs need keeping: the writer starts from a zeroed buffer.
    let i = from;
    while (i < to) {
      while (i < to && elf.bytes[i] === 0) i++;
      const start = i;
      while (i < to && elf.bytes[i] !== 0) i++;
      if (i > start) fill.push({ offset: start, bytes: elf.bytes.subarray(start, i) });
    }
  };
  for (const [from, to] of covered) {
    if (from > pos) keepGap(pos, from);
    pos = Math.max(pos, to);
  }
  if (pos < elf.bytes.length) keepGap(pos, elf.bytes.length);
  return {
    header: { ...elf.header },
    sections,
    segments: elf.segments.map((p) => ({ ...p })),
    fill,
    size: elf.bytes.length,
  };
}

export function writeElf(image: ElfImage, fileName = '<output>'): Uint8Array {
  const out = new Uint8Array(image.size);
  const h = image.header;
  const is64 = h.elfClass === 64;
  const d = new ByteView(out, h.littleEndian);
  const need = (what: string, at: number, size: number) => {
    if (at < 0 || at + size > image.size) {
      throw new ElfFormatError(fileName, what, at, `${size} bytes do not fit in an image of ${image.size} bytes`);
    }
  };
  for (const f of image.fill) {
    need('fill', f.offset, f.bytes.length);
    out.set(f.bytes, f.offset);
  }
  for (const s of image.sections) {
    if (s.header.type === SHT_NOBITS || s.data.length === 0) continue;
    const at = Number(s.header.offset);
    need(`section ${s.header.name}`, at, s.data.length);
    out.set(s.data, at);
  }
  writeFileHeader(d, h, is64);
  if (image.segments.length) {
    const base = Number(h.phoff);
    need('program header table', base, image.segments.length * PHDR_SIZE[h.elfClass]);
    image.segments.forEach((p, i) => writeProgramHeader(d, base + i * PHDR_SIZE[h.elfClass], p, is64));
  }
  if (image.sections.length) {
    const base = Number(h.shoff);
    need('section header table', base, image.sections.length * SHDR_SIZE[h.elfClass]);
    image.sections.forEach((s, i) => writeSectionHeader(d, base + i * SHDR_SIZE[h.elfClass], s.header, is64));
  }
  return out;
}

function writeFileHeader(d: ByteView, h: FileHeader, is64: boolean): void {
  d.bytes.set(h.ident.subarray(0, 16), 0);
  d.setU16(16, h.type);
  d.setU16(18, h.machine);
  d.setU32(20, h.version);
  const w = is64 ? 8 : 4;
  d.setWord(24, h.entry, is64);
  d.setWord(24 + w, h.phoff, is64);
  d.setWord(24 + 2 * w, h.shoff, is64);
  const o = 24 + 3 * w;
  d.setU32(o, h.flags);
  d.setU16(o + 4, h.ehsize);
  d.setU16(o + 6, h.phentsize);
  d.setU16(o + 8, h.rawPhnum);
  d.setU16(o + 10, h.shentsize);
  d.setU16(o + 12, h.rawShnum);
  d.setU16(o + 14, h.rawShstrndx);
}

function writeProgramHeader(d: ByteView, at: number, p: ProgramHeader, is64: boolean): void {
  d.setU32(at, p.type);
  if (is64) {
    d.setU32(at + 4, p.flags);
    d.setU64(at + 8, p.offset);
    d.setU64(at + 16, p.vaddr);
    d.setU64(at + 24, p.paddr);
    d.setU64(at + 32, p.filesz);
    d.setU64(at + 40, p.memsz);
    d.setU64(at + 48, p.align);
  } else {
    d.setWord(at + 4, p.offset, false);
    d.setWord(at + 8, p.vaddr, false);
    d.setWord(at + 12, p.paddr, false);
    d.setWord(at + 16, p.filesz, false);
    d.setWord(at + 20, p.memsz, false);
    d.setU32(at + 24, p.flags);
    d.setWord(at + 28, p.align, false);
  }
}

function writeSectionHeader(d: ByteView, at: number, s: SectionHeader, is64: boolean): void {
  d.setU32(at, s.nameOffset);
  d.setU32(at + 4, s.type);
  if (is64) {
    d.setU64(at + 8, s.flags);
    d.setU64(at + 16, s.addr);
    d.setU64(at + 24, s.offset);
    d.setU64(at + 32, s.size);
    d.setU32(at + 40, s.link);
    d.setU32(at + 44, s.info);
    d.setU64(at + 48, s.addralign);
    d.setU64(at + 56, s.entsize);
  } else {
    d.setWord(at + 8, s.flags, false);
    d.setWord(at + 12, s.addr, false);
    d.setWord(at + 16, s.offset, false);
    d.setWord(at + 20, s.size, false);
    d.setU32(at + 24, s.link);
    d.setU32(at + 28, s.info);
    d.setWord(at + 32, s.addralign, false);
    d.setWord(at + 36, s.entsize, false);
  }
}
