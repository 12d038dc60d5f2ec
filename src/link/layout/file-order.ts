// The order GNU ld's final link visits input files in: each file when the walk over the output
// sections, in order, and their input sections meets its first section (bfd's elf_link_input_bfd
// handles a whole file then: its local symbols and its relocations for --emit-relocs); files with
// no section in the output after, in link order. Checked against ld on a static glibc link.
import type { LinkContext, ObjectFile } from '../context.ts';

export function filesInOutputOrder(ctx: LinkContext): ObjectFile[] {
  const seen = new Set<ObjectFile>();
  for (const os of ctx.outputSections) for (const s of os.members) if (s.index >= 0) seen.add(s.file);
  for (const obj of ctx.objects) seen.add(obj);
  return [...seen];
}
