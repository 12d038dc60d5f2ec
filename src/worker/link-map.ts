// The link map of an image the playground linked, as rows: where every input section went (output
// section, address, size, the file offset of its bytes) and which were discarded and why, and where
// every global symbol came from — read from the link's record (link/record.ts) and the image's
// section headers, as ld's -Map file tells them, but searchable and paged.

import type { ElfFile } from '../elf/index.ts';
import { SHT_NOBITS } from '../elf/index.ts';
import type { LinkRecord } from '../link/record.ts';

export interface LinkMapQuery {
  file: string;
  view: 'sections' | 'symbols';
  /** Only rows whose file, section or symbol name contains this text (case-insensitive). */
  search?: string;
  start: number;
  count: number;
}

export interface PlacedSectionRow {
  index: number;
  /** Input file as ld names it (`a.o`, `libc.a(printf.o)`) and the input section. */
  file: string;
  section: string;
  /** Output section, or '/DISCARD/' (the script) or '(gc)' (--gc-sections). */
  output: string;
  discarded: boolean;
  /** A merge input every string of which was already there: placed, but adding no bytes. */
  merged: boolean;
  /** Address in the image (the output section's plus the offset in it); 0 when discarded. */
  address: bigint;
  /** Offset inside the output section. */
  offset: number;
  size: number;
  /** File offset of its bytes in the image; -1 when none (discarded, SHT_NOBITS, empty). */
  place: number;
}

export interface SymbolSourceRow {
  index: number;
  name: string;
  /** The file that defines it, or '(linker script)', '(linker)', '(undefined)'. */
  file: string;
  /** Its input section, a script symbol's output section, or '*ABS*'; '' when undefined. */
  section: string;
  binding: string;
}

export interface LinkMapPage {
  view: LinkMapQuery['view'];
  total: number;
  start: number;
  rows: PlacedSectionRow[] | SymbolSourceRow[];
  /** Counts over the whole map, whatever the search. */
  counts: { placed: number; discarded: number; symbols: number };
}

/** A link record's map for one image: its rows built once, searched on demand. */
export class LinkMap {
  private readonly sections: Omit<PlacedSectionRow, 'index'>[];
  private readonly symbols: Omit<SymbolSourceRow, 'index'>[];
  private readonly counts: LinkMapPage['counts'];
  private lastSearch = { view: '', text: '', matches: [] as number[] };

  constructor(readonly record: LinkRecord, image: ElfFile) {
    const outputs = new Map(image.sections.map((s) => [s.name, s]));
    this.sections = record.placements.map((p) => {
      const out = outputs.get(p.output);
      const place = out && out.type !== SHT_NOBITS && p.size > 0 && !p.merged ? Number(out.offset) + p.offset : -1;
      return { file: p.file, section: p.section, output: p.output, discarded: false, merged: p.merged === true, address: (out?.addr ?? 0n) + BigInt(p.offset), offset: p.offset, size: p.size, place };
    });
    for (const d of record.discarded) this.sections.push({ file: d.file, section: d.section, output: d.output, discarded: true, merged: false, address: 0n, offset: 0, size: d.size, place: -1 });
    this.symbols = record.symbolSources.map((s) => ({ name: s.name, file: s.file, section: s.section ?? '', binding: s.binding }));
    this.counts = { placed: record.placements.length, discarded: record.discarded.length, symbols: this.symbols.length };
  }

  page(q: LinkMapQuery): LinkMapPage {
    const all: object[] = q.view === 'sections' ? this.sections : this.symbols;
    const text = (q.search ?? '').trim().toLowerCase();
    const matches = text ? this.matching(q.view, text) : undefined;
    const total = matches ? matches.length : all.length;
    const start = Math.max(0, Math.min(q.start, total));
    const end = Math.min(total, start + Math.max(0, q.count));
    const rows = [];
    for (let i = start; i < end; i++) rows.push({ ...all[matches ? matches[i] : i], index: i });
    return { view: q.view, total, start, rows: rows as PlacedSectionRow[] | SymbolSourceRow[], counts: this.counts };
  }

  /** Row numbers whose text contains `text`; the last search is kept (paging asks again and again). */
  private matching(view: LinkMapQuery['view'], text: string): number[] {
    if (this.lastSearch.view === view && this.lastSearch.text === text) return this.lastSearch.matches;
    const matches: number[] = [];
    if (view === 'sections') {
      this.sections.forEach((s, i) => { if (`${s.file}\n${s.section}\n${s.output}`.toLowerCase().includes(text)) matches.push(i); });
    } else {
      this.symbols.forEach((s, i) => { if (`${s.name}\n${s.file}\n${s.section}`.toLowerCase().includes(text)) matches.push(i); });
    }
    this.lastSearch = { view, text, matches };
    return matches;
  }
}

/** Whether `record` is a link's (has the lists a link map reads). */
export function isLinkRecord(record: unknown): record is LinkRecord {
  const r = record as Partial<LinkRecord> | null;
  return typeof r === 'object' && r !== null && Array.isArray(r.placements) && Array.isArray(r.discarded) && Array.isArray(r.symbolSources);
}
