// The relocs tool's diagnostic modes: --abs-syms, --abs-relocs and --reloc-info, as text.
// Printing only: which relocations are walked comes from walk.ts, symbol classes from classify.ts.
// Follows relocs.c print_absolute_symbols, print_absolute_relocs, print_reloc_info (6.1).

import { SHN_ABS, SHT_SYMTAB } from '../../elf/index.ts';
import type { ElfFile, SymbolTable } from '../../elf/index.ts';
import { symbolName } from './classify.ts';
import { relocationTypeName, sectionName, symbolBindName, symbolTypeName, symbolVisibilityName } from './names.ts';
import type { SymbolClasses } from './symbol-classes.ts';
import type { WalkedSection } from './walk.ts';
import { die } from './header.ts';

const hex = (v: bigint, digits: number) => BigInt.asUintN(digits * 4, v).toString(16).padStart(digits, '0');

/** --abs-syms: every SHN_ABS symbol (raw st_shndx) of every symbol table. */
export function printAbsoluteSymbols(elf: ElfFile): string {
  const names = elf.sections.map((s) => s.name);
  const out = ['Absolute symbols\n', ' Num:    Value Size  Type       Bind        Visibility  Name\n'];
  for (const s of elf.sections) {
    if (s.type !== SHT_SYMTAB) continue;
    const symtab = elf.symbolTable(s.index);
    for (let j = 0; j < symtab.count; j++) {
      if (symtab.rawShndx(j) !== SHN_ABS) continue;
      const info = symtab.info(j);
      const value = elf.is64 ? hex(symtab.value(j), 16) : `${hex(symtab.value(j), 8)} `;
      const size = (elf.is64 ? BigInt.asIntN(64, symtab.size(j)) : BigInt.asIntN(32, symtab.size(j))).toString().padStart(5);
      out.push(`${String(j).padStart(5)} ${value} ${size} ${symbolTypeName(info & 0xf).padStart(10)} ` +
        `${symbolBindName(info >> 4).padStart(10)} ${symbolVisibilityName(symtab.other(j) & 3).padStart(12)} ${symbolName(symtab, j, names)}\n`);
    }
  }
  out.push('\n');
  return out.join('');
}

/** Reads entry `j` of a walked section: r_offset, r_info, type, symbol index. */
function entry(elf: ElfFile, w: WalkedSection, j: number) {
  const at = w.start + j * (elf.is64 ? 24 : 8);
  const d = elf.data;
  const offset = elf.is64 ? d.u64(at) : BigInt(d.u32(at));
  const info = elf.is64 ? d.u64(at + 8) : BigInt(d.u32(at + 4));
  const type = elf.is64 ? d.u32(at + 8) : d.u32(at + 4) & 0xff;
  const sym = elf.is64 ? d.u32(at + 12) : d.u32(at + 4) >>> 8;
  return { offset, info, type, sym };
}

function checkedSymbol(elf: ElfFile, w: WalkedSection, symtab: SymbolTable, j: number, sym: number): number {
  if (sym >= symtab.count) {
    die(`${w.relocations.name}: relocation ${j} at file offset 0x${(w.start + j * (elf.is64 ? 24 : 8)).toString(16)} names symbol ${sym}, ` +
      `but ${w.symtab.name} has ${symtab.count} symbols\n`, elf.fileName, w.start + j * (elf.is64 ? 24 : 8));
  }
  return sym;
}

/** --abs-relocs: walked relocations against SHN_ABS symbols that are neither S_ABS nor S_REL. */
export function printAbsoluteRelocations(elf: ElfFile, walked: WalkedSection[], classes: SymbolClasses, knowsRex: boolean): string {
  const names = elf.sections.map((s) => s.name);
  const digits = elf.is64 ? 16 : 8;
  const out: string[] = [];
  for (const w of walked) {
    const symtab = elf.symbolTable(w.symtab.index);
    for (let j = 0; j < w.count; j++) {
      const r = entry(elf, w, j);
      const sym = checkedSymbol(elf, w, symtab, j, r.sym);
      if (symtab.rawShndx(sym) !== SHN_ABS) continue;
      const name = symbolName(symtab, sym, names);
      if (classes.abs?.test(name) || classes.rel?.test(name)) continue;
      if (out.length === 0) out.push('WARNING: Absolute relocations present\n', 'Offset     Info     Type     Sym.Value Sym.Name\n');
      out.push(`${hex(r.offset, digits)} ${hex(r.info, digits)} ${relocationTypeName(r.type, elf.is64, knowsRex).padStart(10)} ` +
        `${hex(symtab.value(sym), digits)}  ${name}\n`);
    }
  }
  if (out.length) out.push('\n');
  return out.join('');
}

/** --reloc-info: one TAB-separated line per walked relocation. */
export function printRelocationInfo(elf: ElfFile, walked: WalkedSection[], knowsRex: boolean): string {
  const names = elf.sections.map((s) => s.name);
  const out = ['reloc section\treloc type\tsymbol\tsymbol section\n'];
  for (const w of walked) {
    const symtab = elf.symbolTable(w.symtab.index);
    const cache = new Map<number, string>();
    const target = sectionName(names, w.relocations.info);
    for (let j = 0; j < w.count; j++) {
      const r = entry(elf, w, j);
      const sym = checkedSymbol(elf, w, symtab, j, r.sym);
      let tail = cache.get(sym);
      if (tail === undefined) {
        tail = `${symbolName(symtab, sym, names)}\t${sectionName(names, symtab.shndx(sym))}\n`;
        cache.set(sym, tail);
      }
      out.push(`${target}\t${relocationTypeName(r.type, elf.is64, knowsRex)}\t${tail}`);
    }
  }
  return out.join('');
}
