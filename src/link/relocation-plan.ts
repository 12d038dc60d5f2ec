// Builds the RelocationPlan: every relocation of a kept section as typed columns (output buffer,
// offset, type, relaxation, S, A, P), computed once after layout. Symbol addresses are cached per
// symbol; undefined references and references to discarded sections are reported as ld words them.
import { SHF_ALLOC, SHN_UNDEF, STB_WEAK, STT_SECTION, type RelocationTable } from '../elf/index.ts';
import { StageError } from '../pipeline/stage.ts';
import { Formula, Relax, X86_64_KINDS, absoluteFieldFit, fitsImmediate, relaxedAddend } from './arch/x86_64.ts';
import type { InputSection, LinkContext, ObjectFile } from './context.ts';
import { describeLocation, joinLocatedMessages } from './diagnostics.ts';
import { ehFrameOffset } from './passes/edit-eh-frames.ts';
import { referenceAddress } from './chunks/iplt.ts';
import { inputAddress, localAddress } from './layout/addresses.ts';
import { symbolLabel } from './relocation-messages.ts';
import { gotKey } from './passes/scan-relocations.ts';
import { relocationWords, WORDS_PER_RELOCATION } from './relocation-words.ts';

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
  /** 1 where the relocation was dropped with its .eh_frame entry (neither applied nor emitted). */
  dropped: Uint8Array;
  /** Where each came from (for messages and --emit-relocs): input section and relocation index. */
  source: Uint32Array;
  index: Uint32Array;
  sections: InputSection[];
}

export function planRelocations(ctx: LinkContext): RelocationPlan {
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
    P: new BigInt64Array(total), dropped: new Uint8Array(total), source: new Uint32Array(total), index: new Uint32Array(total), sections: live,
  };
  const outIndex = new Map(ctx.outputSections.map((o, i) => [o, i]));
  const targets = new TargetCache(ctx);
  const errors: string[] = [];
  let n = 0;
  // S, A and P written as 32-bit halves (no bigint per relocation).
  const halves: Halves = { S: new Uint32Array(plan.S.buffer), A: new Uint32Array(plan.A.buffer), P: new Uint32Array(plan.P.buffer) };
  for (let si = 0; si < live.length; si++) n = planSection(ctx, plan, halves, live[si], si, n, outIndex.get(live[si].output!)!, targets, errors);
  if (errors.length) throw new StageError(joinLocatedMessages(errors), errors.map((message) => ({ severity: 'error', message })));
  return plan;
}

/** Fills plan entries n… for the relocations of live section `s` (number `si`); returns the next
 *  entry. A function of its own so the engine optimizes it per call, not by OSR of the whole pass. */
interface Halves { S: Uint32Array; A: Uint32Array; P: Uint32Array }

function planSection(ctx: LinkContext, plan: RelocationPlan, halves: Halves, s: InputSection, si: number, n: number, out: number, targets: TargetCache, errors: string[]): number {
  const obj = s.file;
  const table = obj.elf.relocationTable(s.relocationSection);
  const w = relocationWords(obj.elf, table);
  const relax = ctx.relaxations.get(s)!;
  const base = BigInt.asUintN(64, s.output!.address + BigInt(s.offset));
  const baseLo = Number(base & 0xffffffffn);
  const baseHi = Number(base >> 32n);
  const slots = targets.slotsFor(obj);
  const { out: outColumn, at: atColumn, type: typeColumn, relax: relaxColumn, source, index, formula: formulaColumn, dropped } = plan;
  const { S: S32, A: A32, P: P32 } = halves;
  for (let i = 0; i < table.count; i++, n++) {
    const at = i * WORDS_PER_RELOCATION;
    let offset = w[at] + w[at + 1] * 4294967296;
    const type = w[at + 2];
    if (s.ehFrame) {
      offset = ehFrameOffset(s, offset);
      if (offset < 0) { dropped[n] = 1; source[n] = si; index[n] = i; continue; }
    }
    outColumn[n] = out;
    atColumn[n] = s.offset + offset;
    typeColumn[n] = type;
    relaxColumn[n] = relax[i];
    source[n] = si;
    index[n] = i;
    const lo = baseLo + offset;
    P32[2 * n] = lo >>> 0;
    P32[2 * n + 1] = baseHi + Math.floor(lo / 4294967296);
    A32[2 * n] = w[at + 4];
    A32[2 * n + 1] = w[at + 5];
    const formula = X86_64_KINDS[type]?.formula ?? Formula.None;
    // None, or the __tls_get_addr call a GD/LD → LE rewrite replaced: nothing to patch.
    if (formula === Formula.None || relax[i] === Relax.Consumed) continue;
    if (formula === Formula.SA || formula === Formula.SAP) {
      // The common case: S from the per-symbol cache, copied as two 32-bit halves.
      const sym = w[at + 3];
      let slot = slots[sym];
      if (slot === -2) slot = targets.simple(obj, sym);
      if (slot >= 0) {
        S32[2 * n] = targets.halves[2 * slot];
        S32[2 * n + 1] = targets.halves[2 * slot + 1];
        formulaColumn[n] = formula === Formula.SAP ? 2 : 1;
        continue;
      }
    }
    planSlowPath(ctx, plan, n, s, table, i, errors);
  }
  return n;
}

/** Symbol addresses computed once per (file, symbol), as 32-bit halves; -1 marks symbols that need
 *  the slow path (undefined, discarded, merged section symbols). */
class TargetCache {
  halves = new Uint32Array(1024);
  private count = 0;
  private readonly slots = new Map<ObjectFile, Int32Array>();
  constructor(private readonly ctx: LinkContext) {}

  /** Per-file slot table: -2 not computed yet, -1 slow path, else an index into `halves`. */
  slotsFor(obj: ObjectFile): Int32Array {
    let slots = this.slots.get(obj);
    if (!slots) { slots = new Int32Array(obj.symtab!.count).fill(-2); this.slots.set(obj, slots); }
    return slots;
  }

  simple(obj: ObjectFile, sym: number): number {
    const slots = this.slotsFor(obj);
    if (slots[sym] !== -2) return slots[sym];
    const t = obj.symtab!;
    let address: bigint | undefined;
    if (sym >= t.firstGlobal) {
      // Once per (file, symbol): a global referenced from several files is looked up once in each.
      const g = obj.globals[sym];
      if (g.defined && !g.section?.discarded) address = referenceAddress(this.ctx, g);
      return (slots[sym] = address === undefined ? -1 : this.add(address));
    }
    const shndx = t.shndx(sym);
    const target = obj.sections[shndx];
    const sectionSymbol = (t.info(sym) & 0xf) === STT_SECTION;
    const dropped = sym !== 0 && shndx !== SHN_UNDEF && shndx < obj.sections.length && (!target || target.discarded);
    if (!dropped && !(sectionSymbol && target?.merge)) address = localAddress(obj, sym);
    return (slots[sym] = address === undefined ? -1 : this.add(address));
  }

  private add(address: bigint): number {
    if (2 * this.count + 2 > this.halves.length) { const grown = new Uint32Array(this.halves.length * 2); grown.set(this.halves); this.halves = grown; }
    const v = BigInt.asUintN(64, address);
    this.halves[2 * this.count] = Number(v & 0xffffffffn);
    this.halves[2 * this.count + 1] = Number(v >> 32n);
    return this.count++;
  }
}

/** Everything but plain S + A (− P) to a resolved symbol: undefined and discarded targets (errors),
 *  merged-string section symbols, symbol sizes, GOT slots, relaxations and TLS offsets. */
function planSlowPath(ctx: LinkContext, plan: RelocationPlan, n: number, s: InputSection, table: RelocationTable, i: number, errors: string[]): void {
  const obj = s.file;
  const t = obj.symtab!;
  const type = plan.type[n];
  const kind = X86_64_KINDS[type]!;
  const sym = table.sym(i);
  const offset = table.offset(i);
  let A = table.addend(i);
  let S = 0n;
  if (sym < t.firstGlobal) {
    const shndx = t.shndx(sym);
    const target = obj.sections[shndx];
    if (shndx !== SHN_UNDEF && shndx < obj.sections.length && (!target || target.discarded) && sym !== 0) {
      // As ld: in .eh_frame and non-allocated (debug) sections such a field is cleared to zero.
      if (s.name === '.eh_frame' || (s.flags & BigInt(SHF_ALLOC)) === 0n) { plan.formula[n] = 1; plan.S[n] = 0n; plan.A[n] = 0n; return; }
      errors.push(`ld: ${describeLocation(obj, s.index, offset)}: \`${symbolLabel(obj, sym)}' referenced in section \`${s.name}' of ${obj.name}: defined in discarded section \`${obj.elf.sections[shndx]?.name}' of ${obj.name}`);
      return;
    }
    if ((t.info(sym) & 0xf) === STT_SECTION && target?.merge) { S = inputAddress(target, A); A = 0n; }
    else S = localAddress(obj, sym);
    if (kind.formula === Formula.Z_A) S = t.size(sym);
  } else {
    const g = obj.globals[sym];
    if (!g.defined) {
      if (g.binding !== STB_WEAK) {
        const key = `${g.name}\0${obj.name}`;
        if (!ctx.reportedUndefined.has(key)) { ctx.reportedUndefined.add(key); errors.push(`ld: ${describeLocation(obj, s.index, offset)}: undefined reference to \`${g.name}'`); }
        return;
      }
    } else if (g.section?.discarded) {
      errors.push(`ld: ${describeLocation(obj, s.index, offset)}: \`${g.name}' referenced in section \`${s.name}' of ${obj.name}: defined in discarded section \`${g.section.name}' of ${g.section.file.name}`);
      return;
    }
    S = kind.formula === Formula.Z_A ? g.size : referenceAddress(ctx, g);
  }
  let formula = kind.formula;
  const relax = plan.relax[n];
  if (relax === Relax.GdToLe || relax === Relax.LdToLe || relax === Relax.LdToLeNoPlt) A = 0n;
  if (formula === Formula.GotP && relax === Relax.None) {
    const got = ctx.synthetic.got!;
    const slot = ctx.gotIndex.get(gotKey(ctx, obj.index, sym)) ?? 0;
    S = got.output!.address + BigInt(got.offset + 8 * slot);
    formula = Formula.SAP;
  } else if (formula === Formula.GotP) {
    const toLocalExec = relax === Relax.IeMovToLe || relax === Relax.IeAddToLe;
    formula = toLocalExec ? Formula.SA_TP : Formula.SAP;
    if (toLocalExec) A = 0n; // the -4 addend belonged to the RIP-relative load that is gone
    else if (relaxedAddend(relax as Relax)) {
      // test/binop/mov $imm: the field holds the address itself, so ld adds back the 4 the
      // RIP-relative form subtracted; a mov whose address does not fit stays RIP-relative (lea).
      if (relax === Relax.MovToImm && !fitsImmediate(S + A + 4n, absoluteFieldFit(type))) plan.relax[n] = Relax.MovToLea;
      else A += BigInt(relaxedAddend(relax as Relax));
    }
  }
  if (formula === Formula.SA_TP) S -= threadPointer(ctx);
  plan.formula[n] = formula === Formula.SAP ? 2 : 1;
  plan.S[n] = BigInt.asIntN(64, S);
  plan.A[n] = A;
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
