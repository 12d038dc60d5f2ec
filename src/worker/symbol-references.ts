// Who refers to a symbol: every relocation, in every relocation section tied to the symbol's table
// (sh_link), whose r_sym is that symbol, with the place it patches named by the nearest symbol at or
// below it in the patched section ("func+0x1c"). References made through a section symbol plus an
// addend — how a compiler reaches a static function in its own object, and how ld's --emit-relocs
// writes every reference to a local symbol — are found by what they point at: S + A for absolute
// types; for PC-relative ones S + A + the distance from the field to the next instruction (the CPU
// adds the displacement to the next instruction's address, AMD64 psABI §4.4): 4 for a call, a jump
// or a plain load, more when an immediate follows (`addl $1, x(%rip)`). That distance comes from
// decoding the instruction (`fieldEnd`); without a decoder it is taken as the field's width.

import { ET_REL, SHN_LORESERVE, SHN_UNDEF, SHT_REL, SHT_RELA, STT_FILE, STT_FUNC, STT_SECTION, type ElfFile } from '../elf/index.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../link/relocation-words.ts';
import { relocationFormula, relocationTypeName } from './names.ts';
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
  /** For a reference through a section symbol: that section and the offset it points at (".text+0x1f0"). */
  via?: string;
}

export interface SymbolReferences {
  /** Relocations naming the symbol, and those reaching it through a section symbol. */
  total: number;
  throughSection: number;
  references: SymbolReference[];
}

/** Bytes from a PC-relative field at `offset` of a section to the end of its instruction. */
export type FieldEnd = (section: number, offset: number) => number | undefined;

export function symbolReferences(elf: ElfFile, table: number, symbol: number, limit = 500, fieldEnd?: FieldEnd): SymbolReferences {
  const references: SymbolReference[] = [];
  let total = 0;
  let throughSection = 0;
  const locator = symbolLocator(elf, table);
  const reach = sectionReach(elf, table, symbol);
  const machine = elf.header.machine;
  for (const s of elf.sections) {
    if ((s.type !== SHT_RELA && s.type !== SHT_REL) || s.link !== table) continue;
    const rt = elf.relocationTable(s.index);
    // r_sym as the linker reads it: word 3 of six per entry, viewed in place (13.8 M entries in Debian's vmlinux).
    const words = relocationWords(elf, rt);
    const target = elf.sections[rt.targetSection];
    const base = elf.header.type === ET_REL ? 0n : target?.addr ?? 0n;
    const add = (i: number, via?: string) => {
      if (references.length >= limit) return;
      const offset = rt.offset(i);
      references.push({
        section: s.index, sectionName: s.name, index: i, offset, typeName: relocationTypeName(machine, rt.type(i)), addend: rt.addend(i),
        location: locator.nameAt(rt.targetSection, offset) ?? (target ? `${target.name}+0x${(offset - base).toString(16)}` : `0x${offset.toString(16)}`),
        ...(via ? { via } : {}),
      });
    };
    for (let i = 0, at = 3; i < rt.count; i++, at += WORDS_PER_RELOCATION) {
      const sym = words[at];
      if (sym === symbol) { total++; add(i); continue; }
      if (!reach || reach.sectionSymbols[sym] !== 1) continue;
      const formula = relocationFormula(machine, words[at - 1]);
      if (!formula || formula.width === 0) continue;
      const S = reach.values.get(sym)!;
      const A = BigInt.asIntN(64, BigInt(words[at + 1]) | (BigInt(words[at + 2]) << 32n));
      let points = S + A + (formula.pcRelative ? BigInt(formula.width) : 0n);
      // An immediate after the field (up to 4 bytes) moves the target up: decode when it could matter.
      if (formula.pcRelative && fieldEnd && formula.width === 4 && points >= reach.start - 4n && points < reach.end && target) {
        const within = rt.offset(i) - base;
        const end = within >= 0n && within < target.size ? fieldEnd(rt.targetSection, Number(within)) : undefined;
        if (end !== undefined) points = S + A + BigInt(end);
      }
      if (points < reach.start || points >= reach.end) continue;
      throughSection++;
      add(i, `${reach.sectionName}+0x${(points - reach.sectionBase).toString(16)}`);
    }
  }
  return { total, throughSection, references };
}

/** What a reference through a section symbol must point into to reach `symbol`: a function's entry,
 *  an object's bytes [value, value + size), and the section symbols of its section. */
function sectionReach(elf: ElfFile, table: number, symbol: number) {
  const t = elf.symbolTable(table);
  if (symbol <= 0 || symbol >= t.count) return undefined;
  const shndx = t.shndx(symbol);
  const type = t.info(symbol) & 0xf;
  if (shndx === SHN_UNDEF || shndx >= SHN_LORESERVE || type === STT_SECTION || type === STT_FILE) return undefined;
  const sectionSymbols = new Uint8Array(t.count);
  const values = new Map<number, bigint>();
  for (let i = 1; i < t.count; i++) {
    if ((t.info(i) & 0xf) === STT_SECTION && t.shndx(i) === shndx) { sectionSymbols[i] = 1; values.set(i, t.value(i)); }
  }
  if (!values.size) return undefined;
  const start = t.value(symbol);
  const size = t.size(symbol);
  const section = elf.sections[shndx];
  // A function is reached at its entry (calls, jumps, its address taken); places inside it are what
  // unwind, exception and alternatives tables point at. An object is reached anywhere in its bytes.
  const extent = type === STT_FUNC || size === 0n ? 1n : size;
  return {
    sectionSymbols, values, start, end: start + extent,
    sectionName: section?.name ?? `section ${shndx}`, sectionBase: elf.header.type === ET_REL ? 0n : section?.addr ?? 0n,
  };
}
