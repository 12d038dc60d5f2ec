// The ftrace call-site table (`__start_mcount_loc`..`__stop_mcount_loc` inside `.init.data`) as
// sorted by CONFIG_BUILDTIME_MCOUNT_SORT kernels: where each version finds the bounds (6.1–6.13 grep
// ./System.map, 6.14 .symtab, 6.15+ `nm -S` file with weak-function zeroing) and the unsigned sort.
// Not done here: arm64's 6.15 mode that sorts `.rela.dyn` addends (x86/arm word tables only).
// Follows docs/kernel-pipeline.md §2.7.

import type { ByteView } from '../../elf/index.ts';
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

/** strtoul(text, NULL, 16): optional 0x, then as many hex digits as there are. */
function parseHexPrefix(text: string): bigint {
  const m = /^(?:0[xX])?([0-9a-fA-F]+)/.exec(text);
  return m ? BigInt.asUintN(64, BigInt(`0x${m[1]}`)) : 0n;
}

export interface FunctionRange {
  address: bigint;
  size: bigint;
}

/** The 6.15 `-s nm-file` reader: whitespace tokens taken four at a time (address, size, type, name);
 *  stops at the first record that does not parse; keeps t/T/W records, sorted by address. */
export function functionsFromNm(text: string): FunctionRange[] {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const out: FunctionRange[] = [];
  for (let i = 0; i + 2 < tokens.length; i += 4) {
    const [a, s, type] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (!/^[0-9a-fA-F]{1,16}$/.test(a) || !/^[0-9a-fA-F]{1,16}$/.test(s)) break;
    const c = type[0];
    if (c === 't' || c === 'T' || c === 'W') out.push({ address: BigInt(`0x${a}`), size: BigInt(`0x${s}`) });
  }
  out.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  return out;
}

export interface McountTarget {
  view: ByteView;
  offset: number;
  count: number;
  is64: boolean;
  /** When given (6.15+), call sites outside every listed function are zeroed before sorting. */
  functions?: FunctionRange[];
  sampleLimit: number;
}

/** Sorts the address words in place (unsigned); returns the record and how many were zeroed.
 *  Values live as 32-bit halves; bigints are made only for the 6.15 function-range test. */
export function sortMcountTable(t: McountTarget): { record: TableRecord; zeroed: number } {
  const { view, offset, count: n } = t;
  const width = t.is64 ? 8 : 4;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const at = offset + i * width;
    if (t.is64) {
      const first = view.u32(at);
      const second = view.u32(at + 4);
      hi[i] = view.le ? second : first;
      lo[i] = view.le ? first : second;
    } else lo[i] = view.u32(at);
  }
  let zeroed = 0;
  if (t.functions) {
    for (let i = 0; i < n; i++) {
      if ((hi[i] | lo[i]) === 0) continue;
      if (!insideFunction(t.functions, (BigInt(hi[i]) << 32n) | BigInt(lo[i]))) {
        hi[i] = 0;
        lo[i] = 0;
        zeroed++;
      }
    }
  }
  const order = mergeSortIndices(n, (a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    const at = offset + i * width;
    if (!t.is64) view.setU32(at, lo[j]);
    else {
      view.setU32(at, view.le ? lo[j] : hi[j]);
      view.setU32(at + 4, view.le ? hi[j] : lo[j]);
    }
  }
  const record = recordMoves('__mcount_loc', 'unsigned address word', order, t.sampleLimit, (j) => (BigInt(hi[j]) << 32n) | BigInt(lo[j]));
  return { record, zeroed };
}

/** Binary search over functions sorted by address: address <= v < address + size. */
function insideFunction(functions: FunctionRange[], v: bigint): boolean {
  let lo = 0;
  let hi = functions.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (functions[mid].address <= v) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Functions may nest or share addresses; look back over those starting at or before v.
  for (let k = best; k >= 0 && k > best - 8; k--) {
    const f = functions[k];
    if (v >= f.address && v < f.address + f.size) return true;
  }
  return false;
}
