// Pass (with --gc-sections), collectGarbage: marks input sections reachable from the entry symbol,
// KEEP() sections, non-allocated sections, notes, retained sections and those __start_/__stop_
// symbols name, following relocations (and from .eh_frame only what live code's FDEs refer to);
// unmarked allocated sections are discarded, as ld's --gc-sections does.
import { SHF_ALLOC, SHF_GNU_RETAIN, SHN_UNDEF, SHT_NOTE } from '../../elf/index.ts';
import type { InputSection, LinkContext } from '../context.ts';

export function collectGarbage(ctx: LinkContext): void {
  const work: InputSection[] = [];
  const mark = (s: InputSection | undefined) => {
    if (s && !s.live && !s.discarded) { s.live = true; work.push(s); }
  };
  const all = ctx.objects.flatMap((o) => o.sections.filter((s): s is InputSection => !!s));
  const startStop = new Set([...ctx.symbols.keys()].filter((n) => /^__(start|stop)_/.test(n)).map((n) => n.replace(/^__(start|stop)_/, '')));
  // Roots as ld's: KEEP, non-allocated, notes, SHF_GNU_RETAIN, __start_/__stop_ targets, init/fini.
  const root = (s: InputSection) => s.keep || (s.flags & BigInt(SHF_ALLOC)) === 0n || s.type === SHT_NOTE || (s.flags & BigInt(SHF_GNU_RETAIN)) !== 0n ||
    startStop.has(s.name) || /^\.(init|fini|preinit_array|init_array|fini_array|ctors|dtors)(\.|$)/.test(s.name);
  for (const s of all) if (root(s)) mark(s);
  for (const synthetic of [ctx.synthetic.buildId, ctx.synthetic.got, ctx.synthetic.gotPlt, ctx.synthetic.common]) if (synthetic) synthetic.live = true;
  const entry = ctx.symbols.get(ctx.options.entry ?? ctx.entrySymbol ?? '_start');
  mark(entry?.section);
  const fdes = all.filter((s) => s.name === '.eh_frame' && !s.discarded && s.relocationSection >= 0).flatMap(frameDescriptions);
  for (let changed = true; changed;) {
    while (work.length) {
      const s = work.pop()!;
      // .eh_frame describes functions; it must not keep them alive (ld edits out their FDEs instead).
      if (s.relocationSection < 0 || s.name === '.eh_frame') continue;
      const table = s.file.elf.relocationTable(s.relocationSection);
      for (let i = 0; i < table.count; i++) mark(relocationTarget(s, table.sym(i)));
    }
    // An FDE of live code keeps what it and its CIE refer to: the LSDA in .gcc_except_table and the
    // personality's DW.ref word (ld's _bfd_elf_gc_mark_fdes), which may make more code live.
    changed = false;
    for (const f of fdes) {
      if (f.done || !f.code?.live) continue;
      f.done = changed = true;
      for (const target of f.refers) mark(target);
    }
  }
  for (const s of all) {
    if (s.live || s.discarded || !s.output) continue;
    s.discarded = true;
    ctx.record.discarded.push({ file: s.file.name, section: s.name, output: '(gc)', offset: 0, size: s.size });
  }
}

/** The section a relocation's symbol `sym` of `s`'s file lives in (undefined: none). */
function relocationTarget(s: InputSection, sym: number): InputSection | undefined {
  const obj = s.file;
  const t = obj.symtab!;
  if (sym >= t.firstGlobal) return obj.globals[sym].section;
  const shndx = t.shndx(sym);
  return shndx === SHN_UNDEF ? undefined : obj.sections[shndx];
}

interface FrameDescription { code: InputSection | undefined; refers: (InputSection | undefined)[]; done: boolean }

/** Each FDE of an .eh_frame input: the code its first relocation (pc_begin) names, and the other
 *  sections it and its CIE refer to. Entries: a 32-bit length, then 0 for a CIE or the distance
 *  back to its CIE (64-bit lengths and damaged entries end the walk; such FDEs keep nothing). */
function frameDescriptions(s: InputSection): FrameDescription[] {
  const table = s.file.elf.relocationTable(s.relocationSection);
  const relocs: { offset: number; target: InputSection | undefined }[] = [];
  for (let i = 0; i < table.count; i++) relocs.push({ offset: Number(table.offset(i)), target: relocationTarget(s, table.sym(i)) });
  relocs.sort((a, b) => a.offset - b.offset);
  // Entries and relocations both ascend: one cursor hands each entry its relocations.
  let cursor = 0;
  const inside = (from: number, to: number) => {
    while (cursor < relocs.length && relocs[cursor].offset < from) cursor++;
    const start = cursor;
    while (cursor < relocs.length && relocs[cursor].offset < to) cursor++;
    return relocs.slice(start, cursor);
  };
  const view = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
  const cies = new Map<number, (InputSection | undefined)[]>();
  const out: FrameDescription[] = [];
  for (let p = 0; p + 8 <= s.data.length;) {
    const length = view.getUint32(p, true);
    if (length === 0 || length === 0xffffffff || p + 4 + length > s.data.length) break;
    const id = view.getUint32(p + 4, true);
    const rs = inside(p, p + 4 + length);
    if (id === 0) cies.set(p, rs.map((r) => r.target));
    else if (rs.length) out.push({ code: rs[0].target, refers: [...rs.slice(1).map((r) => r.target), ...(cies.get(p + 4 - id) ?? [])], done: false });
    p += 4 + length;
  }
  return out;
}
