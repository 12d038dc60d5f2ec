// The --build-id note: a linker-made `.note.gnu.build-id` input section (NT_GNU_BUILD_ID, "GNU",
// 20-byte descriptor) that the script places like any other (the kernel's KEEP(*(.note.*))), and
// its value, GNU ld 2.40's: SHA-1 not of the file but of a stream BFD walks once the output is
// written — the ELF header with e_phoff and e_shoff zero, every program header, then per section
// its header with sh_offset zero followed by its contents (none for SHT_NOBITS or empty sections,
// nor for .symtab/.strtab/.shstrtab, which BFD builds outside any section), while the whole note,
// header and name included, still reads as zeros. Checked on the tiny kernel: ld's value exactly.
import { SHF_ALLOC, SHT_NOBITS, SHT_NOTE, SHT_STRTAB, SHT_SYMTAB } from '../../elf/index.ts';
import { sha1Hasher } from '../../hot/sha1.ts';
import type { InputSection, LinkContext } from '../context.ts';

const NT_GNU_BUILD_ID = 3;
const NOTE_SIZE = 16 + 20;

export function createBuildIdSection(ctx: LinkContext): void {
  if (ctx.options.buildId === 'none' || !ctx.objects.length) return;
  const section: InputSection = {
    file: ctx.objects[0], index: -1, name: '.note.gnu.build-id', type: SHT_NOTE, flags: BigInt(SHF_ALLOC), entsize: 0, align: 4,
    size: NOTE_SIZE, data: noteBytes(new Uint8Array(20)), relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  };
  ctx.synthetic.buildId = section;
}

function noteBytes(descriptor: Uint8Array): Uint8Array {
  const data = new Uint8Array(NOTE_SIZE);
  const view = new DataView(data.buffer);
  view.setUint32(0, 4, true);
  view.setUint32(4, 20, true);
  view.setUint32(8, NT_GNU_BUILD_ID, true);
  data.set([0x47, 0x4e, 0x55, 0], 12);
  data.set(descriptor, 16);
  return data;
}

/** Fills the note in the written ELF64 file `out`; `sectionOffset` is its output section's offset. */
export function writeBuildId(ctx: LinkContext, out: Uint8Array, sectionOffset: bigint): void {
  const at = Number(sectionOffset) + ctx.synthetic.buildId!.offset;
  out.fill(0, at, at + NOTE_SIZE);
  const parts = checksumStream(out);
  out.set(noteBytes(ctx.options.sha1 ? ctx.options.sha1(parts) : sha1Hasher().digest(parts)), at);
}

/** The pieces of `out` BFD's build-id checksum reads, in order (little-endian ELF64). */
function checksumStream(out: Uint8Array): Uint8Array[] {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const phoff = Number(view.getBigUint64(0x20, true));
  const shoff = Number(view.getBigUint64(0x28, true));
  const phnum = view.getUint16(0x38, true);
  const shnum = view.getUint16(0x3c, true);
  const header = out.slice(0, 64);
  header.fill(0, 0x20, 0x30);
  const parts = [header, out.subarray(phoff, phoff + 56 * phnum)];
  for (let i = 0; i < shnum; i++) {
    const shdr = out.slice(shoff + 64 * i, shoff + 64 * (i + 1));
    const type = view.getUint32(shoff + 64 * i + 4, true);
    const offset = Number(view.getBigUint64(shoff + 64 * i + 24, true));
    const size = Number(view.getBigUint64(shoff + 64 * i + 32, true));
    shdr.fill(0, 24, 32);
    parts.push(shdr);
    if (type !== SHT_NOBITS && type !== SHT_SYMTAB && type !== SHT_STRTAB && size > 0) parts.push(out.subarray(offset, offset + size));
  }
  return parts;
}
