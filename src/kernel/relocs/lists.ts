// Growable lists of u32 relocation addresses (the tool's struct relocs), with the first few origins
// kept for the playground. Storage only: what goes in a list is decided by scan.ts.
// Values are the low 32 bits of the address to patch, as vmlinux.relocs stores them.

export class RelocationList {
  data: Uint32Array;
  length = 0;
  /** Where the first `sampleLimit` entries came from: relocation section index and entry number. */
  readonly originSection: number[] = [];
  readonly originEntry: number[] = [];

  constructor(readonly sampleLimit: number, capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }

  push(value: number, section: number, entry: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
    if (this.originSection.length < this.sampleLimit) {
      this.originSection.push(section);
      this.originEntry.push(entry);
    }
  }

  /** The collected values (a view, not a copy). */
  values(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** The lists one run fills: 64-bit, inverse 32-bit (6.1–6.14 per-CPU), 32-bit, 16-bit (real mode). */
export interface RelocationLists {
  relocs64: RelocationList;
  relocs32neg: RelocationList;
  relocs32: RelocationList;
  relocs16: RelocationList;
}

export function createRelocationLists(sampleLimit: number): RelocationLists {
  return {
    relocs64: new RelocationList(sampleLimit),
    relocs32neg: new RelocationList(sampleLimit),
    relocs32: new RelocationList(sampleLimit),
    relocs16: new RelocationList(sampleLimit),
  };
}
