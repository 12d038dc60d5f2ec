// The one interface every piece of the output file shares (mold's Chunk): output sections, .symtab,
// .strtab, .shstrtab and the .rela sections of --emit-relocs. writeOutput lays chunks out by their
// headers and asks each to write itself; a chunk knows its bytes, not where the others go.
import type { SectionHeader } from '../../elf/index.ts';

export interface Chunk {
  header: SectionHeader;
  /** Recomputes size/link/info once section indices are final. */
  updateHeader(): void;
  /** Writes the chunk's bytes at `header.offset` of `out` (nothing for SHT_NOBITS). */
  writeTo(out: Uint8Array): void;
}

export function sectionHeader(name: string, fields: Partial<SectionHeader>): SectionHeader {
  return {
    index: 0, nameOffset: 0, name, type: 0, flags: 0n, addr: 0n, offset: 0n, size: 0n, link: 0, info: 0,
    addralign: 1n, entsize: 0n, ...fields,
  };
}

/** A chunk over fixed bytes (output sections, string tables). */
export class BytesChunk implements Chunk {
  constructor(readonly header: SectionHeader, public bytes: Uint8Array | undefined) {}
  updateHeader(): void {
    if (this.bytes) this.header.size = BigInt(this.bytes.length);
  }
  writeTo(out: Uint8Array): void {
    if (this.bytes && this.header.type !== 8) out.set(this.bytes, Number(this.header.offset));
  }
}
