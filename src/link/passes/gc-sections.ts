// Pass (with --gc-sections), collectGarbage: marks input sections reachable from the entry symbol,
// KEEP() sections, non-allocated sections and those __start_/__stop_ symbols name, following
// relocations; unmarked allocated sections are discarded, as ld's --gc-sections does.
import { SHF_ALLOC, SHN_UNDEF } from '../../elf/index.ts';
import type { InputSection, LinkContext } from '../context.ts';

export function collectGarbage(ctx: LinkContext): void {
  const work: InputSection[] = [];
  const mark = (s: InputSection | undefined) => {
    if (s && !s.live && !s.discarded) { s.live = true; work.push(s); }
  };
  const all = ctx.objects.flatMap((o) => o.sections.filter((s): s is InputSection => !!s));
  const startStop = new Set([...ctx.symbols.keys()].filter((n) => /^__(start|stop)_/.test(n)).map((n) => n.replace(/^__(start|stop)_/, '')));
  for (const s of all) if (s.keep || (s.flags & BigInt(SHF_ALLOC)) === 0n || startStop.has(s.name) || /^\.(init|fini|preinit_array|init_array|fini_array|ctors|dtors)(\.|$)/.test(s.name)) mark(s);
  for (const synthetic of [ctx.synthetic.buildId, ctx.synthetic.got, ctx.synthetic.gotPlt, ctx.synthetic.common]) if (synthetic) synthetic.live = true;
  const entry = ctx.symbols.get(ctx.options.entry ?? ctx.entrySymbol ?? '_start');
  mark(entry?.section);
  while (work.length) {
    const s = work.pop()!;
    // .eh_frame describes functions; it must not keep them alive (ld edits out their FDEs instead).
    if (s.relocationSection < 0 || s.name === '.eh_frame') continue;
    const obj = s.file;
    const t = obj.symtab!;
    const table = obj.elf.relocationTable(s.relocationSection);
    for (let i = 0; i < table.count; i++) {
      const sym = table.sym(i);
      if (sym >= t.firstGlobal) mark(obj.globals[sym].section);
      else { const shndx = t.shndx(sym); if (shndx !== SHN_UNDEF) mark(obj.sections[shndx]); }
    }
  }
  for (const s of all) {
    if (s.live || s.discarded || !s.output) continue;
    s.discarded = true;
    ctx.record.discarded.push({ file: s.file.name, section: s.name, output: '(gc)', offset: 0, size: s.size });
  }
}
