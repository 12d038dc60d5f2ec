// The words GNU readelf 2.40 prints for ELF enumerations: machines, OS/ABIs, file, section and
// segment types, section flag letters, symbol types/bindings/visibilities and e_flags decodings.
// Lookup only; the layouts that use them live in the per-table modules beside this one.

import {
  EM_AARCH64, EM_ARM, EM_RISCV, EM_X86_64, ET_CORE, ET_DYN, ET_EXEC, ET_NONE, ET_REL,
} from '../elf/constants.ts';
import { altHex } from './text.ts';

const MACHINES: Record<number, string> = {
  0: 'None', 1: 'WE32100', 2: 'Sparc', 3: 'Intel 80386', 4: 'MC68000', 5: 'MC88000', 6: 'Intel MCU',
  7: 'Intel 80860', 8: 'MIPS R3000', 9: 'IBM System/370', 10: 'MIPS R4000 big-endian', 15: 'HPPA',
  18: 'Sparc v8+', 19: 'Intel 80960', 20: 'PowerPC', 21: 'PowerPC64', 22: 'IBM S/390', 23: 'SPU',
  36: 'Renesas V850 (using RH850 ABI)', 37: 'Fujitsu FR20', 38: 'TRW RH32', 39: 'MCORE', 40: 'ARM',
  41: 'Digital Alpha (old)', 42: 'Renesas / SuperH SH', 43: 'Sparc v9', 44: 'Siemens Tricore',
  45: 'ARC', 46: 'Renesas H8/300', 47: 'Renesas H8/300H', 48: 'Renesas H8S', 49: 'Renesas H8/500',
  50: 'Intel IA-64', 51: 'Stanford MIPS-X', 52: 'Motorola Coldfire', 53: 'Motorola MC68HC12',
  62: 'Advanced Micro Devices X86-64', 75: 'Digital VAX', 87: 'NEC v850', 88: 'Renesas M32R (formerly Mitsubishi M32r)',
  92: 'OpenRISC 1000', 94: 'Tensilica Xtensa Processor', 105: 'Texas Instruments msp430 microcontroller',
  106: 'Analog Devices Blackfin', 113: 'Altera Nios', 164: 'QUALCOMM DSP6 Processor', 167: 'Andes Technology compact code size embedded RISC processor family',
  183: 'AArch64', 188: 'Tilera TILEPro multicore architecture family', 189: 'Xilinx MicroBlaze',
  191: 'Tilera TILE-Gx multicore architecture family', 195: 'ARCv2', 220: 'Z80', 224: 'AMD GPU',
  243: 'RISC-V', 247: 'Linux BPF', 252: 'C-SKY', 258: 'LoongArch', 0x9026: 'Alpha',
};

export function machineName(machine: number): string {
  return MACHINES[machine] ?? `<unknown>: 0x${machine.toString(16)}`;
}

const OSABIS: Record<number, string> = {
  0: 'UNIX - System V', 1: 'UNIX - HP-UX', 2: 'UNIX - NetBSD', 3: 'UNIX - GNU', 6: 'UNIX - Solaris',
  7: 'UNIX - AIX', 8: 'UNIX - IRIX', 9: 'UNIX - FreeBSD', 10: 'UNIX - TRU64', 11: 'Novell - Modesto',
  12: 'UNIX - OpenBSD', 13: 'VMS - OpenVMS', 14: 'HP - Non-Stop Kernel', 15: 'AROS', 16: 'FenixOS',
  17: 'Nuxi CloudABI', 18: 'Stratus Technologies OpenVOS',
};

export function osabiName(osabi: number, machine: number): string {
  const known = OSABIS[osabi];
  if (known) return known;
  if (osabi >= 64 && machine === EM_ARM) {
    if (osabi === 97) return 'ARM';
    if (osabi === 65) return 'ARM FDPIC';
  }
  if (osabi === 64 && machine === 8) return 'Standalone App';
  return `<unknown: ${osabi.toString(16)}>`;
}

export function fileTypeName(type: number, pie: boolean): string {
  switch (type) {
    case ET_NONE: return 'NONE (None)';
    case ET_REL: return 'REL (Relocatable file)';
    case ET_EXEC: return 'EXEC (Executable file)';
    case ET_DYN: return pie ? 'DYN (Position-Independent Executable file)' : 'DYN (Shared object file)';
    case ET_CORE: return 'CORE (Core file)';
  }
  if (type >= 0xff00) return `Processor Specific: (${type.toString(16)})`;
  if (type >= 0xfe00) return `OS Specific: (${type.toString(16)})`;
  return `<unknown>: ${type.toString(16)}`;
}

/** The decoded e_flags suffix (", RVC, double-float ABI") for the machines ldplay knows. */
export function machineFlags(machine: number, flags: number): string {
  if (machine !== EM_RISCV) return '';
  let out = '';
  if (flags & 0x1) out += ', RVC';
  if (flags & 0x8) out += ', RVE';
  if (flags & 0x10) out += ', TSO';
  switch (flags & 0x6) {
    case 0x0: out += ', soft-float ABI'; break;
    case 0x2: out += ', single-float ABI'; break;
    case 0x4: out += ', double-float ABI'; break;
    case 0x6: out += ', quad-float ABI'; break;
  }
  return out;
}

const SECTION_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'PROGBITS', 2: 'SYMTAB', 3: 'STRTAB', 4: 'RELA', 5: 'HASH', 6: 'DYNAMIC', 7: 'NOTE',
  8: 'NOBITS', 9: 'REL', 10: 'SHLIB', 11: 'DYNSYM', 14: 'INIT_ARRAY', 15: 'FINI_ARRAY',
  16: 'PREINIT_ARRAY', 17: 'GROUP', 18: 'SYMTAB SECTION INDICES', 19: 'RELR',
  0x6ffffff5: 'GNU_ATTRIBUTES', 0x6ffffff6: 'GNU_HASH', 0x6ffffff7: 'GNU_LIBLIST',
  0x6ffffffd: 'VERDEF', 0x6ffffffe: 'VERNEED', 0x6fffffff: 'VERSYM',
  0x6fff4c00: 'LLVM_ODRTAB', 0x6fff4c01: 'LLVM_LINKER_OPTIONS', 0x6fff4c02: 'LLVM_CALL_GRAPH_PROFILE',
  0x6fff4c03: 'LLVM_ADDRSIG', 0x6fff4c04: 'LLVM_DEPENDENT_LIBRARIES', 0x6fff4c05: 'LLVM_SYMPART',
  0x6fff4c06: 'LLVM_PART_EHDR', 0x6fff4c07: 'LLVM_PART_PHDR', 0x6fff4c08: 'LLVM_BB_ADDR_MAP_V0',
  0x6fff4c09: 'LLVM_CALL_GRAPH_PROFILE', 0x6fff4c0a: 'LLVM_BB_ADDR_MAP',
};

const PROCESSOR_SECTION_TYPES: Record<number, Record<number, string>> = {
  [EM_X86_64]: { 0x70000001: 'X86_64_UNWIND' },
  [EM_AARCH64]: { 0x70000003: 'AARCH64_ATTRIBUTES' },
  [EM_RISCV]: { 0x70000003: 'RISCV_ATTRIBUTES' },
  [EM_ARM]: { 0x70000001: 'ARM_EXIDX', 0x70000002: 'ARM_PREEMPTMAP', 0x70000003: 'ARM_ATTRIBUTES', 0x70000004: 'ARM_DEBUGOVERLAY', 0x70000005: 'ARM_OVERLAYSECTION' },
};

export function sectionTypeName(type: number, machine: number): string {
  const known = SECTION_TYPES[type] ?? PROCESSOR_SECTION_TYPES[machine]?.[type];
  if (known) return known;
  if (type >= 0x70000000 && type <= 0x7fffffff) return `LOPROC+${altHex(type - 0x70000000)}`;
  if (type >= 0x60000000 && type <= 0x6fffffff) return `LOOS+${altHex(type - 0x60000000)}`;
  if (type >= 0x80000000 && type <= 0xffffffff) return `LOUSER+${altHex(type - 0x80000000)}`;
  return `${type.toString(16).padStart(8, '0')}: <unknown>`;
}

const SEGMENT_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO', 0x6474e553: 'GNU_PROPERTY',
  0x6474e554: 'GNU_SFRAME', 0x65a3dbe5: 'OPENBSD_MUTABLE', 0x65a3dbe6: 'OPENBSD_RANDOMIZE',
  0x65a3dbe7: 'OPENBSD_WXNEEDED', 0x65a41be6: 'OPENBSD_BOOTDATA',
};

const PROCESSOR_SEGMENT_TYPES: Record<number, Record<number, string>> = {
  [EM_AARCH64]: { 0x70000002: 'AARCH64_MEMTAG_MTE' },
  [EM_RISCV]: { 0x70000003: 'RISCV_ATTRIBUTES' },
  [EM_ARM]: { 0x70000001: 'EXIDX' },
};

export function segmentTypeName(type: number, machine: number): string {
  const known = SEGMENT_TYPES[type] ?? PROCESSOR_SEGMENT_TYPES[machine]?.[type];
  if (known) return known;
  if (type >= 0x60000000 && type <= 0x6fffffff) return `LOOS+${altHex(type - 0x60000000)}`;
  if (type >= 0x70000000 && type <= 0x7fffffff) return `LOPROC+${altHex(type - 0x70000000)}`;
  return `<unknown>: ${type.toString(16)}`;
}

/** The flag letters of readelf -S, lowest bit first (W A X M S I L O G T C ... E). */
export function sectionFlagLetters(flags: bigint, machine: number, osabi: number): string {
  let out = '';
  let rest = flags;
  while (rest !== 0n) {
    const bit = rest & -rest;
    rest &= ~bit;
    out += flagLetter(bit, machine, osabi);
  }
  return out;
}

function flagLetter(bit: bigint, machine: number, osabi: number): string {
  switch (bit) {
    case 0x1n: return 'W';
    case 0x2n: return 'A';
    case 0x4n: return 'X';
    case 0x10n: return 'M';
    case 0x20n: return 'S';
    case 0x40n: return 'I';
    case 0x80n: return 'L';
    case 0x100n: return 'O';
    case 0x200n: return 'G';
    case 0x400n: return 'T';
    case 0x800n: return 'C';
    case 0x80000000n: return 'E';
  }
  if (bit === 0x200000n && (osabi === 3 || osabi === 9)) return 'R';
  if (bit === 0x1000000n && (osabi === 0 || osabi === 3)) return 'D';
  if (bit === 0x10000000n && machine === EM_X86_64) return 'l';
  if ((bit & 0x0ff00000n) !== 0n) return 'o';
  if ((bit & 0xf0000000n) !== 0n) return 'p';
  return 'x';
}

/** The "Key to Flags" legend after the section table. */
export function sectionFlagKey(machine: number, osabi: number): string {
  let key = 'Key to Flags:\n'
    + '  W (write), A (alloc), X (execute), M (merge), S (strings), I (info),\n'
    + '  L (link order), O (extra OS processing required), G (group), T (TLS),\n'
    + '  C (compressed), x (unknown), o (OS specific), E (exclude),\n  ';
  if (osabi === 3 || osabi === 9) key += 'R (retain), ';
  if (osabi === 0 || osabi === 3) key += 'D (mbind), ';
  if (machine === EM_X86_64) key += 'l (large), ';
  else if (machine === EM_ARM) key += 'y (purecode), ';
  else if (machine === 20) key += 'v (VLE), ';
  return `${key}p (processor specific)\n`;
}

const SYMBOL_TYPES = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];

export function symbolTypeName(type: number, osabi: number): string {
  if (type < SYMBOL_TYPES.length) return SYMBOL_TYPES[type];
  if (type === 10 && (osabi === 3 || osabi === 9)) return 'IFUNC';
  if (type >= 13) return `<processor specific>: ${type}`;
  if (type >= 10) return `<OS specific>: ${type}`;
  return `<unknown>: ${type}`;
}

export function symbolBindName(bind: number, osabi: number): string {
  if (bind === 0) return 'LOCAL';
  if (bind === 1) return 'GLOBAL';
  if (bind === 2) return 'WEAK';
  if (bind === 10 && (osabi === 3 || osabi === 9)) return 'UNIQUE';
  if (bind >= 13) return `<processor specific>: ${bind}`;
  if (bind >= 10) return `<OS specific>: ${bind}`;
  return `<unknown>: ${bind}`;
}

export const VISIBILITY_NAMES = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];

/** The st_other bits beyond visibility that readelf names for some machines. */
export function symbolOtherName(machine: number, other: number): string {
  if (machine === EM_AARCH64 && other === 0x80) return 'VARIANT_PCS';
  if (machine === EM_RISCV && other === 0x80) return 'VARIANT_CC';
  return `<other>: ${other.toString(16)}`;
}

/** Ndx column: UND / ABS / COM, reserved ranges, or the decimal section index. */
export function symbolIndexText(shndx: number, machine: number): string {
  if (shndx === 0) return 'UND';
  if (shndx === 0xfff1) return 'ABS';
  if (shndx === 0xfff2) return 'COM';
  if (shndx === 0xff02 && machine === EM_X86_64) return 'LARGE_COM';
  if (shndx === 0xffff) return 'XINDEX';
  if (shndx >= 0xff00 && shndx <= 0xff1f) return `PRC[0x${shndx.toString(16).padStart(4, '0')}]`;
  if (shndx >= 0xff20 && shndx <= 0xff3f) return `OS [0x${shndx.toString(16).padStart(4, '0')}]`;
  if (shndx >= 0xff00 && shndx <= 0xffff) return `RSV[0x${shndx.toString(16).padStart(4, '0')}]`;
  return String(shndx).padStart(3, ' ');
}
