// GNU nm 2.40's view of an ELF symbol table: which symbols it lists (section and file symbols are
// BFD "debugging" symbols and hidden), the type letter BFD derives from binding, symbol type and
// section flags/names, the `nm -n` order and the BSD line format. Reads through src/elf views.
// Not here: dynamic symbols, --synthetic, --special-syms, C++ demangling, or non-ELF formats. Rules checked by
// experiment against binutils 2.40 (test/kernel/sysmap*.test.ts) and docs/kernel-pipeline.md §4.3.

import {
  EM_AARCH64, EM_ARM, EM_RISCV, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHN_COMMON, SHN_UNDEF, SHN_XINDEX, SHT_NOBITS, SHT_NULL,
  SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX, STB_GLOBAL, STB_GNU_UNIQUE, STB_LOCAL, STB_WEAK,
  STT_FILE, STT_GNU_IFUNC, STT_OBJECT, STT_SECTION,
} from '../elf/index.ts';
import type { ElfFile, SectionHeader } from '../elf/index.ts';

/** The symbols nm lists, as parallel arrays in symbol-table order (no object per symbol). */
export interface NmListing {
  /** Symbol-table index of each listed symbol. */
  index: Uint32Array;
  /** st_value split in halves, for cheap numeric compares. */
  valueHigh: Uint32Array;
  valueLow: Uint32Array;
  /** BFD's type letter, one char code per symbol. */
  letter: Uint8Array;
  /** 1 when the symbol is undefined (nm -n sorts these first and prints no value). */
  undefinedSymbol: Uint8Array;
  names: string[];
  count: number;
  /** 16 hex digits for ELF64, 8 for ELF32. */
  width: number;
}

/** Which BFD section (if any) ELF section `s` becomes: null when BFD keeps it as a table
 *  (symbol/string tables, static relocations) so symbols "in" it read as absolute. */
function isBfdSection(elf: ElfFile, s: SectionHeader, symtabIndex: number): boolean {
  if (s.type === SHT_NULL || s.type === SHT_SYMTAB_SHNDX) return false;
  if (s.type === SHT_SYMTAB) return s.index !== symtabIndex || (s.flags & BigInt(SHF_ALLOC)) !== 0n;
  if (s.type === SHT_STRTAB) {
    if (s.index === elf.header.shstrndx) return false;
    return !(symtabIndex > 0 && elf.sections[symtabIndex].link === s.index);
  }
  if (s.type === SHT_REL || s.type === SHT_RELA) {
    const target = elf.sections[s.info];
    const isRelocList = s.link === symtabIndex && s.info !== 0 && target !== undefined &&
      target.type !== SHT_REL && target.type !== SHT_RELA && (s.flags & BigInt(SHF_ALLOC)) === 0n;
    return !isRelocList;
  }
  return true;
}

const DEBUG_PREFIXES = ['.debug', '.gnu.debuglto_.debug_', '.gnu.linkonce.wi.', '.zdebug', '.line', '.stab'];
const COFF_NAMES: [string, number][] = [['.drectve', 0x69], ['.edata', 0x65], ['.idata', 0x69], ['.pdata', 0x70]];

/** BFD's section letter (lower case): name table first, then code/data/bss/debug/readonly flags. */
export function sectionLetter(s: SectionHeader): number {
  for (const [prefix, c] of COFF_NAMES) if (s.name.startsWith(prefix)) return c;
  const alloc = (s.flags & BigInt(SHF_ALLOC)) !== 0n;
  const contents = s.type !== SHT_NOBITS;
  const readonly = (s.flags & BigInt(SHF_WRITE)) === 0n;
  if ((s.flags & BigInt(SHF_EXECINSTR)) !== 0n) return 0x74; // t
  if (alloc && contents) return readonly ? 0x72 : 0x64; // r / d
  if (!contents) return 0x62; // b
  const debugging = !alloc && (DEBUG_PREFIXES.some((p) => s.name.startsWith(p)) || s.name === '.gdb_index');
  if (debugging) return 0x4e; // N
  if (readonly) return 0x6e; // n
  return 0x3f; // ?
}

/** BFD's "target special" symbols, which nm hides without --special-syms: AArch64 mapping/tag
 *  symbols ($d $f $m $p $x, alone or followed by '.'), RISC-V mapping symbols ($d…, $x…) and local
 *  labels (.L…, ..…, _.L_…), ARM mapping/tag symbols ($a $b $d $f $m $p $t). x86 has none.
 *  AArch64 and RISC-V checked against their binutils 2.40 nm; ARM follows the same naming. */
export function isTargetSpecialSymbol(machine: number, name: string): boolean {
  const mark = (letters: string) => name.length >= 2 && name[0] === '$' && letters.includes(name[1]) && (name.length === 2 || name[2] === '.');
  if (machine === EM_AARCH64) return mark('dfmpx');
  if (machine === EM_ARM) return mark('abdfmpt');
  if (machine === EM_RISCV) {
    return (name[0] === '$' && (name[1] === 'd' || name[1] === 'x')) || name.startsWith('.L') || name.startsWith('..') || name.startsWith('_.L_');
  }
  return false;
}

/** The letter bfd_decode_symclass gives one symbol. */
function symbolLetter(elf: ElfFile, info: number, rawShndx: number, shndx: number, bfdSection: Uint8Array): number {
  const bind = info >> 4;
  const type = info & 0xf;
  const object = type === STT_OBJECT;
  if (rawShndx === SHN_COMMON) return 0x43; // C
  if (rawShndx === SHN_UNDEF) return bind === STB_WEAK ? (object ? 0x76 : 0x77) : 0x55; // v w U
  if (type === STT_GNU_IFUNC) return 0x69; // i
  if (bind === STB_WEAK) return object ? 0x56 : 0x57; // V W
  if (bind === STB_GNU_UNIQUE) return 0x75; // u
  if (bind !== STB_GLOBAL && bind !== STB_LOCAL) return 0x3f; // ?
  let c: number;
  if (rawShndx === SHN_ABS || shndx >= elf.sections.length || !bfdSection[shndx] || (rawShndx >= 0xff00 && rawShndx !== SHN_XINDEX)) c = 0x61; // a
  else c = sectionLetter(elf.sections[shndx]);
  return bind === STB_GLOBAL && c >= 0x61 && c <= 0x7a ? c - 32 : c;
}

/** The symbols `nm` lists from the symbol table in section `symtabIndex` (default: the .symtab). */
export function nmListing(elf: ElfFile, symtabIndex = elf.sections.findIndex((s) => s.type === SHT_SYMTAB)): NmListing {
  const width = elf.is64 ? 16 : 8;
  if (symtabIndex < 0) {
    return { index: new Uint32Array(0), valueHigh: new Uint32Array(0), valueLow: new Uint32Array(0), letter: new Uint8Array(0), undefinedSymbol: new Uint8Array(0), names: [], count: 0, width };
  }
  const table = elf.symbolTable(symtabIndex);
  const bfdSection = Uint8Array.from(elf.sections, (s) => Number(isBfdSection(elf, s, symtabIndex)));
  const n = table.count;
  const index = new Uint32Array(n);
  const valueHigh = new Uint32Array(n);
  const valueLow = new Uint32Array(n);
  const letter = new Uint8Array(n);
  const undefinedSymbol = new Uint8Array(n);
  const names: string[] = [];
  const special = elf.header.machine === EM_AARCH64 || elf.header.machine === EM_ARM || elf.header.machine === EM_RISCV;
  let count = 0;
  // Index 0 is the null symbol, which BFD never reads.
  for (let i = 1; i < n; i++) {
    const info = table.info(i);
    const type = info & 0xf;
    if (type === STT_SECTION || type === STT_FILE) continue;
    const name = table.name(i);
    if (special && isTargetSpecialSymbol(elf.header.machine, name)) continue;
    const raw = table.rawShndx(i);
    const value = table.value(i);
    index[count] = i;
    valueHigh[count] = Number(value >> 32n);
    valueLow[count] = Number(value & 0xffffffffn);
    letter[count] = symbolLetter(elf, info, raw, raw === SHN_XINDEX ? table.shndx(i) : raw, bfdSection);
    undefinedSymbol[count] = raw === SHN_UNDEF ? 1 : 0;
    names.push(name);
    count++;
  }
  return { index, valueHigh, valueLow, letter, undefinedSymbol, names, count, width };
}

/** `nm -n` order: undefined symbols first, then by value, then by name (C locale byte order);
 *  equal keys keep symbol-table order (nm's qsort is glibc's stable merge sort). Returns positions. */
export function numericOrder(l: NmListing): Uint32Array {
  const order = Array.from({ length: l.count }, (_, i) => i);
  const { undefinedSymbol: u, valueHigh: hi, valueLow: lo, names } = l;
  order.sort((a, b) => {
    if (u[a] !== u[b]) return u[b] - u[a];
    if (!u[a]) {
      if (hi[a] !== hi[b]) return hi[a] - hi[b];
      if (lo[a] !== lo[b]) return lo[a] - lo[b];
    }
    const x = names[a];
    const y = names[b];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return Uint32Array.from(order);
}

/** nm's default order (no -n): by name in C-locale byte order, equal names in symbol-table order. */
export function nameOrder(l: NmListing): Uint32Array {
  const order = Array.from({ length: l.count }, (_, i) => i);
  const names = l.names;
  order.sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  return Uint32Array.from(order);
}

/** One BSD-format line without the newline: `VALUE T name`, or spaces for undefined symbols. */
export function formatNmLine(l: NmListing, i: number): string {
  const c = String.fromCharCode(l.letter[i]);
  if (l.undefinedSymbol[i]) return `${' '.repeat(l.width)} ${c} ${l.names[i]}`;
  const value = l.width === 16
    ? l.valueHigh[i].toString(16).padStart(8, '0') + l.valueLow[i].toString(16).padStart(8, '0')
    : l.valueLow[i].toString(16).padStart(8, '0');
  return `${value} ${c} ${l.names[i]}`;
}

/** The whole `nm` text in one of its orders: 'numeric' (-n), 'name' (default), 'none' (-p). */
export function nmText(elf: ElfFile, sort: 'numeric' | 'name' | 'none'): string {
  const l = nmListing(elf);
  const order = sort === 'numeric' ? numericOrder(l) : sort === 'name' ? nameOrder(l) : Uint32Array.from({ length: l.count }, (_, i) => i);
  const lines = new Array<string>(order.length);
  for (let k = 0; k < order.length; k++) lines[k] = formatNmLine(l, order[k]);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The whole `nm -n` text. */
export const nmNumericText = (elf: ElfFile) => nmText(elf, 'numeric');
