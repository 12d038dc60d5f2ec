// The ftrace call-site table (`__start_mcount_loc`..`__stop_mcount_loc` inside `.init.data`) as
// sorted by CONFIG_BUILDTIME_MCOUNT_SORT kernels: the bounds (6.1–6.13 grep ./System.map, 6.14+
// .symtab), the 6.15 `-s nm-file` function list that zeroes call sites of discarded functions, and
// the unsigned sort of either the words or (arm64, 6.15+) the R_AARCH64_RELATIVE addends holding them.
// Follows docs/kernel-pipeline.md §2.7 and scripts/sorttable.c of 6.15 (parse_symbols, find_func).

import type { ByteView, ElfFile } from '../../elf/index.ts';
import { SHT_RELA } from '../../elf/index.ts';
import { mergeSortIndices } from './msort.ts';
import { recordMoves, type TableRecord } from './record.ts';

/** `grep NEEDLE System.map | awk '{print $1}'`, last line, strtoul(…, 16): 0 when nothing matches. */
export function systemMapBound(systemMap: string, needle: string): bigint {
  let last: string | undefined;
  for (const line of systemMap.split('\n')) {
    if (line.includes(needle)) last = line.trim().split(/\s+/)[0];
  }
  return last === undefined ? 0n : parseHexPrefix(last);
}

/** strtoul/strtoull(text, NULL, 16): optional 0x, then as many hex digits as there are (else 0). */
function parseHexPrefix(text: string): bigint {
  const m = /^(?:0[xX])?([0-9a-fA-F]+)/.exec(text);
  return m ? BigInt.asUintN(64, BigInt(`0x${m[1]}`)) : 0n;
}

/** Functions from `nm -S`, sorted by address (stable), as parallel arrays. */
export interface FunctionList {
  address: BigUint64Array;
  size: BigUint64Array;
}

/** The 6.15 reader: `fscanf("%16s %16s %c %*s\n")` repeated until it stops matching 3 fields, so a
 *  line without a size column shifts the token stream exactly as in the tool; keeps t, T and W. */
export function functionsFromNm(text: string): FunctionList {
  const addresses: bigint[] = [];
  const sizes: bigint[] = [];
  let at = 0;
  const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
  const skipSpace = () => { while (at < text.length && isSpace(text.charCodeAt(at))) at++; };
  const word = (limit: number): string | null => {
    skipSpace();
    const start = at;
    while (at < text.length && at - start < limit && !isSpace(text.charCodeAt(at))) at++;
    return at > start ? text.slice(start, at) : null;
  };
  for (;;) {
    const address = word(16);
    const size = word(16);
    skipSpace();
    if (address === null || size === null || at >= text.length) break;
    const type = text[at++];
    word(Infinity);
    skipSpace();
    if (type === 't' || type === 'T' || type === 'W') {
      addresses.push(parseHexPrefix(address));
      sizes.push(parseHexPrefix(size));
    }
  }
  const order = mergeSortIndices(addresses.length, (a, b) => (addresses[a] < addresses[b] ? -1 : addresses[a] > addresses[b] ? 1 : 0));
  return {
    address: BigUint64Array.from(order, (i) => addresses[i]),
    size: BigUint64Array.from(order, (i) => sizes[i]),
  };
}

/** glibc bsearch with the tool's cmp_func_addr: is `key` inside [addr - before, addr + size)? */
export function insideFunction(f: FunctionList, key: bigint, before: bigint): boolean {
  let lo = 0;
  let hi = f.address.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (BigInt.asUintN(64, key + before) < f.address[mid]) hi = mid;
    else if (key >= BigInt.asUintN(64, f.address[mid] + f.size[mid])) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Where the call-site values live: the words themselves, or (arm64) RELATIVE relocation addends. */
export type McountStorage =
  | { kind: 'words'; offset: number }
  | { kind: 'rela'; entries: Uint32Array /* file offsets of the Elf64_Rela entries */ };

export const R_AARCH64_RELATIVE_INFO = 0x403n;

/** The arm64 6.15 fill_relocs: every SHT_RELA entry whose r_offset lies in the table, in section
 *  and entry order. Returns null when there are none (clang builds: fall back to the words). */
export function mcountRelocations(elf: ElfFile, start: bigint, bytes: bigint, width: number): Uint32Array | { error: string } | null {
  const found: number[] = [];
  const limit = Number(bytes) / width;
  for (const s of elf.sections) {
    if (s.type !== SHT_RELA) continue;
    const rel = elf.relocationTable(s.index);
    for (let i = 0; i < rel.count; i++) {
      const offset = rel.offset(i);
      if (offset < start || offset >= start + bytes) continue;
      if (found.length + 1 > limit) return { error: 'Too many relocations' };
      const info = rel.info(i);
      if (info !== R_AARCH64_RELATIVE_INFO) return { error: `rela has type ${info.toString(16)} but expected ${R_AARCH64_RELATIVE_INFO.toString(16)}` };
      found.push(rel.base + i * rel.entsize);
    }
  }
  return found.length ? Uint32Array.from(found) : null;
}

export interface McountTarget {
  view: ByteView;
  storage: McountStorage;
  count: number;
  is64: boolean;
  /** When given (6.15+ `-s`), call sites outside every listed function are zeroed before sorting. */
  functions?: FunctionList;
  /** Bytes a call site may precede its function (8 on arm64 with patchable entries, else 0). */
  before: bigint;
  sampleLimit: number;
}

/** Sorts the values in place (unsigned); returns the record and how many were zeroed. Values live
 *  as 32-bit halves; bigints are made only for the 6.15 function-range test. */
export function sortMcountTable(t: McountTarget): { record: TableRecord; zeroed: number } {
  const { view, count: n } = t;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const place = (i: number) => (t.storage.kind === 'words' ? t.storage.offset + i * (t.is64 ? 8 : 4) : t.storage.entries[i] + 16);
  for (let i = 0; i < n; i++) {
    const at = place(i);
    if (t.is64 || t.storage.kind === 'rela') {
      const first = view.u32(at);
      const second = view.u32(at + 4);
      hi[i] = t.is64 ? (view.le ? second : first) : 0;
      lo[i] = view.le ? first : second;
    } else lo[i] = view.u32(at);
  }
  let zeroed = 0;
  if (t.functions && t.functions.address.length) {
    for (let i = 0; i < n; i++) {
      if ((hi[i] | lo[i]) === 0) continue;
      if (!insideFunction(t.functions, (BigInt(hi[i]) << 32n) | BigInt(lo[i]), t.before)) {
        hi[i] = 0;
        lo[i] = 0;
        zeroed++;
      }
    }
  }
  const order = mergeSortIndices(n, (a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    const at = place(i);
    if (t.storage.kind === 'rela') view.setU64(at, (BigInt(hi[j]) << 32n) | BigInt(lo[j]));
    else if (!t.is64) view.setU32(at, lo[j]);
    else {
      view.setU32(at, view.le ? lo[j] : hi[j]);
      view.setU32(at + 4, view.le ? hi[j] : lo[j]);
    }
  }
  const record = recordMoves('__mcount_loc', 'unsigned address word', order, t.sampleLimit, (j) => (BigInt(hi[j]) << 32n) | BigInt(lo[j]));
  return { record, zeroed };
}
