// A growing ELF string table (.strtab, .shstrtab): NUL first, each distinct name stored once.
// ld also shares suffixes; ldplay does not (offsets differ, names do not).
// Names are kept as bytes and found again by an open-addressing hash over those bytes, so a name can
// be copied straight from an input's string table without becoming a JS string (the kernel link
// writes ~40k local names).

export class StringTableBuilder {
  private out = new Uint8Array(4096);
  private length = 1;
  /** Open addressing: 0 is empty, else the name's offset in `out` (never 0: offset 0 is the NUL). */
  private slots: Int32Array;
  private count = 0;
  private scratch = new Uint8Array(256);

  /** `expected`: about how many names will be added (sizes the table once; it still grows). */
  constructor(expected = 256) {
    let size = 1024;
    while (size < expected * 2) size *= 2;
    this.slots = new Int32Array(size);
  }

  /** Offset of `name` (Latin-1, one byte per char), adding it on first sight. */
  add(name: string): number {
    if (name === '') return 0;
    if (name.length > this.scratch.length) this.scratch = new Uint8Array(name.length * 2);
    for (let i = 0; i < name.length; i++) this.scratch[i] = name.charCodeAt(i);
    return this.addBytes(this.scratch, 0, name.length);
  }

  /** Offset of the name in `source[start, end)` (no NUL inside), adding it on first sight. */
  addBytes(source: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n === 0) return 0;
    // FNV-1a over the name's bytes.
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ source[i], 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = this.slots[slot];
      if (at === 0) {
        const offset = this.append(source, start, n);
        this.slots[slot] = offset;
        if (++this.count * 2 > this.slots.length) this.rehash();
        return offset;
      }
      if (this.equals(at, source, start, n)) return at;
    }
  }

  bytes(): Uint8Array {
    return this.out.slice(0, this.length);
  }

  private equals(at: number, source: Uint8Array, start: number, n: number): boolean {
    const out = this.out;
    if (at + n >= this.length || out[at + n] !== 0) return false;
    for (let i = 0; i < n; i++) if (out[at + i] !== source[start + i]) return false;
    return true;
  }

  private append(source: Uint8Array, start: number, n: number): number {
    if (this.length + n + 1 > this.out.length) {
      const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + n + 1));
      grown.set(this.out.subarray(0, this.length));
      this.out = grown;
    }
    const offset = this.length;
    this.out.set(source.subarray(start, start + n), offset);
    this.out[offset + n] = 0;
    this.length += n + 1;
    return offset;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const out = this.out;
    for (const at of this.slots) {
      if (at === 0) continue;
      let h = 0x811c9dc5;
      for (let i = at; out[i] !== 0; i++) h = Math.imul(h ^ out[i], 0x01000193);
      let slot = h & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = at;
    }
    this.slots = slots;
  }
}
