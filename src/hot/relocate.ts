// The linker's per-relocation loops as one layout in one WebAssembly memory (the relocation arena)
// and two implementations over it: wasm/relocate.wat and its TypeScript twin `relocateTwin`;
// `relocator()` picks one like the other hot routines. WebAssembly runs these loops at full speed
// from the first entry, where JavaScript spends the first tens of thousands of the 140 k kernel
// relocations in the interpreter waiting for the optimizing compiler.
// Formulas: AMD64 psABI §4.4.1 (S + A, S + A - P), fields little-endian.
import relocateWasm from './generated/relocate.ts';
import { instantiateRoutine } from './instantiate.ts';
import { HotMemory } from './memory.ts';
import { hotImplementation } from './sort.ts';

/** Words per live section in `sections`: first entry, count, out, offset in the output section,
 *  base address lo, hi, first symbol slot of its file, flags. */
export const SECTION_WORDS = 8;
/** `sections` flag: the caller plans this section's entries itself (e.g. .eh_frame, whose
 *  offsets move as entries are dropped). */
export const PLANNED_BY_CALLER = 1;
/** `symState`: the slot's address is S for plain S + A (- P) relocations. */
export const PLAIN_SYMBOL = 1;
/** `outSym` / `sectionSymbol`: a merged section's symbol, whose output symbol the addend picks. */
export const MERGED_SECTION_SYMBOL = -1;
/** `sectionMode`: a placed section whose symbols are at its output address + st_value. */
export const PLAIN_SECTION = 1;
/** `sectionMode`: a discarded (or absent) section. */
export const DROPPED_SECTION = 2;
/** Relax.Consumed (src/link/arch/x86_64.ts): the call a TLS rewrite replaced; nothing to patch. */
const CONSUMED = 11;
/** Kinds: 4 bytes per relocation type 0..255 — field size, formula (0 none, 1 S + A, 2 S + A - P,
 *  3 GOT-relative, higher: the caller's), fit (0 none, 1 signed, 2 unsigned, 3 either), 1 for a
 *  known type (src/link/arch/x86_64.ts writeKindTable). */
export const KIND_TYPES = 256;

export interface ArenaShape {
  sections: number;
  entries: number;
  symbols: number;
  /** Input sections of the files that own `symbols` (the per-section tables). */
  inputSections: number;
  /** Entries the output .symtab can have at most (verify reads a copy here). */
  outputSymbols: number;
  /** Byte size of each output buffer, or -1 for a section without contents (SHT_NOBITS). */
  buffers: readonly number[];
}

interface Region { at: number; bytes: number }

/** One memory holding every column; views never move (the memory is sized once and not grown). */
export class RelocationArena {
  readonly memory: HotMemory;
  readonly ptr: Record<string, number> = {};
  readonly sections: Int32Array;
  /** Each entry's Elf64_Rela as six u32: offset lo, hi, type, symbol, addend lo, hi. */
  readonly words: Uint32Array;
  readonly relax: Uint8Array;
  readonly out: Uint32Array;
  readonly at: Uint32Array;
  readonly type: Uint8Array;
  readonly formula: Uint8Array;
  readonly dropped: Uint8Array;
  readonly source: Uint32Array;
  readonly index: Uint32Array;
  readonly S: BigInt64Array;
  readonly A: BigInt64Array;
  readonly P: BigInt64Array;
  readonly symAddr: BigInt64Array;
  readonly symState: Int32Array;
  /** Each file's Elf64_Sym entries, at its first slot; `left` lists symbols for the caller. */
  readonly syms: Uint8Array;
  readonly left: Uint32Array;
  /** Per input section of the files: PLAIN_SECTION with its output address in `sectionBase`,
   *  DROPPED_SECTION (its symbols have no plain address), else 0 (the caller works them out). */
  readonly sectionMode: Int32Array;
  readonly sectionBase: BigInt64Array;
  /** --emit-relocs: each slot's output symbol index (MERGED_SECTION_SYMBOL: decided per addend)
   *  and its addend growth; per input section, its output section's symbol and its offset there. */
  readonly outSym: Int32Array;
  readonly growth: Uint32Array;
  readonly sectionSymbol: Int32Array;
  readonly sectionOffset: Uint32Array;
  /** Emitted Elf64_Rela entries (room for every entry), and the (k, n) pairs the caller finishes:
   *  fixups[0] is their count, pair j at fixups[2j], fixups[2j + 1]. */
  readonly emitted: Uint8Array;
  readonly fixups: Uint32Array;
  /** Per emitted entry: 1 when a TLS rewrite left it describing the input's instruction. */
  readonly asInput: Uint8Array;
  /** verify: the output .symtab, and mismatches as (entry, expected, found) u64 triples. */
  readonly symtab: Uint8Array;
  readonly listed: BigUint64Array;
  readonly kinds: Uint8Array;
  readonly slow: Uint32Array;
  readonly overflow: Uint32Array;
  readonly relaxed: Uint32Array;
  readonly counts: Int32Array;
  readonly bases: Int32Array;
  readonly sizes: Int32Array;
  readonly buffers: (Uint8Array | undefined)[];

  constructor(shape: ArenaShape) {
    const n = shape.entries;
    const plan: [string, number][] = [
      ['sections', shape.sections * SECTION_WORDS * 4], ['words', n * 24], ['S', n * 8], ['A', n * 8], ['P', n * 8],
      ['symAddr', shape.symbols * 8], ['symState', shape.symbols * 4], ['syms', shape.symbols * 24], ['left', shape.symbols * 4],
      ['sectionBase', shape.inputSections * 8], ['sectionMode', shape.inputSections * 4],
      ['outSym', shape.symbols * 4], ['growth', shape.symbols * 4], ['sectionSymbol', shape.inputSections * 4],
      ['sectionOffset', shape.inputSections * 4], ['emitted', n * 24], ['fixups', (n + 1) * 8], ['asInput', n],
      ['symtab', shape.outputSymbols * 24], ['listed', VERIFY_LISTED * 24], ['out', n * 4], ['at', n * 4], ['source', n * 4],
      ['index', n * 4], ['slow', n * 4], ['overflow', n * 4], ['relaxed', n * 4], ['counts', 8],
      ['bases', shape.buffers.length * 4], ['sizes', shape.buffers.length * 4], ['relax', n], ['type', n], ['formula', n],
      ['dropped', n], ['kinds', KIND_TYPES * 4],
    ];
    const regions = new Map<string, Region>();
    let total = 8192; // HotMemory's reserved first bytes
    const take = (bytes: number) => { total = Math.ceil(total / 8) * 8; const at = total; total += bytes; return at; };
    for (const [name, bytes] of plan) regions.set(name, { at: take(bytes), bytes });
    const bufferAt = shape.buffers.map((size) => (size < 0 ? -1 : take(size)));
    this.memory = new HotMemory(total);
    for (const [name, { bytes }] of regions) this.ptr[name] = this.memory.alloc(bytes);
    const buffer = this.memory.memory.buffer;
    const view = <T>(name: string, make: new (b: ArrayBuffer, at: number, length: number) => T, size: number) =>
      new make(buffer, this.ptr[name], regions.get(name)!.bytes / size);
    this.sections = view('sections', Int32Array, 4);
    this.words = view('words', Uint32Array, 4);
    this.S = view('S', BigInt64Array, 8);
    this.A = view('A', BigInt64Array, 8);
    this.P = view('P', BigInt64Array, 8);
    this.symAddr = view('symAddr', BigInt64Array, 8);
    this.symState = view('symState', Int32Array, 4);
    this.syms = view('syms', Uint8Array, 1);
    this.left = view('left', Uint32Array, 4);
    this.sectionBase = view('sectionBase', BigInt64Array, 8);
    this.sectionMode = view('sectionMode', Int32Array, 4);
    this.outSym = view('outSym', Int32Array, 4);
    this.growth = view('growth', Uint32Array, 4);
    this.sectionSymbol = view('sectionSymbol', Int32Array, 4);
    this.sectionOffset = view('sectionOffset', Uint32Array, 4);
    this.emitted = view('emitted', Uint8Array, 1);
    this.fixups = view('fixups', Uint32Array, 4);
    this.asInput = view('asInput', Uint8Array, 1);
    this.symtab = view('symtab', Uint8Array, 1);
    this.listed = view('listed', BigUint64Array, 8);
    this.out = view('out', Uint32Array, 4);
    this.at = view('at', Uint32Array, 4);
    this.source = view('source', Uint32Array, 4);
    this.index = view('index', Uint32Array, 4);
    this.slow = view('slow', Uint32Array, 4);
    this.overflow = view('overflow', Uint32Array, 4);
    this.relaxed = view('relaxed', Uint32Array, 4);
    this.counts = view('counts', Int32Array, 4);
    this.bases = view('bases', Int32Array, 4);
    this.sizes = view('sizes', Int32Array, 4);
    this.relax = view('relax', Uint8Array, 1);
    this.type = view('type', Uint8Array, 1);
    this.formula = view('formula', Uint8Array, 1);
    this.dropped = view('dropped', Uint8Array, 1);
    this.kinds = view('kinds', Uint8Array, 1);
    this.buffers = shape.buffers.map((size, i) => {
      if (size < 0) { this.bases[i] = 0; this.sizes[i] = -1; return undefined; }
      const at = this.memory.alloc(size);
      if (at !== bufferAt[i]) throw new Error('relocation arena: layout differs from its plan');
      this.bases[i] = at;
      this.sizes[i] = size;
      return new Uint8Array(buffer, at, size);
    });
    if (this.memory.memory.buffer !== buffer) throw new Error('relocation arena: memory grew while laid out');
  }
}

/** The scan's memory (relocation scanning runs before layout, so before the relocation arena):
 *  one file's relocation sections at a time (entries one section after another, and each
 *  section's entry count and size), the file's IFUNC marks, counts and first sightings by type. */
export class ScanArena {
  readonly memory: HotMemory;
  readonly ptr: Record<string, number> = {};
  readonly words: Uint32Array;
  /** Per section: entry count, size (u32; a larger size is given as 0xffffffff). */
  readonly table: Uint32Array;
  readonly ifunc: Uint8Array;
  readonly kinds: Uint8Array;
  /** Per type: plain entries counted, and the least entry number seen (0xffffffff: none). */
  readonly counts: Uint32Array;
  readonly firstSeen: Uint32Array;
  readonly special: Uint32Array;

  constructor(entries: number, sections: number, symbols: number) {
    const plan: [string, number][] = [['words', entries * 24], ['special', entries * 4], ['table', sections * 8], ['counts', KIND_TYPES * 4],
      ['firstSeen', KIND_TYPES * 4], ['kinds', KIND_TYPES * 4], ['ifunc', symbols]];
    let total = 8192;
    for (const [, bytes] of plan) total = Math.ceil(total / 8) * 8 + bytes;
    this.memory = new HotMemory(total);
    for (const [name, bytes] of plan) this.ptr[name] = this.memory.alloc(bytes);
    const buffer = this.memory.memory.buffer;
    this.words = new Uint32Array(buffer, this.ptr.words, entries * 6);
    this.special = new Uint32Array(buffer, this.ptr.special, entries);
    this.table = new Uint32Array(buffer, this.ptr.table, sections * 2);
    this.counts = new Uint32Array(buffer, this.ptr.counts, KIND_TYPES);
    this.firstSeen = new Uint32Array(buffer, this.ptr.firstSeen, KIND_TYPES).fill(0xffffffff);
    this.kinds = new Uint8Array(buffer, this.ptr.kinds, KIND_TYPES * 4);
    this.ifunc = new Uint8Array(buffer, this.ptr.ifunc, symbols);
    if (this.memory.memory.buffer !== buffer) throw new Error('scan arena: memory grew while laid out');
  }
}

/** One file for the scan: `sections` relocation sections in `words`/`table`; `seq` numbers its
 *  first entry in the whole scan (for first sightings). */
export interface ScanJob { sections: number; symbols: number; firstGlobal: number; seq: number }

export interface ApplyCounts { overflows: number; relaxed: number }

/** Mismatches verify lists with their values (it counts them all). */
export const VERIFY_LISTED = 20;

/** One output section's emitted entries for verify: [first, end) of `emitted`, its buffer, its
 *  address; `tp` the thread-pointer offset of TLS symbols (template offsets in the output). */
export interface VerifyJob { first: number; end: number; out: number; base: bigint; tp: bigint }

export interface Relocator {
  implementation: 'wasm' | 'ts';
  /** Counts a file's plain entries (see scan_entries) and lists the others' numbers in `special`,
   *  skipping the entry after each TLSGD/TLSLD in its section; returns how many are listed. */
  scan(arena: ScanArena, job: ScanJob): number;
  /** Addresses of local symbols [first, end) of the file whose entries and slots start at slot
   *  `slot` and whose per-section tables start at `section` (it has `sections` of them): sets
   *  symAddr/symState (PLAIN_SYMBOL), lists the rest in `left`; returns how many. */
  symbols(arena: RelocationArena, slot: number, first: number, end: number, section: number, sections: number): number;
  /** --emit-relocs: outSym and growth of the STT_SECTION locals [first, end) of the file at slot
   *  `slot` (per-section tables from `section`, `sections` of them) from sectionSymbol/Offset. */
  outputSymbols(arena: RelocationArena, slot: number, first: number, end: number, section: number, sections: number): void;
  /** Writes the kept entries [first, first + count) of one member (symbols from slot `slot`) as
   *  Elf64_Rela entries k… of `emitted`; lists merged-symbol and rewritten ones in `fixups`.
   *  Returns the next k. */
  emit(arena: RelocationArena, first: number, count: number, slot: number, k: number): number;
  /** Re-derives a section's emitted entries from the .symtab copy in `symtab` (see the routine);
   *  adds to counts[0] (checked) and counts[1] (mismatches, the first VERIFY_LISTED in `listed`). */
  verify(arena: RelocationArena, job: VerifyJob): void;
  /** Plans the entries of every section not PLANNED_BY_CALLER: out, at, type, source, index, A, P;
   *  S and formula for plain relocations to PLAIN_SYMBOL slots. The others are listed in `slow`
   *  in entry order; returns how many. */
  plan(arena: RelocationArena, sections: number): number;
  /** The first entry in [from, to) with something to write whose field is outside its buffer
   *  (or has none), or -1. */
  check(arena: RelocationArena, from: number, to: number): number;
  /** Writes S + A (- P) for entries in [from, to) with a formula and no rewrite; lists range
   *  overflows in `overflow` and entries with a rewrite (not written) in `relaxed`. */
  apply(arena: RelocationArena, from: number, to: number): ApplyCounts;
}

const TWO32 = 4294967296;

export const relocateTwin: Relocator = {
  implementation: 'ts',
  scan(a, { sections, symbols, firstGlobal, seq }) {
    const { words, kinds, ifunc, counts, firstSeen, special, table } = a;
    let ns = 0;
    for (let k = 0, n = 0; k < sections; k++) {
      const end = n + table[2 * k], size = table[2 * k + 1];
      for (; n < end; n++) {
        const w = n * 6;
        const sym = words[w + 3], t = words[w + 2];
        const known = t < KIND_TYPES && kinds[4 * t + 3] === 1;
        if (sym >= symbols || !known || (sym >= firstGlobal && ifunc[sym]) || words[w + 1] !== 0 || words[w] + kinds[4 * t] > size) { special[ns++] = n; continue; }
        if (t === 19 || t === 20) { special[ns++] = n; if (n + 1 < end) n++; continue; }
        if (kinds[4 * t + 1] === 3) { special[ns++] = n; continue; }
        counts[t]++;
        if (firstSeen[t] > seq + n) firstSeen[t] = seq + n;
      }
    }
    return ns;
  },
  verify(a, { first, end, out, base, tp }) {
    const e = new DataView(a.emitted.buffer, a.emitted.byteOffset, a.emitted.byteLength);
    const symtab = new DataView(a.symtab.buffer, a.symtab.byteOffset, a.symtab.byteLength);
    const buf = a.buffers[out]!;
    const field = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let k = first; k < end; k++) {
      const t = e.getUint32(k * 24 + 8, true);
      if (t >= KIND_TYPES) continue;
      const size = a.kinds[4 * t], f = a.kinds[4 * t + 1];
      if (size === 0 || f === 3 || f === 4 || a.asInput[k]) continue;
      a.counts[0]++;
      const place = e.getBigUint64(k * 24, true);
      let v = symtab.getBigUint64(e.getUint32(k * 24 + 12, true) * 24 + 8, true) + e.getBigUint64(k * 24 + 16, true);
      if (f === 2) v -= place;
      if (f === 5) v -= tp;
      const at = Number(BigInt.asUintN(32, place - base));
      const found = size === 8 ? field.getBigUint64(at, true) : BigInt(size === 4 ? field.getUint32(at, true) : size === 2 ? field.getUint16(at, true) : field.getUint8(at));
      v = BigInt.asUintN(size * 8, v);
      if (v === found) continue;
      const bad = a.counts[1]++;
      if (bad < VERIFY_LISTED) a.listed.set([BigInt(k), v, found], bad * 3);
    }
  },
  outputSymbols(a, slot, first, end, section, sections) {
    const syms = new DataView(a.syms.buffer, a.syms.byteOffset + slot * 24, a.syms.length - slot * 24);
    for (let sym = first; sym < end; sym++) {
      if ((syms.getUint8(sym * 24 + 4) & 15) !== 3) continue;
      const shndx = syms.getUint16(sym * 24 + 6, true);
      const inside = shndx < sections;
      a.outSym[slot + sym] = inside ? a.sectionSymbol[section + shndx] : 0;
      a.growth[slot + sym] = inside ? a.sectionOffset[section + shndx] : 0;
    }
  },
  emit(a, first, count, slot, k) {
    const out = new DataView(a.emitted.buffer, a.emitted.byteOffset, a.emitted.byteLength);
    const { words, dropped, relax, outSym, growth, fixups } = a;
    const P = halves(a.P);
    let nf = fixups[0];
    for (let n = first; n < first + count; n++) {
      if (dropped[n]) continue;
      const w = n * 6;
      const s = slot + words[w + 3];
      const index = outSym[s];
      const o = k * 24;
      out.setUint32(o, P[2 * n], true);
      out.setUint32(o + 4, P[2 * n + 1], true);
      out.setUint32(o + 8, words[w + 2], true);
      out.setInt32(o + 12, index, true);
      const lo = words[w + 4] + growth[s];
      out.setUint32(o + 16, lo >>> 0, true);
      out.setUint32(o + 20, (words[w + 5] + (lo >= TWO32 ? 1 : 0)) >>> 0, true);
      if (index === MERGED_SECTION_SYMBOL || relax[n] !== 0) { nf++; fixups[2 * nf] = k; fixups[2 * nf + 1] = n; }
      k++;
    }
    fixups[0] = nf;
    return k;
  },
  symbols(a, slot, first, end, section, sections) {
    const syms = new DataView(a.syms.buffer, a.syms.byteOffset + slot * 24, (a.syms.length - slot * 24));
    let nl = 0;
    for (let sym = first; sym < end; sym++) {
      const e = sym * 24;
      const shndx = syms.getUint16(e + 6, true);
      let address: bigint;
      if (shndx === 0 || shndx === 0xfff1 || shndx === 0xfff2) address = syms.getBigInt64(e + 8, true);
      else if (shndx < sections && a.sectionMode[section + shndx] === DROPPED_SECTION && sym !== 0) continue;
      else if (shndx < sections && a.sectionMode[section + shndx] === PLAIN_SECTION) {
        address = a.sectionBase[section + shndx];
        if ((syms.getUint8(e + 4) & 15) !== 3) address = BigInt.asIntN(64, address + syms.getBigInt64(e + 8, true));
      } else {
        a.left[nl++] = sym;
        continue;
      }
      a.symAddr[slot + sym] = address;
      a.symState[slot + sym] = PLAIN_SYMBOL;
    }
    return nl;
  },
  plan(a, sectionCount) {
    const { sections, words, relax, kinds, symState, out, at, type, formula, source, index, slow } = a;
    const S = halves(a.S), A = halves(a.A), P = halves(a.P), addr = halves(a.symAddr);
    let ns = 0;
    for (let k = 0; k < sectionCount; k++) {
      const h = k * SECTION_WORDS;
      if (sections[h + 7] & PLANNED_BY_CALLER) continue;
      const first = sections[h], count = sections[h + 1], o = sections[h + 2], off = sections[h + 3];
      const baseLo = sections[h + 4] >>> 0, baseHi = sections[h + 5] >>> 0, symBase = sections[h + 6];
      for (let i = 0; i < count; i++) {
        const n = first + i;
        const w = n * 6;
        const offLo = words[w];
        const t = words[w + 2];
        out[n] = o;
        at[n] = (off + offLo) >>> 0;
        type[n] = t;
        source[n] = k;
        index[n] = i;
        const lo = baseLo + offLo;
        P[2 * n] = lo >>> 0;
        P[2 * n + 1] = baseHi + words[w + 1] + (lo >= TWO32 ? 1 : 0);
        A[2 * n] = words[w + 4];
        A[2 * n + 1] = words[w + 5];
        const f = t < KIND_TYPES ? kinds[4 * t + 1] : 0;
        if (f === 0 || relax[n] === CONSUMED) continue;
        if (f <= 2) {
          const slot = symBase + words[w + 3];
          if (symState[slot] === PLAIN_SYMBOL) {
            S[2 * n] = addr[2 * slot];
            S[2 * n + 1] = addr[2 * slot + 1];
            formula[n] = f;
            continue;
          }
        }
        slow[ns++] = n;
      }
    }
    return ns;
  },
  check(a, from, to) {
    for (let n = from; n < to; n++) {
      if (a.formula[n] === 0 && a.relax[n] === 0) continue;
      const len = a.sizes[a.out[n]];
      if (len < 0 || a.at[n] + a.kinds[4 * a.type[n]] > len) return n;
    }
    return -1;
  },
  apply(a, from, to) {
    const S = halves(a.S), A = halves(a.A), P = halves(a.P);
    const views = a.buffers.map((b) => (b ? new DataView(b.buffer, b.byteOffset, b.byteLength) : undefined));
    const { formula, relax, type, out, at, kinds, overflow, relaxed } = a;
    let no = 0, nr = 0;
    for (let n = from; n < to; n++) {
      const f = formula[n];
      if (f === 0) continue;
      if (relax[n] !== 0) { relaxed[nr++] = n; continue; }
      const t = type[n];
      if (!storeValue(views[out[n]]!, at[n], kinds[4 * t], kinds[4 * t + 2], S, A, P, n, f)) overflow[no++] = n;
    }
    a.counts[0] = no;
    a.counts[1] = nr;
    return { overflows: no, relaxed: nr };
  },
};

/** Stores S + A (− P) of entry n (formula 2 subtracts P; S, A, P as 32-bit halves) in the
 *  `size`-byte little-endian field at `at`, 64-bit arithmetic on halves with no bigint; returns
 *  whether the value fits the field under range rule `fit`. */
export function storeValue(view: DataView, at: number, size: number, fit: number, S: Uint32Array, A: Uint32Array, P: Uint32Array, n: number, formula: number): boolean {
  let lo = S[2 * n] + A[2 * n];
  let hi = S[2 * n + 1] + A[2 * n + 1];
  if (formula === 2) { lo -= P[2 * n]; hi -= P[2 * n + 1]; }
  // lo may leave [0, 2^32); the carry moves into hi.
  const carry = Math.floor(lo / TWO32);
  lo -= carry * TWO32;
  hi = (hi + carry) | 0;
  if (size === 4) view.setUint32(at, lo, true);
  else if (size === 8) { view.setUint32(at, lo, true); view.setUint32(at + 4, hi >>> 0, true); }
  else if (size === 2) view.setUint16(at, lo & 0xffff, true);
  else if (size === 1) view.setUint8(at, lo & 0xff);
  return fitsField(hi, lo, size, fit);
}

/** A column of 64-bit values as 32-bit halves (little-endian: low word first). */
export function halves(column: BigInt64Array): Uint32Array {
  return new Uint32Array(column.buffer, column.byteOffset, column.length * 2);
}

/** Whether the 64-bit value hi:lo fits a field of `size` bytes under range rule `fit`
 *  (0 none, 1 signed, 2 unsigned, 3 either); 64-bit fields always fit. */
function fitsField(hi: number, lo: number, size: number, fit: number): boolean {
  if (fit === 0 || size === 8) return true;
  const bits = size * 8;
  const signedLow = size === 4 ? lo | 0 : ((lo << (32 - bits)) >> (32 - bits));
  const unsignedLow = size === 4 ? lo : lo & ((1 << bits) - 1);
  const isSigned = hi === (signedLow < 0 ? -1 : 0) && (size === 4 || signedLow === (lo | 0));
  const isUnsigned = hi === 0 && unsignedLow === lo;
  if (fit === 1) return isSigned;
  if (fit === 2) return isUnsigned;
  return isSigned || isUnsigned;
}

interface RelocateExports {
  scan_entries(words: number, sections: number, table: number, symbols: number, firstGlobal: number, kinds: number, ifunc: number,
    counts: number, firstSeen: number, seq: number, special: number): number;
  verify_entries(first: number, end: number, emitted: number, symtab: number, kinds: number, buffer: number, base: bigint, tp: bigint,
    asInput: number, listed: number, room: number, counts: number): void;
  output_symbols(...args: number[]): void;
  emit_entries(...args: number[]): number;
  symbol_addresses(...args: number[]): number;
  plan_entries(...args: number[]): number;
  check_targets(...args: number[]): number;
  apply_entries(...args: number[]): void;
}

/** The WebAssembly relocator; an instance per arena memory (the module is compiled once). */
export function createWasmRelocator(): Relocator {
  const instances = new WeakMap<RelocationArena | ScanArena, RelocateExports>();
  const exportsFor = (a: RelocationArena | ScanArena) => {
    let e = instances.get(a);
    if (!e) { e = instantiateRoutine('relocate', relocateWasm, a.memory) as unknown as RelocateExports; instances.set(a, e); }
    return e;
  };
  return {
    implementation: 'wasm',
    scan(a, { sections, symbols, firstGlobal, seq }) {
      const p = a.ptr;
      return exportsFor(a).scan_entries(p.words, sections, p.table, symbols, firstGlobal, p.kinds, p.ifunc, p.counts, p.firstSeen, seq, p.special);
    },
    verify(a, { first, end, out, base, tp }) {
      const p = a.ptr;
      exportsFor(a).verify_entries(first, end, p.emitted, p.symtab, p.kinds, a.bases[out], BigInt.asIntN(64, base), BigInt.asIntN(64, tp), p.asInput + first,
        p.listed, VERIFY_LISTED, p.counts);
    },
    outputSymbols(a, slot, first, end, section, sections) {
      const p = a.ptr;
      exportsFor(a).output_symbols(p.syms + slot * 24, first, end, p.sectionSymbol + section * 4, p.sectionOffset + section * 4, sections,
        p.outSym + slot * 4, p.growth + slot * 4);
    },
    emit(a, first, count, slot, k) {
      const p = a.ptr;
      return exportsFor(a).emit_entries(first, count, slot, p.words, p.P, p.relax, p.dropped, p.outSym, p.growth, p.emitted, k, p.fixups);
    },
    symbols(a, slot, first, end, section, sections) {
      const p = a.ptr;
      return exportsFor(a).symbol_addresses(p.syms + slot * 24, first, end, p.sectionMode + section * 4, p.sectionBase + section * 8, sections,
        p.symAddr + slot * 8, p.symState + slot * 4, p.left);
    },
    plan(a, sections) {
      const p = a.ptr;
      return exportsFor(a).plan_entries(p.sections, sections, p.words, p.relax, p.kinds, p.symAddr, p.symState, p.out, p.at, p.type,
        p.formula, p.source, p.index, p.S, p.A, p.P, p.slow);
    },
    check(a, from, to) {
      const p = a.ptr;
      return exportsFor(a).check_targets(from, to, p.formula, p.relax, p.type, p.out, p.at, p.kinds, p.sizes);
    },
    apply(a, from, to) {
      const p = a.ptr;
      exportsFor(a).apply_entries(from, to, p.formula, p.type, p.out, p.at, p.relax, p.S, p.A, p.P, p.kinds, p.bases, p.overflow, p.relaxed, p.counts);
      return { overflows: a.counts[0], relaxed: a.counts[1] };
    },
  };
}

let wasmRelocator: Relocator | null = null;

/** The relocator the linker uses: WebAssembly unless LDPLAY_HOT=ts or `setHotImplementation`. */
export function relocator(): Relocator {
  if (hotImplementation() === 'ts') return relocateTwin;
  wasmRelocator ??= createWasmRelocator();
  return wasmRelocator;
}
