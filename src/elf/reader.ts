// Zero-copy ELF reader (gABI "Object Files"): headers are decoded on open, tables lazily on demand.
// Every view points into the caller's bytes; nothing here copies section contents or does I/O.
// Malformed input raises ElfFormatError naming the file, structure and byte offset.

import { ByteView, latin1, readCString } from './bytes.ts';
import {
  EHDR_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, PHDR_SIZE, REL_SIZE, RELA_SIZE,
  SHDR_SIZE, SHN_LORESERVE, SHN_XINDEX, SHT_GROUP, SHT_NOBITS, SHT_NULL, SHT_REL, SHT_RELA,
  SHT_RELR, SHT_SYMTAB_SHNDX, SYM_SIZE,
} from './constants.ts';
import { checkRange, ElfFormatError } from './errors.ts';
import type { ElfClass, FileHeader, Note, ProgramHeader, Relocation, SectionGroup, SectionHeader, Symbol } from './types.ts';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/** Opens an ELF file over `bytes` without copying them. */
export function readElf(bytes: Uint8Array, fileName = '<input>'): ElfFile {
  return new ElfFile(bytes, fileName);
}

export class ElfFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly data: ByteView;
  readonly header: FileHeader;
  readonly is64: boolean;
  readonly sections: SectionHeader[];
  readonly segments: ProgramHeader[];
  private readonly symbolTables = new Map<number, SymbolTable>();
  private readonly stringTables = new Map<number, StringTable>();
  private readonly relocationTables = new Map<number, RelocationTable>();

  constructor(bytes: Uint8Array, fileName: string) {
    this.fileName = fileName;
    this.bytes = bytes;
    if (bytes.length < 16) throw this.error('ELF header', 0, `file is ${bytes.length} bytes, too short for e_ident`);
    if (!isElf(bytes)) throw this.error('ELF header', 0, 'not an ELF file (bad magic)');
    const cls = bytes[4];
    const enc = bytes[5];
    if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw this.error('ELF header', 4, `unknown EI_CLASS ${cls}`);
    if (enc !== ELFDATA2LSB && enc !== ELFDATA2MSB) throw this.error('ELF header', 5, `unknown EI_DATA ${enc}`);
    this.is64 = cls === ELFCLASS64;
    const elfClass: ElfClass = this.is64 ? 64 : 32;
    this.data = new ByteView(bytes, enc === ELFDATA2LSB);
    checkRange(fileName, 'ELF header', 0, EHDR_SIZE[elfClass], bytes.length);
    this.header = this.readFileHeader(elfClass);
    this.sections = this.readSectionHeaders();
    this.segments = this.readProgramHeaders();
    this.nameSections();
  }

  error(structure: string, offset: number, problem: string): ElfFormatError {
    return new ElfFormatError(this.fileName, structure, offset, problem);
  }

  private readFileHeader(elfClass: ElfClass): FileHeader {
    const d = this.data;
    const w = this.is64 ? 8 : 4;
    const entry = d.word(24, this.is64);
    const phoff = d.word(24 + w, this.is64);
    const shoff = d.word(24 + 2 * w, this.is64);
    const o = 24 + 3 * w;
    const rawPhnum = d.u16(o + 8);
    const rawShnum = d.u16(o + 12);
    const rawShstrndx = d.u16(o + 14);
    return {
      ident: this.bytes.subarray(0, 16),
      elfClass,
      littleEndian: d.le,
      osabi: this.bytes[7],
      abiVersion: this.bytes[8],
      type: d.u16(16),
      machine: d.u16(18),
      version: d.u32(20),
      entry,
      phoff,
      shoff,
      flags: d.u32(o),
      ehsize: d.u16(o + 4),
      phentsize: d.u16(o + 6),
      shentsize: d.u16(o + 10),
      rawPhnum,
      rawShnum,
      rawShstrndx,
      phnum: rawPhnum,
      shnum: rawShnum,
      shstrndx: rawShstrndx,
    };
  }

  private tableOffset(value: bigint, structure: string, fieldOffset: number): number {
    if (value > BigInt(this.bytes.length)) {
      throw this.error(structure, fieldOffset, `table offset 0x${value.toString(16)} is past the end of the file (${this.bytes.length} bytes)`);
    }
    return Number(value);
  }

  private readSectionHeaders(): SectionHeader[] {
    const h = this.header;
    if (h.shoff === 0n) {
      if (h.rawShnum !== 0) throw this.error('ELF header', this.is64 ? 40 : 32, `e_shoff is 0 but e_shnum is ${h.rawShnum}`);
      return [];
    }
    const shoffField = this.is64 ? 40 : 32;
    const shoff = this.tableOffset(h.shoff, 'ELF header e_shoff', shoffField);
    const entsize = SHDR_SIZE[h.elfClass];
    if (h.shentsize !== entsize) throw this.error('ELF header', this.is64 ? 58 : 46, `e_shentsize is ${h.shentsize}, expected ${entsize}`);
    checkRange(this.fileName, 'section header 0', shoff, entsize, this.bytes.length);
    const first = this.readSectionHeader(shoff, 0);
    let shnum = h.rawShnum;
    if (shnum === 0) {
      // gABI: e_shnum 0 with a section table means the real count is section 0's sh_size.
      if (first.size > BigInt(this.bytes.length)) throw this.error('section header 0', shoff, `sh_size escape count ${first.size} is absurd`);
      shnum = Number(first.size);
    }
    let shstrndx = h.rawShstrndx;
    if (shstrndx === SHN_XINDEX) shstrndx = first.link;
    if (h.rawPhnum === 0xffff) h.phnum = first.info;
    checkRange(this.fileName, `section header table (${shnum} entries)`, shoff, shnum * entsize, this.bytes.length);
    h.shnum = shnum;
    h.shstrndx = shstrndx;
    const sections = new Array<SectionHeader>(shnum);
    if (shnum > 0) sections[0] = first;
    for (let i = 1; i < shnum; i++) sections[i] = this.readSectionHeader(shoff + i * entsize, i);
    if (shstrndx !== 0 && shstrndx >= shnum) {
      throw this.error('ELF header', this.is64 ? 62 : 50, `e_shstrndx ${shstrndx} is out of range (${shnum} sections)`);
    }
    return sections;
  }

  private readSectionHeader(at: number, index: number): SectionHeader {
    const d = this.data;
    if (this.is64) {
      return {
        index, name: '', nameOffset: d.u32(at), type: d.u32(at + 4), flags: d.u64(at + 8), addr: d.u64(at + 16),
        offset: d.u64(at + 24), size: d.u64(at + 32), link: d.u32(at + 40), info: d.u32(at + 44),
        addralign: d.u64(at + 48), entsize: d.u64(at + 56),
      };
    }
    return {
      index, name: '', nameOffset: d.u32(at), type: d.u32(at + 4), flags: BigInt(d.u32(at + 8)), addr: BigInt(d.u32(at + 12)),
      offset: BigInt(d.u32(at + 16)), size: BigInt(d.u32(at + 20)), link: d.u32(at + 24), info: d.u32(at + 28),
      addralign: BigInt(d.u32(at + 32)), entsize: BigInt(d.u32(at + 36)),
    };
  }

  private readProgramHeaders(): ProgramHeader[] {
    const h = this.header;
    if (h.phnum === 0) return [];
    const phoff = this.tableOffset(h.phoff, 'ELF header e_phoff', 24 + (this.is64 ? 8 : 4));
    const entsize = PHDR_SIZE[h.elfClass];
    if (h.phentsize !== entsize) throw this.error('ELF header', this.is64 ? 54 : 42, `e_phentsize is ${h.phentsize}, expected ${entsize}`);
    checkRange(this.fileName, `program header table (${h.phnum} entries)`, phoff, h.phnum * entsize, this.bytes.length);
    const d = this.data;
    const out = new Array<ProgramHeader>(h.phnum);
    for (let i = 0; i < h.phnum; i++) {
      const at = phoff + i * entsize;
      out[i] = this.is64
        ? {
            index: i, type: d.u32(at), flags: d.u32(at + 4), offset: d.u64(at + 8), vaddr: d.u64(at + 16),
            paddr: d.u64(at + 24), filesz: d.u64(at + 32), memsz: d.u64(at + 40), align: d.u64(at + 48),
          }
        : {
            index: i, type: d.u32(at), offset: BigInt(d.u32(at + 4)), vaddr: BigInt(d.u32(at + 8)),
            paddr: BigInt(d.u32(at + 12)), filesz: BigInt(d.u32(at + 16)), memsz: BigInt(d.u32(at + 20)),
            flags: d.u32(at + 24), align: BigInt(d.u32(at + 28)),
          };
    }
    return out;
  }

  private nameSections(): void {
    const idx = this.header.shstrndx;
    if (idx === 0 || idx >= this.sections.length) return;
    const strtab = this.stringTable(idx);
    for (const s of this.sections) s.name = strtab.get(s.nameOffset, `section header ${s.index} sh_name`);
  }

  /** The bytes of a section (empty for SHT_NOBITS and SHT_NULL), a view into the file. */
  sectionData(index: number): Uint8Array {
    const s = this.section(index);
    if (s.type === SHT_NOBITS || s.type === SHT_NULL) return this.bytes.subarray(0, 0);
    const end = s.offset + s.size;
    if (end > BigInt(this.bytes.length)) {
      throw this.error(`section [${index}] ${s.name}`, Number(s.offset > BigInt(this.bytes.length) ? BigInt(this.bytes.length) : s.offset),
        `contents (offset 0x${s.offset.toString(16)}, size 0x${s.size.toString(16)}) run past the end of the file (${this.bytes.length} bytes)`);
    }
    return this.bytes.subarray(Number(s.offset), Number(end));
  }

  section(index: number): SectionHeader {
    const s = this.sections[index];
    if (s === undefined) throw this.error('section index', 0, `section ${index} does not exist (${this.sections.length} sections)`);
    return s;
  }

  sectionByName(name: string): SectionHeader | undefined {
    return this.sections.find((s) => s.name === name);
  }

  stringTable(index: number): StringTable {
    let t = this.stringTables.get(index);
    if (!t) {
      t = new StringTable(this, index, this.sectionData(index));
      this.stringTables.set(index, t);
    }
    return t;
  }

  /** The symbol table in section `index` (SHT_SYMTAB or SHT_DYNSYM), decoded lazily. */
  symbolTable(index: number): SymbolTable {
    let t = this.symbolTables.get(index);
    if (!t) {
      t = new SymbolTable(this, index);
      this.symbolTables.set(index, t);
    }
    return t;
  }

  /** The relocation table in section `index`, checked once and then shared (the linker asks per pass). */
  relocationTable(index: number): RelocationTable {
    let t = this.relocationTables.get(index);
    if (!t) {
      t = new RelocationTable(this, index);
      this.relocationTables.set(index, t);
    }
    return t;
  }

  /** Decodes an SHT_RELR section into the addresses it relocates (gABI RELR encoding). */
  relrAddresses(index: number): bigint[] {
    const s = this.section(index);
    if (s.type !== SHT_RELR) throw this.error(`section [${index}] ${s.name}`, Number(s.offset), 'not an SHT_RELR section');
    const data = this.sectionData(index);
    const w = this.is64 ? 8 : 4;
    const bits = BigInt(w * 8 - 1);
    const out: bigint[] = [];
    let where = 0n;
    const base = Number(s.offset);
    for (let at = 0; at + w <= data.length; at += w) {
      const entry = this.data.word(base + at, this.is64);
      if ((entry & 1n) === 0n) {
        out.push(entry);
        where = entry + BigInt(w);
      } else {
        for (let i = 0n, bitmap = entry >> 1n; bitmap !== 0n; i++, bitmap >>= 1n) {
          if (bitmap & 1n) out.push(where + i * BigInt(w));
        }
        where += bits * BigInt(w);
      }
    }
    return out;
  }

  /** The members of an SHT_GROUP section: flag word then section indices. */
  group(index: number): SectionGroup {
    const s = this.section(index);
    if (s.type !== SHT_GROUP) throw this.error(`section [${index}] ${s.name}`, Number(s.offset), 'not an SHT_GROUP section');
    const data = this.sectionData(index);
    if (data.length < 4 || data.length % 4 !== 0) {
      throw this.error(`group section [${index}] ${s.name}`, Number(s.offset), `size ${data.length} is not a positive multiple of 4`);
    }
    const base = Number(s.offset);
    const members: number[] = [];
    for (let at = 4; at < data.length; at += 4) members.push(this.data.u32(base + at));
    return { flags: this.data.u32(base), members };
  }

  /** Notes in [offset, offset+size): namesz, descsz, type, name and desc padded to `align`. */
  notes(offset: number, size: number, align = 4): Note[] {
    checkRange(this.fileName, 'note area', offset, size, this.bytes.length);
    const pad = align === 8 ? 8 : 4;
    const out: Note[] = [];
    const end = offset + size;
    let at = offset;
    while (at + 12 <= end) {
      const namesz = this.data.u32(at);
      const descsz = this.data.u32(at + 4);
      const type = this.data.u32(at + 8);
      const nameAt = at + 12;
      const descAt = nameAt + roundUp(namesz, pad);
      const next = descAt + roundUp(descsz, pad);
      if (descAt > end || descAt + descsz > end) throw this.error('note', at, `namesz ${namesz} / descsz ${descsz} run past the note area`);
      let nameEnd = nameAt + namesz;
      while (nameEnd > nameAt && this.bytes[nameEnd - 1] === 0) nameEnd--;
      let name = '';
      for (let i = nameAt; i < nameEnd; i++) name += String.fromCharCode(this.bytes[i]);
      out.push({ offset: at, name, type, desc: this.bytes.subarray(descAt, descAt + descsz) });
      at = next;
    }
    return out;
  }
}

function roundUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

export class StringTable {
  private readonly cache = new Map<number, string>();
  /** The whole table as one Latin-1 string, made once a caller has looked up many names: each
   *  further name is then a slice of it (no per-name decode, no cache entry). */
  private text: string | undefined;
  private misses = 0;
  constructor(
    private readonly elf: ElfFile,
    readonly index: number,
    readonly data: Uint8Array,
  ) {}

  get(offset: number, what: string): string {
    const text = this.text;
    if (text !== undefined && offset < text.length) {
      const end = text.indexOf('\0', offset);
      if (end >= 0) return text.slice(offset, end);
    }
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit;
    if (offset >= this.data.length) {
      if (offset === 0 && this.data.length === 0) return '';
      throw this.elf.error(`string table [${this.index}]`, Number(this.elf.sections[this.index].offset),
        `${what} offset ${offset} is past the table's end (${this.data.length} bytes)`);
    }
    const { text: name, end } = readCString(this.data, offset, this.data.length);
    if (end < 0) {
      throw this.elf.error(`string table [${this.index}]`, Number(this.elf.sections[this.index].offset) + offset,
        `${what}: string is not NUL-terminated before the table's end`);
    }
    this.cache.set(offset, name);
    if (++this.misses === BULK_LOOKUPS) this.text = latin1(this.data, 0, this.data.length);
    return name;
  }
}

/** Distinct lookups after which a string table is decoded whole (few-name readers never pay for it). */
const BULK_LOOKUPS = 256;

/** A symbol table (SHT_SYMTAB / SHT_DYNSYM) read in place; `get` builds one record on demand. */
export class SymbolTable {
  readonly count: number;
  readonly index: number;
  readonly firstGlobal: number;
  private readonly base: number;
  private readonly entsize: number;
  private readonly strings: StringTable;
  private shndxTable: Uint32Array | DataView | null = null;
  private shndxBase = 0;
  private readonly bytes: Uint8Array;
  private readonly le: boolean;
  private readonly is64: boolean;
  /** Offset of st_info in an entry; st_other and st_shndx follow it in both classes. */
  private readonly infoField: number;

  constructor(private readonly elf: ElfFile, index: number) {
    const s = elf.section(index);
    this.index = index;
    this.bytes = elf.bytes;
    this.le = elf.data.le;
    this.is64 = elf.is64;
    this.infoField = elf.is64 ? 4 : 12;
    this.entsize = SYM_SIZE[elf.header.elfClass];
    const data = elf.sectionData(index);
    this.base = Number(s.offset);
    if (s.entsize !== 0n && s.entsize !== BigInt(this.entsize)) {
      throw elf.error(`symbol table [${index}] ${s.name}`, this.base, `sh_entsize ${s.entsize} is not ${this.entsize}`);
    }
    if (data.length % this.entsize !== 0) {
      throw elf.error(`symbol table [${index}] ${s.name}`, this.base, `size ${data.length} is not a multiple of the entry size ${this.entsize}`);
    }
    this.count = data.length / this.entsize;
    this.firstGlobal = s.info;
    if (s.link >= elf.sections.length) {
      throw elf.error(`symbol table [${index}] ${s.name}`, this.base, `sh_link ${s.link} names no section`);
    }
    this.strings = elf.stringTable(s.link);
    // SHT_SYMTAB_SHNDX whose sh_link is this table carries the real section indices.
    for (const x of elf.sections) {
      if (x.type === SHT_SYMTAB_SHNDX && x.link === index) {
        const d = elf.sectionData(x.index);
        if (d.length < this.count * 4) {
          throw elf.error(`section [${x.index}] ${x.name}`, Number(x.offset), `SHT_SYMTAB_SHNDX has ${d.length / 4} entries for ${this.count} symbols`);
        }
        this.shndxTable = new DataView(d.buffer, d.byteOffset, d.byteLength);
        this.shndxBase = 0;
      }
    }
  }

  private at(i: number): number {
    if (!(i >= 0 && i < this.count)) {
      throw this.elf.error(`symbol table [${this.index}]`, this.base, `symbol index ${i} is out of range (${this.count} symbols)`);
    }
    return this.base + i * this.entsize;
  }

  // Field reads straight from the bytes (Elf64_Sym: name 0, info 4, other 5, shndx 6, value 8,
  // size 16; Elf32_Sym: name 0, value 4, size 8, info 12, other 13, shndx 14): the linker calls
  // these per symbol and per relocation, often before the engine has optimized anything.
  nameOffset(i: number): number {
    const at = this.at(i);
    const b = this.bytes;
    return this.le ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0 : this.elf.data.u32(at);
  }
  name(i: number): string {
    return this.strings.get(this.nameOffset(i), `symbol ${i} st_name`);
  }
  value(i: number): bigint {
    const at = this.at(i);
    return this.is64 ? this.elf.data.u64(at + 8) : BigInt(this.elf.data.u32(at + 4));
  }
  size(i: number): bigint {
    const at = this.at(i);
    return this.is64 ? this.elf.data.u64(at + 16) : BigInt(this.elf.data.u32(at + 8));
  }
  info(i: number): number {
    return this.bytes[this.at(i) + this.infoField];
  }
  other(i: number): number {
    return this.bytes[this.at(i) + this.infoField + 1];
  }
  rawShndx(i: number): number {
    const at = this.at(i) + this.infoField + 2;
    return this.le ? this.bytes[at] | (this.bytes[at + 1] << 8) : (this.bytes[at] << 8) | this.bytes[at + 1];
  }
  shndx(i: number): number {
    const raw = this.rawShndx(i);
    if (raw === SHN_XINDEX && this.shndxTable) {
      return (this.shndxTable as DataView).getUint32(this.shndxBase + i * 4, this.elf.data.le);
    }
    return raw;
  }

  get(i: number): Symbol {
    const info = this.info(i);
    const other = this.other(i);
    const rawShndx = this.rawShndx(i);
    return {
      index: i,
      nameOffset: this.nameOffset(i),
      name: this.name(i),
      value: this.value(i),
      size: this.size(i),
      info,
      type: info & 0xf,
      bind: info >> 4,
      other,
      visibility: other & 3,
      rawShndx,
      shndx: rawShndx === SHN_XINDEX ? this.shndx(i) : rawShndx,
    };
  }

  *[Symbol.iterator](): IterableIterator<Symbol> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }

  /** True when st_shndx is an ordinary section index (not UNDEF and not reserved). */
  static isSectionIndex(shndx: number): boolean {
    return shndx !== 0 && (shndx < SHN_LORESERVE || shndx > 0xffff);
  }
}

/** A relocation section (SHT_REL or SHT_RELA) read in place. */
export class RelocationTable {
  readonly count: number;
  readonly index: number;
  readonly isRela: boolean;
  readonly entsize: number;
  readonly base: number;
  /** sh_link: the symbol table; sh_info: the section it patches. */
  readonly symbolTableIndex: number;
  readonly targetSection: number;

  constructor(private readonly elf: ElfFile, index: number) {
    const s = elf.section(index);
    if (s.type !== SHT_REL && s.type !== SHT_RELA) {
      throw elf.error(`section [${index}] ${s.name}`, Number(s.offset), 'not a relocation section');
    }
    this.index = index;
    this.isRela = s.type === SHT_RELA;
    this.entsize = (this.isRela ? RELA_SIZE : REL_SIZE)[elf.header.elfClass];
    const data = elf.sectionData(index);
    this.base = Number(s.offset);
    if (data.length % this.entsize !== 0) {
      throw elf.error(`relocation section [${index}] ${s.name}`, this.base, `size ${data.length} is not a multiple of the entry size ${this.entsize}`);
    }
    this.count = data.length / this.entsize;
    this.symbolTableIndex = s.link;
    this.targetSection = s.info;
  }

  private at(i: number): number {
    if (!(i >= 0 && i < this.count)) {
      throw this.elf.error(`relocation section [${this.index}]`, this.base, `relocation index ${i} is out of range (${this.count})`);
    }
    return this.base + i * this.entsize;
  }

  offset(i: number): bigint {
    return this.elf.data.word(this.at(i), this.elf.is64);
  }
  info(i: number): bigint {
    const at = this.at(i);
    return this.elf.data.word(at + (this.elf.is64 ? 8 : 4), this.elf.is64);
  }
  /** ELF64_R_SYM / ELF32_R_SYM. */
  sym(i: number): number {
    const at = this.at(i);
    const d = this.elf.data;
    if (this.elf.is64) return d.u32(at + (d.le ? 12 : 8));
    return d.u32(at + 4) >>> 8;
  }
  /** ELF64_R_TYPE / ELF32_R_TYPE. */
  type(i: number): number {
    const at = this.at(i);
    const d = this.elf.data;
    if (this.elf.is64) return d.u32(at + (d.le ? 8 : 12));
    return d.u32(at + 4) & 0xff;
  }
  addend(i: number): bigint {
    if (!this.isRela) return 0n;
    const at = this.at(i);
    return this.elf.data.sword(at + (this.elf.is64 ? 16 : 8), this.elf.is64);
  }

  get(i: number): Relocation {
    return { offset: this.offset(i), info: this.info(i), sym: this.sym(i), type: this.type(i), addend: this.addend(i) };
  }
}
