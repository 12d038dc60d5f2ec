// The entries of a vmlinux.relocs file as rows: which list each word is in, the kernel address it
// names (the low 32 bits, sign-extended as the x86-64 decompressor does), and, against the image the
// relocs tool read, the section and nearest symbol at that address and the bytes KASLR would patch
// there. Lists and stop words as kernel-pipeline.md §1.7: `0, relocs64…, 0, relocs32neg…, 0, relocs32…`
// up to 6.14, no inverse list from 6.15 (the layout is told by the number of stop words).

import type { ElfFile } from '../elf/index.ts';
import { parseRelocsFile, type KaslrList } from '../kernel/kaslr.ts';
import { StageError } from '../pipeline/stage.ts';
import { imageAddresses, type AllocatedSection, type ImageAddresses } from './symbol-locator.ts';

export interface KaslrEntryQuery {
  file: string;
  /** The image the entries address (the relocs stage's input); rows carry no place without one. */
  image?: string;
  /** Only this list's entries (default: all, in file order). */
  list?: KaslrList;
  /** Only entries whose location, target or section contains this text, or whose address contains
   *  these hex digits (computed over every entry once per search). */
  search?: string;
  start: number;
  count: number;
}

export interface KaslrEntryRow {
  /** Row number in the query's view (file order, within `list`, or among a search's matches). */
  index: number;
  /** The entry's number in the file (0-based, stop words not counted). */
  entry: number;
  list: KaslrList;
  /** Byte offset of the entry's word in the .relocs file. */
  wordOffset: number;
  /** The kernel virtual address of the patched field. */
  address: bigint;
  /** Section of the image holding the address, '' when none does (or no image). */
  section: string;
  /** Nearest symbol at or below the address in that section, as "name+0x10"; else "section+0x10". */
  location: string;
  /** File offset of the field in the image, -1 when it has no bytes there. */
  place: number;
  /** Bytes the decompressor rewrites: 8 for a 64-bit entry, else 4. */
  width: number;
  bytes: number[];
  /** What the field's absolute address points at ("name+0x8"), for 64-bit and 32-bit entries; the
   *  inverse list's fields are PC-relative offsets to per-CPU data, '' there (and without bytes). */
  target: string;
}

export interface KaslrEntryPage {
  total: number;
  start: number;
  rows: KaslrEntryRow[];
  /** '6.1' (three lists, up to 6.14) or '6.15' (no inverse list). */
  layout: '6.1' | '6.15';
  counts: Record<KaslrList, number>;
}

/** The image's address lookups (symbol-locator.ts), and its zero-based per-CPU section, for placing
 *  each entry: which section and symbol hold it, the bytes KASLR patches there. */
class AddressIndex {
  private readonly addresses: ImageAddresses;
  /** A zero-based .data..percpu (x86-64 SMP up to 6.14) and where its bytes load (__per_cpu_load):
   *  the relocs tool records fields inside it at that copy's address (kernel-pipeline.md §1.5). */
  private readonly percpu?: AllocatedSection & { load: bigint };

  constructor(private readonly elf: ElfFile) {
    this.addresses = imageAddresses(elf);
    const t = this.addresses.symbols?.table;
    const pc = this.addresses.sections.find((x) => x.name === '.data..percpu' && x.addr === 0n);
    for (let i = 1; t && pc && i < t.count; i++) {
      if (t.name(i) === '__per_cpu_load') { this.percpu = { ...pc, load: t.value(i) }; break; }
    }
  }

  /** A per-CPU offset (an address inside a zero-based .data..percpu) as its __per_cpu_load copy's address. */
  percpuCopy(address: bigint): bigint | undefined {
    const pc = this.percpu;
    return pc && address < pc.end ? pc.load + address : undefined;
  }

  place(address: bigint, width: number, absolute: boolean): Pick<KaslrEntryRow, 'section' | 'location' | 'place' | 'bytes' | 'target'> {
    const pc = this.percpu;
    const inPercpuCopy = pc !== undefined && address >= pc.load && address < pc.load + pc.end;
    const s = inPercpuCopy ? pc : this.addresses.sectionAt(address);
    if (!s) return { section: '', location: this.addresses.name(address), place: -1, bytes: [], target: '' };
    const within = address - (inPercpuCopy ? pc.load : s.addr);
    const place = s.nobits || within + BigInt(width) > s.end - s.addr ? -1 : s.offset + Number(within);
    const bytes = place >= 0 && place + width <= this.elf.bytes.length ? [...this.elf.bytes.subarray(place, place + width)] : [];
    let target = '';
    if (absolute && bytes.length) {
      // A 32-bit field holds the address sign-extended (R_X86_64_32S), as the kernel is linked at -2 GiB.
      const value = bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
      target = this.addresses.name(width === 8 || !this.elf.is64 ? value : BigInt.asUintN(64, BigInt.asIntN(32, value)));
    }
    const location = inPercpuCopy ? this.addresses.name(within, s) : this.addresses.name(address, s);
    return { section: s.name, location, place: bytes.length ? place : -1, bytes, target };
  }
}

/** One vmlinux.relocs file's lists, and per image the address index its rows are placed with. */
export class KaslrEntryIndex {
  readonly layout: '6.1' | '6.15';
  private readonly lists: Record<KaslrList, Uint32Array>;
  readonly counts: Record<KaslrList, number>;
  /** Byte offset of each list's first entry in the file. */
  private readonly firstOffset: Record<KaslrList, number>;
  private readonly images = new WeakMap<ElfFile, AddressIndex>();

  constructor(bytes: Uint8Array, name: string) {
    if (bytes.length % 4 !== 0) throw new StageError(`${name}: size ${bytes.length} is not a multiple of 4, so not a vmlinux.relocs`, [{ severity: 'error', message: 'not a multiple of 4 bytes', file: name, offset: bytes.length - (bytes.length % 4) }]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let stops = 0;
    for (let at = 0; at < bytes.length; at += 4) if (view.getUint32(at, true) === 0) stops++;
    if (stops !== 2 && stops !== 3) {
      throw new StageError(`${name}: ${stops} stop words (zero entries); a vmlinux.relocs has 3 (up to 6.14) or 2 (6.15 on)`, [{ severity: 'error', message: `${stops} stop words`, file: name, offset: 0 }]);
    }
    this.layout = stops === 3 ? '6.1' : '6.15';
    this.lists = parseRelocsFile(bytes, this.layout, name);
    this.counts = { relocs64: this.lists.relocs64.length, relocs32neg: this.lists.relocs32neg.length, relocs32: this.lists.relocs32.length };
    const r64 = this.lists.relocs64.length, neg = this.lists.relocs32neg.length;
    this.firstOffset = { relocs64: 4, relocs32neg: this.layout === '6.1' ? 4 * (r64 + 2) : -1, relocs32: 4 * (r64 + (this.layout === '6.1' ? neg + 3 : 2)) };
  }


  page(q: Pick<KaslrEntryQuery, 'list' | 'start' | 'count' | 'search'>, image?: ElfFile): KaslrEntryPage {
    const index = this.addressIndex(image);
    const view = this.view(q.list, q.search?.trim() ?? '', image, index);
    const total = view ? view.length : this.span(q.list)[1];
    const start = Math.max(0, Math.min(q.start, total));
    const end = Math.min(total, start + Math.max(0, q.count));
    const first = this.span(q.list)[0];
    const rows: KaslrEntryRow[] = [];
    for (let i = start; i < end; i++) rows.push({ ...this.row(view ? view[i] : first + i, image, index), index: i });
    return { total, start, rows, layout: this.layout, counts: this.counts };
  }

  /** The entries naming the field at `address` (each list is sorted by its u32 words; duplicates
   *  are kept, as the relocs tool writes them). A field inside a zero-based .data..percpu is named at
   *  its __per_cpu_load copy, as the tool records it. */
  entriesAt(address: bigint, image?: ElfFile): { entry: number; list: KaslrList }[] {
    const copy = this.addressIndex(image)?.percpuCopy(address);
    const word = Number(BigInt.asUintN(32, copy ?? address));
    const found: { entry: number; list: KaslrList }[] = [];
    for (const list of ['relocs64', 'relocs32neg', 'relocs32'] as const) {
      const words = this.lists[list];
      let lo = 0, hi = words.length;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (words[mid] < word) lo = mid + 1; else hi = mid; }
      for (let k = lo; k < words.length && words[k] === word; k++) found.push({ entry: this.span(list)[0] + k, list });
    }
    return found;
  }

  /** The image's sections and symbols by address, built once per image. */
  private addressIndex(image?: ElfFile): AddressIndex | undefined {
    if (!image) return undefined;
    let index = this.images.get(image);
    if (!index) { index = new AddressIndex(image); this.images.set(image, index); }
    return index;
  }

  /** [first entry, count] of one list, or of the whole file. */
  private span(list?: KaslrList): [number, number] {
    const c = this.counts;
    if (list === 'relocs64') return [0, c.relocs64];
    if (list === 'relocs32neg') return [c.relocs64, c.relocs32neg];
    if (list === 'relocs32') return [c.relocs64 + c.relocs32neg, c.relocs32];
    return [0, c.relocs64 + c.relocs32neg + c.relocs32];
  }

  /** Entry `entry` (0-based, in file order) as a row. */
  private row(entry: number, image?: ElfFile, index?: AddressIndex): KaslrEntryRow {
    const c = this.counts;
    const list: KaslrList = entry < c.relocs64 ? 'relocs64' : entry < c.relocs64 + c.relocs32neg ? 'relocs32neg' : 'relocs32';
    const k = entry - this.span(list)[0];
    const word = this.lists[list][k];
    // ELF64: the low 32 bits of a kernel address (0xffffffff8…), sign-extended back; ELF32 as is.
    const address = image && !image.is64 ? BigInt(word) : BigInt.asUintN(64, BigInt(word | 0));
    const width = list === 'relocs64' ? 8 : 4;
    const placed = index ? index.place(address, width, list !== 'relocs32neg') : { section: '', location: '', place: -1, bytes: [], target: '' };
    return { index: entry, entry, list, wordOffset: this.firstOffset[list] + 4 * k, address, width, ...placed };
  }

  /** The entries a search keeps (those whose location, target or section contains the text, or whose
   *  address starts with it), computed once per search; undefined without a search. */
  private view(list: KaslrList | undefined, search: string, image?: ElfFile, index?: AddressIndex): Uint32Array | undefined {
    if (!search) return undefined;
    const key = `${list ?? ''}\0${search}`;
    if (this.lastSearch?.key === key && this.lastSearch.image === image) return this.lastSearch.entries;
    const [first, n] = this.span(list);
    const hex = /^(0x)?[0-9a-f]+$/i.test(search) ? search.replace(/^0x/i, '').toLowerCase() : undefined;
    const text = this.searchText(image, index);
    const kept: number[] = [];
    for (let e = first; e < first + n; e++) {
      if (text.location[e].includes(search) || text.target[e].includes(search) || text.section[e] === search || (hex !== undefined && text.address[e].includes(hex))) kept.push(e);
    }
    const entries = Uint32Array.from(kept);
    this.lastSearch = { key, image, entries };
    return entries;
  }

  private lastSearch?: { key: string; image?: ElfFile; entries: Uint32Array };
  private text?: { image?: ElfFile; location: string[]; target: string[]; section: string[]; address: string[] };

  /** Every entry's searchable text, made once per image (a search then only scans strings). */
  private searchText(image?: ElfFile, index?: AddressIndex) {
    if (this.text && this.text.image === image) return this.text;
    const n = this.span()[1];
    const t = { image, location: new Array<string>(n), target: new Array<string>(n), section: new Array<string>(n), address: new Array<string>(n) };
    for (let e = 0; e < n; e++) {
      const r = this.row(e, image, index);
      t.location[e] = r.location;
      t.target[e] = r.target;
      t.section[e] = r.section;
      t.address[e] = r.address.toString(16).padStart(16, '0');
    }
    this.text = t;
    return t;
  }
}
