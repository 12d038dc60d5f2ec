// GNU ld's DATA_SEGMENT_ALIGN / DATA_SEGMENT_RELRO_END / DATA_SEGMENT_END, which place the start of
// the data segment by a first layout and then move it (ld 2.40 behaviour, checked against GNU ld):
// - with -z relro (ld's default) and something for the RELRO region, the first value is
//   ALIGN(maxpagesize); the region is then moved up so it ends on a page boundary (each section in
//   it, last first, placed to end where the next one starts) and DATA_SEGMENT_RELRO_END moves `.` to
//   that boundary;
// - otherwise the first value is ALIGN(maxpagesize) + (. & (maxpagesize - 1)), and if the segment's
//   first and last partial pages together fit in one common page, ld saves that page by starting at
//   ALIGN(maxpagesize) + ((. + commonpagesize - 1) & (maxpagesize - commonpagesize)) — an empty data
//   segment not on a page boundary included (its first and last partial pages add up to one page).
// "Something for the RELRO region" is ld's check: an allocated, non-empty input section that a
// statement between the two markers matches — also its built-in script's ONLY_IF_RW copies of
// .eh_frame, .gcc_except_table and friends, so any .eh_frame input turns the RELRO layout on.
import { alignUp, SHF_ALLOC } from '../../elf/index.ts';
import type { LinkContext } from '../context.ts';
import type { Expression, ScriptCommand, SectionsCommand } from '../script/index.ts';
import { compileGlob } from './glob.ts';
import { isTbss } from './output-section.ts';

export type DataSegmentPhase = 'none' | 'alignSeen' | 'relroSeen' | 'endSeen' | 'adjust' | 'relroAdjust' | 'done';

export interface DataSegment {
  phase: DataSegmentPhase;
  relro: boolean;
  base: bigint;
  relroEnd: bigint;
  relroOffset: bigint;
  end: bigint;
  maxPage: bigint;
  commonPage: bigint;
}

export function initialDataSegment(relro: boolean): DataSegment {
  return { phase: 'none', relro, base: 0n, relroEnd: 0n, relroOffset: 0n, end: 0n, maxPage: 1n, commonPage: 1n };
}

export function dataSegmentAlign(seg: DataSegment, max: bigint, common: bigint, dot: bigint): bigint {
  let value = alignUp(dot, max);
  if (seg.phase === 'relroAdjust') return seg.base;
  if (seg.phase === 'adjust') return common < max ? value + ((dot + common - 1n) & (max - common)) : value;
  if (!seg.relro) value += dot & (max - 1n);
  if (seg.phase === 'none') {
    Object.assign(seg, { phase: 'alignSeen', base: value, maxPage: max, commonPage: common, relroEnd: 0n });
  }
  return value;
}

export function dataSegmentRelroEnd(seg: DataSegment, offset: bigint, value: bigint): bigint {
  seg.relroOffset = offset;
  if (seg.phase === 'none' || seg.phase === 'relroSeen' || seg.phase === 'endSeen') return value;
  if (seg.phase === 'alignSeen' || seg.phase === 'relroAdjust') seg.relroEnd = value + offset;
  let result = value;
  if (seg.phase === 'relroAdjust' && (seg.relroEnd & (seg.maxPage - 1n)) !== 0n) {
    seg.relroEnd = alignUp(seg.relroEnd, seg.maxPage);
    result = seg.relroEnd - offset;
  }
  if (seg.phase === 'alignSeen') seg.phase = 'relroSeen';
  return result;
}

export function dataSegmentEnd(seg: DataSegment, value: bigint): bigint {
  if (seg.phase === 'alignSeen' || seg.phase === 'relroSeen') { seg.phase = 'endSeen'; seg.end = value; }
  return value;
}

/** After a first layout: the phase the next layouts run in (ld's lang_size_relro_segment). */
export function settleDataSegment(ctx: LinkContext, seg: DataSegment): void {
  if (seg.phase !== 'endSeen') { seg.phase = 'done'; return; }
  if (seg.relro && seg.relroEnd !== 0n) { moveRelroRegion(ctx, seg); return; }
  const page = seg.commonPage;
  const first = (-seg.base) & (page - 1n);
  const last = seg.end & (page - 1n);
  // On one page, first + last <= page only when the segment is empty (end == base): ld then starts it
  // at ALIGN(maxpagesize) exactly, as measured against ld 2.40 (no page-span condition).
  seg.phase = first && last && first + last <= page ? 'adjust' : 'done';
}

/** The RELRO region ends on a page: each allocated section in it, from the last, is placed to end
 *  where the one after starts (its own alignment rounding down); the segment starts there. */
function moveRelroRegion(ctx: LinkContext, seg: DataSegment): void {
  const pageEnd = alignUp(seg.relroEnd, seg.maxPage);
  let desiredEnd = pageEnd - seg.relroOffset;
  const limit = seg.relroEnd - seg.relroOffset;
  const kept = ctx.outputSections.filter((o) => !o.removed && (o.flags & BigInt(SHF_ALLOC)) !== 0n);
  for (let i = kept.length - 1; i >= 0; i--) {
    const o = kept[i];
    if (o.address < seg.base || o.address >= limit) continue;
    const end = isTbss(o) ? o.address : o.address + BigInt(o.size);
    const start = (o.address + (desiredEnd - end)) & ~(BigInt(Math.max(1, o.align)) - 1n);
    desiredEnd = start;
  }
  seg.phase = 'relroAdjust';
  if (desiredEnd >= seg.base) seg.base = desiredEnd;
}

/** ld's lang_find_relro_sections: an allocated, non-empty input section that a statement between
 *  DATA_SEGMENT_ALIGN and DATA_SEGMENT_RELRO_END matches — wherever it was placed, and also through
 *  statements whose ONLY_IF_RW constraint failed (ld walks the script's statements, not the output
 *  sections made) — or a linker-made section placed there; .tbss aside. */
export function hasRelroSection(ctx: LinkContext): boolean {
  const calls = (e: Expression, fn: string): boolean => {
    switch (e.kind) {
      case 'call': return e.fn === fn || e.args.some((a) => calls(a, fn));
      case 'unary': return calls(e.operand, fn);
      case 'binary': return calls(e.left, fn) || calls(e.right, fn);
      case 'conditional': return calls(e.condition, fn) || calls(e.whenTrue, fn) || calls(e.whenFalse, fn);
      default: return false;
    }
  };
  const statements = sectionsStatements(ctx.script?.commands ?? []);
  const start = statements.findIndex((c) => c.kind === 'assignment' && calls(c.value, 'DATA_SEGMENT_ALIGN'));
  if (start < 0) return false;
  const patterns: string[] = [];
  const names = new Set<string>();
  for (const c of statements.slice(start + 1)) {
    if (c.kind === 'assignment' && calls(c.value, 'DATA_SEGMENT_RELRO_END')) break;
    if (c.kind !== 'outputSection') continue;
    names.add(c.name);
    for (const d of c.commands) if (d.kind === 'input') for (const p of d.sections ?? []) patterns.push(p.pattern);
  }
  const made = ctx.outputSections.some((o) => names.has(o.name) && !o.removed && !isTbss(o) && o.members.some((m) => m.index < 0 && m.size > 0));
  if (made) return true;
  const matchers = patterns.map(compileGlob);
  for (const obj of ctx.objects) {
    for (const s of obj.sections) {
      if (!s || s.discarded || !s.output || s.size === 0 || (s.flags & BigInt(SHF_ALLOC)) === 0n || isTbss(s)) continue;
      if (matchers.some((m) => m(s.name))) return true;
    }
  }
  return false;
}

/** The SECTIONS statements in script order, INCLUDEd ones in place. */
function sectionsStatements(commands: readonly ScriptCommand[]): SectionsCommand[] {
  return commands.flatMap((c): SectionsCommand[] => {
    if (c.kind === 'include') return sectionsStatements(c.commands);
    if (c.kind !== 'sections') return [];
    const flat = (list: readonly SectionsCommand[]): SectionsCommand[] => list.flatMap((s) => (s.kind === 'include' ? flat(s.commands) : [s]));
    return flat(c.commands);
  });
}
