// Classifies every symbol of one symbol table once, into a byte of flags the scan loop reads by index.
// Decides nothing about relocations (scan.ts does); names are decoded only for symbols whose class
// depends on their name. Follows arch/x86/tools/relocs.c: shn_abs, is_reloc(), is_percpu_sym() (6.1).

import { SHN_ABS, SHN_UNDEF, SHN_XINDEX, SHT_SYMTAB } from '../../elf/index.ts';
import type { ElfFile, SymbolTable } from '../../elf/index.ts';
import { sectionName } from './names.ts';
import type { SymbolClasses } from './symbol-classes.ts';

/** st_shndx (raw) is SHN_UNDEF: x86-64 skips relocations against it. */
export const SYM_UNDEF = 1;
/** "shn_abs": raw st_shndx is SHN_ABS and the name is not S_REL. */
export const SYM_ABS = 2;
/** The name matches S_ABS (audited absolute). */
export const SYM_ABS_OK = 4;
/** A per-CPU symbol (in the zero-based .data..percpu, minus the tool's name exceptions). */
export const SYM_PERCPU = 8;
/** The name matches S_REL / S_SEG / S_LIN (real mode decisions). */
export const SYM_REL = 16;
export const SYM_SEG = 32;
export const SYM_LIN = 64;

/** sym_name(): st_name's string, or for st_name 0 the name of the symbol's section. */
export function symbolName(symtab: SymbolTable, i: number, sectionNames: readonly string[]): string {
  return symtab.nameOffset(i) !== 0 ? symtab.name(i) : sectionName(sectionNames, symtab.shndx(i));
}

export interface ClassifyOptions {
  classes: SymbolClasses;
  /** Section index of a zero-based .data..percpu, or -1. */
  perCpuShndx: number;
  /** Decode every name (real mode needs S_REL/S_SEG/S_LIN on any symbol). */
  allNames: boolean;
}

/** One flags byte per symbol of `symtab` (see the SYM_* bits). */
export function classifySymbols(elf: ElfFile, symtab: SymbolTable, options: ClassifyOptions): Uint8Array {
  const { classes, perCpuShndx, allNames } = options;
  const names = elf.sections.map((s) => s.name);
  const flags = new Uint8Array(symtab.count);
  for (let i = 0; i < symtab.count; i++) {
    const raw = symtab.rawShndx(i);
    const shndx = raw === SHN_XINDEX ? symtab.shndx(i) : raw;
    let f = raw === SHN_UNDEF ? SYM_UNDEF : 0;
    const perCpu = perCpuShndx >= 0 && shndx === perCpuShndx;
    if (raw !== SHN_ABS && !perCpu && !allNames) {
      flags[i] = f;
      continue;
    }
    const name = symbolName(symtab, i, names);
    const rel = classes.rel !== null && classes.rel.test(name);
    if (rel) f |= SYM_REL;
    if (raw === SHN_ABS && !rel) f |= SYM_ABS;
    if (classes.abs !== null && classes.abs.test(name)) f |= SYM_ABS_OK;
    if (classes.seg !== null && classes.seg.test(name)) f |= SYM_SEG;
    if (classes.lin !== null && classes.lin.test(name)) f |= SYM_LIN;
    if (perCpu && name !== '__init_begin' && name !== '__per_cpu_load' && !name.startsWith('init_per_cpu_')) f |= SYM_PERCPU;
    flags[i] = f;
  }
  return flags;
}

/** The value of the first symbol named `name` in any SHT_SYMTAB (sym_lookup), comparing string-table
 *  bytes rather than decoding every name. */
export function findSymbolValue(elf: ElfFile, name: string): bigint | undefined {
  const wanted = Array.from(name, (c) => c.charCodeAt(0));
  for (const s of elf.sections) {
    if (s.type !== SHT_SYMTAB) continue;
    const symtab = elf.symbolTable(s.index);
    const strtab = elf.sectionData(s.link);
    for (let i = 0; i < symtab.count; i++) {
      const at = symtab.nameOffset(i);
      if (at !== 0 && namedAt(strtab, at, wanted)) return symtab.value(i);
    }
  }
  return undefined;
}

function namedAt(strtab: Uint8Array, at: number, wanted: number[]): boolean {
  if (at + wanted.length >= strtab.length) return false;
  for (let k = 0; k < wanted.length; k++) if (strtab[at + k] !== wanted[k]) return false;
  return strtab[at + wanted.length] === 0;
}
