// Who refers to a symbol: every relocation, in every relocation section tied to the symbol's table
// (sh_link), whose r_sym is that symbol, with the place it patches named by the nearest symbol at or
// below it in the patched section ("func+0x1c"). References made through a section symbol plus an
// addend (how a compiler reaches a static function in its own object) name the section, not this
// symbol, and are not counted: the ELF records no such link.

import { ET_REL, SHT_REL, SHT_RELA, type ElfFile } from '../elf/index.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../link/relocation-words.ts';
import { relocationTypeName } from './names.ts';
import { symbolLocator } from './symbol-locator.ts';

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
  const locator = symbolLocator(elf, table);
  for (const s of elf.sections) {
    if ((s.type !== SHT_RELA && s.type !== SHT_REL) || s.link !== table) continue;
    const rt = elf.relocationTable(s.index);
    // r_sym as the linker reads it: word 3 of six per entry, viewed in place (13.8 M entries in Debian's vmlinux).
    const words = relocationWords(elf, rt);
    for (let i = 0, at = 3; i < rt.count; i++, at += WORDS_PER_RELOCATION) {
      if (words[at] !== symbol) continue;
      total++;
      if (references.length >= limit) continue;
      const offset = rt.offset(i);
      const target = elf.sections[rt.targetSection];
      const base = elf.header.type === ET_REL ? 0n : target?.addr ?? 0n;
      references.push({
        section: s.index, sectionName: s.name, index: i, offset, typeName: relocationTypeName(elf.header.machine, rt.type(i)),
        addend: rt.addend(i),
        location: locator.nameAt(rt.targetSection, offset) ?? (target ? `${target.name}+0x${(offset - base).toString(16)}` : `0x${offset.toString(16)}`),
      });
    }
  }
  return { total, references };
}
