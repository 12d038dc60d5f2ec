// Pass, emitRelocations (--emit-relocs): for each output section, a .rela<name> holding every input
// relocation rebased as GNU ld writes it — r_offset the output address; globals and kept locals by
// their output symbol index; section-symbol targets moved to the output section's symbol with the
// addend grown by the input section's offset (or its merged position); GOT relaxations' types renamed,
// TLS rewrites' relocations left as the input had them (marked in ctx.emittedAsInput for verify).
import { STT_SECTION } from '../../elf/index.ts';
import { isTlsRelaxation, relaxedAddend, relaxedShift, relaxedType, type Relax } from '../arch/x86_64.ts';
import type { InputSection, LinkContext, ObjectFile } from '../context.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../relocation-words.ts';
import { mergedOffset } from './merge-sections.ts';

export function emitRelocations(ctx: LinkContext): void {
  const plan = ctx.plan;
  const table = ctx.symbolTable;
  if (!ctx.options.emitRelocs || !plan || !table) return;
  const first = new Map<InputSection, { start: number; index: number }>();
  let start = 0;
  plan.sections.forEach((s, index) => {
    first.set(s, { start, index });
    start += s.file.elf.relocationTable(s.relocationSection).count;
  });
  const P32 = new Uint32Array(plan.P.buffer, plan.P.byteOffset, plan.count * 2);
  const outputSymbols = new Map<ObjectFile, OutputSymbols>();
  const outputSymbolsOf = (file: ObjectFile) => {
    let known = outputSymbols.get(file);
    if (!known) { known = outputSymbolsFor(ctx, file); outputSymbols.set(file, known); }
    return known;
  };
  for (const os of ctx.outputSections) {
    if (!table.relaIndex.has(os)) continue;
    const members = os.members.filter((m) => first.has(m));
    let total = 0;
    for (const m of members) total += keptCount(plan.dropped, first.get(m)!.start, m.file.elf.relocationTable(m.relocationSection).count);
    const out = new Uint8Array(total * 24);
    const view = new DataView(out.buffer);
    const asInput = new Uint8Array(total);
    let k = 0;
    for (const m of members) k = emitMember(ctx, m, first.get(m)!.start, outputSymbolsOf(m.file), P32, view, k, asInput);
    ctx.emitted.set(os, out);
    if (asInput.includes(1)) ctx.emittedAsInput.set(os, asInput);
    ctx.record.emittedRelocations += total;
  }
}

/** How many of plan entries [start, start + count) were not dropped with their .eh_frame entry. */
function keptCount(dropped: Uint8Array, start: number, count: number): number {
  let kept = 0;
  for (let i = start; i < start + count; i++) if (!dropped[i]) kept++;
  return kept;
}

/** Writes the kept relocations of member `m` (plan entries from `base`) as entries `k`… of `view`;
 *  returns the next entry. A function of its own so the engine optimizes this loop early and once. */
function emitMember(ctx: LinkContext, m: InputSection, base: number, symbols: OutputSymbols, P32: Uint32Array, view: DataView, k: number, asInput: Uint8Array): number {
  const plan = ctx.plan!;
  const rel = m.file.elf.relocationTable(m.relocationSection);
  const w = relocationWords(m.file.elf, rel);
  const dropped = plan.dropped;
  const relaxations = plan.relax;
  for (let i = 0; i < rel.count; i++) {
    const n = base + i;
    if (dropped[n]) continue; // went with its .eh_frame entry
    const at = i * WORDS_PER_RELOCATION;
    const sym = w[at + 3];
    let addLo = w[at + 4];
    let addHi = w[at + 5] | 0;
    let index = symbols.index[sym];
    if (index === MERGED) {
      // A merged string: the addend selects a piece, which may now live in another section.
      const target = m.file.sections[m.file.symtab!.shndx(sym)]!;
      const mapped = mergedOffset(target, Number(rel.addend(i)));
      index = ctx.symbolTable!.sectionSymbol.get(mapped.holder.output!) ?? 0;
      addLo = mapped.holder.offset + mapped.offset;
      addHi = 0;
    } else if (symbols.growth[sym]) {
      const lo = addLo + symbols.growth[sym]; // addend grows by the input section's offset in the output
      addLo = lo >>> 0;
      addHi = (addHi + Math.floor(lo / 4294967296)) | 0;
    }
    const relax = relaxations[n] as Relax;
    const type = relax ? relaxedType(relax, w[at + 2]) : w[at + 2];
    if (relax && relaxedAddend(relax)) {
      const lo = addLo + relaxedAddend(relax);
      addLo = lo >>> 0;
      addHi = (addHi + Math.floor(lo / 4294967296)) | 0;
    }
    let placeLo = P32[2 * n];
    let placeHi = P32[2 * n + 1];
    const shift = relax ? relaxedShift(relax) : 0;
    if (shift) { const lo = placeLo + shift; placeLo = lo >>> 0; placeHi = (placeHi + Math.floor(lo / 4294967296)) >>> 0; }
    if (relax && isTlsRelaxation(relax)) asInput[k] = 1;
    const o = k++ * 24;
    view.setUint32(o, placeLo, true);
    view.setUint32(o + 4, placeHi, true);
    view.setUint32(o + 8, type, true);
    view.setUint32(o + 12, index, true);
    view.setUint32(o + 16, addLo, true);
    view.setUint32(o + 20, addHi >>> 0, true);
  }
  return k;
}

/** `index` marks section symbols of merged sections: their output symbol depends on the addend. */
const MERGED = -1;

interface OutputSymbols {
  /** Output .symtab index per input symbol (0 for none), or MERGED. */
  index: Int32Array;
  /** For section symbols: how much the addend grows (the input section's offset in its output). */
  growth: Float64Array;
}

/** The output symbol each input symbol of `file` becomes: globals and kept locals by their output
 *  index, section symbols by their output section's symbol (ld's rewrite for --emit-relocs). */
function outputSymbolsFor(ctx: LinkContext, file: ObjectFile): OutputSymbols {
  const t = file.symtab!;
  const index = new Int32Array(t.count);
  const growth = new Float64Array(t.count);
  const sectionSymbol = ctx.symbolTable!.sectionSymbol;
  for (let sym = 1; sym < t.count; sym++) {
    if (sym >= t.firstGlobal) index[sym] = file.globals[sym].outputIndex;
    else if ((t.info(sym) & 0xf) !== STT_SECTION) index[sym] = file.localOutputIndex[sym];
    else {
      const target = file.sections[t.shndx(sym)];
      if (target?.merge) index[sym] = MERGED;
      else if (target?.output) { index[sym] = sectionSymbol.get(target.output) ?? 0; growth[sym] = target.offset; }
    }
  }
  return { index, growth };
}
