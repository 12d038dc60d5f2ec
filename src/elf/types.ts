// Plain records of the ELF gABI headers, as read from a file or built by a stage.
// 64-bit address-like fields are bigint (kernel addresses exceed 2^53); small fields are numbers.

export type ElfClass = 32 | 64;

export interface FileHeader {
  /** The 16 e_ident bytes (a view into the file). */
  ident: Uint8Array;
  elfClass: ElfClass;
  littleEndian: boolean;
  osabi: number;
  abiVersion: number;
  type: number;
  machine: number;
  version: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  flags: number;
  ehsize: number;
  phentsize: number;
  shentsize: number;
  /** Raw header fields, which may be escapes (0 / SHN_XINDEX / PN_XNUM) into section 0. */
  rawPhnum: number;
  rawShnum: number;
  rawShstrndx: number;
  /** Resolved counts and index, after the section-0 escapes. */
  phnum: number;
  shnum: number;
  shstrndx: number;
}

export interface SectionHeader {
  index: number;
  nameOffset: number;
  /** Name from the section header string table ('' when it cannot be resolved). */
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
}

export interface ProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface Symbol {
  index: number;
  nameOffset: number;
  name: string;
  value: bigint;
  size: bigint;
  info: number;
  type: number;
  bind: number;
  other: number;
  visibility: number;
  /** Raw st_shndx (may be SHN_XINDEX). */
  rawShndx: number;
  /** Section index after the SHT_SYMTAB_SHNDX escape. */
  shndx: number;
}

export interface Relocation {
  offset: bigint;
  info: bigint;
  sym: number;
  type: number;
  /** 0n for SHT_REL entries (the addend is in the patched bytes). */
  addend: bigint;
}

export interface Note {
  /** File offset of the note's header. */
  offset: number;
  name: string;
  type: number;
  desc: Uint8Array;
}

export interface SectionGroup {
  flags: number;
  members: number[];
}
