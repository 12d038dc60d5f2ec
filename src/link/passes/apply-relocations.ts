// Pass, applyRelocations: lays out the relocation arena (the output-section buffers and the plan's
// columns in one WebAssembly memory), copies input bytes into the buffers, fills the GOT, builds the
// relocation plan (relocation-plan.ts: S, A, P as typed columns), then patches bytes: the arena's
// apply routine (src/hot/relocate.ts) writes every plain S + A (- P); instruction rewrites and the
// entries the record shows byte by byte are applied here. Formulas, range rules and rewrites come
// from arch/x86_64.ts.
import { StageError } from '../../pipeline/stage.ts';
import { halves, relocator, storeValue } from '../../hot/relocate.ts';
import { X86_64_KINDS, absoluteFieldFit, relocationName, rewriteInstruction, type Relax } from '../arch/x86_64.ts';
import { buildOutputBuffers } from '../chunks/output-buffers.ts';
import type { LinkContext } from '../context.ts';
import { fillIplt, referenceAddress } from '../chunks/iplt.ts';
import { hashWalkRank } from './build-symbol-table.ts';
import { gotKey } from './scan-relocations.ts';
import { localAddress } from '../layout/addresses.ts';
import { RECORDED_RELOCATION_LIMIT } from '../record.ts';
import { overflowMessage, recordRewrites, recordStep } from '../relocation-messages.ts';
import { describeLocation, joinLocatedMessages, relocationDiagnostic } from '../diagnostics.ts';
import { createRelocationArena, liveRelocationSections, planRelocations, type RelocationPlan } from '../relocation-plan.ts';

export function applyRelocations(ctx: LinkContext): void {
  const live = liveRelocationSections(ctx);
  const arena = createRelocationArena(ctx, live);
  const buffers = buildOutputBuffers(ctx, arena.buffers);
  const rank = ctx.gotSlots.length || ctx.iplt ? hashWalkRank(ctx) : undefined;
  if (rank) orderGotSlots(ctx, rank);
  fillGot(ctx);
  if (ctx.iplt) fillIplt(ctx, buffers, rank!);
  const plan = planRelocations(ctx, live, arena);
  ctx.plan = plan;
  checkRelocationTargets(plan);
  const recorded = Math.min(ctx.options.recordSteps ?? RECORDED_RELOCATION_LIMIT, RECORDED_RELOCATION_LIMIT);
  const overflows = applyRelocationPlan(plan, buffers, recorded, (i, before, after) => recordStep(ctx, plan, i, before, after));
  ctx.record.relocationCount = plan.count;
  recordRewrites(ctx, plan);
  if (overflows.length) {
    const shown = overflows.slice(0, 50);
    const messages = shown.map((i) => overflowMessage(ctx, plan, i));
    throw new StageError(joinLocatedMessages(messages), shown.map((i, k) => relocationDiagnostic(messages[k], plan.sections[plan.arena.source[i]], plan.arena.index[i])));
  }
}

/** Damaged objects can aim a relocation outside its section, or at one with no contents
 *  (SHT_NOBITS); ld reports those per relocation, and so do we, before anything is written. */
function checkRelocationTargets(plan: RelocationPlan): void {
  const i = relocator().check(plan.arena, 0, plan.count);
  if (i < 0) return;
  const s = plan.sections[plan.arena.source[i]];
  const table = s.file.elf.relocationTable(s.relocationSection);
  const where = describeLocation(s.file, s.index, table.offset(plan.arena.index[i]));
  const problem = plan.arena.sizes[plan.arena.out[i]] < 0
    ? `patches ${s.name}, a section with no contents (SHT_NOBITS)`
    : `reaches past the end of ${s.name} (offset 0x${(plan.arena.at[i] - s.offset).toString(16)}, section size 0x${s.size.toString(16)})`;
  const message = `${where}: relocation ${relocationName(plan.arena.type[i])} ${problem}`;
  throw new StageError(message, [relocationDiagnostic(message, s, plan.arena.index[i])]);
}

/**
 * Applies the plan; returns the indices of relocations whose value did not fit, in order. The
 * first `recordFirst` entries go one by one with their bytes before and after (`onStep`); the
 * arena's routine writes the plain rest, and the rewrites it lists are applied here.
 */
export function applyRelocationPlan(plan: RelocationPlan, buffers: (Uint8Array | undefined)[], recordFirst = 0, onStep?: (i: number, before: Uint8Array, after: Uint8Array) => void): number[] {
  const overflows: number[] = [];
  const values: EntryValues = {
    views: buffers.map((b) => (b ? new DataView(b.buffer, b.byteOffset, b.byteLength) : undefined)),
    S: halves(plan.arena.S), A: halves(plan.arena.A), P: halves(plan.arena.P),
  };
  const head = Math.min(onStep ? recordFirst : 0, plan.count);
  for (let i = 0; i < head; i++) if (!applyEntry(plan, buffers, values, i, onStep)) overflows.push(i);
  const { overflows: plain, relaxed } = relocator().apply(plan.arena, head, plan.count);
  const rewritten: number[] = [];
  for (let k = 0; k < relaxed; k++) {
    const i = plan.arena.relaxed[k];
    if (!applyEntry(plan, buffers, values, i)) rewritten.push(i);
  }
  // Both lists are ascending: merge them after the head's.
  const listed = plan.arena.overflow;
  for (let a = 0, b = 0; a < plain || b < rewritten.length;) {
    overflows.push(b >= rewritten.length || (a < plain && listed[a] < rewritten[b]) ? listed[a++] : rewritten[b++]);
  }
  return overflows;
}

/** What applyEntry writes with: a view per output buffer, S, A and P as 32-bit halves. */
interface EntryValues { views: (DataView | undefined)[]; S: Uint32Array; A: Uint32Array; P: Uint32Array }

/** One entry: optional instruction rewrite, then S + A (− P) stored with its range check (the
 *  arena's storeValue). Returns false when the value did not fit. */
function applyEntry(plan: RelocationPlan, buffers: (Uint8Array | undefined)[], values: EntryValues, i: number, onStep?: (i: number, before: Uint8Array, after: Uint8Array) => void): boolean {
  let formula = plan.arena.formula[i];
  if (formula === 0) return true;
  const type = plan.arena.type[i];
  const kind = X86_64_KINDS[type]!;
  const buf = buffers[plan.arena.out[i]]!;
  const place = plan.arena.at[i];
  let at = place;
  const before = onStep ? buf.slice(Math.max(0, at - 3), at + kind.size) : undefined;
  let fit: number = kind.fit;
  const relax = plan.arena.relax[i];
  if (relax !== 0) {
    const r = rewriteInstruction(buf, at, relax as Relax);
    at += r.shift;
    if (r.absolute) { formula = 1; fit = absoluteFieldFit(type); }
    if (r.noValue) return true;
  }
  const fits = storeValue(values.views[plan.arena.out[i]]!, at, kind.size, fit, values.S, values.A, values.P, i, formula);
  if (before) onStep!(i, before, buf.subarray(Math.max(0, place - 3), place + kind.size)); // read at once, not kept
  return fits;
}

/** GOT slots in ld's order: locals first, file by file and by symbol index (bfd sizes local GOT
 *  references per input first), then globals in the walk of its symbol hash table. */
function orderGotSlots(ctx: LinkContext, rank: Map<string, number>): void {
  const key = ({ objIndex, sym }: { objIndex: number; sym: number }) => {
    const t = ctx.objects[objIndex].symtab!;
    return sym < t.firstGlobal ? [0, objIndex, sym] : [1, rank.get(t.name(sym)) ?? 0, 0];
  };
  const keyed = ctx.gotSlots.map((slot) => ({ slot, k: key(slot) }));
  keyed.sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2]);
  ctx.gotSlots = keyed.map((e) => e.slot);
  ctx.gotIndex.clear();
  ctx.gotSlots.forEach(({ objIndex, sym }, i) => ctx.gotIndex.set(gotKey(ctx, objIndex, sym), i));
}

function fillGot(ctx: LinkContext): void {
  const got = ctx.synthetic.got;
  if (!got || !got.output) return;
  const buf = ctx.outputSections[ctx.outputSections.indexOf(got.output)].data!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  ctx.gotSlots.forEach(({ objIndex, sym }, slot) => {
    const obj = ctx.objects[objIndex];
    const value = sym < obj.symtab!.firstGlobal ? localAddress(obj, sym) : referenceAddress(ctx, obj.globals[sym]);
    view.setBigUint64(got.offset + 8 * slot, BigInt.asUintN(64, value), true);
  });
}
