// The tables sorttable sorts, as rows: `__ex_table` (each entry's faulting instruction, its fixup
// and data word) and the x86-64 ORC unwind tables (each instruction address of `.orc_unwind_ip`
// with its `.orc_unwind` entry), every address named by the symbol holding it, and how far the table
// is from sorted — what the kernel binary-searches at run time, so an unsorted image shows entries
// out of order and the sorted one none. Layouts as docs/kernel-pipeline.md §2.2, §2.4 and §2.6.

import { SHT_NOBITS, type ElfFile, type SectionHeader } from '../elf/index.ts';
import { extableFormat, type ExtableFormat } from '../kernel/sorttable/extable.ts';
import { ORC_ENTRY_SIZE } from '../kernel/sorttable/orc.ts';
import { imageAddresses, type ImageAddresses } from './symbol-locator.ts';

export type KernelTable = 'extable' | 'orc';

export interface KernelTableQuery {
  file: string;
  table: KernelTable;
  start: number;
  count: number;
}

export interface ExtableRow {
  index: number;
  /** Address of the entry itself. */
  at: bigint;
  /** The faulting instruction and where execution continues, resolved from the relative words. */
  insn: bigint;
  insnAt: string;
  fixup: bigint;
  fixupAt: string;
  /** The third word (x86 "data": the fixup type in its low byte), or -1 in an 8-byte layout. */
  data: number;
  /** True when this entry's instruction is below the previous entry's: the table is not sorted here. */
  outOfOrder: boolean;
}

export interface OrcRow {
  index: number;
  ip: bigint;
  ipAt: string;
  spOffset: number;
  bpOffset: number;
  spReg: number;
  bpReg: number;
  /** Bits 8 and up of the bitfield word: type (and end / signal), as the kernel version lays them out. */
  flags: number;
  outOfOrder: boolean;
}

export interface KernelTablePage {
  table: KernelTable;
  total: number;
  start: number;
  rows: ExtableRow[] | OrcRow[];
  /** Entries whose key is below the previous entry's, over the whole table, and the first of them (-1). */
  outOfOrder: number;
  firstOutOfOrder: number;
  /** The tables this file has, with their entry counts. */
  tables: { table: KernelTable; section: string; entries: number }[];
}

interface Decoded {
  section: string;
  count: number;
  /** Where the rows read their entries: __ex_table (in `format`), or .orc_unwind. */
  entries: SectionHeader;
  format?: ExtableFormat;
  /** The sort key of each entry (instruction address), for order checks. */
  keys: BigInt64Array;
  outOfOrder: number;
  firstOutOfOrder: number;
}

/** The kernel tables of one image, decoded once. */
export class KernelTables {
  private readonly decoded = new Map<KernelTable, Decoded | undefined>();
  private readonly addresses: ImageAddresses;

  constructor(private readonly elf: ElfFile) {
    this.addresses = imageAddresses(elf);
  }

  tables(): KernelTablePage['tables'] {
    const out: KernelTablePage['tables'] = [];
    for (const table of ['extable', 'orc'] as const) {
      const d = this.decode(table);
      if (d) out.push({ table, section: d.section, entries: d.count });
    }
    return out;
  }

  page(q: KernelTableQuery): KernelTablePage {
    const d = this.decode(q.table);
    if (!d) throw new Error(`${this.elf.fileName} has no ${q.table === 'extable' ? '__ex_table' : '.orc_unwind_ip and .orc_unwind'} section${q.table === 'orc' ? 's of matching sizes' : ''}`);
    const start = Math.max(0, Math.min(q.start, d.count));
    const end = Math.min(d.count, start + Math.max(0, q.count));
    const rows = [];
    for (let i = start; i < end; i++) rows.push(q.table === 'extable' ? this.extableRow(i, d) : this.orcRow(i, d));
    return { table: q.table, total: d.count, start, rows: rows as ExtableRow[] | OrcRow[], outOfOrder: d.outOfOrder, firstOutOfOrder: d.firstOutOfOrder, tables: this.tables() };
  }

  private section(name: string) {
    const s = this.elf.sections.find((x) => x.name === name);
    return s && s.type !== SHT_NOBITS && s.offset + s.size <= BigInt(this.elf.bytes.length) ? s : undefined;
  }

  private decode(table: KernelTable): Decoded | undefined {
    if (this.decoded.has(table)) return this.decoded.get(table);
    let d: Decoded | undefined;
    if (table === 'extable') {
      const s = this.section('__ex_table');
      const format = extableFormat(this.elf.header.machine, this.elf.is64, true);
      if (s && format) {
        const count = Math.floor(Number(s.size) / format.entrySize);
        const keys = new BigInt64Array(count);
        for (let i = 0; i < count; i++) keys[i] = this.extableWord(s, format, i, 0);
        d = { section: s.name, count, entries: s, format, keys, ...inversions(keys) };
      }
    } else {
      const ip = this.section('.orc_unwind_ip');
      const orc = this.section('.orc_unwind');
      const count = ip ? Number(ip.size) / 4 : 0;
      if (ip && orc && Number.isInteger(count) && Number(orc.size) === count * ORC_ENTRY_SIZE) {
        const keys = new BigInt64Array(count);
        for (let i = 0; i < count; i++) keys[i] = ip.addr + BigInt(4 * i) + BigInt(this.elf.data.i32(Number(ip.offset) + 4 * i));
        d = { section: ip.name, count, entries: orc, keys, ...inversions(keys) };
      }
    }
    this.decoded.set(table, d);
    return d;
  }

  /** Word `w` of extable entry `i` as an address: self-relative words add their own address. */
  private extableWord(s: SectionHeader, format: ExtableFormat, i: number, w: number): bigint {
    const at = Number(s.offset) + i * format.entrySize;
    if (format.layout === 'absolute') {
      return this.elf.is64 ? this.elf.data.u64(at + 8 * w) : BigInt(this.elf.data.u32(at + 4 * w));
    }
    const place = s.addr + BigInt(i * format.entrySize + 4 * w);
    return BigInt.asUintN(64, place + BigInt(this.elf.data.i32(at + 4 * w)));
  }

  private extableRow(i: number, d: Decoded): ExtableRow {
    const s = d.entries;
    const format = d.format!;
    const insn = BigInt.asUintN(64, d.keys[i]);
    const fixup = this.extableWord(s, format, i, 1);
    const data = format.layout === 'relative-with-data' ? this.elf.data.u32(Number(s.offset) + i * 12 + 8) : -1;
    return {
      index: i, at: s.addr + BigInt(i * format.entrySize), insn, insnAt: this.addresses.name(insn), fixup, fixupAt: this.addresses.name(fixup), data,
      outOfOrder: i > 0 && d.keys[i] < d.keys[i - 1],
    };
  }

  private orcRow(i: number, d: Decoded): OrcRow {
    const at = Number(d.entries.offset) + i * ORC_ENTRY_SIZE;
    const bits = this.elf.data.u16(at + 4);
    const ip = BigInt.asUintN(64, d.keys[i]);
    return {
      index: i, ip, ipAt: this.addresses.name(ip), spOffset: (this.elf.data.u16(at) << 16) >> 16, bpOffset: (this.elf.data.u16(at + 2) << 16) >> 16,
      spReg: bits & 0xf, bpReg: (bits >> 4) & 0xf, flags: bits >> 8, outOfOrder: i > 0 && d.keys[i] < d.keys[i - 1],
    };
  }

}

/** How many keys are below the key before them, and the first such. */
function inversions(keys: BigInt64Array): { outOfOrder: number; firstOutOfOrder: number } {
  let n = 0;
  let first = -1;
  for (let i = 1; i < keys.length; i++) if (keys[i] < keys[i - 1]) { n++; if (first < 0) first = i; }
  return { outOfOrder: n, firstOutOfOrder: first };
}
