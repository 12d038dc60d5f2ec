// "Which symbol is this place in": per section, the named symbols of a symbol table sorted by value,
// so a place (a section offset in a .o, an address in a linked image: st_value means the same as the
// place in both) is named "symbol+0x1c" by the last symbol at or below it. Built once per table and
// shared by the KASLR entries, symbol references and kernel tables views. `imageAddresses` does the
// same for an address of a linked image: the allocated section holding it, then the symbol.

import { SHF_ALLOC, SHT_NOBITS, SHT_SYMTAB, STT_FILE, STT_SECTION, type ElfFile, type SymbolTable } from '../elf/index.ts';

interface SectionSymbols {
  values: BigUint64Array;
  symbols: Uint32Array;
}

export class SymbolLocator {
  private readonly bySection = new Map<number, SectionSymbols>();

  constructor(readonly table: SymbolTable) {
    const lists = new Map<number, { v: bigint; i: number }[]>();
    for (let i = 1; i < table.count; i++) {
      const type = table.info(i) & 0xf;
      if (type === STT_SECTION || type === STT_FILE || table.nameOffset(i) === 0) continue;
      const shndx = table.shndx(i);
      let list = lists.get(shndx);
      if (!list) lists.set(shndx, (list = []));
      list.push({ v: table.value(i), i });
    }
    for (const [shndx, list] of lists) {
      // Among equal values the later symbol wins (globals come after locals).
      list.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : a.i - b.i));
      this.bySection.set(shndx, { values: BigUint64Array.from(list, (x) => x.v), symbols: Uint32Array.from(list, (x) => x.i) });
    }
  }

  /** "name+0x1c": the last symbol of section `shndx` at or below `place`; undefined when none is. */
  nameAt(shndx: number, place: bigint): string | undefined {
    const s = this.bySection.get(shndx);
    if (!s) return undefined;
    let lo = 0, hi = s.values.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s.values[mid] <= place) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const off = place - s.values[found];
    return `${this.table.name(s.symbols[found])}${off === 0n ? '' : `+0x${off.toString(16)}`}`;
  }

  /** The first symbol (lowest index) of exactly `value` in any of `sections` (a section's end, such
   *  as __init_end, names a place outside every section). */
  exactly(value: bigint, sections: Iterable<number>): string | undefined {
    let best = -1;
    for (const shndx of sections) {
      const s = this.bySection.get(shndx);
      if (!s) continue;
      let lo = 0, hi = s.values.length;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (s.values[mid] < value) lo = mid + 1; else hi = mid; }
      if (lo < s.values.length && s.values[lo] === value && (best < 0 || s.symbols[lo] < best)) best = s.symbols[lo];
    }
    return best < 0 ? undefined : this.table.name(best);
  }
}

const locators = new WeakMap<ElfFile, Map<number, SymbolLocator>>();

/** The locator of symbol table section `table` of `elf`, built on first use. */
export function symbolLocator(elf: ElfFile, table: number): SymbolLocator {
  let byTable = locators.get(elf);
  if (!byTable) locators.set(elf, (byTable = new Map()));
  let locator = byTable.get(table);
  if (!locator) byTable.set(table, (locator = new SymbolLocator(elf.symbolTable(table))));
  return locator;
}

/** An allocated section of an image, as the address lookups need it. */
export interface AllocatedSection { index: number; name: string; addr: bigint; end: bigint; offset: number; nobits: boolean }

/** A linked image's allocated sections sorted by address, and its symbols (the first SHT_SYMTAB):
 *  "which section, which symbol holds this address". */
export class ImageAddresses {
  readonly sections: AllocatedSection[];
  private readonly sectionIndices: number[];
  readonly symbols?: SymbolLocator;

  constructor(elf: ElfFile) {
    this.sections = elf.sections
      .filter((s) => (s.flags & BigInt(SHF_ALLOC)) !== 0n && s.size > 0n)
      .map((s) => ({ index: s.index, name: s.name, addr: s.addr, end: s.addr + s.size, offset: Number(s.offset), nobits: s.type === SHT_NOBITS }))
      .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    this.sectionIndices = this.sections.map((s) => s.index);
    const table = elf.sections.find((s) => s.type === SHT_SYMTAB);
    if (table) this.symbols = symbolLocator(elf, table.index);
  }

  /** The allocated section holding `address`; sections may nest or overlap at equal addresses
   *  (.data..percpu at 0): the latest that covers it. */
  sectionAt(address: bigint): AllocatedSection | undefined {
    let lo = 0, hi = this.sections.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sections[mid].addr <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let i = found; i >= 0; i--) if (address < this.sections[i].end) return this.sections[i];
    return undefined;
  }

  /** "symbol+0x10" (in the section holding the address), else "section+0x10"; outside every section
   *  a symbol of exactly that value (a section's end, such as __init_end), else the bare address. */
  name(address: bigint, s = this.sectionAt(address)): string {
    if (!s) return this.symbols?.exactly(address, this.sectionIndices) ?? `0x${address.toString(16)}`;
    const off = address - s.addr;
    return this.symbols?.nameAt(s.index, address) ?? `${s.name}${off === 0n ? '' : `+0x${off.toString(16)}`}`;
  }
}

const images = new WeakMap<ElfFile, ImageAddresses>();

/** The address lookups of `elf`, built on first use. */
export function imageAddresses(elf: ElfFile): ImageAddresses {
  let a = images.get(elf);
  if (!a) images.set(elf, (a = new ImageAddresses(elf)));
  return a;
}
