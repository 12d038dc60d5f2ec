// The EvaluationEnvironment (script/evaluate.ts) over a link in progress: symbols from inputs and
// earlier assignments, output-section facts, and ld's rule for which section a dot-derived symbol
// outside sections belongs to (previous section, or the next after an assignment to `.`).
import type { LinkContext, OutputSection } from '../context.ts';
import type { EvaluationEnvironment } from '../script/evaluate.ts';
import { globalAddress, globalOutputSection } from './addresses.ts';
import { isAlloc } from './output-section.ts';
import { dataSegmentAlign, dataSegmentEnd, dataSegmentRelroEnd, type DataSegment } from './data-segment.ts';

export interface LayoutState {
  ctx: LinkContext;
  byName: Map<string, OutputSection>;
  dot: bigint;
  /** Script symbols assigned so far in this walk (DEFINED()). */
  assigned: Set<string>;
  /** The last allocated output section laid out (ld's current_section). */
  current: OutputSection | undefined;
  /** An assignment to `.` outside sections was seen since (ld's prefer_next_section). */
  preferNext: boolean;
  /** `_end` (or `end`, `__end`) was assigned: later symbols belong to the previous section. */
  pastEnd: boolean;
  /** Index of the layout command being evaluated. */
  position: number;
  /** The last walk: ASSERTs are checked. */
  final: boolean;
  sizeofHeaders: bigint;
  /** DATA_SEGMENT_* state of this walk. */
  dataSegment: DataSegment;
}

export function createEnvironment(state: LayoutState, os: OutputSection | undefined): EvaluationEnvironment {
  const { ctx } = state;
  const live = (name: string) => state.byName.get(name);
  return {
    currentSection: os?.name,
    dot: state.dot,
    symbol(name) {
      const g = ctx.symbols.get(name);
      if (!g || !g.defined) return undefined;
      const where = globalOutputSection(g);
      const address = globalAddress(g);
      return where ? { value: address - where.address, section: where.name } : { value: address };
    },
    isDefined(name) {
      const g = ctx.symbols.get(name);
      if (!g || !g.defined) return false;
      return !g.scriptDefined || state.assigned.has(name);
    },
    sectionAddress: (name) => live(name)?.address,
    sectionLoadAddress: (name) => live(name)?.loadAddress,
    sectionSize: (name) => { const o = live(name); return o === undefined ? undefined : o.removed ? 0n : BigInt(o.size); },
    sectionAlignment: (name) => { const o = live(name); return o === undefined ? undefined : BigInt(o.align); },
    maxPageSize: ctx.options.maxPageSize,
    commonPageSize: ctx.options.commonPageSize,
    sizeofHeaders: state.sizeofHeaders,
    sectionForDot: () => sectionForDot(state)?.name,
    dataSegmentAlign: (max, common, dot) => dataSegmentAlign(state.dataSegment, max, common, dot),
    dataSegmentRelroEnd: (offset, value) => dataSegmentRelroEnd(state.dataSegment, offset, value),
    dataSegmentEnd: (value) => dataSegmentEnd(state.dataSegment, value),
    assertionFailed: () => { /* checked by assignAddresses' final walk */ },
  };
}

/** ld's section_for_dot: assignments belong to the previous output section, unless `.` was
 *  assigned since, when they belong to the next one — except past `_end`. */
function sectionForDot(state: LayoutState): OutputSection | undefined {
  const { ctx } = state;
  if (state.current && (!state.preferNext || state.pastEnd)) return state.current;
  let next: OutputSection | undefined;
  for (let i = state.position + 1; i < ctx.layout.length; i++) {
    const c = ctx.layout[i];
    if (c.kind === 'output' && !c.section.removed) { next = c.section; break; }
  }
  // The next kept section, or (it being non-allocated, or none following) the allocated one before.
  const sections = ctx.outputSections.filter((o) => !o.removed);
  let at = next ? sections.indexOf(next) : sections.length - 1;
  while (at >= 0 && !isAlloc(sections[at])) at--;
  if (at >= 0) return sections[at];
  return sections.find(isAlloc) ?? undefined;
}
