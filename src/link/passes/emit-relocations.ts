// Pass, emitRelocations (--emit-relocs): for each output section, a .rela<name> holding every input
// relocation rebased as GNU ld writes it — r_offset the output address; globals and kept locals by
// their output symbol index; section-symbol targets moved to the output section's symbol with the
// addend grown by the input section's offset (or its merged position); GOT relaxations' types renamed,
// TLS rewrites' relocations left as the input had them (marked in ctx.emittedAsInput for verify).
// The arena's routines (src/hot/relocate.ts) write the entries; merged-string targets and rewritten
// entries are finished here.
import { SHT_SYMTAB_SHNDX, STT_SECTION } from '../../elf/index.ts';
import { MERGED_SECTION_SYMBOL, halves, relocator, type RelocationArena } from '../../hot/relocate.ts';
import { isTlsRelaxation, relaxedAddend, relaxedType, type Relax } from '../arch/x86_64.ts';
import type { LinkContext, ObjectFile } from '../context.ts';
import { mergedOffset } from './merge-sections.ts';

export function emitRelocations(ctx: LinkContext): void {
  const plan = ctx.plan;
  const table = ctx.symbolTable;
  if (!ctx.options.emitRelocs || !plan || !table) return;
  const arena = plan.arena;
  for (const [file, at] of plan.files) outputSymbols(ctx, file, arena, at.slot, at.section);
  const live = new Map(plan.sections.map((s, k) => [s, k]));
  const run = relocator();
  const P = halves(arena.P);
  let k = 0;
  for (const os of ctx.outputSections) {
    if (!table.relaIndex.has(os)) continue;
    const start = k;
    arena.fixups[0] = 0;
    for (const m of os.members) {
      const at = live.get(m);
      if (at === undefined) continue;
      const h = at * 8;
      k = run.emit(arena, arena.sections[h], arena.sections[h + 1], arena.sections[h + 6], k);
      if (m.ehFrame) k = emitRemovedAsNone(arena, P, arena.sections[h], arena.sections[h + 1], os.address + BigInt(m.offset), k);
    }
    const out = arena.emitted.subarray(start * 24, k * 24);
    const asInput = arena.asInput.subarray(start, k);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let j = 1; j <= arena.fixups[0]; j++) finishEntry(ctx, arena, P, arena.fixups[2 * j + 1], arena.fixups[2 * j] - start, view, asInput);
    sortByOffset(out, asInput);
    ctx.emitted.set(os, out);
    if (asInput.includes(1)) ctx.emittedAsInput.set(os, asInput);
    ctx.record.emittedRelocations += k - start;
  }
}

/** Entry `k` for plan entry `n` when its symbol is a merged section's (the addend selects a piece,
 *  which may now live in another section) or its instruction was rewritten. */
function finishEntry(ctx: LinkContext, arena: RelocationArena, P: Uint32Array, n: number, k: number, view: DataView, asInput: Uint8Array): void {
  const plan = ctx.plan!;
  const m = plan.sections[arena.source[n]];
  const slot = plan.files.get(m.file)!.slot;
  const w = n * 6;
  const sym = arena.words[w + 3];
  let addLo = arena.words[w + 4];
  let addHi = arena.words[w + 5] | 0;
  let index = arena.outSym[slot + sym];
  if (index === MERGED_SECTION_SYMBOL) {
    const target = m.file.sections[m.file.symtab!.shndx(sym)]!;
    const mapped = mergedOffset(target, addHi * 4294967296 + addLo);
    index = ctx.symbolTable!.sectionSymbol.get(mapped.holder.output!) ?? 0;
    addLo = mapped.holder.offset + mapped.offset;
    addHi = 0;
  } else if (arena.growth[slot + sym]) {
    const lo = addLo + arena.growth[slot + sym]; // addend grows by the input section's offset in the output
    addLo = lo >>> 0;
    addHi = (addHi + Math.floor(lo / 4294967296)) | 0;
  }
  const relax = arena.relax[n] as Relax;
  const type = relax ? relaxedType(relax, arena.words[w + 2]) : arena.words[w + 2];
  if (relax && relaxedAddend(relax)) {
    const lo = addLo + relaxedAddend(relax);
    addLo = lo >>> 0;
    addHi = (addHi + Math.floor(lo / 4294967296)) | 0;
  }
  // P is the field's place after any rewrite (`jmp *` → `jmp` moved it back a byte; the plan's).
  const placeLo = P[2 * n];
  const placeHi = P[2 * n + 1];
  if (relax && isTlsRelaxation(relax)) asInput[k] = 1;
  const o = k * 24;
  view.setUint32(o, placeLo, true);
  view.setUint32(o + 4, placeHi, true);
  view.setUint32(o + 8, type, true);
  view.setUint32(o + 12, index, true);
  view.setUint32(o + 16, addLo, true);
  view.setUint32(o + 20, addHi >>> 0, true);
}

/** The output symbol each input symbol of `file` becomes (its slots in arena.outSym/growth):
 *  globals and kept locals by their output index, section symbols by their output section's symbol
 *  with the addend grown by the input section's offset (ld's rewrite for --emit-relocs), merged
 *  sections' symbols left to finishEntry. */
function outputSymbols(ctx: LinkContext, file: ObjectFile, arena: RelocationArena, slot: number, section: number): void {
  const t = file.symtab!;
  const locals = Math.min(t.firstGlobal, t.count);
  const sectionSymbol = ctx.symbolTable!.sectionSymbol;
  arena.outSym.set(file.localOutputIndex.subarray(0, locals), slot);
  arena.outSym[slot] = 0;
  for (let i = 0; i < file.sections.length; i++) {
    const target = file.sections[i];
    if (target?.merge) arena.sectionSymbol[section + i] = MERGED_SECTION_SYMBOL;
    else if (target?.output) { arena.sectionSymbol[section + i] = sectionSymbol.get(target.output) ?? 0; arena.sectionOffset[section + i] = target.offset; }
  }
  // Raw st_shndx serves unless the file has SHT_SYMTAB_SHNDX escapes.
  if (file.elf.is64 && file.elf.data.le && !file.elf.sections.some((s) => s.type === SHT_SYMTAB_SHNDX)) {
    relocator().outputSymbols(arena, slot, 1, locals, section, Math.min(file.sections.length, 0xff00));
  } else {
    for (let sym = 1; sym < locals; sym++) {
      if ((t.info(sym) & 0xf) !== STT_SECTION) continue;
      const shndx = t.shndx(sym);
      const inside = shndx < file.sections.length;
      arena.outSym[slot + sym] = inside ? arena.sectionSymbol[section + shndx] : 0;
      arena.growth[slot + sym] = inside ? arena.sectionOffset[section + shndx] : 0;
    }
  }
  for (let sym = locals; sym < t.count; sym++) arena.outSym[slot + sym] = file.globals[sym].outputIndex;
}

/** ld sorts each output section's relocations by r_offset (stably: bfd's elf_link_adjust_relocs on
 *  x86-64), so an input whose entries are out of order (libc-start.o's .rela.text) comes out sorted.
 *  `flags` (one byte per entry) moves with its entry. Already sorted (the usual case): untouched. */
function sortByOffset(entries: Uint8Array, flags: Uint8Array): void {
  const n = entries.length / 24;
  // r_offset as 32-bit halves (the arena's entries are 8-byte aligned): words 6i (low), 6i + 1 (high).
  const w = new Uint32Array(entries.buffer, entries.byteOffset, n * 6);
  let sorted = true;
  for (let i = 6; i < n * 6; i += 6) {
    if (w[i + 1] < w[i - 5] || (w[i + 1] === w[i - 5] && w[i] < w[i - 6])) { sorted = false; break; }
  }
  if (sorted) return;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[6 * a + 1] - w[6 * b + 1] || w[6 * a] - w[6 * b] || a - b);
  const copy = entries.slice();
  const flagsCopy = flags.slice();
  order.forEach((from, to) => { entries.set(copy.subarray(from * 24, from * 24 + 24), to * 24); flags[to] = flagsCopy[from]; });
}

/** The relocations of .eh_frame entries ld removed become R_X86_64_NONE (symbol 0, addend 0) at the
 *  place of the section's previous kept relocation, or the section's start (bfd's elf_link_input_bfd
 *  keeps their count and the offsets ordered). Appended at `k`; the sort puts them in place. */
function emitRemovedAsNone(arena: RelocationArena, P: Uint32Array, first: number, count: number, sectionStart: bigint, k: number): number {
  let lastLo = Number(BigInt.asUintN(64, sectionStart) & 0xffffffffn);
  let lastHi = Number(BigInt.asUintN(64, sectionStart) >> 32n);
  const view = new DataView(arena.emitted.buffer, arena.emitted.byteOffset, arena.emitted.byteLength);
  for (let n = first; n < first + count; n++) {
    if (!arena.dropped[n]) { lastLo = P[2 * n]; lastHi = P[2 * n + 1]; continue; }
    const o = k * 24;
    view.setUint32(o, lastLo, true);
    view.setUint32(o + 4, lastHi, true);
    for (let b = 8; b < 24; b += 4) view.setUint32(o + b, 0, true);
    arena.asInput[k] = 0;
    k++;
  }
  return k;
}
