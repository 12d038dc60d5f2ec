// The order GNU ld's final link visits input files in: each file when the walk over the output
// sections, in order, and their input sections meets its first section (bfd's elf_link_input_bfd
// handles a whole file then: its local symbols and its relocations for --emit-relocs) — an emptied
// .eh_frame counts, a merged section's other inputs do not. A file whose only sections left are an
// emptied .eh_frame and merged ones is not visited (its locals are not written: one --gc-sections
// emptied). Checked against ld on static glibc links with and without --gc-sections, and the kernel
// (whose vmlinux.export.o has only empty sections, and is visited).
import type { LinkContext, ObjectFile } from '../context.ts';

export function filesInOutputOrder(ctx: LinkContext): ObjectFile[] {
  const met = new Set<ObjectFile>();
  const kept = new Set<ObjectFile>();
  for (const os of ctx.outputSections) {
    for (const s of os.members) {
      if (s.index < 0 || (s.merge && s.size === 0)) continue;
      met.add(s.file);
      if (!(s.ehFrame && s.size === 0)) kept.add(s.file);
    }
  }
  return [...met].filter((f) => kept.has(f));
}
