// Sorting for the kernel stages: u32 lists (relocs' offset lists) and stable key permutations
// (sorttable's entries by address). Two implementations with one signature: the WebAssembly radix
// sorts of wasm/radix_sort.wat and their TypeScript twins; `useWasm` picks one at run time.
import radixSortWasm from './generated/radix_sort.ts';
import { instantiateRoutine } from './instantiate.ts';
import { HotMemory } from './memory.ts';

export interface Sorter {
  /** Sorts unsigned 32-bit values ascending, in place. */
  sortUint32(values: Uint32Array): void;
  /** The stable permutation that orders `keys` ascending: out[i] is the index of the i-th smallest. */
  sortPairsByKey(keys: BigUint64Array): Uint32Array;
}

export const sortTwin: Sorter = {
  sortUint32(values) {
    values.sort();
  },
  sortPairsByKey(keys) {
    // Compare split 32-bit halves as numbers: far cheaper than bigint comparisons.
    const n = keys.length;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      hi[i] = Number(keys[i] >> 32n);
      lo[i] = Number(keys[i] & 0xffffffffn);
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    // Array.prototype.sort is stable (ES2019), so equal keys keep their input order.
    idx.sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
    return Uint32Array.from(idx);
  },
};

/** The WebAssembly sorter over its own memory (or a shared one). */
export function createWasmSorter(memory = new HotMemory()): Sorter {
  const exports = instantiateRoutine('radix_sort', radixSortWasm, memory) as {
    radix_sort_u32(keys: number, tmp: number, n: number): void;
    sort_pairs_by_key(keys: number, order: number, tkeys: number, torder: number, n: number): void;
  };
  return {
    sortUint32(values) {
      const mark = memory.mark();
      const keys = memory.alloc(values.byteLength);
      const tmp = memory.alloc(values.byteLength);
      new Uint32Array(memory.memory.buffer, keys, values.length).set(values);
      exports.radix_sort_u32(keys, tmp, values.length);
      values.set(new Uint32Array(memory.memory.buffer, keys, values.length));
      memory.release(mark);
    },
    sortPairsByKey(keysIn) {
      const n = keysIn.length;
      const mark = memory.mark();
      const keys = memory.alloc(n * 8);
      const order = memory.alloc(n * 4);
      const tkeys = memory.alloc(n * 8);
      const torder = memory.alloc(n * 4);
      new BigUint64Array(memory.memory.buffer, keys, n).set(keysIn);
      const o = new Uint32Array(memory.memory.buffer, order, n);
      for (let i = 0; i < n; i++) o[i] = i;
      exports.sort_pairs_by_key(keys, order, tkeys, torder, n);
      const out = new Uint32Array(n);
      out.set(new Uint32Array(memory.memory.buffer, order, n));
      memory.release(mark);
      return out;
    },
  };
}

let wasmSorter: Sorter | null = null;

/** The sorter the stages use: WebAssembly unless LDPLAY_HOT=ts (Node) or `setHotImplementation`. */
export function sorter(): Sorter {
  if (hotImplementation() === 'ts') return sortTwin;
  wasmSorter ??= createWasmSorter();
  return wasmSorter;
}

type Implementation = 'wasm' | 'ts';
const selection: { value: Implementation | null } = { value: null };

export function setHotImplementation(value: Implementation): void {
  selection.value = value;
}

export function hotImplementation(): Implementation {
  if (selection.value) return selection.value;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.LDPLAY_HOT === 'ts' ? 'ts' : 'wasm';
}
