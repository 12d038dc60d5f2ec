// Pass, writeOutput: gives every chunk a file offset the way ld does (each PT_LOAD's offset congruent
// to its address modulo the page size; zero-filled sections take no space; then non-allocated
// sections, .symtab, .strtab, the .rela sections and .shstrtab), writes program and section headers,
// and fills the build-id note last (SHA-1 over the finished file with the note's descriptor zeroed).
import { alignUp, EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, EM_X86_64, ET_EXEC, PT_LOAD, SHF_ALLOC, SHF_INFO_LINK, SHT_NOBITS, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, type ProgramHeader } from '../../elf/index.ts';
import { writeElf } from '../../elf/writer.ts';
import { writeBuildId } from '../chunks/build-id.ts';
import { BytesChunk, sectionHeader, type Chunk } from '../chunks/chunk.ts';
import { SuffixStringTable } from '../../elf/suffix-string-table.ts';
import type { LinkContext, OutputSection } from '../context.ts';
import { globalAddress } from '../layout/addresses.ts';
import { buildSegments, type Segment } from '../layout/segments.ts';
import { checkOutputSize } from '../output-limits.ts';

const PHDR = 56;
const SHDR = 64;
const positiveMod = (v: bigint, m: bigint) => ((v % m) + m) % m;

export function writeOutput(ctx: LinkContext): Uint8Array {
  const table = ctx.symbolTable!;
  const shstrtab = new SuffixStringTable();
  const chunks: Chunk[] = [];
  const byOutput = new Map<OutputSection, Chunk>();
  // The IRELATIVE table links to .symtab and applies to the slots' section (SHF_INFO_LINK), as ld's.
  const irelative = ctx.iplt?.relocations.output;
  for (const os of ctx.outputSections) {
    const relocates = os === irelative ? ctx.iplt!.slots.output : undefined;
    const chunk = new BytesChunk(sectionHeader(os.name, {
      type: os.type, flags: relocates ? os.flags | BigInt(SHF_INFO_LINK) : os.flags, addr: os.address, size: BigInt(os.size), addralign: BigInt(os.align), entsize: BigInt(os.entsize),
      ...(relocates ? { link: table.symtabIndex, info: relocates.index } : {}),
    }), os.data);
    chunks.push(chunk);
    byOutput.set(os, chunk);
    const rela = ctx.emitted.get(os);
    if (table.relaIndex.has(os)) {
      chunks.push(new BytesChunk(sectionHeader(`.rela${os.name}`, {
        type: SHT_RELA, flags: BigInt(SHF_INFO_LINK), link: table.symtabIndex, info: os.index, addralign: 8n, entsize: 24n,
      }), rela ?? new Uint8Array(0)));
    }
  }
  const symtab = new BytesChunk(sectionHeader('.symtab', { type: SHT_SYMTAB, addralign: 8n, entsize: 24n, link: table.symtabIndex + 1, info: table.firstGlobal }), table.symtab);
  const strtab = new BytesChunk(sectionHeader('.strtab', { type: SHT_STRTAB }), table.strtab);
  const shstr = new BytesChunk(sectionHeader('.shstrtab', { type: SHT_STRTAB }), undefined);
  chunks.push(symtab, strtab, shstr);
  // BFD names .symtab, .strtab and .shstrtab first, then the sections in order; .shstrtab is then
  // suffix-merged (".text" inside ".rela.text").
  for (const c of [symtab, strtab, shstr]) shstrtab.addText(c.header.name);
  const names = chunks.map((c, i) => { c.header.index = i + 1; return shstrtab.addText(c.header.name); });
  chunks.forEach((c, i) => { c.header.nameOffset = shstrtab.offset(names[i]); });
  shstr.bytes = shstrtab.data();
  for (const c of chunks) c.updateHeader();

  const segments = buildSegments(ctx);
  let offset = BigInt(EHDR_SIZE[64] + PHDR * segments.length);
  const placed = new Set<Chunk>();
  const phdrs: ProgramHeader[] = [];
  for (const seg of segments) {
    const first = seg.sections[0];
    if (seg.type === PT_LOAD && first && !placed.has(byOutput.get(first)!)) {
      if (seg.headers) offset = 0n;
      else offset += positiveMod(first.address - offset, seg.align);
      const base = offset;
      for (const os of seg.sections) {
        const c = byOutput.get(os)!;
        if (placed.has(c)) continue;
        placed.add(c);
        if (os.type === SHT_NOBITS) { c.header.offset = offset; continue; }
        c.header.offset = base + (os.address - (seg.headers ? first.address - positiveMod(first.address, seg.align) : first.address));
        offset = c.header.offset + BigInt(os.size);
      }
    }
    phdrs.push(programHeader(seg, byOutput, BigInt(EHDR_SIZE[64] + PHDR * segments.length)));
  }
  relroFromLoad(segments, phdrs);
  const nonAlloc = chunks.filter((c) => !placed.has(c) && c.header.type !== SHT_RELA && c !== symtab && c !== strtab && c !== shstr);
  for (const c of [...nonAlloc, symtab, strtab, ...chunks.filter((c) => c.header.type === SHT_RELA), shstr]) {
    if ((c.header.flags & BigInt(SHF_ALLOC)) !== 0n && placed.has(c)) continue;
    offset = alignUp(offset, c.header.addralign);
    c.header.offset = offset;
    if (c.header.type !== SHT_NOBITS) offset += c.header.size;
    placed.add(c);
  }
  if (ctx.options.warnRwxSegments && phdrs.some((p) => p.type === PT_LOAD && (p.flags & 7) === 7)) {
    ctx.diagnostics.push({ severity: 'warning', message: `ld: warning: ${ctx.options.output} has a LOAD segment with RWX permissions` });
  }
  const shoff = alignUp(offset, 8n);
  for (const c of chunks) {
    if (c.header.offset < 0n) checkOutputSize(`the file offset of ${c.header.name}`, -1, `address 0x${c.header.addr.toString(16)}`);
  }
  checkOutputSize('the output file', Number(shoff) + SHDR * (chunks.length + 1));
  const size = Number(shoff) + SHDR * (chunks.length + 1);
  const osabi = usesGnuSymbols(ctx) ? ELFOSABI_GNU : 0;
  const ident = new Uint8Array(16);
  ident.set([0x7f, 0x45, 0x4c, 0x46, ELFCLASS64, ELFDATA2LSB, 1, osabi]);
  const image = {
    header: {
      ident, elfClass: 64 as const, littleEndian: true, osabi, abiVersion: 0, type: ET_EXEC, machine: EM_X86_64, version: 1,
      entry: entryAddress(ctx), phoff: 64n, shoff, flags: 0, ehsize: 64, phentsize: PHDR, shentsize: SHDR,
      rawPhnum: phdrs.length, rawShnum: chunks.length + 1, rawShstrndx: shstr.header.index, phnum: phdrs.length, shnum: chunks.length + 1, shstrndx: shstr.header.index,
    },
    sections: [{ header: sectionHeader('', {}), data: new Uint8Array(0) }, ...chunks.map((c) => ({ header: c.header, data: c.header.type === SHT_NOBITS ? new Uint8Array(0) : (c as BytesChunk).bytes ?? new Uint8Array(0) }))],
    segments: phdrs, fill: [], size,
  };
  image.sections[0].header.addralign = 0n;
  const out = writeElf(image, ctx.options.output);
  if (ctx.synthetic.buildId?.output) writeBuildId(ctx, out, byOutput.get(ctx.synthetic.buildId.output)!.header.offset);
  return out;
}

/** PT_GNU_RELRO runs from the range's start to its page-aligned end, placed within the PT_LOAD that
 *  holds it, whose file bytes it shares up to its own end (as ld derives it from that PT_LOAD). */
const ELFOSABI_GNU = 3;
const STT_GNU_IFUNC = 10;
const STB_GNU_UNIQUE = 10;

/** Whether the output symbol table has a GNU extension symbol (STT_GNU_IFUNC, STB_GNU_UNIQUE), for
 *  which ld marks the file ELFOSABI_GNU. */
function usesGnuSymbols(ctx: LinkContext): boolean {
  const symtab = ctx.symbolTable?.symtab;
  if (!symtab) return false;
  for (let at = 4; at < symtab.length; at += 24) if ((symtab[at] & 0xf) === STT_GNU_IFUNC || symtab[at] >> 4 === STB_GNU_UNIQUE) return true;
  return false;
}

function relroFromLoad(segments: Segment[], phdrs: ProgramHeader[]): void {
  segments.forEach((seg, i) => {
    if (!seg.range) return;
    const { start, end } = seg.range;
    const load = phdrs.find((p) => p.type === PT_LOAD && p.vaddr <= start && start < p.vaddr + p.memsz);
    if (!load) return;
    const memsz = end - start;
    const inFile = load.filesz - (start - load.vaddr);
    phdrs[i] = { ...phdrs[i], offset: load.offset + (start - load.vaddr), vaddr: start, paddr: load.paddr + (start - load.vaddr), memsz, filesz: inFile < 0n ? 0n : inFile < memsz ? inFile : memsz };
  });
}

function programHeader(seg: Segment, byOutput: Map<OutputSection, Chunk>, headerSize: bigint): ProgramHeader {
  const first = seg.sections[0];
  const last = seg.sections[seg.sections.length - 1];
  if (!first) {
    const size = seg.vaddr === undefined ? 0n : headerSize;
    return { index: 0, type: seg.type, flags: seg.flags, offset: 0n, vaddr: seg.vaddr ?? 0n, paddr: seg.vaddr ?? 0n, filesz: size, memsz: size, align: seg.align };
  }
  const firstChunk = byOutput.get(first)!;
  const headerBytes = seg.headers ? positiveMod(first.address, seg.align) : 0n;
  const vaddr = first.address - headerBytes;
  const paddr = (seg.paddr ?? first.loadAddress) - headerBytes;
  const offset = firstChunk.header.offset - headerBytes;
  const memsz = last.address + BigInt(last.size) - vaddr;
  let fileEnd = vaddr;
  for (const os of seg.sections) if (os.type !== SHT_NOBITS) fileEnd = os.address + BigInt(os.size);
  return { index: 0, type: seg.type, flags: seg.flags, offset, vaddr, paddr, filesz: fileEnd - vaddr, memsz, align: seg.align };
}

function entryAddress(ctx: LinkContext): bigint {
  const name = ctx.options.entry ?? ctx.entrySymbol ?? '_start';
  const g = ctx.symbols.get(name);
  if (g?.defined) return BigInt.asUintN(64, globalAddress(g));
  if (/^(0x[0-9a-f]+|\d+)$/i.test(name)) return BigInt(name);
  const text = ctx.outputSections.find((o) => o.name === '.text') ?? ctx.outputSections.find((o) => (o.flags & 4n) !== 0n);
  const fallback = text?.address ?? 0n;
  ctx.diagnostics.push({ severity: 'warning', message: `ld: warning: cannot find entry symbol ${name}; defaulting to ${fallback.toString(16).padStart(16, '0')}` });
  return fallback;
}
