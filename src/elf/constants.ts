// Numeric constants of the ELF gABI (System V ABI, "Object Files" chapter) and the psABIs.
// Values only: how tools print them lives with those tools (src/readelf).

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_386 = 3;
export const EM_MIPS = 8;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_LOONGARCH = 258;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_RELR = 19;
export const SHT_GNU_HASH = 0x6ffffff6;
export const SHT_GNU_verdef = 0x6ffffffd;
export const SHT_GNU_verneed = 0x6ffffffe;
export const SHT_GNU_versym = 0x6fffffff;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_OS_NONCONFORMING = 0x100;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_COMPRESSED = 0x800;
export const SHF_GNU_RETAIN = 0x200000;
export const SHF_EXCLUDE = 0x80000000;

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_SHLIB = 5;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PT_GNU_PROPERTY = 0x6474e553;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;

export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

export const GRP_COMDAT = 1;

/** Sizes of the fixed records, by class. */
export const EHDR_SIZE = { 32: 52, 64: 64 } as const;
export const SHDR_SIZE = { 32: 40, 64: 64 } as const;
export const PHDR_SIZE = { 32: 32, 64: 56 } as const;
export const SYM_SIZE = { 32: 16, 64: 24 } as const;
export const REL_SIZE = { 32: 8, 64: 16 } as const;
export const RELA_SIZE = { 32: 12, 64: 24 } as const;
