// Assigns file offsets the way GNU BFD 2.40 lays out an executable it rewrites (objcopy): sections in
// segments keep their offsets, program headers are unchanged; then non-alloc sections in section
// order from the end of the last PT_LOAD, then .symtab, .strtab, kept static relocation lists,
// .shstrtab, and the section header table aligned to the word size. Writes no bytes itself.

import { alignUpNumber as alignUp, PT_LOAD, SHF_ALLOC, SHT_NOBITS, type ElfFile, type SectionHeader } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import type { OutputRole } from './plan.ts';

export interface PlacedSection {
  header: SectionHeader;
  role: OutputRole;
  data: Uint8Array;
}

/** Largest output this stage writes (a typed array's practical limit in browsers and Node). */
const MAX_OUTPUT = 2 ** 32;

function fail(elf: ElfFile, offset: number, problem: string): never {
  throw new StageError(`${elf.fileName}: ${problem}`, [{ severity: 'error', message: problem, file: elf.fileName, offset }]);
}

/** BFD aligns to the lowest set bit of sh_addralign (so odd values behave like powers of two). */
function alignmentOf(s: SectionHeader): number {
  const a = Number(s.addralign);
  return a > 1 ? a & -a : 1;
}

/** Places `sections` (output order, section 0 excluded); returns e_shoff and the file size. */
export function layoutSections(elf: ElfFile, sections: PlacedSection[]): { shoff: number; size: number } {
  const ehdrEnd = elf.header.ehsize;
  const phdrEnd = elf.segments.length ? Number(elf.header.phoff) + elf.segments.length * elf.header.phentsize : 0;
  let off = Math.max(ehdrEnd, phdrEnd);
  for (const p of elf.segments) {
    if (p.type !== PT_LOAD) continue;
    const end = p.offset + p.filesz;
    if (end > BigInt(elf.bytes.length)) {
      fail(elf, Number(elf.header.phoff) + p.index * elf.header.phentsize,
        `program header ${p.index}: PT_LOAD file image ends at 0x${end.toString(16)}, past the end of the file (${elf.bytes.length} bytes)`);
    }
    off = Math.max(off, Number(end));
  }
  const place = (s: PlacedSection) => {
    off = alignUp(off, alignmentOf(s.header));
    if (off > MAX_OUTPUT) {
      fail(elf, Number(elf.header.shoff) + s.header.index * elf.header.shentsize,
        `section [${s.header.index}] ${s.header.name}: sh_addralign 0x${s.header.addralign.toString(16)} would place it at offset 0x${off.toString(16)}`);
    }
    s.header.offset = BigInt(off);
    if (s.header.type !== SHT_NOBITS) off += s.data.length;
  };
  // Pass 1: ordinary non-alloc sections, in section order. Allocated ones keep their place.
  for (const s of sections) {
    if (s.role !== 'section') continue;
    if ((s.header.flags & BigInt(SHF_ALLOC)) !== 0n) continue;
    place(s);
  }
  // Pass 2: the symbol table and its strings; pass 3: relocation lists; then section names.
  for (const role of ['symtab', 'strtab', 'relocs', 'shstrtab'] as const) {
    for (const s of sections) if (s.role === role) place(s);
  }
  const shoff = alignUp(off, elf.is64 ? 8 : 4);
  return { shoff, size: shoff + (sections.length + 1) * elf.header.shentsize };
}
