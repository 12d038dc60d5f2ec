// GNU symbol versioning for dynamic symbols (.gnu.version, .gnu.version_d, .gnu.version_r), resolved
// the way readelf 2.40 prints them: "@@VER" default, "@VER" hidden, "@VER (n)" needed. Read-only;
// present only when the dynamic section has DT_VERSYM, as readelf requires.

import { SHT_GNU_verdef, SHT_GNU_verneed, SHT_GNU_versym, type ElfFile } from '../elf/index.ts';
import { dynamicTags } from './dynamic.ts';

const DT_VERSYM = 0x6ffffff0n;
const VERSYM_HIDDEN = 0x8000;
const VER_FLG_BASE = 1;

export type VersionKind = 'public' | 'hidden' | 'needed';

export interface SymbolVersion {
  name: string;
  kind: VersionKind;
  /** vna_other of a needed version (printed as "(n)" in the symbol table). */
  other: number;
}

/** Looks up versions of one dynamic symbol table. Built once per file. */
export class SymbolVersions {
  private constructor(
    private readonly elf: ElfFile,
    private readonly versym: number,
    private readonly versymCount: number,
    private readonly defined: Map<number, { name: string; nameOffset: number; base: boolean }>,
    private readonly needed: Map<number, string>,
  ) {}

  static read(elf: ElfFile): SymbolVersions | null {
    if (!dynamicTags(elf).has(DT_VERSYM)) return null;
    const versym = elf.sections.find((s) => s.type === SHT_GNU_versym);
    if (!versym || versym.offset + versym.size > BigInt(elf.bytes.length)) return null;
    const defined = new Map<number, { name: string; nameOffset: number; base: boolean }>();
    const needed = new Map<number, string>();
    for (const s of elf.sections) {
      if (s.type === SHT_GNU_verdef) readDefinitions(elf, s.index, defined);
      else if (s.type === SHT_GNU_verneed) readNeeds(elf, s.index, needed);
    }
    return new SymbolVersions(elf, Number(versym.offset), Number(versym.size / 2n), defined, needed);
  }

  /** The version of dynamic symbol `i` (st_shndx `shndx`, st_name `nameOffset`), or null when
   *  readelf prints none. */
  lookup(i: number, shndx: number, nameOffset: number): SymbolVersion | null {
    if (i >= this.versymCount) return null;
    const raw = this.elf.data.u16(this.versym + 2 * i);
    if (raw === 0) return null;
    const hidden = (raw & VERSYM_HIDDEN) !== 0;
    const ndx = raw & 0x7fff;
    if (shndx !== 0 && raw !== 0x8001) {
      const def = this.defined.get(ndx);
      if (def) {
        if (ndx === 1 && def.base) return null;
        // The symbol that names a version definition itself (st_name == vda_name) gets no suffix.
        if (def.nameOffset !== nameOffset) return { name: def.name, kind: hidden ? 'hidden' : 'public', other: 0 };
      }
    }
    const need = this.needed.get(raw);
    if (need !== undefined) return { name: need, kind: 'needed', other: raw };
    return null;
  }
}

function inside(elf: ElfFile, at: number, size: number, end: number): boolean {
  return at >= 0 && at + size <= end && at + size <= elf.bytes.length;
}

/** Verdef chain: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash, vd_aux, vd_next. */
function readDefinitions(elf: ElfFile, index: number, out: Map<number, { name: string; nameOffset: number; base: boolean }>): void {
  const s = elf.sections[index];
  const start = Number(s.offset);
  const end = start + Number(s.size);
  if (s.link >= elf.sections.length) return;
  const strings = elf.stringTable(s.link);
  const d = elf.data;
  let at = start;
  for (let guard = 0; guard < 65536 && inside(elf, at, 20, end); guard++) {
    const flags = d.u16(at + 2);
    const ndx = d.u16(at + 4) & 0x7fff;
    const aux = at + d.u32(at + 12);
    const next = d.u32(at + 16);
    if (!out.has(ndx) && inside(elf, aux, 8, end)) {
      const nameOffset = d.u32(aux);
      if (nameOffset < strings.data.length) out.set(ndx, { name: strings.get(nameOffset, 'vda_name'), nameOffset, base: flags === VER_FLG_BASE });
    }
    if (next === 0) break;
    at += next;
  }
}

/** Verneed chain: vn_version, vn_cnt, vn_file, vn_aux, vn_next; vernaux: hash, flags, other, name, next. */
function readNeeds(elf: ElfFile, index: number, out: Map<number, string>): void {
  const s = elf.sections[index];
  const start = Number(s.offset);
  const end = start + Number(s.size);
  if (s.link >= elf.sections.length) return;
  const strings = elf.stringTable(s.link);
  const d = elf.data;
  let at = start;
  for (let guard = 0; guard < 65536 && inside(elf, at, 16, end); guard++) {
    const count = d.u16(at + 2);
    let aux = at + d.u32(at + 8);
    for (let j = 0; j < count && inside(elf, aux, 16, end); j++) {
      const other = d.u16(aux + 6);
      const nameOffset = d.u32(aux + 8);
      if (!out.has(other) && nameOffset < strings.data.length) out.set(other, strings.get(nameOffset, 'vna_name'));
      const next = d.u32(aux + 12);
      if (next === 0) break;
      aux += next;
    }
    const next = d.u32(at + 12);
    if (next === 0) break;
    at += next;
  }
}
