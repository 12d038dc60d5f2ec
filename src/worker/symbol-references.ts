// Who refers to a symbol: every relocation, in every relocation section tied to the symbol's table
// (sh_link), whose r_sym is that symbol, with the place it patches named by the nearest symbol at or
// below it in the patched section ("func+0x1c"). References made through a section symbol plus an
// addend (how a compiler reaches a static function in its own object) name the section, not this
// symbol, and are not counted: the ELF records no such link.

import { ET_REL, SHT_REL, SHT_RELA, STT_FILE, STT_SECTION, type ElfFile } from '../elf/index.ts';
import { relocationTypeName } from './names.ts';

export interface SymbolReferenceQuery {
  file: string;
  /** Symbol table section index; defaults to the first SHT_SYMTAB (else SHT_DYNSYM). */
  table?: number;
  symbol: number;
  /** Most references returned (default 500); `total` still counts them all. */
  limit?: number;
}

export interface SymbolReference {
  /** The relocation section and the relocation's index in it (the relocations view's "section:index"). */
  section: number;
  sectionName: string;
  index: number;
  offset: bigint;
  typeName: string;
  addend: bigint;
  /** Where the patched field is: "symbol+0x1c" in the patched section, else "section+0x1c". */
  location: string;
}

export interface SymbolReferences {
  total: number;
  references: SymbolReference[];
}

export function symbolReferences(elf: ElfFile, table: number, symbol: number, limit = 500): SymbolReferences {
  const references: SymbolReference[] = [];
  let total = 0;
  const namers = new Map<number, (offset: bigint) => string>();
  for (const s of elf.sections) {
    if ((s.type !== SHT_RELA && s.type !== SHT_REL) || s.link !== table) continue;
    const rt = elf.relocationTable(s.index);
    for (let i = 0; i < rt.count; i++) {
      if (rt.sym(i) !== symbol) continue;
      total++;
      if (references.length >= limit) continue;
      let name = namers.get(rt.targetSection);
      if (!name) { name = placeNamer(elf, table, rt.targetSection); namers.set(rt.targetSection, name); }
      const offset = rt.offset(i);
      references.push({
        section: s.index, sectionName: s.name, index: i, offset, typeName: relocationTypeName(elf.header.machine, rt.type(i)),
        addend: rt.addend(i), location: name(offset),
      });
    }
  }
  return { total, references };
}

/** Names a place of section `target` (an offset in a .o, an address in a linked image). */
function placeNamer(elf: ElfFile, table: number, target: number): (offset: bigint) => string {
  const section = elf.sections[target];
  if (!section) return (offset) => `0x${offset.toString(16)}`;
  const base = elf.header.type === ET_REL ? 0n : section.addr;
  const t = elf.symbolTable(table);
  const starts: { value: bigint; i: number }[] = [];
  for (let i = 1; i < t.count; i++) {
    const type = t.info(i) & 0xf;
    if (t.shndx(i) !== target || type === STT_SECTION || type === STT_FILE || t.nameOffset(i) === 0) continue;
    starts.push({ value: t.value(i), i });
  }
  starts.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.i - b.i));
  return (offset) => {
    let lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].value <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return `${section.name}+0x${(offset - base).toString(16)}`;
    const at = offset - starts[found].value;
    return `${t.name(starts[found].i)}${at === 0n ? '' : `+0x${at.toString(16)}`}`;
  };
}
