// A growing ELF string table (.strtab, .shstrtab): NUL first, each distinct name stored once.
// ld also shares suffixes; ldplay does not (offsets differ, names do not).

export class StringTableBuilder {
  private readonly offsets = new Map<string, number>();
  private readonly parts: string[] = [''];
  private length = 1;

  add(name: string): number {
    if (name === '') return 0;
    let at = this.offsets.get(name);
    if (at === undefined) {
      at = this.length;
      this.offsets.set(name, at);
      this.parts.push(name);
      this.length += name.length + 1;
    }
    return at;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      for (let i = 0; i < p.length; i++) out[at + i] = p.charCodeAt(i);
      at += p.length + 1;
    }
    return out;
  }
}
