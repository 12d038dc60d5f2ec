// Builds the RelocationPlan: every relocation of a kept section as typed columns (output buffer,
// offset, type, relaxation, S, A, P) in the relocation arena (src/hot/relocate.ts: one WebAssembly
// memory that also holds the output buffers), computed once after layout. Symbol addresses are
// computed once per (file, symbol); the arena's plan routine does the plain entries and lists the
// rest, which are planned here: undefined references and references to discarded sections are
// reported as ld words them, GOT slots, relaxations, sizes, TLS and merged-string targets.
import { SHF_ALLOC, SHN_UNDEF, SHT_NOBITS, STB_WEAK, STT_SECTION, type RelocationTable } from '../elf/index.ts';
import { DROPPED_SECTION, PLAIN_SECTION, PLAIN_SYMBOL, PLANNED_BY_CALLER, RelocationArena, SECTION_WORDS, relocator } from '../hot/relocate.ts';
import { StageError, type Diagnostic } from '../pipeline/stage.ts';
import { Formula, Relax, X86_64_KINDS, absoluteFieldFit, fitsImmediate, relaxedAddend, relaxedShift, writeKindTable } from './arch/x86_64.ts';
import type { InputSection, LinkContext, ObjectFile, OutputSection } from './context.ts';
import { describeLocation, joinLocatedMessages, relocationDiagnostic } from './diagnostics.ts';
import { ehFrameOffset } from './passes/edit-eh-frames.ts';
import { referenceAddress } from './chunks/iplt.ts';
import { checkOutputBufferSizes } from './chunks/output-buffers.ts';
import { inputAddress, localAddress } from './layout/addresses.ts';
import { checkOutputSize, inOneMemory } from './output-limits.ts';
import { symbolLabel } from './relocation-messages.ts';
import { gotKey } from './passes/scan-relocations.ts';
import { relocationWords, WORDS_PER_RELOCATION } from './relocation-words.ts';

/** Every relocation of the link, as the arena's columns (src/hot/relocate.ts: `out`/`at` the
 *  output buffer and offset, `type`, `formula` 1 S + A / 2 S + A - P / 0 nothing to write, `relax`,
 *  S/A/P, `dropped` with its .eh_frame entry, `source`/`index` the live section and relocation). */
export interface RelocationPlan {
  count: number;
  arena: RelocationArena;
  sections: InputSection[];
  /** Each file's first symbol slot and first per-section slot in the arena. */
  files: Map<ObjectFile, { slot: number; section: number }>;
}

/** Kept input sections with relocations, in file and section order (the plan's order). */
export function liveRelocationSections(ctx: LinkContext): InputSection[] {
  const live: InputSection[] = [];
  for (const obj of ctx.objects) {
    for (const s of obj.sections) if (s && s.relocationSection >= 0 && s.output && !s.discarded && !s.output.removed) live.push(s);
  }
  return live;
}

/** The arena for `live`'s relocations and every output section's bytes (none for SHT_NOBITS). */
export function createRelocationArena(ctx: LinkContext, live: InputSection[]): RelocationArena {
  let entries = 0;
  for (const s of live) entries += s.file.elf.relocationTable(s.relocationSection).count;
  let symbols = 0;
  let inputSections = 0;
  for (const obj of new Set(live.map((s) => s.file))) { symbols += obj.symtab!.count; inputSections += obj.sections.length; }
  checkOutputBufferSizes(ctx);
  const buffers = ctx.outputSections.map((os) => (os.type === SHT_NOBITS ? -1 : os.size));
  checkOutputSize('the output sections together', buffers.reduce((sum, size) => sum + Math.max(size, 0), 0));
  // As many output symbols as buildSymbolTable can write: null, section symbols, every input local
  // (an STT_FILE in place of each file's null symbol), every global.
  let outputSymbols = 1 + ctx.outputSections.length + ctx.symbols.size;
  for (const obj of ctx.objects) outputSymbols += obj.symtab ? Math.min(obj.symtab.firstGlobal, obj.symtab.count) + 1 : 0;
  return inOneMemory(`the relocation arena for ${entries} relocations and the output sections`,
    () => new RelocationArena({ sections: live.length, entries, symbols, inputSections, outputSymbols, buffers }));
}

export function planRelocations(ctx: LinkContext, live: InputSection[], arena: RelocationArena): RelocationPlan {
  const count = arena.relax.length;
  const plan: RelocationPlan = { count, arena, sections: live, files: new Map() };
  writeKindTable(arena.kinds);
  const outIndex = new Map(ctx.outputSections.map((o, i) => [o, i]));
  // Output section addresses as 32-bit halves, for section starts without a bigint each.
  const outputAddresses = new Map(ctx.outputSections.map((o) => [o, addressHalves(o)]));
  let slots = 0;
  let sectionSlots = 0;
  const later: number[] = [];
  let n = 0;
  for (let k = 0; k < live.length; k++) {
    const s = live[k];
    const obj = s.file;
    let file = plan.files.get(obj);
    if (!file) {
      file = { slot: slots, section: sectionSlots };
      plan.files.set(obj, file);
      symbolAddresses(ctx, obj, arena, file.slot, file.section, outputAddresses);
      slots += obj.symtab!.count;
      sectionSlots += obj.sections.length;
    }
    const base = file.slot;
    const table = obj.elf.relocationTable(s.relocationSection);
    const [lo, hi] = outputAddresses.get(s.output!)!;
    const start = lo + s.offset;
    const h = k * SECTION_WORDS;
    const header = arena.sections;
    header[h] = n;
    header[h + 1] = table.count;
    header[h + 2] = outIndex.get(s.output!)!;
    header[h + 3] = s.offset;
    header[h + 4] = start >>> 0;
    header[h + 5] = hi + (start >= 4294967296 ? 1 : 0);
    header[h + 6] = base;
    header[h + 7] = s.ehFrame ? PLANNED_BY_CALLER : 0;
    arena.words.set(relocationWords(obj.elf, table), n * WORDS_PER_RELOCATION);
    arena.relax.set(ctx.relaxations.get(s)!, n);
    if (s.ehFrame) planEhFrameSection(arena, k, s, later);
    n += table.count;
  }
  const slow = arena.slow.subarray(0, relocator().plan(arena, live.length));
  const entries = later.length ? Uint32Array.from([...slow, ...later]).sort() : slow;
  const errors: Diagnostic[] = [];
  for (const e of entries) {
    const s = live[arena.source[e]];
    planSlowPath(ctx, plan, e, s, s.file.elf.relocationTable(s.relocationSection), arena.index[e], errors);
  }
  if (errors.length) throw new StageError(joinLocatedMessages(errors.map((e) => e.message)), errors);
  return plan;
}

function addressHalves(o: OutputSection): [number, number] {
  const a = BigInt.asUintN(64, o.address);
  return [Number(a & 0xffffffffn), Number(a >> 32n)];
}

/** Each symbol's address for plain relocations (PLAIN_SYMBOL) in slots `base`…; symbols that need
 *  more (undefined, discarded, merged section symbols) are left to planSlowPath. Locals in plain
 *  placed sections are the arena's job (`section`: the file's first per-section slot); the rest,
 *  and globals (resolved objects), are worked out here. */
function symbolAddresses(ctx: LinkContext, obj: ObjectFile, arena: RelocationArena, base: number, section: number, outputAddresses: Map<OutputSection, [number, number]>): void {
  const t = obj.symtab!;
  const locals = Math.min(t.firstGlobal, t.count);
  const set = (sym: number, address: bigint | undefined) => {
    if (address === undefined) return;
    arena.symAddr[base + sym] = BigInt.asIntN(64, address);
    arena.symState[base + sym] = PLAIN_SYMBOL;
  };
  if (obj.elf.is64 && obj.elf.data.le) {
    arena.syms.set(obj.elf.sectionData(t.index).subarray(0, t.count * 24), base * 24);
    const bases = new Uint32Array(arena.sectionBase.buffer, arena.sectionBase.byteOffset, arena.sectionBase.length * 2);
    for (let i = 0; i < obj.sections.length; i++) {
      const s = obj.sections[i];
      if (!s || s.discarded) { arena.sectionMode[section + i] = DROPPED_SECTION; continue; }
      if (!s.output || s.merge) continue;
      const [lo, hi] = outputAddresses.get(s.output) ?? addressHalves(s.output); // removed sections too
      const sum = lo + s.offset;
      arena.sectionMode[section + i] = PLAIN_SECTION;
      bases[2 * (section + i)] = sum >>> 0;
      bases[2 * (section + i) + 1] = hi + (sum >= 4294967296 ? 1 : 0);
    }
    // Section indices from SHN_LORESERVE up are never sections (SHN_XINDEX goes to the caller).
    const left = relocator().symbols(arena, base, 0, locals, section, Math.min(obj.sections.length, 0xff00));
    for (let k = 0; k < left; k++) set(arena.left[k], localSymbolAddress(obj, arena.left[k]));
  } else {
    for (let sym = 0; sym < locals; sym++) set(sym, localSymbolAddress(obj, sym));
  }
  for (let sym = locals; sym < t.count; sym++) {
    const g = obj.globals[sym];
    if (g.defined && !g.section?.discarded) set(sym, referenceAddress(ctx, g));
  }
}

/** A local's address for plain relocations, or undefined when planSlowPath must look (a symbol of
 *  a discarded section, a merged section's STT_SECTION). */
function localSymbolAddress(obj: ObjectFile, sym: number): bigint | undefined {
  const t = obj.symtab!;
  const shndx = t.shndx(sym);
  const target = obj.sections[shndx];
  const sectionSymbol = (t.info(sym) & 0xf) === STT_SECTION;
  const dropped = sym !== 0 && shndx !== SHN_UNDEF && shndx < obj.sections.length && (!target || target.discarded);
  return dropped || (sectionSymbol && target?.merge) ? undefined : localAddress(obj, sym);
}

/** The entries of an .eh_frame section, whose offsets move with the FDEs kept (and vanish with the
 *  dropped ones): planned here, every entry with a value left to planSlowPath (`later`). */
function planEhFrameSection(arena: RelocationArena, k: number, s: InputSection, later: number[]): void {
  const h = k * SECTION_WORDS;
  const first = arena.sections[h], count = arena.sections[h + 1];
  const base = (BigInt(arena.sections[h + 5] >>> 0) << 32n) | BigInt(arena.sections[h + 4] >>> 0);
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const w = n * WORDS_PER_RELOCATION;
    const offset = ehFrameOffset(s, arena.words[w] + arena.words[w + 1] * 4294967296);
    arena.source[n] = k;
    arena.index[n] = i;
    if (offset < 0) { arena.dropped[n] = 1; continue; }
    const type = arena.words[w + 2];
    arena.out[n] = arena.sections[h + 2];
    arena.at[n] = s.offset + offset;
    arena.type[n] = type;
    arena.P[n] = BigInt.asIntN(64, base + BigInt(offset));
    arena.A[n] = (BigInt(arena.words[w + 5] | 0) << 32n) | BigInt(arena.words[w + 4]);
    const formula = X86_64_KINDS[type]?.formula ?? Formula.None;
    if (formula !== Formula.None && arena.relax[n] !== Relax.Consumed) later.push(n);
  }
}

/** Everything but plain S + A (− P) to a resolved symbol: undefined and discarded targets (errors),
 *  merged-string section symbols, symbol sizes, GOT slots, relaxations and TLS offsets. */
function planSlowPath(ctx: LinkContext, plan: RelocationPlan, n: number, s: InputSection, table: RelocationTable, i: number, errors: Diagnostic[]): void {
  const fail = (message: string) => errors.push(relocationDiagnostic(message, s, i));
  const obj = s.file;
  const t = obj.symtab!;
  const type = plan.arena.type[n];
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
      if (s.name === '.eh_frame' || (s.flags & BigInt(SHF_ALLOC)) === 0n) { plan.arena.formula[n] = 1; plan.arena.S[n] = 0n; plan.arena.A[n] = 0n; return; }
      fail(`ld: ${describeLocation(obj, s.index, offset)}: \`${symbolLabel(obj, sym)}' referenced in section \`${s.name}' of ${obj.name}: defined in discarded section \`${obj.elf.sections[shndx]?.name}' of ${obj.name}`);
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
        if (!ctx.reportedUndefined.has(key)) { ctx.reportedUndefined.add(key); fail(`ld: ${describeLocation(obj, s.index, offset)}: undefined reference to \`${g.name}'`); }
        return;
      }
    } else if (g.section?.discarded) {
      fail(`ld: ${describeLocation(obj, s.index, offset)}: \`${g.name}' referenced in section \`${s.name}' of ${obj.name}: defined in discarded section \`${g.section.name}' of ${g.section.file.name}`);
      return;
    }
    S = kind.formula === Formula.Z_A ? g.size : referenceAddress(ctx, g);
  }
  let formula = kind.formula;
  const relax = plan.arena.relax[n];
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
      if (relax === Relax.MovToImm && !fitsImmediate(S + A + 4n, absoluteFieldFit(type))) plan.arena.relax[n] = Relax.MovToLea;
      else A += BigInt(relaxedAddend(relax as Relax));
    }
  }
  if (formula === Formula.SA_TP) S -= threadPointer(ctx);
  // `jmp *` → `jmp`: the field moves one byte back, and a PC-relative value is measured from there.
  const shift = relaxedShift(relax as Relax);
  if (shift) plan.arena.P[n] += BigInt(shift);
  plan.arena.formula[n] = formula === Formula.SAP ? 2 : 1;
  plan.arena.S[n] = BigInt.asIntN(64, S);
  plan.arena.A[n] = A;
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
