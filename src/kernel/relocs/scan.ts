// The hot loop of the relocs stage: walks one relocation section's raw entries and decides, per entry,
// which list (if any) records its address. Plain typed-array inputs and outputs, no names, no bigint,
// no per-entry objects: a WebAssembly twin can implement the same signature. Errors come back as a code
// plus entry index; relocs.ts turns them into the tool's messages. Follows relocs.c do_reloc64,
// do_reloc32 and do_reloc_real (6.1; 6.15 by feature bits).

import { SYM_ABS, SYM_ABS_OK, SYM_LIN, SYM_PERCPU, SYM_REL, SYM_SEG, SYM_UNDEF } from './classify.ts';
import { LIST_16, LIST_32, LIST_32NEG, LIST_64, type RelocationLists } from './lists.ts';
import { R_386, R_X86_64 } from './names.ts';

export const SCAN_OK = 0;
export const SCAN_UNSUPPORTED_TYPE = 1;
export const SCAN_INVALID_ABSOLUTE = 2;
export const SCAN_PC64_PERCPU = 3;
export const SCAN_OFFSET_TOO_WIDE = 4;
export const SCAN_SYMBOL_OUT_OF_RANGE = 5;
export const SCAN_HEAD_TEXT = 6;
export const SCAN_INVALID_REAL_MODE = 7;

/** 6.1–6.14: per-CPU symbols (inverse list, dropped absolute references, PC64 check). */
export const FEATURE_PERCPU = 1;
/** 6.15+: R_X86_64_REX_GOTPCRELX is accepted like PC32. */
export const FEATURE_REX_GOTPCRELX = 2;
/** Real mode (32-bit only): R_386_16 segment relocations, S_LIN offsets. */
export const FEATURE_REAL_MODE = 4;

export interface ScanSection {
  /** A view over the whole file. */
  view: DataView;
  /** File offset and count of the section's entries. */
  start: number;
  count: number;
  /** Flags of the symbol table the section's sh_link names (classify.ts). */
  symbolFlags: Uint8Array;
  /** Added to r_offset (64-bit): __per_cpu_load for relocations inside .data..percpu, else 0. */
  adjustLow: number;
  adjustHigh: number;
  /** The target section is .head.text and the flavour forbids absolute references there. */
  headText: boolean;
}

export interface ScanResult {
  /** SCAN_OK, or the SCAN_* error code of entry `entry`. */
  status: number;
  entry: number;
}

/** Per-type histogram of walked entries; types >= 255 share the last bucket. */
export const TYPE_BUCKETS = 256;

/** Appends `value` to list `k`, noting entry `j` while the list is still within the sample limit.
 *  The caller has reserved room (reserveRelocations). */
function record(lists: RelocationLists, k: number, value: number, j: number): void {
  const n = lists.lengths[k];
  lists.values[k][n] = value;
  if (n < lists.sampleLimit) lists.sampleEntry[k * lists.sampleLimit + n] = j;
  lists.lengths[k] = n + 1;
}

/** Walks an SHT_RELA section of an ELF64 x86-64 file (24-byte entries). */
export function scanRela64(s: ScanSection, features: number, lists: RelocationLists, typeCounts: Uint32Array): ScanResult {
  const { view, symbolFlags, adjustLow, adjustHigh } = s;
  const nsyms = symbolFlags.length;
  const perCpu = (features & FEATURE_PERCPU) !== 0;
  const rex = (features & FEATURE_REX_GOTPCRELX) !== 0;
  for (let j = 0, at = s.start; j < s.count; j++, at += 24) {
    const type = view.getUint32(at + 8, true);
    const sym = view.getUint32(at + 12, true);
    typeCounts[type < TYPE_BUCKETS - 1 ? type : TYPE_BUCKETS - 1]++;
    if (sym >= nsyms) return { status: SCAN_SYMBOL_OUT_OF_RANGE, entry: j };
    const f = symbolFlags[sym];
    if (f & SYM_UNDEF) continue;
    const isPerCpu = perCpu && (f & SYM_PERCPU) !== 0;
    if (type === R_X86_64.NONE) continue;
    if (type === R_X86_64.PC32 || type === R_X86_64.PLT32 || (rex && type === R_X86_64.REX_GOTPCRELX)) {
      if (isPerCpu) record(lists, LIST_32NEG, (view.getUint32(at, true) + adjustLow) >>> 0, j);
      continue;
    }
    if (type === R_X86_64.PC64) {
      if (isPerCpu) return { status: SCAN_PC64_PERCPU, entry: j };
      continue;
    }
    if (type !== R_X86_64.R64 && type !== R_X86_64.R32 && type !== R_X86_64.R32S) return { status: SCAN_UNSUPPORTED_TYPE, entry: j };
    if (isPerCpu) continue;
    if (f & SYM_ABS) {
      if (f & SYM_ABS_OK) continue;
      return { status: SCAN_INVALID_ABSOLUTE, entry: j };
    }
    if (s.headText) return { status: SCAN_HEAD_TEXT, entry: j };
    const sumLow = view.getUint32(at, true) + adjustLow;
    const low = sumLow >>> 0;
    const high = (view.getUint32(at + 4, true) + adjustHigh + (sumLow > 0xffffffff ? 1 : 0)) >>> 0;
    if (high !== (low >> 31) >>> 0) return { status: SCAN_OFFSET_TOO_WIDE, entry: j };
    record(lists, type === R_X86_64.R64 ? LIST_64 : LIST_32, low, j);
  }
  return { status: SCAN_OK, entry: -1 };
}

/** Walks an SHT_REL section of an ELF32 i386 file (8-byte entries), kernel or real mode. */
export function scanRel32(s: ScanSection, features: number, lists: RelocationLists, typeCounts: Uint32Array): ScanResult {
  const { view, symbolFlags } = s;
  const nsyms = symbolFlags.length;
  const realMode = (features & FEATURE_REAL_MODE) !== 0;
  for (let j = 0, at = s.start; j < s.count; j++, at += 8) {
    const offset = view.getUint32(at, true);
    const info = view.getUint32(at + 4, true);
    const type = info & 0xff;
    const sym = info >>> 8;
    typeCounts[type]++;
    if (sym >= nsyms) return { status: SCAN_SYMBOL_OUT_OF_RANGE, entry: j };
    const f = symbolFlags[sym];
    if (type === R_386.NONE || type === R_386.PC32 || type === R_386.PC16 || type === R_386.PC8 || type === R_386.PLT32) continue;
    const abs = (f & SYM_ABS) !== 0;
    if (realMode && type === R_386.R16) {
      if (abs ? f & SYM_ABS_OK : !(f & SYM_LIN)) continue;
      if (abs && f & SYM_SEG) {
        record(lists, LIST_16, offset, j);
        continue;
      }
      return { status: SCAN_INVALID_REAL_MODE, entry: j };
    }
    if (type !== R_386.R32) return { status: SCAN_UNSUPPORTED_TYPE, entry: j };
    if (abs) {
      if (f & SYM_ABS_OK) continue;
      if (realMode && f & SYM_REL) {
        record(lists, LIST_32, offset, j);
        continue;
      }
      return { status: realMode ? SCAN_INVALID_REAL_MODE : SCAN_INVALID_ABSOLUTE, entry: j };
    }
    if (!realMode || f & SYM_LIN) record(lists, LIST_32, offset, j);
  }
  return { status: SCAN_OK, entry: -1 };
}
