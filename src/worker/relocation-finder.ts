// "Which relocation patches this place?": a place given as an address (hex, as an oops or objdump
// prints it) or as symbol+offset (`start_kernel+0x1c`), found in the relocation section that patches
// the section holding it — the relocation whose field covers the place, else the next one after it.
// Linked files give r_offset as an address, relocatable ones as an offset in the section (gABI).

import { ET_REL, SHN_ABS, SHN_LORESERVE, SHN_UNDEF, SHT_REL, SHT_RELA, SHT_SYMTAB, type ElfFile } from '../elf/index.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../link/relocation-words.ts';
import { relocationFormula } from './names.ts';
import { imageAddresses } from './symbol-locator.ts';

export interface RelocationSearch {
  file: string;
  /** "ffffffff81000060", "0x1c", "start_kernel" or "start_kernel+0x1c". */
  at: string;
  /** In a relocatable file, the relocation section whose target a bare offset is in. */
  section?: number;
}

export interface FoundRelocation {
  /** The relocation section and the relocation's index in it. */
  section: number;
  index: number;
  /** The place looked for (an address, or an offset in the section for ET_REL). */
  place: bigint;
  /** True when the relocation's field covers the place; false for the next relocation after it. */
  covers: boolean;
}

const HEX = /^(?:0x)?([0-9a-f]{1,16})$/i;
const SYMBOL = /^([A-Za-z_.$][\w.$@]*)(?:\s*\+\s*(0x[0-9a-f]+|\d+))?$/i;

export function findRelocation(elf: ElfFile, q: RelocationSearch): FoundRelocation {
  const text = q.at.trim();
  const rel = elf.header.type === ET_REL;
  const place = locate(elf, text, q.section);
  // The section the place is in: for a linked file the allocated section holding the address.
  const target = place.section ?? imageAddresses(elf).sectionAt(place.value)?.index ?? -1;
  if (target < 0) throw new Error(`${q.file}: no section holds address 0x${place.value.toString(16)}`);
  const name = elf.sections[target].name;
  const tables = elf.sections.filter((s) => (s.type === SHT_RELA || s.type === SHT_REL) && s.info === target);
  if (!tables.length) throw new Error(`${q.file}: nothing relocates ${name}${rel ? '' : ' (strip removes relocation sections; vmlinux.unstripped has them)'}`);
  // Compared as (high word, low word) pairs: no bigint per entry (13.8 M in Debian's vmlinux).
  const hi = Number(place.value >> 32n), lo = Number(place.value & 0xffffffffn);
  let next: { section: number; index: number; hi: number; lo: number } | undefined;
  for (const s of tables) {
    const table = elf.relocationTable(s.index);
    const words = relocationWords(elf, table);
    for (let i = 0, at = 0; i < table.count; i++, at += WORDS_PER_RELOCATION) {
      const h = words[at + 1], l = words[at];
      if (h === hi && l <= lo && lo - l < (relocationFormula(elf.header.machine, words[at + 2])?.width || 1)) {
        return { section: s.index, index: i, place: place.value, covers: true };
      }
      const after = h > hi || (h === hi && l > lo);
      if (after && (!next || h < next.hi || (h === next.hi && l < next.lo))) next = { section: s.index, index: i, hi: h, lo: l };
    }
  }
  if (!next) throw new Error(`${q.file}: no relocation patches ${name} at or after ${rel ? 'offset ' : ''}0x${place.value.toString(16)}`);
  return { section: next.section, index: next.index, place: place.value, covers: false };
}

/** The place `text` names: an address (or, in a relocatable file, an offset in `section`'s target),
 *  or a symbol's value plus an offset (in a relocatable file, in the symbol's own section). */
function locate(elf: ElfFile, text: string, section: number | undefined): { value: bigint; section?: number } {
  const rel = elf.header.type === ET_REL;
  const symbol = SYMBOL.exec(text);
  const hex = HEX.exec(text);
  // "add" or "cafe" could be either: a symbol of that name wins unless written 0x….
  const found = symbol && !/^0x/i.test(text) ? lookupSymbol(elf, symbol[1]) : undefined;
  if (found) {
    const plus = symbol![2] ? BigInt(symbol![2]) : 0n;
    if (!rel) return { value: found.value + plus };
    if (found.shndx >= SHN_LORESERVE) throw new Error(`${elf.fileName}: ${symbol![1]} is an absolute symbol: no section holds it`);
    return { value: found.value + plus, section: found.shndx };
  }
  if (hex) {
    const value = BigInt('0x' + hex[1]);
    if (!rel) return { value };
    const target = section !== undefined ? elf.sections[section]?.info : undefined;
    if (target === undefined) throw new Error(`${elf.fileName}: in a relocatable file an offset needs its section: pick the relocation section first`);
    return { value, section: target };
  }
  if (symbol) throw new Error(`${elf.fileName}: no defined symbol named ${symbol[1]}`);
  throw new Error(`"${text.slice(0, 60)}" is neither an address (ffffffff81000060) nor symbol+offset (start_kernel+0x1c)`);
}

/** A defined symbol of that name in the first SHT_SYMTAB: a global over a local of the same name. */
function lookupSymbol(elf: ElfFile, name: string): { value: bigint; shndx: number } | undefined {
  const header = elf.sections.find((s) => s.type === SHT_SYMTAB);
  if (!header) return undefined;
  const t = elf.symbolTable(header.index);
  let local: { value: bigint; shndx: number } | undefined;
  for (let i = 1; i < t.count; i++) {
    const shndx = t.shndx(i);
    if (shndx === SHN_UNDEF || (shndx >= SHN_LORESERVE && shndx !== SHN_ABS) || t.name(i) !== name) continue;
    const hit = { value: t.value(i), shndx };
    if (i >= t.firstGlobal) return hit;
    local ??= hit;
  }
  return local;
}
