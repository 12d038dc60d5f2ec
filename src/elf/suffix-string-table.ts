// A string table built the way GNU BFD builds `.strtab` and `.shstrtab` on output: strings in
// insertion order, duplicates stored once, and a string that is a suffix of another stored string
// shares its bytes. Strings are byte ranges of caller buffers (no per-string objects: 101 k symbol
// names on a production vmlinux); adding one only records its range, and the first `offset()` or
// `data()` finishes the table in one go (src/hot/string-table.ts: BFD 2.40's
// `_bfd_elf_strtab_finalize` order, checked against objcopy on UTF-8 names). Does not read ELF itself.
import { stringTableFinisher, type FinishedStringTable } from '../hot/string-table.ts';

export class SuffixStringTable {
  private buffers: Uint8Array[] = [];
  private bufferIndex = new Map<Uint8Array, number>();
  private lastBuffer: Uint8Array | null = null;
  private lastBufferIndex = -1;
  private bufferOf = new Int32Array(64);
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  private count = 0;
  private totalLength = 0;
  private finished: FinishedStringTable | null = null;

  /** Adds bytes [start, start+length) of `buffer` (no NUL); returns a handle for `offset()`.
   *  The empty string is offset 0 and is never stored. */
  add(buffer: Uint8Array, start: number, length: number): number {
    if (length === 0) return -1;
    const h = this.count++;
    if (h === this.starts.length) this.grow();
    if (buffer !== this.lastBuffer) {
      let b = this.bufferIndex.get(buffer);
      if (b === undefined) { b = this.buffers.push(buffer) - 1; this.bufferIndex.set(buffer, b); }
      this.lastBuffer = buffer;
      this.lastBufferIndex = b;
    }
    this.bufferOf[h] = this.lastBufferIndex;
    this.starts[h] = start;
    this.lengths[h] = length;
    this.totalLength += length;
    this.finished = null;
    return h;
  }

  /** Adds a name given as text (one byte per character, Latin-1). */
  addText(text: string): number {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    return this.add(bytes, 0, bytes.length);
  }

  /** The offset of a handle returned by `add` in the finished table. */
  offset(handle: number): number {
    return handle < 0 ? 0 : this.finish().offsets[handle];
  }

  /** Every handle's offset at once (indexed by handle; the empty string's -1 is not in it). */
  offsets(): Int32Array {
    return this.finish().offsets;
  }

  /** The table's bytes: a leading NUL, then every stored string with its NUL. */
  data(): Uint8Array {
    return this.finish().bytes;
  }

  private finish(): FinishedStringTable {
    this.finished ??= stringTableFinisher().finish({
      buffers: this.buffers, bufferOf: this.bufferOf, starts: this.starts, lengths: this.lengths, count: this.count, totalLength: this.totalLength,
    });
    return this.finished;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const widen = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.bufferOf = widen(this.bufferOf);
    this.starts = widen(this.starts);
    this.lengths = widen(this.lengths);
  }
}
