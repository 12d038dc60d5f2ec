// Decides what survives `objcopy --remove-section=…` on an executable: which sections are removed,
// which static relocation lists are dropped, and the output section order and index map.
// Does no layout and writes no bytes (layout.ts does). Follows GNU BFD 2.40 as recorded in
// docs kernel-pipeline.md §3.2–3.3: a non-ALLOC SHT_REL(A) linked to .symtab is its target's reloc list.

import {
  ET_DYN, ET_EXEC, SHF_ALLOC, SHT_REL, SHT_RELA, SHT_SYMTAB, SHT_SYMTAB_SHNDX, type ElfFile, type SectionHeader,
} from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import type { RemovePatterns } from './patterns.ts';

export type OutputRole = 'section' | 'relocs' | 'symtab' | 'strtab' | 'shstrtab';

export interface OutputSection {
  /** Index in the input file. */
  input: number;
  role: OutputRole;
  /** For 'relocs': the input index of the section it patches. */
  target?: number;
}

export interface RemovedSection {
  index: number;
  name: string;
  size: number;
  /** The pattern that selected it. */
  pattern: string;
  /** 'section', or 'relocations' for a static relocation list dropped with (or for) its target. */
  kind: 'section' | 'relocations';
  /** An allocated section whose bytes stay in its segment as zeros (the 6.18 noload pass). */
  zeroedInSegment: boolean;
}

export interface StripPlan {
  /** Output sections in section-header order, section 0 excluded. */
  order: OutputSection[];
  /** Input index → output index, -1 when the section does not survive. */
  sectionMap: Int32Array;
  removed: RemovedSection[];
  symtab: number;
  strtab: number;
  shstrtab: number;
}

/** True when section `s` is a static relocation list BFD folds into its target section. */
export function isStaticRelocationList(elf: ElfFile, s: SectionHeader, symtab: number): boolean {
  if (s.type !== SHT_REL && s.type !== SHT_RELA) return false;
  if ((s.flags & BigInt(SHF_ALLOC)) !== 0n) return false;
  if (symtab === 0 || s.link !== symtab) return false;
  if (s.info === 0 || s.info >= elf.sections.length) return false;
  const t = elf.sections[s.info].type;
  return t !== SHT_REL && t !== SHT_RELA;
}

export function planStrip(elf: ElfFile, patterns: RemovePatterns, noload: boolean): StripPlan {
  const fail = (offset: number, problem: string) => {
    throw new StageError(`${elf.fileName}: ${problem}`, [{ severity: 'error', message: problem, file: elf.fileName, offset }]);
  };
  if (elf.header.type !== ET_EXEC && elf.header.type !== ET_DYN) {
    fail(16, `e_type ${elf.header.type} is not ET_EXEC or ET_DYN; strip rewrites linked executables only`);
  }
  const n = elf.sections.length;
  const symtab = elf.sections.findIndex((s) => s.type === SHT_SYMTAB);
  const symtabIndex = symtab < 0 ? 0 : symtab;
  const strtab = symtabIndex ? elf.sections[symtabIndex].link : 0;
  const shstrtab = elf.header.shstrndx;
  if (shstrtab === 0) fail(elf.is64 ? 62 : 50, 'the file has no section header string table (e_shstrndx is 0)');
  const shndx = elf.sections.find((s) => s.type === SHT_SYMTAB_SHNDX);
  if (shndx) fail(Number(shndx.offset), `section [${shndx.index}] ${shndx.name}: SHT_SYMTAB_SHNDX (more than 65279 sections) is not supported`);
  if (strtab === shstrtab && symtabIndex) fail(Number(elf.sections[symtabIndex].offset), '.symtab shares its string table with the section names; not supported');

  const removed: RemovedSection[] = [];
  const removedSet = new Uint8Array(n);
  const special = new Map<number, OutputRole>([[symtabIndex, 'symtab'], [strtab, 'strtab'], [shstrtab, 'shstrtab']]);
  special.delete(0);
  for (let i = 1; i < n; i++) {
    const s = elf.sections[i];
    if (isStaticRelocationList(elf, s, symtabIndex)) continue;
    const pattern = patterns.match(s.name, 'remove');
    if (pattern === undefined) continue;
    if (special.has(i)) fail(Number(s.offset), `--remove-section=${pattern} selects ${s.name}, which strip rebuilds; removing it is not supported`);
    const alloc = (s.flags & BigInt(SHF_ALLOC)) !== 0n;
    if (alloc && !noload) {
      fail(Number(s.offset), `--remove-section=${pattern} selects the allocated section [${i}] ${s.name}: objcopy would rewrite ` +
        `the program headers ("empty loadable segment"); use the noload rule set (6.18) or a '!' pattern`);
    }
    removedSet[i] = 1;
    removed.push({ index: i, name: s.name, size: Number(s.size), pattern, kind: 'section', zeroedInSegment: alloc });
  }

  const relocsOf = new Map<number, number>();
  for (let i = 1; i < n; i++) {
    const s = elf.sections[i];
    if (!isStaticRelocationList(elf, s, symtabIndex)) continue;
    const target = elf.sections[s.info];
    const pattern = removedSet[s.info] ? `(section ${target.name} removed)` : patterns.match(target.name, 'remove-relocs');
    if (pattern !== undefined) {
      removedSet[i] = 1;
      removed.push({ index: i, name: s.name, size: Number(s.size), pattern, kind: 'relocations', zeroedInSegment: false });
    } else if (relocsOf.has(s.info)) {
      fail(Number(s.offset), `section [${i}] ${s.name} is a second relocation section for ${target.name}; not supported`);
    } else {
      relocsOf.set(s.info, i);
    }
  }

  // BFD order: ordinary sections in input order, each followed by its relocation list; then
  // .symtab, .strtab and .shstrtab last.
  const order: OutputSection[] = [];
  for (let i = 1; i < n; i++) {
    if (removedSet[i] || special.has(i) || isStaticRelocationList(elf, elf.sections[i], symtabIndex)) continue;
    order.push({ input: i, role: 'section' });
    const r = relocsOf.get(i);
    if (r !== undefined) order.push({ input: r, role: 'relocs', target: i });
  }
  if (symtabIndex) {
    order.push({ input: symtabIndex, role: 'symtab' });
    order.push({ input: strtab, role: 'strtab' });
  }
  order.push({ input: shstrtab, role: 'shstrtab' });
  const sectionMap = new Int32Array(n).fill(-1);
  sectionMap[0] = 0;
  order.forEach((o, k) => (sectionMap[o.input] = k + 1));
  return { order, sectionMap, removed, symtab: symtabIndex, strtab, shstrtab };
}
