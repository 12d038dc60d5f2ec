// Finishing a BFD-style string table (src/elf/suffix-string-table.ts collects the strings): the
// reverse-byte sort, duplicate and suffix sharing and the table bytes, as wasm/strtab.wat's
// `strtab_finish` or its TypeScript twin below; `stringTableFinisher()` picks one like the other hot
// routines. Follows bfd/elf-strtab.c `_bfd_elf_strtab_finalize`: unsigned bytes compared from the
// end, a shorter string first on a common tail, a proper suffix of the next kept string shares it.
import strtabWasm from './generated/strtab.ts';
import { instantiateRoutine } from './instantiate.ts';
import { HotMemory } from './memory.ts';
import { hotImplementation } from './sort.ts';

/** The strings in addition order: string h is bytes [starts[h], starts[h] + lengths[h]) of
 *  buffers[bufferOf[h]]; every length is at least 1 (the empty string is offset 0, never stored). */
export interface StringTableInput {
  buffers: readonly Uint8Array[];
  bufferOf: Int32Array;
  starts: Int32Array;
  lengths: Int32Array;
  count: number;
  /** Sum of lengths[0, count). */
  totalLength: number;
}

export interface FinishedStringTable {
  /** Offset of each string h in `bytes`. */
  offsets: Int32Array;
  /** A leading NUL, then every stored string with its NUL. */
  bytes: Uint8Array;
}

export interface StringTableFinisher {
  implementation: 'wasm' | 'ts';
  finish(input: StringTableInput): FinishedStringTable;
}

const SMALL_RANGE = 24;

export const stringTableTwin: StringTableFinisher = {
  implementation: 'ts',
  finish(input) {
    const { count: n, lengths: len } = input;
    // pool[at[h] + d] is byte d of string h counted from its end.
    const at = new Int32Array(n);
    const pool = new Uint8Array(input.totalLength);
    let total = 0;
    for (let h = 0; h < n; h++) {
      const src = input.buffers[input.bufferOf[h]];
      const last = input.starts[h] + len[h] - 1;
      at[h] = total;
      for (let d = 0; d < len[h]; d++) pool[total + d] = src[last - d];
      total += len[h];
    }
    const order = sortedByReversedBytes(n, pool, at, len);
    // Equal neighbours are one string, stored where it was first added (the sort is stable).
    const canon = new Int32Array(n);
    const distinct = new Int32Array(n);
    let dn = 0;
    for (let k = 0; k < n; k++) {
      const c = order[k];
      const run = dn > 0 ? distinct[dn - 1] : -1;
      if (run >= 0 && len[c] === len[run] && samePoolBytes(pool, at[c], at[run], len[c])) canon[c] = run;
      else { canon[c] = c; distinct[dn++] = c; }
    }
    // Walk from the end: a proper suffix of the last kept string points into it.
    const parent = new Int32Array(n).fill(-1);
    if (dn > 1) {
      let kept = distinct[dn - 1];
      for (let k = dn - 2; k >= 0; k--) {
        const c = distinct[k];
        if (len[kept] > len[c] && samePoolBytes(pool, at[kept], at[c], len[c])) parent[c] = kept;
        else kept = c;
      }
    }
    const offsets = new Int32Array(n);
    let size = 1;
    for (let h = 0; h < n; h++) {
      if (canon[h] === h && parent[h] < 0) { offsets[h] = size; size += len[h] + 1; }
    }
    for (let h = 0; h < n; h++) if (parent[h] >= 0) offsets[h] = offsets[parent[h]] + len[parent[h]] - len[h];
    for (let h = 0; h < n; h++) if (canon[h] !== h) offsets[h] = offsets[canon[h]];
    const bytes = new Uint8Array(size);
    for (let h = 0; h < n; h++) {
      if (canon[h] === h && parent[h] < 0) bytes.set(input.buffers[input.bufferOf[h]].subarray(input.starts[h], input.starts[h] + len[h]), offsets[h]);
    }
    return { offsets, bytes };
  },
};

/** Handles sorted by reversed bytes: a stable MSD radix sort from the last byte backwards (bucket
 *  0: the string has ended), insertion sort for small ranges (no comparator call per pair). */
function sortedByReversedBytes(n: number, pool: Uint8Array, at: Int32Array, len: Int32Array): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const scratch = new Int32Array(n);
  const counts = new Int32Array(258);
  const firstOf = new Int32Array(258);
  const stack: number[] = n > 1 ? [0, n, 0] : [];
  while (stack.length) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    if (end - start < SMALL_RANGE) {
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
    // Bucket 0 holds strings that ended, all equal; recurse into the others.
    for (let b = 1; b < 257; b++) {
      const from = start + firstOf[b];
      const to = start + firstOf[b + 1];
      if (to - from > 1) stack.push(from, to, depth + 1);
    }
  }
  return order;
}

function samePoolBytes(pool: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (pool[a + i] !== pool[b + i]) return false;
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

/** The WebAssembly finisher over its own memory: each distinct source buffer is copied in once. */
export function createWasmStringTable(memory = new HotMemory()): StringTableFinisher {
  const exports = instantiateRoutine('strtab', strtabWasm, memory) as {
    strtab_finish(...args: number[]): number;
  };
  return {
    implementation: 'wasm',
    finish(input) {
      const n = input.count;
      if (n === 0) return { offsets: new Int32Array(0), bytes: new Uint8Array(1) };
      const mark = memory.mark();
      try {
        const words = (count: number) => memory.alloc(count * 4);
        const bases = words(input.buffers.length);
        const baseValues = new Int32Array(input.buffers.length);
        const copies = input.buffers.map((b) => memory.alloc(b.length));
        const bufferOf = words(n), src = words(n), len = words(n), at = words(n), order = words(n), scratch = words(n);
        const stack = words(3 * (Math.floor(n / 2) + 1)), canon = words(n), parent = words(n), offsets = words(n);
        const counts = words(516), keys = memory.alloc(2 * n);
        const pool = memory.alloc(input.totalLength);
        const table = memory.alloc(input.totalLength + n + 1);
        const buffer = memory.memory.buffer;
        const bytes = new Uint8Array(buffer);
        input.buffers.forEach((b, i) => { bytes.set(b, copies[i]); baseValues[i] = copies[i]; });
        new Int32Array(buffer, bases, input.buffers.length).set(baseValues);
        new Int32Array(buffer, bufferOf, n).set(input.bufferOf.subarray(0, n));
        new Int32Array(buffer, src, n).set(input.starts.subarray(0, n));
        new Int32Array(buffer, len, n).set(input.lengths.subarray(0, n));
        const size = exports.strtab_finish(n, bases, bufferOf, src, len, at, pool, order, scratch, stack, canon, parent, offsets, table, counts, keys);
        return { offsets: new Int32Array(buffer, offsets, n).slice(), bytes: bytes.slice(table, table + size) };
      } finally {
        memory.release(mark);
      }
    },
  };
}

let wasmFinisher: StringTableFinisher | null = null;

/** The finisher the linker and strip use: WebAssembly unless LDPLAY_HOT=ts or `setHotImplementation`. */
export function stringTableFinisher(): StringTableFinisher {
  if (hotImplementation() === 'ts') return stringTableTwin;
  wasmFinisher ??= createWasmStringTable();
  return wasmFinisher;
}
