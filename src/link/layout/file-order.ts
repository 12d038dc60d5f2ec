// The order GNU ld's final link visits input files in: each file when the walk over the output
// sections, in order, and their input sections meets its first section (bfd's elf_link_input_bfd
// handles a whole file then: its local symbols and its relocations for --emit-relocs). A file with
// no section holding bytes in the output is never visited (its locals are not written: a file
// --gc-sections emptied but for its merged .comment). Checked against ld on a static glibc link and a garbage-collected one.
import type { LinkContext, ObjectFile } from '../context.ts';

export function filesInOutputOrder(ctx: LinkContext): ObjectFile[] {
  const seen = new Set<ObjectFile>();
  // A merged section's other inputs and an emptied .eh_frame hold no bytes (ld excludes them).
  for (const os of ctx.outputSections) for (const s of os.members) if (s.index >= 0 && !((s.merge || s.ehFrame) && s.size === 0)) seen.add(s.file);
  return [...seen];
}
