// The --build-id note: a linker-made `.note.gnu.build-id` input section (NT_GNU_BUILD_ID, "GNU",
// 20-byte descriptor) that the script places like any other (the kernel's KEEP(*(.note.*))), and
// its value, GNU ld 2.40's: SHA-1 not of the file but of a stream BFD walks once the output is
// written — the ELF header with e_phoff and e_shoff zero, every program header, then per section
// its header with sh_offset zero followed by its contents (none for SHT_NOBITS or empty sections,
// nor for .symtab/.strtab/.shstrtab, which BFD builds outside any section), while the whole note,
// header and name included, still reads as zeros. Checked on the tiny kernel: ld's value exactly.
import { EHDR_SIZE, PHDR_SIZE, SHDR_SIZE, SHF_ALLOC, SHT_NOBITS, SHT_NOTE, SHT_STRTAB, SHT_SYMTAB, readElf } from '../../elf/index.ts';
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

/** The pieces of `out` BFD's build-id checksum reads, in order (the ELF64 file ldplay just wrote,
 *  read back through src/elf for where its header tables and sections lie). */
function checksumStream(out: Uint8Array): Uint8Array[] {
  const elf = readElf(out, 'build-id');
  const { phoff, shoff, phnum } = elf.header;
  const header = out.slice(0, EHDR_SIZE[64]);
  header.fill(0, 0x20, 0x30); // e_phoff, e_shoff
  const parts = [header, out.subarray(Number(phoff), Number(phoff) + PHDR_SIZE[64] * phnum)];
  for (const s of elf.sections) {
    const at = Number(shoff) + SHDR_SIZE[64] * s.index;
    const shdr = out.slice(at, at + SHDR_SIZE[64]);
    shdr.fill(0, 24, 32); // sh_offset
    parts.push(shdr);
    if (s.type !== SHT_NOBITS && s.type !== SHT_SYMTAB && s.type !== SHT_STRTAB && s.size > 0n) parts.push(out.subarray(Number(s.offset), Number(s.offset + s.size)));
  }
  return parts;
}
