// The --build-id note: a linker-made `.note.gnu.build-id` input section (NT_GNU_BUILD_ID, "GNU",
// 20-byte descriptor) that the script places like any other (the kernel's KEEP(*(.note.*))), and
// its value: SHA-1 of the finished output while the descriptor is still zero.
import { SHF_ALLOC, SHT_NOTE } from '../../elf/index.ts';
import type { InputSection, LinkContext } from '../context.ts';
import { sha1Hasher } from '../../hot/sha1.ts';

const NT_GNU_BUILD_ID = 3;
const NOTE_SIZE = 16 + 20;

export function createBuildIdSection(ctx: LinkContext): void {
  if (ctx.options.buildId === 'none' || !ctx.objects.length) return;
  const data = new Uint8Array(NOTE_SIZE);
  const view = new DataView(data.buffer);
  view.setUint32(0, 4, true);
  view.setUint32(4, 20, true);
  view.setUint32(8, NT_GNU_BUILD_ID, true);
  data.set([0x47, 0x4e, 0x55, 0], 12);
  const section: InputSection = {
    file: ctx.objects[0], index: -1, name: '.note.gnu.build-id', type: SHT_NOTE, flags: BigInt(SHF_ALLOC), entsize: 0, align: 4,
    size: NOTE_SIZE, data, relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  };
  ctx.synthetic.buildId = section;
}

/** Fills the descriptor in the written file; `sectionOffset` is the output section's file offset. */
export function writeBuildId(ctx: LinkContext, out: Uint8Array, sectionOffset: bigint): void {
  const s = ctx.synthetic.buildId!;
  const at = Number(sectionOffset) + s.offset + 16;
  out.set(ctx.options.sha1 ? ctx.options.sha1(out) : sha1Hasher().digest(out), at);
}
