// Names the relocs tool prints: relocation types, symbol types/binds/visibilities, section names.
// Only the entries the kernel tool's own tables hold; anything else prints as its "unknown ..." text.
// Follows arch/x86/tools/relocs.c (rel_type, sym_type, sym_bind, sym_visibility, sec_name) in 6.1 and 6.15.

import { SHN_ABS, SHN_COMMON } from '../../elf/index.ts';

/** x86-64 relocation type numbers the tool names (psABI numbering). */
export const R_X86_64 = {
  NONE: 0, R64: 1, PC32: 2, GOT32: 3, PLT32: 4, COPY: 5, GLOB_DAT: 6, JUMP_SLOT: 7, RELATIVE: 8, GOTPCREL: 9,
  R32: 10, R32S: 11, R16: 12, PC16: 13, R8: 14, PC8: 15, PC64: 24, REX_GOTPCRELX: 42,
} as const;

/** i386 relocation type numbers the tool names. */
export const R_386 = {
  NONE: 0, R32: 1, PC32: 2, GOT32: 3, PLT32: 4, COPY: 5, GLOB_DAT: 6, JMP_SLOT: 7, RELATIVE: 8, GOTOFF: 9,
  GOTPC: 10, R16: 20, PC16: 21, R8: 22, PC8: 23,
} as const;

const X86_64_NAMES: Record<number, string> = {
  0: 'R_X86_64_NONE', 1: 'R_X86_64_64', 2: 'R_X86_64_PC32', 3: 'R_X86_64_GOT32', 4: 'R_X86_64_PLT32',
  5: 'R_X86_64_COPY', 6: 'R_X86_64_GLOB_DAT', 7: 'R_X86_64_JUMP_SLOT', 8: 'R_X86_64_RELATIVE',
  9: 'R_X86_64_GOTPCREL', 10: 'R_X86_64_32', 11: 'R_X86_64_32S', 12: 'R_X86_64_16', 13: 'R_X86_64_PC16',
  14: 'R_X86_64_8', 15: 'R_X86_64_PC8', 24: 'R_X86_64_PC64',
};

const I386_NAMES: Record<number, string> = {
  0: 'R_386_NONE', 1: 'R_386_32', 2: 'R_386_PC32', 3: 'R_386_GOT32', 4: 'R_386_PLT32', 5: 'R_386_COPY',
  6: 'R_386_GLOB_DAT', 7: 'R_386_JMP_SLOT', 8: 'R_386_RELATIVE', 9: 'R_386_GOTOFF', 10: 'R_386_GOTPC',
  20: 'R_386_16', 21: 'R_386_PC16', 22: 'R_386_8', 23: 'R_386_PC8',
};

export const UNKNOWN_RELOCATION_TYPE = 'unknown type rel type name';

/** The tool's name for a relocation type; 6.15 added R_X86_64_REX_GOTPCRELX to the 64-bit table. */
export function relocationTypeName(type: number, is64: boolean, knowsRexGotpcrelx: boolean): string {
  if (is64 && knowsRexGotpcrelx && type === R_X86_64.REX_GOTPCRELX) return 'R_X86_64_REX_GOTPCRELX';
  return (is64 ? X86_64_NAMES : I386_NAMES)[type] ?? UNKNOWN_RELOCATION_TYPE;
}

const SYMBOL_TYPES = ['STT_NOTYPE', 'STT_OBJECT', 'STT_FUNC', 'STT_SECTION', 'STT_FILE', 'STT_COMMON', 'STT_TLS'];
const SYMBOL_BINDS = ['STB_LOCAL', 'STB_GLOBAL', 'STB_WEAK'];
const SYMBOL_VISIBILITIES = ['STV_DEFAULT', 'STV_INTERNAL', 'STV_HIDDEN', 'STV_PROTECTED'];

export const symbolTypeName = (t: number): string => SYMBOL_TYPES[t] ?? 'unknown sym type name';
export const symbolBindName = (b: number): string => SYMBOL_BINDS[b] ?? 'unknown sym bind name';
export const symbolVisibilityName = (v: number): string => SYMBOL_VISIBILITIES[v] ?? 'unknown sym visibility name';

/** sec_name(): a real section's name, ABSOLUTE / COMMON for those reserved indices, else <noname>. */
export function sectionName(sectionNames: readonly string[], shndx: number): string {
  if (shndx < sectionNames.length) return sectionNames[shndx];
  if (shndx === SHN_ABS) return 'ABSOLUTE';
  if (shndx === SHN_COMMON) return 'COMMON';
  return '<noname>';
}

/** Label of the histogram bucket that collects relocation types >= 255. */
export const TYPE_OTHER_LABEL = 'types >= 255';
