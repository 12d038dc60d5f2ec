// Pass, applyRelocations: copies input bytes into output-section buffers, computes S, A, P for every
// relocation of a kept section into typed arrays (undefined references and references to discarded
// sections reported like ld), then patches bytes in one tight loop (applyRelocationPlan) that does
// nothing else — the WebAssembly candidate. Formulas and encodings come from arch/x86_64.ts.
import { SHN_UNDEF, STB_WEAK, STT_SECTION } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import { Fit, Formula, Relax, X86_64_KINDS, encode, fits, relocationName, rewriteInstruction } from '../arch/x86_64.ts';
import { buildOutputBuffers } from '../chunks/output-buffers.ts';
import type { InputSection, LinkContext } from '../context.ts';
import { describeLocation } from '../diagnostics.ts';
import { globalAddress, inputAddress, localAddress } from '../layout/addresses.ts';
import { RECORDED_RELOCATION_LIMIT } from '../record.ts';
import { gotKey } from './scan-relocations.ts';

/** Every relocation of the link as columns; `at` is the offset in output buffer `out`. */
export interface RelocationPlan {
  count: number;
  out: Uint16Array;
  at: Float64Array;
  type: Uint8Array;
  /** 1: S + A; 2: S + A - P; 0: nothing to write. */
  formula: Uint8Array;
  relax: Uint8Array;
  S: BigInt64Array;
  A: BigInt64Array;
  P: BigInt64Array;
  /** Where each came from (for messages and --emit-relocs): input section and relocation index. */
  source: Uint32Array;
  index: Uint32Array;
  sections: InputSection[];
}

export function applyRelocations(ctx: LinkContext): void {
  const buffers = buildOutputBuffers(ctx);
  fillGot(ctx);
  const plan = planRelocations(ctx);
  ctx.plan = plan;
  const overflows = applyRelocationPlan(plan, buffers, ctx.record.relocations.length < RECORDED_RELOCATION_LIMIT ? (i, before, after) => recordStep(ctx, plan, i, before, after) : undefined);
  ctx.record.relocationCount = plan.count;
  if (overflows.length) {
    const messages = overflows.slice(0, 50).map((i) => overflowMessage(plan, i));
    throw new StageError(messages.join('\n'), messages.map((message) => ({ severity: 'error', message })));
  }
}

/**
 * The hot loop: value = S + A (− P), optional instruction rewrite, range check, little-endian store.
 * Returns the indices of relocations whose value did not fit. No allocation per relocation beyond
 * the bigint arithmetic itself.
 */
export function applyRelocationPlan(plan: RelocationPlan, buffers: (Uint8Array | undefined)[], onStep?: (i: number, before: Uint8Array, after: Uint8Array) => void): number[] {
  const overflows: number[] = [];
  const views = buffers.map((b) => (b ? new DataView(b.buffer, b.byteOffset, b.byteLength) : undefined));
  for (let i = 0; i < plan.count; i++) {
    const f = plan.formula[i];
    if (f === 0) continue;
    const kind = X86_64_KINDS[plan.type[i]]!;
    const buf = buffers[plan.out[i]]!;
    const view = views[plan.out[i]]!;
    let at = plan.at[i];
    const before = onStep ? buf.slice(Math.max(0, at - 3), at + kind.size) : undefined;
    let fit: number = kind.fit;
    let formula = f;
    if (plan.relax[i] !== Relax.None) {
      const r = rewriteInstruction(buf, at, plan.relax[i] as Relax);
      at += r.shift;
      if (r.absolute) { formula = 1; fit = plan.type[i] === 41 ? Fit.Unsigned : Fit.Signed; }
    }
    const value = formula === 2 ? plan.S[i] + plan.A[i] - plan.P[i] : plan.S[i] + plan.A[i];
    const wrapped = BigInt.asIntN(64, value);
    if (!fits(fit === Fit.Unsigned ? BigInt.asUintN(64, wrapped) : wrapped, kind.size, fit as Fit)) overflows.push(i);
    encode(buf, view, at, kind.size, wrapped);
    if (onStep && before) onStep(i, before, buf.slice(Math.max(0, plan.at[i] - 3), plan.at[i] + kind.size));
  }
  return overflows;
}

function planRelocations(ctx: LinkContext): RelocationPlan {
  const live: InputSection[] = [];
  let total = 0;
  for (const obj of ctx.objects) {
    for (const s of obj.sections) {
      if (!s || s.relocationSection < 0 || !s.output || s.discarded || s.output.removed) continue;
      live.push(s);
      total += obj.elf.relocationTable(s.relocationSection).count;
    }
  }
  const plan: RelocationPlan = {
    count: total, out: new Uint16Array(total), at: new Float64Array(total), type: new Uint8Array(total),
    formula: new Uint8Array(total), relax: new Uint8Array(total), S: new BigInt64Array(total), A: new BigInt64Array(total),
    P: new BigInt64Array(total), source: new Uint32Array(total), index: new Uint32Array(total), sections: live,
  };
  const outIndex = new Map(ctx.outputSections.map((o, i) => [o, i]));
  const tp = threadPointer(ctx);
  const got = ctx.synthetic.got;
  const errors: string[] = [];
  const reported = new Set<string>();
  let n = 0;
  live.forEach((s, si) => {
    const obj = s.file;
    const t = obj.symtab!;
    const table = obj.elf.relocationTable(s.relocationSection);
    const relax = ctx.relaxations.get(s)!;
    const base = s.output!.address + BigInt(s.offset);
    for (let i = 0; i < table.count; i++, n++) {
      const type = table.type(i);
      const kind = X86_64_KINDS[type]!;
      const sym = table.sym(i);
      const offset = table.offset(i);
      let A = table.addend(i);
      let S = 0n;
      plan.out[n] = outIndex.get(s.output!)!;
      plan.at[n] = s.offset + Number(offset);
      plan.type[n] = type;
      plan.relax[n] = relax[i];
      plan.source[n] = si;
      plan.index[n] = i;
      plan.P[n] = base + offset;
      if (kind.formula === Formula.None) continue;
      if (sym < t.firstGlobal) {
        const shndx = t.shndx(sym);
        const target = obj.sections[shndx];
        if (shndx !== SHN_UNDEF && shndx < obj.sections.length && (!target || target.discarded) && sym !== 0) {
          if (target?.discarded || !target) errors.push(`ld: ${describeLocation(obj, s.index, offset)}: \`${symbolLabel(obj, sym)}' referenced in section \`${s.name}' of ${obj.name}: defined in discarded section \`${obj.elf.sections[shndx]?.name}' of ${obj.name}`);
          continue;
        }
        if ((t.info(sym) & 0xf) === STT_SECTION && target?.merge) { S = inputAddress(target, A); A = 0n; }
        else S = localAddress(obj, sym);
        if (kind.formula === Formula.Z_A) S = t.size(sym);
      } else {
        const g = obj.globals[sym];
        if (!g.defined) {
          if (g.binding !== STB_WEAK) {
            const key = `${g.name}\0${obj.name}`;
            if (!reported.has(key)) { reported.add(key); errors.push(`ld: ${describeLocation(obj, s.index, offset)}: undefined reference to \`${g.name}'`); }
            continue;
          }
        } else if (g.section?.discarded) {
          errors.push(`ld: ${describeLocation(obj, s.index, offset)}: \`${g.name}' referenced in section \`${s.name}' of ${obj.name}: defined in discarded section \`${g.section.name}' of ${g.section.file.name}`);
          continue;
        }
        S = kind.formula === Formula.Z_A ? g.size : globalAddress(g);
      }
      let formula = kind.formula;
      if (formula === Formula.GotP && relax[i] === Relax.None) {
        const slot = ctx.gotIndex.get(gotKey(ctx, obj.index, sym));
        S = got!.output!.address + BigInt(got!.offset + 8 * (slot ?? 0));
        formula = Formula.SAP;
      } else if (formula === Formula.GotP) {
        const toLocalExec = relax[i] === Relax.IeMovToLe || relax[i] === Relax.IeAddToLe;
        formula = toLocalExec ? Formula.SA_TP : Formula.SAP;
        if (toLocalExec) A = 0n; // the -4 addend belonged to the RIP-relative load that is gone
      }
      if (formula === Formula.SA_TP) S -= tp;
      plan.formula[n] = formula === Formula.SAP ? 2 : 1;
      plan.S[n] = BigInt.asIntN(64, S);
      plan.A[n] = A;
    }
  });
  if (errors.length) throw new StageError(errors.join('\n'), errors.map((message) => ({ severity: 'error', message })));
  return plan;
}

/** x86-64 TLS variant II: the thread pointer is the end of the TLS block, aligned. */
export function threadPointer(ctx: LinkContext): bigint {
  const tls = ctx.outputSections.filter((o) => (o.flags & 0x400n) !== 0n);
  if (!tls.length) return 0n;
  const start = tls[0].address;
  const last = tls[tls.length - 1];
  const align = BigInt(Math.max(...tls.map((o) => o.align)));
  const size = last.address + BigInt(last.size) - start;
  return start + ((size + align - 1n) / align) * align;
}

function fillGot(ctx: LinkContext): void {
  const got = ctx.synthetic.got;
  if (!got || !got.output) return;
  const buf = ctx.outputSections[ctx.outputSections.indexOf(got.output)].data!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  ctx.gotSlots.forEach(({ objIndex, sym }, slot) => {
    const obj = ctx.objects[objIndex];
    const value = sym < obj.symtab!.firstGlobal ? localAddress(obj, sym) : globalAddress(obj.globals[sym]);
    view.setBigUint64(got.offset + 8 * slot, BigInt.asUintN(64, value), true);
  });
}

function symbolLabel(obj: InputSection['file'], sym: number): string {
  const t = obj.symtab!;
  return (t.info(sym) & 0xf) === STT_SECTION ? obj.elf.sections[t.shndx(sym)]?.name ?? '' : t.name(sym);
}

function overflowMessage(plan: RelocationPlan, i: number): string {
  const s = plan.sections[plan.source[i]];
  const table = s.file.elf.relocationTable(s.relocationSection);
  const r = plan.index[i];
  const sym = table.sym(r);
  const t = s.file.symtab!;
  const label = sym >= t.firstGlobal || (t.info(sym) & 0xf) !== STT_SECTION ? `symbol \`${t.name(sym)}'` : `\`${symbolLabel(s.file, sym)}'`;
  return `ld: ${describeLocation(s.file, s.index, table.offset(r))}: relocation truncated to fit: ${relocationName(plan.type[i])} against ${label}`;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

function recordStep(ctx: LinkContext, plan: RelocationPlan, i: number, before: Uint8Array, after: Uint8Array): void {
  const list = ctx.record.relocations;
  if (list.length >= RECORDED_RELOCATION_LIMIT) return;
  const s = plan.sections[plan.source[i]];
  const table = s.file.elf.relocationTable(s.relocationSection);
  const r = plan.index[i];
  list.push({
    file: s.file.name, section: s.name, offset: Number(table.offset(r)), type: relocationName(plan.type[i]),
    symbol: symbolLabel(s.file, table.sym(r)), addend: table.addend(r).toString(), address: `0x${BigInt.asUintN(64, plan.P[i]).toString(16)}`,
    before: hex(before), after: hex(after), relaxed: plan.relax[i] ? `relaxation ${plan.relax[i]}` : undefined,
  });
}
