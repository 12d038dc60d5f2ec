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
      // Numbers, not bigints, per entry: millions of relocations name a section symbol of .text.
      const k = reach ? reach.offsetFrom[sym] : NaN;
      if (k !== k) continue; // not a section symbol of the symbol's section
      const formula = relocationFormula(machine, words[at - 1]);
      if (!formula || formula.width === 0) continue;
      // Where S + A (+ the distance to the next instruction) points, from the symbol's start.
      const A = (words[at + 2] | 0) * 4294967296 + words[at + 1];
      let d = A + (formula.pcRelative ? formula.width : 0) - k;
      // An immediate after the field (up to 4 bytes) moves the target up: decode when it could matter.
      if (formula.pcRelative && fieldEnd && formula.width === 4 && d >= -4 && d < reach!.extent && target) {
        const within = rt.offset(i) - base;
        const end = within >= 0n && within < target.size ? fieldEnd(rt.targetSection, Number(within)) : undefined;
        if (end !== undefined) d = A + end - k;
      }
      if (d < 0 || d >= reach!.extent) continue;
      throughSection++;
      add(i, `${reach!.sectionName}+0x${(reach!.startInSection + BigInt(d)).toString(16)}`);
    }
  }
  return { total, throughSection, references };
}

/** What a reference through a section symbol must point into to reach `symbol`: a function's entry,
 *  an object's bytes (`extent` from its start), and per section symbol of its section how far the
 *  symbol's start is from that symbol's value (NaN for every other symbol). */
function sectionReach(elf: ElfFile, table: number, symbol: number) {
  const t = elf.symbolTable(table);
  if (symbol <= 0 || symbol >= t.count) return undefined;
  const shndx = t.shndx(symbol);
  const type = t.info(symbol) & 0xf;
  if (shndx === SHN_UNDEF || shndx >= SHN_LORESERVE || type === STT_SECTION || type === STT_FILE) return undefined;
  const start = t.value(symbol);
  const offsetFrom = new Float64Array(t.count).fill(NaN);
  let any = false;
  for (let i = 1; i < t.count; i++) {
    if ((t.info(i) & 0xf) === STT_SECTION && t.shndx(i) === shndx) { offsetFrom[i] = Number(start - t.value(i)); any = true; }
  }
  if (!any) return undefined;
  const size = t.size(symbol);
  const section = elf.sections[shndx];
  // A function is reached at its entry (calls, jumps, its address taken); places inside it are what
  // unwind, exception and alternatives tables point at. An object is reached anywhere in its bytes.
  const extent = type === STT_FUNC || size === 0n ? 1 : Number(size);
  const sectionBase = elf.header.type === ET_REL ? 0n : section?.addr ?? 0n;
  return { offsetFrom, extent, sectionName: section?.name ?? `section ${shndx}`, startInSection: start - sectionBase };
}
