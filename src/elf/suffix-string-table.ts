// A string table built the way GNU BFD builds `.strtab` and `.shstrtab` on output: strings in
// insertion order, duplicates stored once, and a string that is a suffix of another stored string
// shares its bytes. Strings are byte ranges of caller buffers (no per-string objects: 101 k symbol
// names on a production vmlinux). Follows BFD 2.40 `_bfd_elf_strtab_finalize` (reverse-byte sort
// of unsigned bytes, suffix walk; checked against objcopy on UTF-8 names); does not read ELF itself.

export class SuffixStringTable {
  private buffers: Uint8Array[] = [];
  private bufferIndex = new Map<Uint8Array, number>();
  private bufferOf = new Int32Array(64);
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  private count = 0;
  /** Open-addressing hash of string → handle + 1 (0 = empty slot). */
  private slots = new Int32Array(128);
  private finished: { offsets: Int32Array; bytes: Uint8Array } | null = null;

  /** Adds bytes [start, start+length) of `buffer` (no NUL); returns a handle for `offset()`.
   *  The empty string is offset 0 and is never stored. */
  add(buffer: Uint8Array, start: number, length: number): number {
    if (length === 0) return -1;
    const hash = hashBytes(buffer, start, length);
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const h = this.slots[s] - 1;
      if (h < 0) break;
      if (this.lengths[h] === length && equalBytes(this.buffers[this.bufferOf[h]], this.starts[h], buffer, start, length)) return h;
    }
    const h = this.count++;
    if (h === this.starts.length) this.grow();
    let b = this.bufferIndex.get(buffer);
    if (b === undefined) { b = this.buffers.push(buffer) - 1; this.bufferIndex.set(buffer, b); }
    this.bufferOf[h] = b;
    this.starts[h] = start;
    this.lengths[h] = length;
    this.insertSlot(h, hash);
    if (this.count * 2 > this.slots.length) this.rehash();
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

  /** The table's bytes: a leading NUL, then every stored string with its NUL. */
  data(): Uint8Array {
    return this.finish().bytes;
  }

  private finish(): { offsets: Int32Array; bytes: Uint8Array } {
    if (this.finished) return this.finished;
    const n = this.count;
    const len = this.lengths;
    const order = this.sortedByReversedBytes();
    // Walk from the end: a proper suffix of the last kept string points into it.
    const parent = new Int32Array(n).fill(-1);
    if (n > 0) {
      let kept = order[n - 1];
      for (let k = n - 2; k >= 0; k--) {
        const c = order[k];
        if (this.isProperSuffix(kept, c)) parent[c] = kept;
        else kept = c;
      }
    }
    const offsets = new Int32Array(n);
    let size = 1;
    for (let i = 0; i < n; i++) {
      if (parent[i] < 0) {
        offsets[i] = size;
        size += len[i] + 1;
      }
    }
    for (let i = 0; i < n; i++) if (parent[i] >= 0) offsets[i] = offsets[parent[i]] + len[parent[i]] - len[i];
    const bytes = new Uint8Array(size);
    for (let i = 0; i < n; i++) {
      if (parent[i] < 0) bytes.set(this.buffers[this.bufferOf[i]].subarray(this.starts[i], this.starts[i] + len[i]), offsets[i]);
    }
    this.finished = { offsets, bytes };
    return this.finished;
  }

  /** Handles sorted by reversed bytes (unsigned, as BFD compares them); on a common tail, shorter
   *  first. An MSD radix sort from the last byte backwards (bucket 0: the string has ended), with
   *  insertion sort for small ranges, over one pool holding every string reversed (no comparator
   *  call per pair, no per-string indirection: 101 k symbol names on a vmlinux). */
  private sortedByReversedBytes(): Int32Array {
    const n = this.count;
    const len = this.lengths;
    // pool[at[h] + d] is byte d of string h counted from its end.
    const at = new Int32Array(n);
    let total = 0;
    for (let h = 0; h < n; h++) { at[h] = total; total += len[h]; }
    const pool = new Uint8Array(total);
    for (let h = 0; h < n; h++) {
      const src = this.buffers[this.bufferOf[h]];
      const last = this.starts[h] + len[h] - 1;
      const base = at[h];
      for (let d = 0; d < len[h]; d++) pool[base + d] = src[last - d];
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const scratch = new Int32Array(n);
    const counts = new Int32Array(258);
    const firstOf = new Int32Array(258);
    const stack: number[] = [0, n, 0];
    while (stack.length) {
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const start = stack.pop()!;
      if (end - start < 24) {
        insertionSortReversed(order, start, end, depth, pool, at, len);
        continue;
      }
      counts.fill(0);
      for (let i = start; i < end; i++) {
        const h = order[i];
        counts[(depth < len[h] ? 1 + pool[at[h] + depth] : 0) + 1]++;
      }
      for (let b = 1; b < 258; b++) counts[b] += counts[b - 1];
      firstOf.set(counts);
      for (let i = start; i < end; i++) {
        const h = order[i];
        scratch[start + counts[depth < len[h] ? 1 + pool[at[h] + depth] : 0]++] = h;
      }
      order.set(scratch.subarray(start, end), start);
      // Bucket 0 holds strings that ended: distinct strings, so at most one; recurse into the others.
      for (let b = 1; b < 257; b++) {
        const from = start + firstOf[b];
        const to = start + firstOf[b + 1];
        if (to - from > 1) stack.push(from, to, depth + 1);
      }
    }
    return order;
  }

  private isProperSuffix(long: number, short: number): boolean {
    const d = this.lengths[long] - this.lengths[short];
    if (d <= 0) return false;
    return equalBytes(this.buffers[this.bufferOf[long]], this.starts[long] + d, this.buffers[this.bufferOf[short]], this.starts[short], this.lengths[short]);
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

  private insertSlot(h: number, hash: number): void {
    const mask = this.slots.length - 1;
    let s = hash & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = h + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let h = 0; h < this.count; h++) this.insertSlot(h, hashBytes(this.buffers[this.bufferOf[h]], this.starts[h], this.lengths[h]));
  }
}

/** FNV-1a over a byte range. */
function hashBytes(b: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = start, end = start + length; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function equalBytes(a: Uint8Array, ai: number, b: Uint8Array, bi: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[ai + i] !== b[bi + i]) return false;
  return true;
}

/** Sorts order[start, end), whose strings share their last `depth` bytes, by the rest reversed. */
function insertionSortReversed(order: Int32Array, start: number, end: number, depth: number, pool: Uint8Array, at: Int32Array, len: Int32Array): void {
  for (let i = start + 1; i < end; i++) {
    const h = order[i];
    let j = i - 1;
    while (j >= start && compareReversed(order[j], h, depth, pool, at, len) > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = h;
  }
}

function compareReversed(a: number, b: number, depth: number, pool: Uint8Array, at: Int32Array, len: Int32Array): number {
  const la = len[a];
  const lb = len[b];
  const n = Math.min(la, lb);
  for (let d = depth, i = at[a] + depth, j = at[b] + depth; d < n; d++, i++, j++) {
    if (pool[i] !== pool[j]) return pool[i] - pool[j];
  }
  return la - lb;
}
