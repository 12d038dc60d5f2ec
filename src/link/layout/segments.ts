// Program headers: from the script's PHDRS (sections go to the segments named after `:`, later
// sections inheriting the previous list, as ld does), or built the way ld builds them without PHDRS
// — a new PT_LOAD when write/execute permission changes or a page gap opens — plus PT_NOTE, PT_TLS,
// PT_GNU_PROPERTY, PT_GNU_STACK and PT_GNU_RELRO. Only membership and addresses; file offsets are file-offsets.ts' job.
import { alignUp, PT_GNU_PROPERTY, PT_GNU_RELRO, PT_GNU_STACK, PT_LOAD, PT_NOTE, PT_TLS, SHF_ALLOC, SHF_EXECINSTR, SHF_TLS, SHF_WRITE, SHT_NOBITS, SHT_NOTE } from '../../elf/index.ts';
import type { LinkContext, OutputSection } from '../context.ts';
import { evaluate } from '../script/evaluate.ts';
import { isTbss } from './output-section.ts';

export interface Segment {
  type: number;
  flags: number;
  sections: OutputSection[];
  /** Includes the ELF file and program headers (FILEHDR/PHDRS, or ld's automatic first segment). */
  headers: boolean;
  paddr?: bigint;
  align: bigint;
  /** For a segment holding only the headers: its address (the page below the first section). */
  vaddr?: bigint;
  /** PT_GNU_RELRO: the read-only-after-relocation range, which ends on a page (data-segment.ts). */
  range?: { start: bigint; end: bigint };
}

const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const has = (o: OutputSection, f: number) => (o.flags & BigInt(f)) !== 0n;

export function buildSegments(ctx: LinkContext): Segment[] {
  const alloc = ctx.outputSections.filter((o) => has(o, SHF_ALLOC));
  return ctx.phdrs ? scriptSegments(ctx, alloc) : automaticSegments(ctx, alloc);
}

function scriptSegments(ctx: LinkContext, alloc: OutputSection[]): Segment[] {
  const env = { symbol: () => undefined, isDefined: () => false, sectionAddress: () => undefined, sectionLoadAddress: () => undefined, sectionSize: () => undefined, sectionAlignment: () => undefined, maxPageSize: ctx.options.maxPageSize, commonPageSize: ctx.options.commonPageSize, sizeofHeaders: 0n };
  const segments = ctx.phdrs!.map((p) => ({
    name: p.name,
    segment: {
      type: Number(evaluate(p.type, env).value), flags: p.flags ? Number(evaluate(p.flags, env).value) : -1, sections: [] as OutputSection[],
      headers: p.fileHeader || p.programHeaders, paddr: p.at ? evaluate(p.at, env).value : undefined, align: 0n,
    } as Segment,
  }));
  let current: string[] = [];
  for (const os of alloc) {
    if (os.phdrs.length) current = os.phdrs;
    for (const name of current) segments.find((s) => s.name === name)?.segment.sections.push(os);
  }
  return segments.map(({ segment }) => finishSegment(ctx, segment));
}

function finishSegment(ctx: LinkContext, s: Segment): Segment {
  if (s.flags < 0) s.flags = PF_R | (s.sections.some((o) => has(o, SHF_WRITE)) ? PF_W : 0) | (s.sections.some((o) => has(o, SHF_EXECINSTR)) ? PF_X : 0);
  s.align = s.type === PT_LOAD ? ctx.options.maxPageSize : BigInt(Math.max(1, ...s.sections.map((o) => o.align)));
  return s;
}

function automaticSegments(ctx: LinkContext, alloc: OutputSection[]): Segment[] {
  const page = ctx.options.maxPageSize;
  const loads: Segment[] = [];
  let last: OutputSection | undefined;
  let writable = false;
  let executable = false;
  for (const os of alloc) {
    const seg = loads[loads.length - 1];
    if (!seg || !last || startsNewSegment(last, os, writable, executable, page)) {
      loads.push({ type: PT_LOAD, flags: -1, sections: [os], headers: false, align: page });
      writable = false;
      executable = false;
    } else seg.sections.push(os);
    if (has(os, SHF_WRITE)) writable = true;
    if (has(os, SHF_EXECINSTR)) executable = true;
    if (!isTbss(os)) last = os;
  }
  const first = loads[0]?.sections[0];
  const out: Segment[] = loads.map((s) => finishSegment(ctx, s));
  // Adjacent note sections of equal alignment share one PT_NOTE, as ld groups them.
  let note: Segment | undefined;
  alloc.forEach((o, i) => {
    const previous = alloc[i - 1];
    if (o.type !== SHT_NOTE) { note = undefined; return; }
    if (note && previous?.type === SHT_NOTE && previous.align === o.align) { note.sections.push(o); return; }
    note = { type: PT_NOTE, flags: PF_R, sections: [o], headers: false, align: 0n };
    out.push(note);
  });
  for (const s of out) if (s.type === PT_NOTE) finishSegment(ctx, s);
  const tls = alloc.filter((o) => has(o, SHF_TLS));
  if (tls.length) out.push(finishSegment(ctx, { type: PT_TLS, flags: PF_R, sections: tls, headers: false, align: 0n }));
  // The merged property note gets its own PT_GNU_PROPERTY, as ld gives it (the kernel's loader reads it).
  const property = alloc.find((o) => o.name === '.note.gnu.property' && o.type === SHT_NOTE && o.size > 0);
  if (property) out.push(finishSegment(ctx, { type: PT_GNU_PROPERTY, flags: PF_R, sections: [property], headers: false, align: 0n }));
  out.push({ type: PT_GNU_STACK, flags: PF_R | PF_W, sections: [], headers: false, align: 16n });
  const relro = ctx.relroRegion;
  if (relro) out.push({ type: PT_GNU_RELRO, flags: PF_R, sections: [], headers: false, align: 1n, range: relro });
  // The headers load with the first segment when they fit below its first section in that page.
  if (first && first.address % page >= BigInt(64 + 56 * out.length)) loads[0].headers = true;
  else if (first && first.address >= page) {
    // As ld with -z separate-code: otherwise they get a read-only PT_LOAD of their own in the page
    // below, so the kernel can pass AT_PHDR to the program.
    out.unshift({ type: PT_LOAD, flags: PF_R, sections: [], headers: true, align: page, vaddr: (first.address & ~(page - 1n)) - page });
  }
  return out;
}

/** ld's rules, in its order: a page gap, file data after zero-fill, a writable section joining a
 *  read-only segment on another page, then (with -z separate-code) code next to non-code. */
function startsNewSegment(last: OutputSection, os: OutputSection, writable: boolean, executable: boolean, page: bigint): boolean {
  const lastEnd = last.loadAddress + BigInt(last.size);
  if (alignUp(lastEnd, page) < alignUp(os.loadAddress, page)) return true;
  if (last.type === SHT_NOBITS && os.type !== SHT_NOBITS) return true;
  if (!writable && has(os, SHF_WRITE)) return ((lastEnd - 1n) & -page) !== (os.loadAddress & -page);
  return executable !== has(os, SHF_EXECINSTR);
}
