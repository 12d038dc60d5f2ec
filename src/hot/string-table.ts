// Finishing a BFD-style string table (src/elf/suffix-string-table.ts collects the strings): the
// reverse-byte sort, duplicate and suffix sharing and the table bytes, as wasm/strtab.wat's
// `strtab_finish` or its TypeScript twin below; `stringTableFinisher()` picks one like the other hot
// routines. Follows bfd/elf-strtab.c `_bfd_elf_strtab_finalize`: unsigned bytes compared from the
// end, a shorter string first on a common tail, a proper suffix of the next kept string shares it.
import strtabWasm from './generated/strtab.ts';
import { instantiateRoutine } from './instantiate.ts';
import { HotMemory, HotMemoryError } from './memory.ts';
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

/** Strings sorted by reversed bytes (BFD's order), with per sorted position k: bit 0 of marks[k]
 *  when it equals the string at k - 1, bit 1 when it is a proper suffix of the string at k + 1. */
export interface ReverseSorted {
  order: Int32Array;
  marks: Uint8Array;
}

export interface StringTableFinisher {
  implementation: 'wasm' | 'ts';
  finish(input: StringTableInput): FinishedStringTable;
  /** The sort alone, for sharing rules of the caller's own (bfd/merge.c's). */
  sortReversed(input: StringTableInput): ReverseSorted;
}

const SMALL_RANGE = 24;

/** pool[at[h] + d] is byte d of string h counted from its end. */
function reversedPool(input: StringTableInput): { pool: Uint8Array; at: Int32Array } {
  const { count: n, lengths: len } = input;
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
  return { pool, at };
}

export const stringTableTwin: StringTableFinisher = {
  implementation: 'ts',
  sortReversed(input) {
    const { count: n, lengths: len } = input;
    const { pool, at } = reversedPool(input);
    const order = sortedByReversedBytes(n, pool, at, len);
    const marks = new Uint8Array(n);
    for (let k = 1; k < n; k++) {
      const a = order[k - 1], b = order[k];
      if (len[a] > len[b] || !samePoolBytes(pool, at[a], at[b], len[a])) continue;
      if (len[a] === len[b]) marks[k] |= 1;
      else marks[k - 1] |= 2;
    }
    return { order, marks };
  },
  finish(input) {
    const { count: n, lengths: len } = input;
    const { order, marks } = stringTableTwin.sortReversed(input);
    // Equal neighbours (bit 0) are one string, stored where it was first added (the sort is
    // stable); per distinct string, whether it is a proper suffix of the next (bit 1 of its run's
    // last copy).
    const canon = new Int32Array(n);
    const distinct: number[] = [];
    const suffixOfNext: boolean[] = [];
    for (let k = 0; k < n; k++) {
      const c = order[k];
      if (k > 0 && marks[k] & 1) canon[c] = canon[order[k - 1]];
      else { canon[c] = c; distinct.push(c); }
      suffixOfNext[distinct.length - 1] = (marks[k] & 2) !== 0;
    }
    // Walk from the end: a suffix of the next distinct string is one of the last kept (which is that
    // string, or one it is a suffix of), and points into it.
    const parent = new Int32Array(n).fill(-1);
    for (let j = distinct.length - 2, kept = distinct[distinct.length - 1]; j >= 0; j--) {
      if (suffixOfNext[j]) parent[distinct[j]] = kept;
      else kept = distinct[j];
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

/** The WebAssembly finisher over its own memory: each distinct source buffer is copied in once.
 *  Strings that do not fit a WebAssembly memory (or that the engine will not give) go to the twin,
 *  which needs none. */
export function createWasmStringTable(memory = new HotMemory()): StringTableFinisher {
  const exports = instantiateRoutine('strtab', strtabWasm, memory) as {
    strtab_finish(...args: number[]): number;
    reverse_sort(...args: number[]): void;
  };
  const orTwin = <T>(run: () => T, twin: () => T): T => {
    try {
      return memory.scoped(run);
    } catch (e) {
      if (e instanceof HotMemoryError || e instanceof RangeError) return twin();
      throw e;
    }
  };
  return {
    implementation: 'wasm',
    sortReversed(input) {
      const n = input.count;
      if (n === 0) return { order: new Int32Array(0), marks: new Uint8Array(0) };
      return orTwin(() => {
        const p = lay(memory, input);
        const marks = memory.alloc(n);
        const buffer = memory.memory.buffer;
        fillInputs(buffer, input, p);
        exports.reverse_sort(n, p.bases, p.bufferOf, p.src, p.len, p.at, p.pool, p.order, p.scratch, p.stack, p.counts, p.keys, marks);
        return { order: new Int32Array(buffer, p.order, n).slice(), marks: new Uint8Array(buffer, marks, n).slice() };
      }, () => stringTableTwin.sortReversed(input));
    },
    finish(input) {
      const n = input.count;
      if (n === 0) return { offsets: new Int32Array(0), bytes: new Uint8Array(1) };
      return orTwin(() => {
        const p = lay(memory, input);
        const canon = memory.alloc(4 * n), parent = memory.alloc(4 * n), offsets = memory.alloc(4 * n), marks = memory.alloc(n);
        const table = memory.alloc(input.totalLength + n + 1);
        const buffer = memory.memory.buffer;
        fillInputs(buffer, input, p);
        const size = exports.strtab_finish(n, p.bases, p.bufferOf, p.src, p.len, p.at, p.pool, p.order, p.scratch, p.stack, canon, parent, offsets, table, p.counts, p.keys, marks);
        return { offsets: new Int32Array(buffer, offsets, n).slice(), bytes: new Uint8Array(buffer, table, size).slice() };
      }, () => stringTableTwin.finish(input));
    },
  };
}

interface SortLayout { bases: number; copies: number[]; bufferOf: number; src: number; len: number; at: number; order: number; scratch: number; stack: number; counts: number; keys: number; pool: number }

/** The sort's arrays in `memory` (allocations do not move what came before; views are taken after). */
function lay(memory: HotMemory, input: StringTableInput): SortLayout {
  const n = input.count;
  const words = (count: number) => memory.alloc(count * 4);
  return {
    bases: words(input.buffers.length), copies: input.buffers.map((b) => memory.alloc(b.length)), bufferOf: words(n), src: words(n), len: words(n),
    at: words(n), order: words(n), scratch: words(n), stack: words(3 * (Math.floor(n / 2) + 1)), counts: words(516), keys: memory.alloc(2 * n),
    pool: memory.alloc(input.totalLength),
  };
}

/** Copies each source buffer in once, and the string columns. */
function fillInputs(buffer: ArrayBuffer, input: StringTableInput, p: SortLayout): void {
  const n = input.count;
  const bytes = new Uint8Array(buffer);
  input.buffers.forEach((b, i) => bytes.set(b, p.copies[i]));
  new Int32Array(buffer, p.bases, input.buffers.length).set(p.copies);
  new Int32Array(buffer, p.bufferOf, n).set(input.bufferOf.subarray(0, n));
  new Int32Array(buffer, p.src, n).set(input.starts.subarray(0, n));
  new Int32Array(buffer, p.len, n).set(input.lengths.subarray(0, n));
}

let wasmFinisher: StringTableFinisher | null = null;

/** The finisher the linker and strip use: WebAssembly unless LDPLAY_HOT=ts or `setHotImplementation`. */
export function stringTableFinisher(): StringTableFinisher {
  if (hotImplementation() === 'ts') return stringTableTwin;
  wasmFinisher ??= createWasmStringTable();
  return wasmFinisher;
}
