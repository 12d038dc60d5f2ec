// A column store over one symbol table for instant search and sort in the worker: names are
// decoded once, numeric fields live in typed arrays, sort orders and the last filter are cached.
// It does not format or page for display beyond building the requested rows.

import { SymbolTable, type ElfFile } from '../elf/index.ts';
import type { SymbolColumn, SymbolPage, SymbolQuery, SymbolRow } from './api.ts';
import { symbolBindName, symbolSectionName, symbolTypeName, visibilityName } from './names.ts';

export class SymbolIndex {
  readonly table: number;
  readonly count: number;
  private readonly names: string[];
  private lowerNames: string[] | null = null;
  private readonly values: BigUint64Array;
  private readonly sizes: BigUint64Array;
  private readonly infos: Uint8Array;
  private readonly others: Uint8Array;
  private readonly shndx: Uint32Array;
  private readonly sectionNames: string[];
  private readonly orders = new Map<SymbolColumn, Int32Array>();
  private lastKey = '';
  private lastMatches: Int32Array = new Int32Array(0);

  constructor(elf: ElfFile, table: number) {
    const t: SymbolTable = elf.symbolTable(table);
    this.table = table;
    this.count = t.count;
    this.names = new Array<string>(t.count);
    this.values = new BigUint64Array(t.count);
    this.sizes = new BigUint64Array(t.count);
    this.infos = new Uint8Array(t.count);
    this.others = new Uint8Array(t.count);
    this.shndx = new Uint32Array(t.count);
    for (let i = 0; i < t.count; i++) {
      this.names[i] = t.name(i);
      this.values[i] = t.value(i);
      this.sizes[i] = t.size(i);
      this.infos[i] = t.info(i);
      this.others[i] = t.other(i);
      this.shndx[i] = t.shndx(i);
    }
    this.sectionNames = elf.sections.map((s) => s.name);
  }

  query(q: SymbolQuery): SymbolPage {
    const sort = q.sort ?? { column: 'index', descending: false };
    const key = `${sort.column}\0${sort.descending}\0${q.regex ? 1 : 0}\0${q.filter ?? ''}`;
    if (key !== this.lastKey) {
      this.lastMatches = this.match(this.order(sort.column), sort.descending, q.filter ?? '', q.regex ?? false);
      this.lastKey = key;
    }
    const m = this.lastMatches;
    const start = Math.max(0, Math.min(q.start, m.length));
    const end = Math.min(m.length, start + Math.max(0, q.count));
    const rows: SymbolRow[] = [];
    for (let k = start; k < end; k++) rows.push(this.row(m[k]));
    return { table: this.table, tableCount: this.count, total: m.length, start, rows };
  }

  private row(i: number): SymbolRow {
    const info = this.infos[i];
    return {
      index: i, name: this.names[i], value: this.values[i], size: this.sizes[i],
      type: symbolTypeName(info & 0xf), bind: symbolBindName(info >> 4), visibility: visibilityName(this.others[i]),
      shndx: this.shndx[i], section: symbolSectionName(this.shndx[i], this.sectionNames),
    };
  }

  private match(order: Int32Array, descending: boolean, filter: string, regex: boolean): Int32Array {
    const n = order.length;
    const out = new Int32Array(n);
    let k = 0;
    const at = (j: number) => order[descending ? n - 1 - j : j];
    if (filter === '') {
      for (let j = 0; j < n; j++) out[k++] = at(j);
    } else if (regex) {
      const re = new RegExp(filter);
      for (let j = 0; j < n; j++) if (re.test(this.names[at(j)])) out[k++] = at(j);
    } else {
      const needle = filter.toLowerCase();
      const lower = (this.lowerNames ??= this.names.map((s) => s.toLowerCase()));
      for (let j = 0; j < n; j++) if (lower[at(j)].includes(needle)) out[k++] = at(j);
    }
    return out.subarray(0, k);
  }

  private order(column: SymbolColumn): Int32Array {
    let o = this.orders.get(column);
    if (o) return o;
    const idx = Array.from({ length: this.count }, (_, i) => i);
    if (column !== 'index') idx.sort(this.comparator(column));
    o = Int32Array.from(idx);
    this.orders.set(column, o);
    return o;
  }

  /** Ascending comparator for a column, ties broken by symbol index so sorts are stable. */
  private comparator(column: SymbolColumn): (a: number, b: number) => number {
    const big = (arr: BigUint64Array) => (a: number, b: number) => (arr[a] < arr[b] ? -1 : arr[a] > arr[b] ? 1 : a - b);
    const num = (f: (i: number) => number) => (a: number, b: number) => f(a) - f(b) || a - b;
    const str = (f: (i: number) => string) => (a: number, b: number) => {
      const x = f(a), y = f(b);
      return x < y ? -1 : x > y ? 1 : a - b;
    };
    switch (column) {
      case 'name': return str((i) => this.names[i]);
      case 'value': return big(this.values);
      case 'size': return big(this.sizes);
      case 'type': return num((i) => this.infos[i] & 0xf);
      case 'bind': return num((i) => this.infos[i] >> 4);
      case 'section': return num((i) => this.shndx[i]);
      default: return (a, b) => a - b;
    }
  }
}
