// The kernel's strip step: `objcopy --remove-section='.rel*' vmlinux.unstripped vmlinux` (and the
// 6.2 / 6.15 / 6.18 rule sets), re-implemented to give GNU objcopy 2.40's output byte for byte.
// A pure stage: never edits its input; it builds a new ElfImage and serialises it with writeElf.
// Follows docs kernel-pipeline.md §3 (kernel rules per version, objcopy pattern and layout facts).

import { readElf, SHF_INFO_LINK, SHT_NOBITS, SHT_REL, SHT_RELA, type ElfFile, type ProgramHeader, type SectionHeader } from '../elf/index.ts';
import { writeElf, type ElfImage } from '../elf/writer.ts';
import { StageError, type StageDescription, type StageResult } from '../pipeline/stage.ts';
import { layoutSections, type PlacedSection } from './strip/layout.ts';
import { RemovePatterns } from './strip/patterns.ts';
import { isStaticRelocationList, planStrip, type RemovedSection, type StripPlan } from './strip/plan.ts';
import { rewriteSymbols, type RewrittenSymbols } from './strip/symbols.ts';
import { SuffixStringTable } from '../elf/suffix-string-table.ts';

export interface StripOptions {
  /** objcopy `--remove-section` patterns, in command-line order. Default: the 6.14+ `['.rel*']`. */
  removeSections?: readonly string[];
  /** 6.18: run `--set-section-flags P=noload` first, so removing an allocated section leaves zeros
   *  in its segment instead of rewriting program headers. */
  noload?: boolean;
  /** `--strip-unneeded-symbol` patterns: matching symbols no kept relocation needs are dropped. */
  stripUnneededSymbols?: readonly string[];
  /** Input name used in diagnostics. */
  fileName?: string;
}

/** The kernel's strip rule for each version range (scripts/Makefile.vmlinux, arch/x86/Makefile.postlink). */
export const stripRuleSets = {
  '6.2': { label: '6.2–6.13 Makefile.postlink', removeSections: ['.rel.*', '.rel__*', '.rela.*', '.rela__*'] },
  '6.14': { label: '6.14 cmd_strip_relocs', removeSections: ['.rel*'] },
  '6.15': { label: '6.15–6.17 vmlinux.unstripped → vmlinux', removeSections: ['.rel*', '!.rel*.dyn'] },
  '6.18': {
    label: '6.18 noload + remove, strip __mod_device_table__*',
    removeSections: ['.modinfo', '.rel*', '!.rel*.dyn', '.rel.*'],
    noload: true,
    stripUnneededSymbols: ['__mod_device_table__*'],
  },
} as const satisfies Record<string, StripOptions & { label: string }>;
export type StripRuleSet = keyof typeof stripRuleSets;

export interface StripRecord {
  patterns: string[];
  removed: RemovedSection[];
  droppedSymbols: number;
  /** The first dropped symbol names (at most 50). */
  droppedSymbolNames: string[];
  /** Every output section: where it was and where it went (index and file offset). */
  sections: { name: string; role: 'section' | 'relocs' | 'symtab' | 'strtab' | 'shstrtab'; fromIndex: number; toIndex: number; fromOffset: number; toOffset: number; size: number }[];
  /** Symbols whose st_shndx changed because sections before theirs were removed. */
  renumberedSymbols: number;
  sectionsIn: number;
  sectionsOut: number;
  inputSize: number;
  outputSize: number;
  bytesSaved: number;
}

export const stripDescription: StageDescription = {
  id: 'strip',
  title: 'strip static relocations (objcopy)',
  explanation:
    'The link keeps every relocation (--emit-relocs) so the relocs tool can find the addresses KASLR must ' +
    'patch; the shipped vmlinux does not need them. objcopy rewrites the file without the .rel* sections: ' +
    'loadable bytes stay where they were, symbols are renumbered, and the tail of the file is laid out anew.',
  follows: 'scripts/Makefile.vmlinux (6.15+), arch/x86/Makefile.postlink (6.2–6.14); GNU objcopy 2.40',
};

export function strip(input: Uint8Array, options: StripOptions = {}): StageResult<StripRecord> {
  const { image, record } = stripImage(input, options);
  return { outputs: { vmlinux: writeElf(image, 'vmlinux') }, record, diagnostics: [] };
}

/**
 * The stripped file as an ElfImage (section data are views of `input` where unchanged) and its
 * record: strip() serialises it with writeElf; the CLI writes it piece by piece from the input's
 * own bytes instead of assembling a second file-sized buffer.
 */
export function stripImage(input: Uint8Array, options: StripOptions = {}): { image: ElfImage; record: StripRecord } {
  const elf = readElf(input, options.fileName ?? 'vmlinux.unstripped');
  const patterns = [...(options.removeSections ?? ['.rel*'])];
  const plan = planStrip(elf, new RemovePatterns(patterns), options.noload ?? false);
  const needed = neededSymbols(elf, plan, options.stripUnneededSymbols ?? []);
  const symbols = plan.symtab
    ? rewriteSymbols(elf, plan.symtab, plan.sectionMap, options.stripUnneededSymbols ?? [], needed)
    : undefined;
  const placed = buildSections(elf, plan, symbols);
  const { shoff, size } = layoutSections(elf, placed);
  const shnum = placed.length + 1;
  if (shnum >= 0xff00) throw new StageError(`${elf.fileName}: ${shnum} output sections need extended numbering; not supported`);
  const image: ElfImage = {
    header: { ...elf.header, shoff: BigInt(shoff), rawShnum: shnum, shnum, rawShstrndx: shnum - 1, shstrndx: shnum - 1 },
    sections: [{ header: nullSection(), data: new Uint8Array(0) }, ...placed.map((p) => ({ header: p.header, data: p.data }))],
    segments: outputSegments(elf, plan),
    fill: [],
    size,
  };
  const sections = placed.map((p, i) => ({
    name: p.header.name, role: p.role, fromIndex: p.header.index, toIndex: i + 1,
    fromOffset: Number(elf.sections[p.header.index].offset), toOffset: Number(p.header.offset), size: Number(p.header.size),
  }));
  return {
    image,
    record: {
      patterns,
      removed: plan.removed,
      droppedSymbols: symbols?.dropped.length ?? 0,
      droppedSymbolNames: symbols?.dropped.slice(0, 50) ?? [],
      sections,
      renumberedSymbols: symbols?.renumbered ?? 0,
      sectionsIn: elf.sections.length,
      sectionsOut: shnum,
      inputSize: input.length,
      outputSize: size,
      bytesSaved: input.length - size,
    },
  };
}

/** Program headers are kept, except that when the noload pass changed a section objcopy rewrites
 *  them (BFD rewrite_elf_program_header): a segment holding no section then gets p_align = the
 *  file's word size (observed with objcopy 2.40 on PT_GNU_STACK; docs kernel-pipeline.md §3.2). */
function outputSegments(elf: ElfFile, plan: StripPlan): ProgramHeader[] {
  if (!plan.removed.some((r) => r.zeroedInSegment)) return elf.segments;
  return elf.segments.map((p) => (p.filesz === 0n && p.memsz === 0n ? { ...p, align: elf.is64 ? 8n : 4n } : p));
}

/** The byte ranges of `input` that strip reads, given a buffer whose headers, section header
 *  table and section names are already filled in: headers plus every section it keeps (and, with
 *  --strip-unneeded-symbol, the relocation lists it scans). Lets a caller read a 632 MB file by
 *  range, leaving the static relocations (330 MB on Debian's vmlinux) unread. */
export function stripInputRanges(input: Uint8Array, options: StripOptions = {}): [number, number][] {
  const elf = readElf(input, options.fileName ?? 'vmlinux.unstripped');
  const plan = planStrip(elf, new RemovePatterns([...(options.removeSections ?? ['.rel*'])]), options.noload ?? false);
  const h = elf.header;
  const ranges: [number, number][] = [[0, h.ehsize]];
  if (elf.segments.length) ranges.push([Number(h.phoff), Number(h.phoff) + elf.segments.length * h.phentsize]);
  if (elf.sections.length) ranges.push([Number(h.shoff), Number(h.shoff) + elf.sections.length * h.shentsize]);
  const scanned = (options.stripUnneededSymbols ?? []).length > 0;
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.size === 0n) continue;
    const kept = plan.sectionMap[s.index] >= 0;
    const scannedRelocs = scanned && isStaticRelocationList(elf, s, plan.symtab) && plan.sectionMap[s.info] >= 0;
    if (kept || scannedRelocs) ranges.push([Number(s.offset), Number(s.offset + s.size)]);
  }
  return ranges;
}

function nullSection(): SectionHeader {
  return { index: 0, nameOffset: 0, name: '', type: 0, flags: 0n, addr: 0n, offset: 0n, size: 0n, link: 0, info: 0, addralign: 0n, entsize: 0n };
}

/** Symbols named by a relocation of any surviving section, dropped or not: objcopy marks them
 *  BSF_KEEP from the input relocations before filtering, so --strip-unneeded-symbol spares them. */
function neededSymbols(elf: ElfFile, plan: StripPlan, stripUnneeded: readonly string[]): Uint8Array {
  if (!plan.symtab) return new Uint8Array(0);
  const needed = new Uint8Array(elf.symbolTable(plan.symtab).count);
  if (stripUnneeded.length === 0) return needed;
  for (const s of elf.sections) {
    if (!isStaticRelocationList(elf, s, plan.symtab) || plan.sectionMap[s.info] < 0) continue;
    const r = elf.relocationTable(s.index);
    for (let i = 0; i < r.count; i++) needed[r.sym(i)] = 1;
  }
  needed[0] = 0;
  return needed;
}

/** Output section headers (output order) with names, links and contents; offsets come later. */
function buildSections(elf: ElfFile, plan: StripPlan, symbols: RewrittenSymbols | undefined): PlacedSection[] {
  const names = new SuffixStringTable();
  const fixed = {
    symtab: plan.symtab ? names.addText('.symtab') : -1,
    strtab: plan.symtab ? names.addText('.strtab') : -1,
    shstrtab: names.addText('.shstrtab'),
  };
  const map = (i: number) => (i > 0 && i < plan.sectionMap.length && plan.sectionMap[i] > 0 ? plan.sectionMap[i] : 0);
  const placed: (PlacedSection & { handle: number })[] = [];
  for (const o of plan.order) {
    const src = elf.sections[o.input];
    const header: SectionHeader = { ...src, index: o.input };
    let data = elf.sectionData(o.input);
    let handle: number;
    switch (o.role) {
      case 'section':
        handle = names.addText(src.name);
        header.link = map(src.link);
        if ((src.flags & BigInt(SHF_INFO_LINK)) !== 0n || src.type === SHT_REL || src.type === SHT_RELA) header.info = map(src.info);
        break;
      case 'relocs': {
        const target = elf.sections[o.target!];
        header.name = (src.type === SHT_RELA ? '.rela' : '.rel') + target.name;
        handle = names.addText(header.name);
        header.link = map(plan.symtab);
        header.info = map(o.target!);
        header.addralign = elf.is64 ? 8n : 4n;
        data = renumberRelocations(elf, o.input, symbols!);
        break;
      }
      case 'symtab':
        handle = fixed.symtab;
        data = symbols!.symtab;
        header.link = map(plan.strtab);
        header.info = symbols!.firstGlobal;
        header.addralign = elf.is64 ? 8n : 4n;
        break;
      case 'strtab':
        handle = fixed.strtab;
        data = symbols!.strtab;
        break;
      case 'shstrtab':
        handle = fixed.shstrtab;
        break;
    }
    placed.push({ header, role: o.role, data, handle });
  }
  const shstrtab = placed.find((p) => p.role === 'shstrtab')!;
  shstrtab.data = names.data();
  for (const p of placed) {
    p.header.nameOffset = names.offset(p.handle);
    if (p.role !== 'section') p.header.size = BigInt(p.data.length);
  }
  return placed;
}

/** A kept static relocation list with r_sym renumbered to the rewritten symbol table. */
function renumberRelocations(elf: ElfFile, index: number, symbols: RewrittenSymbols): Uint8Array {
  const r = elf.relocationTable(index);
  const src = elf.sectionData(index);
  let out: Uint8Array | null = null;
  for (let i = 0; i < r.count; i++) {
    const sym = r.sym(i);
    const to = symbols.symbolMap[sym];
    if (to === sym) continue;
    if (to < 0) {
      throw new StageError(`${elf.fileName}: relocation ${i} of ${elf.sections[index].name} needs symbol ${sym}, which is being removed`, [{
        severity: 'error', message: `symbol ${sym} is needed by relocations in ${elf.sections[index].name}`,
        file: elf.fileName, offset: r.base + i * r.entsize,
      }]);
    }
    out ??= src.slice();
    const at = i * r.entsize;
    const view = new DataView(out.buffer);
    if (elf.is64) view.setUint32(at + (elf.data.le ? 12 : 8), to, elf.data.le);
    else view.setUint32(at + 4, ((to << 8) | (view.getUint32(at + 4, elf.data.le) & 0xff)) >>> 0, elf.data.le);
  }
  return out ?? src;
}
