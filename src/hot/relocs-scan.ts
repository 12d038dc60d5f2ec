// The relocs scan (src/kernel/relocs/scan.ts) in WebAssembly (wasm/relocs_scan.wat), with the same
// signature as its TypeScript twin, and `relocsScanner()` choosing between them (hotImplementation()).
// Moves typed arrays in and out of the shared memory only; deciding is the .wat's and the twin's job.
// Entries are read in place when the file already lives in the HotMemory, else copied in per section.
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
const CTL_WORDS = 23;
const CTL_LENGTHS = 8;
const CTL_CURSORS = 13;
const CTL_DUMMY = LIST_COUNT;
const TABLE_BYTES = 256 + 8 * 128;

/**
 * Scratch bytes one scan of `count` entries needs besides the entries themselves (a caller that put
 * the file in the memory reserves this first, since growing the memory detaches its views).
 */
export function relocsScanScratchBytes(count: number, symbols: number, sampleLimit: number): number {
  return 8 * 8 + CTL_WORDS * 4 + TABLE_BYTES + symbols + LIST_COUNT * sampleLimit * 4 + TYPE_BUCKETS * 4 + LIST_COUNT * count * 4;
}

/** The WebAssembly scanner over `memory` (its own by default). */
export function createWasmRelocsScan(memory = new HotMemory()): RelocsScanner {
  const exports = instantiateRoutine('relocs_scan', relocsScanWasm, memory) as {
    scan_rela64(ctl: number): [number, number];
    scan_rel32(ctl: number): [number, number];
  };
  const run = (routine: (ctl: number) => [number, number], entrySize: number, twin: ScanFunction): ScanFunction => (s, features, lists, typeCounts) => {
    const limit = lists.sampleLimit;
    const entryBytes = s.count * entrySize;
    const inMemory = s.view.buffer === memory.memory.buffer;
    const fileOffset = s.view.byteOffset + s.start;
    const mark = memory.mark();
    try {
      memory.reserve(relocsScanScratchBytes(s.count, s.symbolFlags.length, limit) + (inMemory ? 0 : entryBytes + 8));
    } catch (e) {
      // Past wasm32's 4 GiB, or the memory cannot grow: the twin needs no scratch memory.
      if (e instanceof HotMemoryError || e instanceof RangeError) return twin(s, features, lists, typeCounts);
      throw e;
    }
    try {
      const ctl = memory.alloc(CTL_WORDS * 4);
      const entries = inMemory ? fileOffset : memory.alloc(entryBytes);
      const flags = memory.alloc(s.symbolFlags.length);
      const samples = memory.alloc(LIST_COUNT * limit * 4);
      const histogram = memory.alloc(TYPE_BUCKETS * 4);
      const tables = memory.alloc(TABLE_BYTES);
      const outputs = memory.alloc(LIST_COUNT * s.count * 4);
      const buffer = memory.memory.buffer;
      if (!inMemory) new Uint8Array(buffer, entries, entryBytes).set(new Uint8Array(s.view.buffer, fileOffset, entryBytes));
      new Uint8Array(buffer, flags, s.symbolFlags.length).set(s.symbolFlags);
      new Int32Array(buffer, samples, LIST_COUNT * limit).set(lists.sampleEntry);
      new Uint32Array(buffer, histogram, TYPE_BUCKETS).set(typeCounts);
      const words = new Int32Array(buffer, ctl, CTL_WORDS);
      words.set([entries, s.count, flags, s.symbolFlags.length, s.adjustLow | 0, s.adjustHigh | 0, s.headText ? 1 : 0, features]);
      for (let k = 0; k < LIST_COUNT; k++) {
        words[CTL_LENGTHS + k] = lists.lengths[k];
        words[CTL_CURSORS + k] = outputs + k * s.count * 4;
      }
      words[CTL_LENGTHS + CTL_DUMMY] = 0;
      words[CTL_CURSORS + CTL_DUMMY] = ctl + 22 * 4;
      words[18] = limit;
      words[19] = samples;
      words[20] = histogram;
      words[21] = tables;
      const [status, entry] = routine(ctl);
      for (let k = 0; k < LIST_COUNT; k++) {
        const added = words[CTL_LENGTHS + k] - lists.lengths[k];
        lists.values[k].set(new Uint32Array(buffer, outputs + k * s.count * 4, added), lists.lengths[k]);
        lists.lengths[k] += added;
      }
      lists.sampleEntry.set(new Int32Array(buffer, samples, LIST_COUNT * limit));
      typeCounts.set(new Uint32Array(buffer, histogram, TYPE_BUCKETS));
      return { status, entry };
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
