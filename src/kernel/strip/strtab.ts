// A string table built the way GNU BFD builds `.strtab` and `.shstrtab` on output: strings in
// insertion order, duplicates stored once, and a string that is a suffix of another one stored
// string shares its bytes. Does not read ELF; callers add names and read back offsets.
// Follows BFD 2.40 `_bfd_elf_strtab_finalize` (reverse-byte sort with signed chars, suffix walk).

export class SuffixStringTable {
  private readonly strings: Uint8Array[] = [];
  private readonly indexOf = new Map<string, number>();
  private offsets: Uint32Array | null = null;
  private bytes: Uint8Array | null = null;

  /** Adds `name` (bytes, without the NUL); returns a handle for `offset()`. '' is offset 0. */
  add(key: string, bytes: Uint8Array): number {
    if (bytes.length === 0) return -1;
    const hit = this.indexOf.get(key);
    if (hit !== undefined) return hit;
    const i = this.strings.length;
    this.strings.push(bytes);
    this.indexOf.set(key, i);
    this.offsets = null;
    return i;
  }

  addText(text: string): number {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    return this.add(text, bytes);
  }

  /** The offset of a handle returned by `add` in the finished table. */
  offset(handle: number): number {
    if (handle < 0) return 0;
    return this.finish().offsets[handle];
  }

  /** The table's bytes: a leading NUL, then every stored string with its NUL. */
  data(): Uint8Array {
    return this.finish().bytes;
  }

  private finish(): { offsets: Uint32Array; bytes: Uint8Array } {
    if (this.offsets && this.bytes) return { offsets: this.offsets, bytes: this.bytes };
    const n = this.strings.length;
    const s = this.strings;
    // Sort by reversed bytes (as signed chars, like BFD on x86), shorter first on a common tail.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareReversed(s[a], s[b]));
    // Walk from the longest-of-its-tail down: a string that is a proper suffix of the last kept
    // string points into it; otherwise it becomes the new kept string.
    const parent = new Int32Array(n).fill(-1);
    if (n > 0) {
      let kept = order[n - 1];
      for (let k = n - 2; k >= 0; k--) {
        const c = order[k];
        if (isProperSuffix(s[kept], s[c])) parent[c] = kept;
        else kept = c;
      }
    }
    const offsets = new Uint32Array(n);
    let size = 1;
    for (let i = 0; i < n; i++) {
      if (parent[i] < 0) {
        offsets[i] = size;
        size += s[i].length + 1;
      }
    }
    for (let i = 0; i < n; i++) {
      if (parent[i] >= 0) offsets[i] = offsets[parent[i]] + s[parent[i]].length - s[i].length;
    }
    const bytes = new Uint8Array(size);
    for (let i = 0; i < n; i++) if (parent[i] < 0) bytes.set(s[i], offsets[i]);
    this.offsets = offsets;
    this.bytes = bytes;
    return { offsets, bytes };
  }
}

function signedByte(b: number): number {
  return b > 127 ? b - 256 : b;
}

function compareReversed(a: Uint8Array, b: Uint8Array): number {
  let i = a.length - 1;
  let j = b.length - 1;
  for (let l = Math.min(a.length, b.length); l > 0; l--, i--, j--) {
    if (a[i] !== b[j]) return signedByte(a[i]) - signedByte(b[j]);
  }
  return a.length - b.length;
}

function isProperSuffix(long: Uint8Array, short: Uint8Array): boolean {
  if (long.length <= short.length) return false;
  const base = long.length - short.length;
  for (let i = 0; i < short.length; i++) if (long[base + i] !== short[i]) return false;
  return true;
}
