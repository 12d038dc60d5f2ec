// The relocs scan (src/kernel/relocs/scan.ts) in WebAssembly (wasm/relocs_scan.wat), with the same
// signature as its TypeScript twin, and `relocsScanner()` choosing between them (hotImplementation()).
// Moves typed arrays in and out of the shared memory only; deciding is the .wat's and the twin's job.
// Entries are read in place when the file already lives in the HotMemory, else copied in a chunk at a time.
import relocsScanWasm from './generated/relocs_scan.ts';
import { instantiateRoutine } from './instantiate.ts';
import { HotMemory, HotMemoryError } from './memory.ts';
import { hotImplementation } from './sort.ts';
import { scanRel32, scanRela64, type ScanResult, type ScanSection, TYPE_BUCKETS } from '../kernel/relocs/scan.ts';
import { LIST_COUNT, type RelocationLists } from '../kernel/relocs/lists.ts';

export type ScanFunction = (s: ScanSection, features: number, lists: RelocationLists, typeCounts: Uint32Array) => ScanResult;

export interface RelocsScanner {
  implementation: 'wasm' | 'ts';
  scanRela64: ScanFunction;
  scanRel32: ScanFunction;
}

export const relocsScanTwin: RelocsScanner = { implementation: 'ts', scanRela64, scanRel32 };

/** Control block words (see wasm/relocs_scan.wat). */
const CTL_WORDS = 24;
const CTL_LENGTHS = 8;
const CTL_CURSORS = 13;
const CTL_DUMMY = LIST_COUNT;
const CTL_FIRST_ENTRY = 23;
const TABLE_BYTES = 256 + 8 * 128;
/**
 * Entries per routine call: a section is scanned in chunks, so its scratch (the entries when copied
 * in, the output lists) is a few hundred KB instead of 40 bytes per entry of the largest section,
 * which a 632 MB vmlinux read into the same memory would have to leave room for.
 */
const CHUNK_ENTRIES = 16384;

/**
 * Scratch bytes one scan of `count` entries needs besides the entries themselves (a caller that put
 * the file in the memory reserves this first, since growing the memory detaches its views).
 */
export function relocsScanScratchBytes(count: number, symbols: number, sampleLimit: number): number {
  const chunk = Math.min(count, CHUNK_ENTRIES);
  return 8 * 8 + CTL_WORDS * 4 + TABLE_BYTES + symbols + LIST_COUNT * sampleLimit * 4 + TYPE_BUCKETS * 4 + LIST_COUNT * chunk * 4;
}

/** The WebAssembly scanner over `memory` (its own by default). */
export function createWasmRelocsScan(memory = new HotMemory()): RelocsScanner {
  const exports = instantiateRoutine('relocs_scan', relocsScanWasm, memory) as {
    scan_rela64(ctl: number): [number, number];
    scan_rel32(ctl: number): [number, number];
  };
  const run = (routine: (ctl: number) => [number, number], entrySize: number, twin: ScanFunction): ScanFunction => (s, features, lists, typeCounts) => {
    const limit = lists.sampleLimit;
    const chunk = Math.min(s.count, CHUNK_ENTRIES);
    const inMemory = s.view.buffer === memory.memory.buffer;
    const fileOffset = s.view.byteOffset + s.start;
    const mark = memory.mark();
    try {
      memory.reserve(relocsScanScratchBytes(s.count, s.symbolFlags.length, limit) + (inMemory ? 0 : chunk * entrySize + 8));
    } catch (e) {
      // Past wasm32's 4 GiB, or the memory cannot grow: the twin needs no scratch memory.
      if (e instanceof HotMemoryError || e instanceof RangeError) return twin(s, features, lists, typeCounts);
      throw e;
    }
    try {
      const ctl = memory.alloc(CTL_WORDS * 4);
      const copied = inMemory ? 0 : memory.alloc(chunk * entrySize);
      const flags = memory.alloc(s.symbolFlags.length);
      const samples = memory.alloc(LIST_COUNT * limit * 4);
      const histogram = memory.alloc(TYPE_BUCKETS * 4);
      const tables = memory.alloc(TABLE_BYTES);
      const outputs = memory.alloc(LIST_COUNT * chunk * 4);
      const buffer = memory.memory.buffer;
      const heap = new Uint8Array(buffer);
      const source = new Uint8Array(s.view.buffer);
      heap.set(s.symbolFlags, flags);
      new Int32Array(buffer, samples, LIST_COUNT * limit).set(lists.sampleEntry);
      new Uint32Array(buffer, histogram, TYPE_BUCKETS).set(typeCounts);
      const words = new Int32Array(buffer, ctl, CTL_WORDS);
      words.set([0, 0, flags, s.symbolFlags.length, s.adjustLow | 0, s.adjustHigh | 0, s.headText ? 1 : 0, features]);
      words[CTL_CURSORS + CTL_DUMMY] = ctl + 22 * 4;
      words[18] = limit;
      words[19] = samples;
      words[20] = histogram;
      words[21] = tables;
      let result: ScanResult = { status: 0, entry: -1 };
      for (let first = 0; first < s.count && result.status === 0; first += chunk) {
        const n = Math.min(chunk, s.count - first);
        const at = fileOffset + first * entrySize;
        if (!inMemory) heap.set(source.subarray(at, at + n * entrySize), copied);
        words[0] = inMemory ? at : copied;
        words[1] = n;
        words[CTL_FIRST_ENTRY] = first;
        for (let k = 0; k < LIST_COUNT; k++) {
          words[CTL_LENGTHS + k] = lists.lengths[k];
          words[CTL_CURSORS + k] = outputs + k * chunk * 4;
        }
        words[CTL_LENGTHS + CTL_DUMMY] = 0;
        const [status, entry] = routine(ctl);
        for (let k = 0; k < LIST_COUNT; k++) {
          const added = words[CTL_LENGTHS + k] - lists.lengths[k];
          lists.values[k].set(new Uint32Array(buffer, outputs + k * chunk * 4, added), lists.lengths[k]);
          lists.lengths[k] += added;
        }
        result = { status, entry };
      }
      lists.sampleEntry.set(new Int32Array(buffer, samples, LIST_COUNT * limit));
      typeCounts.set(new Uint32Array(buffer, histogram, TYPE_BUCKETS));
      return result;
    } finally {
      memory.release(mark);
    }
  };
  return { implementation: 'wasm', scanRela64: run(exports.scan_rela64, 24, scanRela64), scanRel32: run(exports.scan_rel32, 8, scanRel32) };
}

/** The scanner the relocs stage uses: WebAssembly unless LDPLAY_HOT=ts or setHotImplementation('ts'). */
export function relocsScanner(memory?: HotMemory): RelocsScanner {
  return hotImplementation() === 'ts' ? relocsScanTwin : createWasmRelocsScan(memory);
}
