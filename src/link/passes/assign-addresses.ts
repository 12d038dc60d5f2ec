// Pass 5, assignAddresses: runs the placed SECTIONS program with the location counter, as ld's
// lang_size_sections + lang_do_assignments do — section VMAs (explicit, or `.` aligned), LMAs (AT(),
// else the previous section's VMA-LMA difference), input offsets, symbol assignments and ASSERTs —
// repeated until forward references settle. Empty output sections are dropped first (ld's rules).
import { alignUp, SHF_ALLOC, SHF_TLS, SHT_NOBITS, STV_HIDDEN } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import type { GlobalSymbol, InputSection, LayoutCommand, LayoutItem, LinkContext, OutputSection } from '../context.ts';
import { deriveSectionHeader, isAlloc, isTbss } from '../layout/output-section.ts';
import { createEnvironment, type LayoutState } from '../layout/script-environment.ts';
import { defineLinkerSymbols } from '../layout/linker-symbols.ts';
import { nearbySection } from '../layout/nearby-section.ts';
import { buildSegments } from '../layout/segments.ts';
import { hasRelroSection, initialDataSegment, settleDataSegment } from '../layout/data-segment.ts';
import { assignmentExpression, evaluate, resolveLocationCounter, resolveSymbolValue } from '../script/evaluate.ts';
import type { Assignment, Expression } from '../script/index.ts';

const WORD = (1n << 64n) - 1n;
const alignInWord = (v: bigint, a: bigint) => alignUp(v, a) & WORD;

export function assignAddresses(ctx: LinkContext): void {
  /** Each output section's members before emptied ones go, for the record (ld's map lists them). */
  const listed = new Map<OutputSection, InputSection[]>();
  for (const os of ctx.outputSections) {
    listed.set(os, os.members.filter((s) => !s.discarded));
    // An emptied merge or .eh_frame input goes; an empty .eh_frame keeps its place among others
    // with records (crtbeginT.o's __EH_FRAME_BEGIN__ labels where its records would be, as in ld).
    const withRecords = os.members.some((s) => s.ehFrame && s.size > 0 && !s.discarded);
    os.members = os.members.filter((s) => !s.discarded && !(s.merge && s.size === 0) && !(s.ehFrame && s.size === 0 && !withRecords));
    deriveSectionHeader(os);
  }
  markKeptSections(ctx);
  alignTlsBlock(ctx);
  const state: LayoutState = {
    ctx, byName: new Map(ctx.outputSections.map((o) => [o.name, o])), dot: 0n, assigned: new Set(), current: undefined, preferNext: false,
    pastEnd: false, position: 0, final: false, sizeofHeaders: initialHeaderSize(ctx), dataSegment: initialDataSegment(ctx.options.relro && hasRelroSection(ctx)),
  };
  // ld sizes sections until they settle, places the data segment from that layout (its RELRO or
  // page-saving step), then sizes again; each walk starts from the same data-segment state.
  let segment = state.dataSegment;
  settle(state, () => { state.dataSegment = { ...segment }; });
  if (segment.phase === 'none' && state.dataSegment.phase !== 'none') {
    segment = state.dataSegment;
    settleDataSegment(ctx, segment);
    settle(state, () => { state.dataSegment = { ...segment }; });
  }
  state.dataSegment = { ...segment };
  state.final = true;
  runLayout(state);
  const final = state.dataSegment;
  if (final.phase === 'relroAdjust' && final.relroEnd > final.base) ctx.relroRegion = { start: final.base, end: final.relroEnd };
  defineLinkerSymbols(ctx);
  for (const os of ctx.outputSections) if (os.removed) os.replacement = nearbySection(ctx, os);
  for (const g of ctx.symbols.values()) {
    if (g.scriptDefined && g.outputSection?.removed) g.outputSection = g.outputSection.replacement;
  }
  ctx.outputSections = ctx.outputSections.filter((o) => !o.removed);
  for (const os of ctx.outputSections) recordPlacements(ctx, os, listed.get(os) ?? os.members);
}

/** The record's placements of `os`, in member order: each kept member where it went, and each merge
 *  input whose every string an earlier one already held where it would have started, with its input
 *  size — as ld's -Map lists them. */
function recordPlacements(ctx: LinkContext, os: OutputSection, members: InputSection[]): void {
  const kept = new Set(os.members);
  let end = 0;
  for (const s of members) {
    if (!kept.has(s)) {
      if (s.merge) ctx.record.placements.push({ file: s.file.name, section: s.name, output: os.name, offset: end, size: Number(s.file.elf.sections[s.index].size), merged: true });
      continue;
    }
    const input = inputPieces(s);
    ctx.record.placements.push(input ? { file: s.file.name, section: s.name, output: os.name, offset: s.offset, size: s.size, input }
      : { file: s.file.name, section: s.name, output: os.name, offset: s.offset, size: s.size });
    end = s.offset + s.size;
  }
}

/** Which input file bytes `s`'s output began as (record.ts PlacementRecord.input): its own contents
 *  whole, or each kept entry of an edited .eh_frame (copied as edit-eh-frames writes them); nothing
 *  for merged strings and notes, or linker-made sections. */
function inputPieces(s: InputSection): { file: string; pieces: number[] } | undefined {
  if (s.index < 0 || s.type === SHT_NOBITS || s.merge || s.size === 0) return undefined;
  const bytes = s.file.elf.bytes;
  const at = s.data.byteOffset - bytes.byteOffset;
  if (s.data.buffer !== bytes.buffer || at !== Number(s.file.elf.sections[s.index].offset)) return undefined;
  const base = s.file.source.offset + at;
  if (s.ehFrame) {
    const pieces: number[] = [];
    for (const e of s.ehFrame) if (e.outputStart >= 0) pieces.push(e.outputStart, base + e.start, Math.min(e.size, e.inputSize));
    return { file: s.file.source.file, pieces };
  }
  return s.data.length === s.size ? { file: s.file.source.file, pieces: [0, base, s.size] } : undefined;
}

/** ld keeps an output section that has members (with --emit-relocs even empty ones), data, or a
 *  non-trivial assignment to `.`; others are removed (strip_excluded_output_sections). */
function markKeptSections(ctx: LinkContext): void {
  for (const cmd of ctx.layout) {
    if (cmd.kind !== 'output') continue;
    const os = cmd.section;
    const dotAssigned = cmd.items.some((i) => i.kind === 'assignment' && i.assignment.target === '.' && !trivialDotAssignment(i.assignment));
    const hasData = cmd.items.some((i) => i.kind === 'data');
    const contents = ctx.options.emitRelocs ? os.members.length > 0 : os.members.some((s) => s.size > 0);
    os.keep = dotAssigned || hasData;
    os.removed = !contents && !os.keep;
  }
}

/** ld raises the first TLS section's alignment to the TLS segment's, so the block starts aligned
 *  and TPOFF values (S - start - alignUp(size, align)) match what the runtime computes. */
function alignTlsBlock(ctx: LinkContext): void {
  const tls = ctx.outputSections.filter((o) => !o.removed && (o.flags & BigInt(SHF_TLS)) !== 0n);
  if (tls.length) tls[0].align = Math.max(...tls.map((o) => o.align));
}

/** `. = 0`, `. = . + 0`, `. = ALIGN(. != 0 ? x : 1)`: assignments ld does not count as keeping a
 *  section (they leave an empty one empty). */
function trivialDotAssignment(a: Assignment): boolean {
  const v = a.value;
  if (a.op === '=' && v.kind === 'number' && v.value === 0n) return true;
  if ((a.op === '+=' || a.op === '-=') && v.kind === 'number' && v.value === 0n) return true;
  if (v.kind === 'binary' && v.op === '+' && v.left.kind === 'dot' && v.right.kind === 'number' && v.right.value === 0n) return true;
  // `. = ALIGN(. != 0 ? x : 1)` (the default script's end of .bss) pads only a non-empty section.
  if (a.op !== '=' || v.kind !== 'call' || v.fn !== 'ALIGN' || v.args.length !== 1) return false;
  const c = v.args[0];
  return c.kind === 'conditional' && c.whenFalse.kind === 'number' && c.whenFalse.value === 1n &&
    c.condition.kind === 'binary' && c.condition.op === '!=' && c.condition.left.kind === 'dot' && c.condition.right.kind === 'number' && c.condition.right.value === 0n;
}

/** Walks the layout until addresses, sizes, script symbols and SIZEOF_HEADERS stop changing. */
function settle(state: LayoutState, beforeWalk: () => void): void {
  const { ctx } = state;
  let previous = '';
  for (let round = 0; round < 8; round++) {
    state.final = false;
    beforeWalk();
    runLayout(state);
    // SIZEOF_HEADERS counts the program headers this layout produces (ld sizes them the same way).
    // The PT_GNU_RELRO the data segment will get counts already (ld's count has it from the start).
    const seg = state.dataSegment;
    const relroRegion = ctx.relroRegion ?? (seg.relro && seg.relroEnd > seg.base ? { start: seg.base, end: seg.relroEnd } : undefined);
    if (!ctx.phdrs) state.sizeofHeaders = BigInt(64 + 56 * buildSegments({ ...ctx, relroRegion, outputSections: ctx.outputSections.filter((o) => !o.removed) }).length);
    const signature = ctx.outputSections.map((o) => `${o.address}:${o.size}:${o.loadAddress}`).join(',') + [...ctx.symbols.values()].filter((g) => g.scriptDefined).map((g) => g.address).join(',') + state.sizeofHeaders;
    if (signature === previous) break;
    previous = signature;
  }
}

function initialHeaderSize(ctx: LinkContext): bigint {
  const phnum = ctx.phdrs ? ctx.phdrs.length : 6;
  return BigInt(64 + 56 * phnum);
}

function runLayout(state: LayoutState): void {
  const { ctx } = state;
  state.dot = 0n;
  state.current = undefined;
  state.preferNext = false;
  state.pastEnd = false;
  state.assigned.clear();
  let lmaDelta: bigint | undefined;
  ctx.layout.forEach((cmd, position) => {
    state.position = position;
    if (cmd.kind === 'assignment') return assignOutside(state, cmd.assignment);
    if (cmd.kind === 'assert') return checkAssert(state, cmd.assert.condition, cmd.assert.message, undefined);
    lmaDelta = layoutOutputSection(state, cmd, lmaDelta);
  });
}

function layoutOutputSection(state: LayoutState, cmd: Extract<LayoutCommand, { kind: 'output' }>, lmaDelta: bigint | undefined): bigint | undefined {
  const os = cmd.section;
  const d = cmd.description;
  const env = () => createEnvironment(state, undefined);
  let align = BigInt(os.align);
  if (d?.align) align = maxBig(align, evaluateAbsolute(state, d.align, undefined));
  let vma: bigint;
  if (d?.address) vma = resolveLocationCounter(evaluate(d.address, env()), env());
  else if (!d && !isAlloc(os)) vma = 0n; // ld places a non-allocated orphan at address 0
  else vma = alignInWord(state.dot, align);
  os.address = vma;
  if (!os.removed && isAlloc(os)) { state.current = os; state.preferNext = false; }
  // Members, assignments and data inside the section, with `.` relative to its start.
  const outer = state.dot;
  let dot = vma;
  let advanced = false;
  for (const item of cmd.items) dot = layoutItem(state, os, item, dot, () => { advanced = true; });
  if (advanced && os.members.length === 0 && !isAlloc(os)) { os.flags |= BigInt(SHF_ALLOC); os.type = SHT_NOBITS; }
  os.size = Number(dot - vma);
  if (d?.lma) os.loadAddress = evaluateAbsolute(state, d.lma, undefined);
  else if (d?.address || !isAlloc(os) || lmaDelta === undefined) os.loadAddress = vma;
  else os.loadAddress = (vma + lmaDelta) & WORD;
  // ld: .tbss takes no room in the address space (its size is the TLS block's); `.` stays at its start.
  state.dot = !os.removed && isAlloc(os) ? (isTbss(os) ? vma : dot) : outer;
  if (os.removed) return lmaDelta;
  return isAlloc(os) ? (os.loadAddress - vma) & WORD : lmaDelta;
}

function layoutItem(state: LayoutState, os: OutputSection, item: LayoutItem, dot: bigint, onAdvance: () => void): bigint {
  state.dot = dot;
  if (item.kind === 'input') return placeMembers(os, item.sections, dot);
  if (item.kind === 'data') {
    const size = { BYTE: 1, SHORT: 2, LONG: 4, QUAD: 8, SQUAD: 8 }[item.data.size];
    const value = evaluateAbsolute(state, item.data.value, os);
    const offset = Number(dot - os.address);
    if (state.final) os.dataWords.push({ offset, size, value });
    return dot + BigInt(size);
  }
  if (item.kind === 'assert') { checkAssert(state, item.assert.condition, item.assert.message, os); return dot; }
  const a = item.assignment;
  const env = createEnvironment(state, os);
  const result = evaluate(assignmentExpression(a), env);
  if (a.target !== '.') { defineSymbol(state, a, result, env); return dot; }
  const next = resolveLocationCounter(result, env);
  if (next < dot) throw scriptError(a.value, `cannot move location counter backwards (from ${hex(dot)} to ${hex(next)})`);
  if (next > dot) onAdvance();
  return next;
}

/** Lays input sections out from `dot` (absolute) and returns the end. Walked once per layout round
 *  over every input section, so it counts in numbers: offsets within the output section (below
 *  2^53, output-limits.ts) and the section's address modulo each power-of-two alignment (an
 *  address is aligned to 2^k exactly when its low 32 bits are, for k ≤ 30 here). */
function placeMembers(os: OutputSection, sections: InputSection[], dot: bigint): bigint {
  const low = Number(BigInt.asUintN(32, os.address));
  let offset = Number(dot - os.address);
  for (const s of sections) {
    if (s.discarded || (s.merge && s.size === 0)) continue; // an empty .eh_frame still gets its place
    const a = s.align;
    if (a > 1) {
      if (a <= 0x4000_0000 && (a & (a - 1)) === 0) offset += (a - ((low + offset) % a)) % a;
      else offset = Number(alignInWord(os.address + BigInt(offset), BigInt(a)) - os.address); // not a power of two: as ld rounds
    }
    s.offset = offset;
    offset += s.size;
  }
  return os.address + BigInt(offset);
}

function assignOutside(state: LayoutState, a: Assignment): void {
  const env = createEnvironment(state, undefined);
  const result = evaluate(assignmentExpression(a), env);
  if (a.target === '.') {
    state.dot = resolveLocationCounter(result, env);
    state.preferNext = true;
    return;
  }
  if (/^_*end$/.test(a.target)) state.pastEnd = true;
  defineSymbol(state, a, result, env);
}

function defineSymbol(state: LayoutState, a: Assignment, result: ReturnType<typeof evaluate>, env: ReturnType<typeof createEnvironment>): void {
  const g: GlobalSymbol | undefined = state.ctx.symbols.get(a.target);
  if (!g || !g.scriptDefined) return; // an unreferenced PROVIDE
  const resolved = resolveSymbolValue(result, env);
  g.address = resolved.value;
  g.outputSection = resolved.section === undefined ? undefined : state.ctx.outputSections.find((o) => o.name === resolved.section);
  // ld copies the symbol type when the expression reads exactly one symbol (`x = ABSOLUTE(y - c)`).
  const read = symbolReferences(a.value);
  if (read.length === 1) {
    const source = state.ctx.symbols.get(read[0]);
    if (source?.defined) g.type = source.type;
  }
  if (a.provide === 'PROVIDE_HIDDEN' || a.provide === 'HIDDEN') { g.visibility = STV_HIDDEN; g.linkerHidden = true; }
  state.assigned.add(a.target);
}

function symbolReferences(e: Expression, out: string[] = []): string[] {
  if (e.kind === 'symbol') out.push(e.name);
  else if (e.kind === 'unary') symbolReferences(e.operand, out);
  else if (e.kind === 'binary') { symbolReferences(e.left, out); symbolReferences(e.right, out); }
  else if (e.kind === 'conditional') { symbolReferences(e.condition, out); symbolReferences(e.whenTrue, out); symbolReferences(e.whenFalse, out); }
  else if (e.kind === 'call') for (const x of e.args) symbolReferences(x, out);
  return out;
}

function checkAssert(state: LayoutState, condition: Expression, message: string, os: OutputSection | undefined): void {
  if (!state.final) return;
  const env = createEnvironment(state, os);
  const value = evaluate(condition, env);
  if (value.value === 0n && value.section === undefined) throw scriptError(condition, message);
}

function evaluateAbsolute(state: LayoutState, e: Expression, os: OutputSection | undefined): bigint {
  const env = createEnvironment(state, os);
  const r = evaluate(e, env);
  return r.section === undefined ? r.value : resolveSymbolValue(r, env).value;
}

function scriptError(at: Expression, message: string): StageError {
  const loc = at.loc;
  return new StageError(`ld: ${loc.file}:${loc.line}: ${message}`, [{ severity: 'error', message, file: loc.file, line: loc.line, column: loc.column }]);
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);
const hex = (v: bigint) => `0x${v.toString(16)}`;
