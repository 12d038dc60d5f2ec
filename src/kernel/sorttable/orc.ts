// Sorting the x86_64 ORC unwind tables as `scripts/sorttable` does: `.orc_unwind_ip` holds
// self-relative int32 IPs, `.orc_unwind` 6-byte entries permuted alongside. Equal IPs put "weak"
// section terminators first (6.1: sp_reg UNDEFINED and !end; 6.4+: type UNDEFINED), through the
// tool's comparator replayed under glibc's merge sort. No section lookup here (see sorttable.ts).
// Follows docs/kernel-pipeline.md §2.6.

import type { ByteView } from '../../elf/index.ts';
import { mergeSortUnlessInOrder } from './msort.ts';
import { recordMoves, type TableRecord } from './record.ts';

export const ORC_ENTRY_SIZE = 6;

export interface OrcTarget {
  view: ByteView;
  ipOffset: number;
  ipAddress: bigint;
  orcOffset: number;
  count: number;
  /** 6.4+ weak test (type bits 8–10 == 0) instead of 6.1's (sp_reg bits 0–3 == 0, end bit 10 == 0). */
  weakByType: boolean;
  sampleLimit: number;
}

/** The tool's orc_sort_cmp over prepared arrays: by absolute IP, then weak terminators first. Kept
 *  as a separate function so a WebAssembly twin can replace the loop that calls it. */
export function orcComparator(ip: Float64Array, weak: Uint8Array): (a: number, b: number) => number {
  return (a, b) => {
    const d = ip[a] - ip[b];
    if (d !== 0) return d;
    const wa = weak[a];
    if (wa && weak[b]) return 0;
    return wa ? -1 : 1;
  };
}

/** orc_sort_cmp as two keys for mergeSortUnlessInOrder: compare(a, b) <= 0 exactly when ip[a] < ip[b], or
 *  the IPs are equal and a is weak; i.e. left(a) = 2·ip + (weak ? 0 : 2) <= right(b) = 2·ip + (weak ? 0 : 1).
 *  IPs are integers below 2^34, so the doubled keys are exact in a double. */
export function orcSortKeys(ip: Float64Array, weak: Uint8Array): { left: Float64Array; right: Float64Array } {
  const left = new Float64Array(ip.length);
  const right = new Float64Array(ip.length);
  for (let i = 0; i < ip.length; i++) {
    left[i] = 2 * ip[i] + (weak[i] ? 0 : 2);
    right[i] = 2 * ip[i] + (weak[i] ? 0 : 1);
  }
  return { left, right };
}

/** Sorts both tables in place in `target.view`. */
export function sortOrcTables(t: OrcTarget): TableRecord {
  const { view, count: n } = t;
  // orc_ip() is pointer + int: exact, no 32-bit wrap, so keep the sum in a double.
  const ip = new Float64Array(n);
  const weak = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    ip[i] = view.i32(t.ipOffset + 4 * i) + 4 * i;
    const bits = view.u16(t.orcOffset + ORC_ENTRY_SIZE * i + 4);
    weak[i] = t.weakByType ? Number((bits & 0x700) === 0) : Number((bits & 0xf) === 0 && (bits & 0x400) === 0);
  }
  const keys = orcSortKeys(ip, weak);
  const order = mergeSortUnlessInOrder(orcComparator(ip, weak), keys.left, keys.right);
  const oldOrc = view.bytes.slice(t.orcOffset, t.orcOffset + n * ORC_ENTRY_SIZE);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    if (j === i) continue;
    view.setU32(t.ipOffset + 4 * i, ip[j] - 4 * i);
    view.bytes.set(oldOrc.subarray(j * ORC_ENTRY_SIZE, (j + 1) * ORC_ENTRY_SIZE), t.orcOffset + i * ORC_ENTRY_SIZE);
  }
  const comparator = t.weakByType ? 'IP, then type UNDEFINED terminators first (6.4+)' : 'IP, then sp_reg UNDEFINED && !end terminators first (6.1)';
  return recordMoves('.orc_unwind_ip+.orc_unwind', comparator, order, t.sampleLimit, (j) => t.ipAddress + BigInt(ip[j]));
}
