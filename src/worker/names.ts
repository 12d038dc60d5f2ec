// Display names for ELF numbers (types, machines, flags) as the worker's rows carry them.
// Spelling follows GNU readelf's short forms; it does not format whole readelf output (src/readelf).
// Values from the gABI "Object Files" chapter and the x86-64 psABI relocation table.

import {
  EM_386, EM_AARCH64, EM_ARM, EM_LOONGARCH, EM_MIPS, EM_PPC, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64,
  ET_CORE, ET_DYN, ET_EXEC, ET_NONE, ET_REL, PF_R, PF_W, PF_X, SHF_ALLOC, SHF_COMPRESSED, SHF_EXCLUDE,
  SHF_EXECINSTR, SHF_GNU_RETAIN, SHF_GROUP, SHF_INFO_LINK, SHF_LINK_ORDER, SHF_MERGE,
  SHF_OS_NONCONFORMING, SHF_STRINGS, SHF_TLS, SHF_WRITE, SHN_ABS, SHN_COMMON, SHN_UNDEF,
} from '../elf/index.ts';

const fileTypes: Record<number, string> = { [ET_NONE]: 'NONE', [ET_REL]: 'REL', [ET_EXEC]: 'EXEC', [ET_DYN]: 'DYN', [ET_CORE]: 'CORE' };
const machines: Record<number, string> = {
  [EM_386]: 'i386', [EM_MIPS]: 'MIPS', [EM_PPC]: 'PowerPC', [EM_PPC64]: 'PowerPC64', [EM_S390]: 's390',
  [EM_ARM]: 'ARM', [EM_X86_64]: 'x86-64', [EM_AARCH64]: 'AArch64', [EM_RISCV]: 'RISC-V', [EM_LOONGARCH]: 'LoongArch',
};
const sectionTypes: Record<number, string> = {
  0: 'NULL', 1: 'PROGBITS', 2: 'SYMTAB', 3: 'STRTAB', 4: 'RELA', 5: 'HASH', 6: 'DYNAMIC', 7: 'NOTE', 8: 'NOBITS',
  9: 'REL', 11: 'DYNSYM', 14: 'INIT_ARRAY', 15: 'FINI_ARRAY', 16: 'PREINIT_ARRAY', 17: 'GROUP', 18: 'SYMTAB_SHNDX',
  19: 'RELR', 0x6ffffff6: 'GNU_HASH', 0x6ffffffd: 'VERDEF', 0x6ffffffe: 'VERNEED', 0x6fffffff: 'VERSYM',
  0x6ffffff5: 'GNU_ATTRIBUTES', 0x6fff4c03: 'LLVM_ADDRSIG',
};
const segmentTypes: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO', 0x6474e553: 'GNU_PROPERTY',
};
const symbolTypes = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];
const symbolBinds = ['LOCAL', 'GLOBAL', 'WEAK'];
const visibilities = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];

const hex = (n: number) => `0x${n.toString(16)}`;

export const fileTypeName = (t: number) => fileTypes[t] ?? hex(t);
export const machineName = (m: number) => machines[m] ?? `machine ${m}`;
export const sectionTypeName = (t: number) => sectionTypes[t] ?? hex(t);
export const segmentTypeName = (t: number) => segmentTypes[t] ?? hex(t);
export const symbolTypeName = (t: number) => symbolTypes[t] ?? (t === 10 ? 'IFUNC' : String(t));
export const symbolBindName = (b: number) => symbolBinds[b] ?? (b === 10 ? 'UNIQUE' : String(b));
export const visibilityName = (v: number) => visibilities[v & 3];

/** The section column of a symbol row: a section name or readelf's UND / ABS / COM. */
export function symbolSectionName(shndx: number, sectionNames: readonly string[]): string {
  if (shndx === SHN_UNDEF) return 'UND';
  if (shndx === SHN_ABS) return 'ABS';
  if (shndx === SHN_COMMON) return 'COM';
  return sectionNames[shndx] ?? String(shndx);
}

const flagLetters: [bigint, string][] = [
  [BigInt(SHF_WRITE), 'W'], [BigInt(SHF_ALLOC), 'A'], [BigInt(SHF_EXECINSTR), 'X'], [BigInt(SHF_MERGE), 'M'],
  [BigInt(SHF_STRINGS), 'S'], [BigInt(SHF_INFO_LINK), 'I'], [BigInt(SHF_LINK_ORDER), 'L'],
  [BigInt(SHF_OS_NONCONFORMING), 'O'], [BigInt(SHF_GROUP), 'G'], [BigInt(SHF_TLS), 'T'],
  [BigInt(SHF_COMPRESSED), 'C'], [BigInt(SHF_EXCLUDE), 'E'], [BigInt(SHF_GNU_RETAIN), 'R'],
];

/** readelf's key-to-flags letters for sh_flags. */
export function sectionFlagLetters(flags: bigint): string {
  let out = '';
  for (const [bit, letter] of flagLetters) if (flags & bit) out += letter;
  return out;
}

export function segmentFlagLetters(flags: number): string {
  return `${flags & PF_R ? 'R' : ' '}${flags & PF_W ? 'W' : ' '}${flags & PF_X ? 'E' : ' '}`;
}

/** How an x86-64 relocation patches its field: width in bytes and whether P is subtracted. */
export interface RelocationFormula {
  name: string;
  width: number;
  pcRelative: boolean;
}

const x86_64: Record<number, RelocationFormula> = {
  0: { name: 'R_X86_64_NONE', width: 0, pcRelative: false },
  1: { name: 'R_X86_64_64', width: 8, pcRelative: false },
  2: { name: 'R_X86_64_PC32', width: 4, pcRelative: true },
  3: { name: 'R_X86_64_GOT32', width: 4, pcRelative: false },
  4: { name: 'R_X86_64_PLT32', width: 4, pcRelative: true },
  9: { name: 'R_X86_64_GOTPCREL', width: 4, pcRelative: true },
  10: { name: 'R_X86_64_32', width: 4, pcRelative: false },
  11: { name: 'R_X86_64_32S', width: 4, pcRelative: false },
  12: { name: 'R_X86_64_16', width: 2, pcRelative: false },
  13: { name: 'R_X86_64_PC16', width: 2, pcRelative: true },
  14: { name: 'R_X86_64_8', width: 1, pcRelative: false },
  15: { name: 'R_X86_64_PC8', width: 1, pcRelative: true },
  24: { name: 'R_X86_64_PC64', width: 8, pcRelative: true },
  41: { name: 'R_X86_64_GOTPCRELX', width: 4, pcRelative: true },
  42: { name: 'R_X86_64_REX_GOTPCRELX', width: 4, pcRelative: true },
};

/** The formula of a relocation type when this module knows it (x86-64 today), else undefined. */
export function relocationFormula(machine: number, type: number): RelocationFormula | undefined {
  return machine === EM_X86_64 ? x86_64[type] : undefined;
}

export function relocationTypeName(machine: number, type: number): string {
  return relocationFormula(machine, type)?.name ?? `type ${type}`;
}
