// Pass, applyRelocations: copies input bytes into output-section buffers, fills the GOT, builds the
// relocation plan (relocation-plan.ts: S, A, P as typed columns), then patches bytes in one tight
// loop (applyRelocationPlan) that does nothing else — the WebAssembly candidate. Formulas, range
// rules and instruction rewrites come from arch/x86_64.ts.
import { StageError } from '../../pipeline/stage.ts';
import { Fit, Relax, X86_64_KINDS, absoluteFieldFit, relocationName, rewriteInstruction } from '../arch/x86_64.ts';
import { buildOutputBuffers } from '../chunks/output-buffers.ts';
import type { LinkContext } from '../context.ts';
import { fillIplt, referenceAddress } from '../chunks/iplt.ts';
import { localAddress } from '../layout/addresses.ts';
import { RECORDED_RELOCATION_LIMIT } from '../record.ts';
import { overflowMessage, recordStep } from '../relocation-messages.ts';
import { describeLocation, joinLocatedMessages } from '../diagnostics.ts';
import { planRelocations, type RelocationPlan } from '../relocation-plan.ts';

export function applyRelocations(ctx: LinkContext): void {
  const buffers = buildOutputBuffers(ctx);
  fillGot(ctx);
  fillIplt(ctx, buffers);
  const plan = planRelocations(ctx);
  ctx.plan = plan;
  checkRelocationTargets(plan, buffers);
  const overflows = applyRelocationPlan(plan, buffers, RECORDED_RELOCATION_LIMIT, (i, before, after) => recordStep(ctx, plan, i, before, after));
  ctx.record.relocationCount = plan.count;
  if (overflows.length) {
    const messages = overflows.slice(0, 50).map((i) => overflowMessage(ctx, plan, i));
    throw new StageError(joinLocatedMessages(messages), messages.map((message) => ({ severity: 'error', message })));
  }
}

/** Damaged objects can aim a relocation outside its section, or at one with no contents
 *  (SHT_NOBITS); ld reports those per relocation, and so do we, before the loop writes anything. */
function checkRelocationTargets(plan: RelocationPlan, buffers: (Uint8Array | undefined)[]): void {
  for (let i = 0; i < plan.count; i++) {
    if (plan.formula[i] === 0 && plan.relax[i] === Relax.None) continue;
    const kind = X86_64_KINDS[plan.type[i]];
    const buf = buffers[plan.out[i]];
    const at = plan.at[i];
    if (kind && buf && at >= 0 && at + kind.size <= buf.length) continue;
    const s = plan.sections[plan.source[i]];
    const table = s.file.elf.relocationTable(s.relocationSection);
    const where = describeLocation(s.file, s.index, table.offset(plan.index[i]));
    const problem = !buf
      ? `patches ${s.name}, a section with no contents (SHT_NOBITS)`
      : `reaches past the end of ${s.name} (offset 0x${(at - s.offset).toString(16)}, section size 0x${s.size.toString(16)})`;
    throw new StageError(`${where}: relocation ${relocationName(plan.type[i])} ${problem}`);
  }
}

/**
 * The hot loop: value = S + A (− P) in 64-bit arithmetic done on 32-bit halves (no bigint, no
 * allocation per relocation), optional instruction rewrite, range check, little-endian store.
 * Returns the indices of relocations whose value did not fit. A WebAssembly twin would take the
 * same columns.
 */
export function applyRelocationPlan(plan: RelocationPlan, buffers: (Uint8Array | undefined)[], recordFirst = 0, onStep?: (i: number, before: Uint8Array, after: Uint8Array) => void): number[] {
  const overflows: number[] = [];
  const views = buffers.map((b) => (b ? new DataView(b.buffer, b.byteOffset, b.byteLength) : undefined));
  const S = new Uint32Array(plan.S.buffer, plan.S.byteOffset, plan.count * 2);
  const A = new Uint32Array(plan.A.buffer, plan.A.byteOffset, plan.count * 2);
  const P = new Uint32Array(plan.P.buffer, plan.P.byteOffset, plan.count * 2);
  // Columns in locals: this loop often runs unoptimized for its first tens of thousands of entries.
  const { formula: formulas, type: types, out: outs, at: places, relax: relaxations } = plan;
  for (let i = 0; i < plan.count; i++) {
    let formula = formulas[i];
    if (formula === 0) continue;
    const type = types[i];
    const kind = X86_64_KINDS[type]!;
    const buf = buffers[outs[i]]!;
    const view = views[outs[i]]!;
    let at = places[i];
    const before = onStep && i < recordFirst ? buf.slice(Math.max(0, at - 3), at + kind.size) : undefined;
    let fit: number = kind.fit;
    const relax = relaxations[i];
    if (relax !== Relax.None) {
      const r = rewriteInstruction(buf, at, relax as Relax);
      at += r.shift;
      if (r.absolute) { formula = 1; fit = absoluteFieldFit(type); }
      if (r.noValue) continue;
    }
    // 64-bit sum on halves: lo may leave [0, 2^32); the carry moves into hi.
    let lo = S[2 * i] + A[2 * i];
    let hi = S[2 * i + 1] + A[2 * i + 1];
    if (formula === 2) { lo -= P[2 * i]; hi -= P[2 * i + 1]; }
    const carry = Math.floor(lo / 4294967296);
    lo -= carry * 4294967296;
    hi = (hi + carry) | 0;
    if (!fitsHalves(hi, lo, kind.size, fit)) overflows.push(i);
    const size = kind.size;
    if (size === 4) view.setUint32(at, lo, true);
    else if (size === 8) { view.setUint32(at, lo, true); view.setUint32(at + 4, hi >>> 0, true); }
    else if (size === 2) view.setUint16(at, lo & 0xffff, true);
    else if (size === 1) buf[at] = lo & 0xff;
    if (before) onStep!(i, before, buf.subarray(Math.max(0, places[i] - 3), places[i] + kind.size)); // read at once, not kept
  }
  return overflows;
}

/** Range check of the 64-bit value (hi:lo) for a field of `size` bytes (arch Fit rules). */
function fitsHalves(hi: number, lo: number, size: number, fit: number): boolean {
  if (fit === Fit.None || size === 8) return true;
  const bits = size * 8;
  const signedLow = size === 4 ? lo | 0 : ((lo << (32 - bits)) >> (32 - bits));
  const unsignedLow = size === 4 ? lo : lo & ((1 << bits) - 1);
  const isSigned = hi === (signedLow < 0 ? -1 : 0) && (size === 4 || signedLow === (lo | 0));
  const isUnsigned = hi === 0 && unsignedLow === lo;
  if (fit === Fit.Signed) return isSigned;
  if (fit === Fit.Unsigned) return isUnsigned;
  return isSigned || isUnsigned;
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
