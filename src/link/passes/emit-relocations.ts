// Pass, emitRelocations (--emit-relocs): for each output section, a .rela<name> holding every input
// relocation rebased as GNU ld writes it — r_offset the output address; globals and kept locals by
// their output symbol index; section-symbol targets moved to the output section's symbol with the
// addend grown by the input section's offset (or its merged position); relaxed types renamed.
import { STT_SECTION } from '../../elf/index.ts';
import { relaxedType, Relax } from '../arch/x86_64.ts';
import type { InputSection, LinkContext } from '../context.ts';
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
  for (const os of ctx.outputSections) {
    if (!table.relaIndex.has(os)) continue;
    const members = os.members.filter((m) => first.has(m));
    let total = 0;
    for (const m of members) total += m.file.elf.relocationTable(m.relocationSection).count;
    const out = new Uint8Array(total * 24);
    const view = new DataView(out.buffer);
    let k = 0;
    for (const m of members) {
      const base = first.get(m)!.start;
      const rel = m.file.elf.relocationTable(m.relocationSection);
      const t = m.file.symtab!;
      for (let i = 0; i < rel.count; i++, k++) {
        const n = base + i;
        const sym = rel.sym(i);
        let addend = rel.addend(i);
        let index = 0;
        if (sym >= t.firstGlobal) index = m.file.globals[sym].outputIndex;
        else if (sym !== 0 && (t.info(sym) & 0xf) === STT_SECTION) {
          const target = m.file.sections[t.shndx(sym)];
          if (target?.output) {
            let holder = target;
            let offset = BigInt(target.offset) + addend;
            if (target.merge) {
              const mapped = mergedOffset(target, Number(addend));
              holder = mapped.holder;
              offset = BigInt(holder.offset + mapped.offset);
            }
            index = table.sectionSymbol.get(holder.output!) ?? 0;
            addend = offset;
          }
        } else if (sym !== 0) {
          index = m.file.localOutputIndex[sym];
        }
        const relax = plan.relax[n] as Relax;
        const type = relaxedType(relax, rel.type(i));
        const place = BigInt.asUintN(64, plan.P[n]) - (relax === Relax.IndirectJump ? 1n : 0n);
        view.setBigUint64(k * 24, place, true);
        view.setBigUint64(k * 24 + 8, (BigInt(index) << 32n) | BigInt(type), true);
        view.setBigInt64(k * 24 + 16, addend, true);
      }
    }
    ctx.emitted.set(os, out);
    ctx.record.emittedRelocations += total;
  }
}
