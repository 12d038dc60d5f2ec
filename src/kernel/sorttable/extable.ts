// Sorting `__ex_table` the way `scripts/sorttable` does, in the three layouts the kernel uses:
// relative-with-data (12-byte {insn, fixup, data}: x86, arm64, riscv, s390), relative (8-byte, both
// words self-relative: parisc, powerpc) and absolute (address-sized keys, unsigned: arm, mips, ...).
// Works on the output copy's bytes; knows nothing of sections or symbols (see sorttable.ts).
// Follows docs/kernel-pipeline.md §2.2 and §2.4 (6.1 checked byte for byte on x86_64).

import type { ByteView } from '../../elf/index.ts';
import {
  EM_386, EM_AARCH64, EM_ARM, EM_LOONGARCH, EM_MIPS, EM_PPC, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64,
} from '../../elf/index.ts';
import { mergeSortIndices } from './msort.ts';
import { recordMoves, type TableRecord } from './record.ts';

const EM_PARISC = 15;
const EM_ARCOMPACT = 93;
const EM_XTENSA = 94;
const EM_MICROBLAZE = 189;
const EM_ARCV2 = 195;

export type ExtableLayout = 'relative-with-data' | 'relative' | 'absolute';

export interface ExtableFormat {
  layout: ExtableLayout;
  entrySize: number;
}

/** The layout sorttable picks from e_machine, or null for a machine it does not know. */
export function extableFormat(machine: number, is64: boolean, loongarchRelative: boolean): ExtableFormat | null {
  switch (machine) {
    case EM_386: case EM_X86_64: case EM_AARCH64: case EM_RISCV: case EM_S390:
      return { layout: 'relative-with-data', entrySize: 12 };
    case EM_LOONGARCH:
      return loongarchRelative ? { layout: 'relative-with-data', entrySize: 12 } : { layout: 'absolute', entrySize: is64 ? 16 : 8 };
    case EM_PARISC: case EM_PPC: case EM_PPC64:
      return { layout: 'relative', entrySize: 8 };
    case EM_ARM: case EM_MIPS: case EM_ARCOMPACT: case EM_ARCV2: case EM_MICROBLAZE: case EM_XTENSA:
      return { layout: 'absolute', entrySize: is64 ? 16 : 8 };
    default:
      return null;
  }
}

export interface ExtableTarget {
  /** View over the output copy (file endianness). */
  view: ByteView;
  /** File offset and size of the section's bytes. */
  offset: number;
  size: number;
  /** sh_addr, for the addresses in the record. */
  address: bigint;
  is64: boolean;
  sampleLimit: number;
}

/** Sorts the table in place in `target.view` and reports what moved. A trailing partial entry is
 *  left alone (the tool's normalising loops add and subtract the same offsets there). */
export function sortExceptionTable(format: ExtableFormat, target: ExtableTarget): TableRecord {
  if (format.layout === 'absolute') return sortAbsolute(format.entrySize, target);
  return sortRelative(format.layout === 'relative-with-data', format.entrySize, target);
}

/** Both relative layouts: the key is the first word made relative to the section start, compared as
 *  signed int32. With data, only the first two words are offsets; without, every word is. */
function sortRelative(withData: boolean, entrySize: number, t: ExtableTarget): TableRecord {
  const { view, offset } = t;
  const n = Math.floor(t.size / entrySize);
  const key = new Int32Array(n);
  const second = new Uint32Array(n);
  const data = withData ? new Uint32Array(n) : null;
  for (let i = 0; i < n; i++) {
    const at = offset + i * entrySize;
    const rel = i * entrySize;
    key[i] = (view.u32(at) + rel) | 0;
    second[i] = (view.u32(at + 4) + rel + 4) >>> 0;
    if (data) data[i] = view.u32(at + 8);
  }
  const order = mergeSortIndices(n, (a, b) => key[a] - key[b]);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    if (j === i) continue;
    const at = offset + i * entrySize;
    const rel = i * entrySize;
    view.setU32(at, key[j] - rel);
    view.setU32(at + 4, second[j] - rel - 4);
    if (data) view.setU32(at + 8, data[j]);
  }
  const comparator = withData ? 'signed insn offset from the section start (data word untouched)' : 'signed first-word offset from the section start';
  return recordMoves('__ex_table', comparator, order, t.sampleLimit, (j) => t.address + BigInt(key[j]));
}

/** Absolute entries: the first address-sized word, unsigned; whole entries move. */
function sortAbsolute(entrySize: number, t: ExtableTarget): TableRecord {
  const { view, offset } = t;
  const n = Math.floor(t.size / entrySize);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const at = offset + i * entrySize;
    if (t.is64) {
      const w = view.u64(at);
      hi[i] = Number(w >> 32n);
      lo[i] = Number(w & 0xffffffffn);
    } else {
      lo[i] = view.u32(at);
    }
  }
  const order = mergeSortIndices(n, (a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
  const old = view.bytes.slice(offset, offset + n * entrySize);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    if (j !== i) view.bytes.set(old.subarray(j * entrySize, (j + 1) * entrySize), offset + i * entrySize);
  }
  return recordMoves('__ex_table', 'unsigned first address word', order, t.sampleLimit, (j) => (BigInt(hi[j]) << 32n) | BigInt(lo[j]));
}
