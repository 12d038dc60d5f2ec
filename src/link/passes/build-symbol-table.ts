// Pass, buildSymbolTable: fixes section header indices (each .rela<name> right after its section, then
// .symtab, .strtab, .shstrtab, as ld orders them) and writes .symtab/.strtab as ld does: section symbols,
// each file's locals (no section symbols; compiler-local .L names dropped unless --discard-none;
// none from discarded sections), then globals (hidden ones stay global in a static link, as in ld).
import {
  SHF_TLS, SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FILE, STT_SECTION, STT_TLS,
} from '../../elf/index.ts';
import { SuffixStringTable } from '../../elf/suffix-string-table.ts';
import { PLAIN_SYMBOL, halves } from '../../hot/relocate.ts';
import type { GlobalSymbol, InputSection, LinkContext, ObjectFile, OutputSection } from '../context.ts';
import { globalAddress, globalOutputSection, keptSection, localAddress } from '../layout/addresses.ts';
import { filesInOutputOrder } from '../layout/file-order.ts';
import { symbolHashOrder } from '../layout/symbol-hash-order.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../relocation-words.ts';
import { mergedOffset } from './merge-sections.ts';

export interface SymbolTableOutput {
  symtab: Uint8Array;
  strtab: Uint8Array;
  firstGlobal: number;
  symtabIndex: number;
  /** Output section → index of its .rela section (emit-relocs). */
  relaIndex: Map<OutputSection, number>;
  /** Output section → index of its section symbol. */
  sectionSymbol: Map<OutputSection, number>;
  shnum: number;
}

export function buildSymbolTable(ctx: LinkContext): void {
  const relaIndex = new Map<OutputSection, number>();
  const withRelocations = new Set(ctx.options.emitRelocs ? ctx.plan?.sections.map((s) => s.output!) ?? [] : []);
  let index = 1;
  for (const os of ctx.outputSections) {
    os.index = index++;
    if (withRelocations.has(os)) relaIndex.set(os, index++);
  }
  const symtabIndex = index;
  // Sized for the most there can be: section symbols, every input local plus one STT_FILE per file,
  // the linker's empty STT_FILE, every global.
  let most = 2 + ctx.outputSections.length + ctx.symbols.size;
  for (const obj of ctx.objects) most += obj.symtab?.firstGlobal ?? 0;
  // In an executable a TLS symbol's value is its offset in the TLS template (gABI "Thread-Local Storage").
  const tlsStart = ctx.outputSections.find((o) => (o.flags & BigInt(SHF_TLS)) !== 0n)?.address ?? 0n;
  const out = new SymtabWriter(most, tlsStart);
  out.push('', 0n, 0n, 0, 0, 0);
  const sectionSymbol = new Map<OutputSection, number>();
  // ld writes section symbols into an executable only when relocations refer to them (--emit-relocs).
  if (ctx.options.emitRelocs) for (const os of ctx.outputSections) sectionSymbol.set(os, out.push('', os.address, 0n, STT_SECTION, 0, os.index));
  const kept = ctx.options.emitRelocs && !ctx.options.discardNone ? relocatedLocals(ctx) : undefined;
  for (const obj of filesInOutputOrder(ctx)) if (obj.symtab) writeLocals(ctx, obj, out, kept?.get(obj));
  // Symbols whose section was discarded (/DISCARD/, --gc-sections) are not written, as in ld.
  // A static executable lists defined symbols only: undefined weak ones resolve to 0 and are not
  // written (as ld), and symbols of discarded sections go with them.
  // In the order of ld's walk over its symbol hash table.
  const rank = hashWalkRank(ctx);
  // With --emit-relocs ld also writes the undefined symbols relocations name (value 0, UND): weak
  // ones, and __tls_get_addr of relaxed TLS calls, which needs no definition.
  const emitRelocs = ctx.options.emitRelocs;
  const namedUndefined = (g: GlobalSymbol) => g.referenced && (g.binding === STB_WEAK || ctx.tlsCallTargets.has(g));
  // Ranks are 0…n-1, one per name: each symbol goes straight to its place (unranked ones last).
  const ranked: (GlobalSymbol | undefined)[] = new Array(rank.size);
  const unranked: GlobalSymbol[] = [];
  for (const g of ctx.symbols.values()) {
    if (!((g.defined && !g.section?.discarded) || (emitRelocs && !g.defined && namedUndefined(g)))) continue;
    const r = rank.get(g.name);
    if (r === undefined) unranked.push(g); else ranked[r] = g;
  }
  const globals = [...ranked.filter((g): g is GlobalSymbol => g !== undefined), ...unranked];
  // Hidden symbols the linker or script defines (__ehdr_start, PROVIDE_HIDDEN) are written as locals;
  // hidden symbols from objects stay global in a static link (both as ld 2.40 does).
  // ld closes the last input file's locals with an empty STT_FILE before the locals it makes itself
  // (when it wrote any STT_FILE), so they are not read as that file's.
  if (globals.some(isLinkerLocal) && out.wroteFile()) out.push('', 0n, 0n, STT_FILE, 0, SHN_ABS);
  writeGlobals(globals, out, true);
  const firstGlobal = out.count;
  writeGlobals(globals, out, false);
  const [symtab, strtab] = out.finish();
  ctx.symbolTable = { symtab, strtab, firstGlobal, symtabIndex, relaIndex, sectionSymbol, shnum: symtabIndex + 3 };
}

/** ld reads a -T script's statements where -T stands on the command line, and its built-in script
 *  after the input files; with -T among the inputs, ldplay takes the inputs as read first. */
/** Each global's place in ld's walk of its symbol hash table (the order it writes globals in);
 *  computed once per link, after assignAddresses has made the last names (ld's own symbols). */
export function hashWalkRank(ctx: LinkContext): Map<string, number> {
  ctx.hashRank ??= symbolHashOrder(scriptReadFirst(ctx) ? [...ctx.scriptAssignments, ...ctx.symbols.keys()] : ctx.symbols.keys());
  return ctx.hashRank;
}

function scriptReadFirst(ctx: LinkContext): boolean {
  return !ctx.usingDefaultScript && ctx.options.script !== undefined && (ctx.options.scriptPosition ?? 0) === 0;
}

/** .symtab entries written as they come; names go into a table shared and suffix-merged the way
 *  BFD finishes ld's .strtab, so st_name is filled in once every name is known (`finish`). */
class SymtabWriter {
  readonly table: Uint8Array;
  readonly strings = new SuffixStringTable();
  count = 0;
  private readonly view: DataView;
  private readonly names: Int32Array;
  constructor(most: number, private readonly tlsStart: bigint) {
    this.table = new Uint8Array(most * 24);
    this.view = new DataView(this.table.buffer);
    this.names = new Int32Array(most);
  }

  /** Whether an STT_FILE symbol is among those written so far. */
  wroteFile(): boolean {
    for (let i = 1; i < this.count; i++) if ((this.table[i * 24 + 4] & 0xf) === STT_FILE) return true;
    return false;
  }

  /** Writes entry `count` named by `name`, a handle of `strings` (-1: no name). */
  write(name: number, value: bigint, size: bigint, info: number, other: number, shndx: number): number {
    const at = this.count * 24;
    this.names[this.count] = name;
    this.table[at + 4] = info;
    this.table[at + 5] = other;
    this.view.setUint16(at + 6, shndx, true);
    this.view.setBigUint64(at + 8, BigInt.asUintN(64, (info & 0xf) === STT_TLS && shndx !== SHN_UNDEF ? value - this.tlsStart : value), true);
    this.view.setBigUint64(at + 16, BigInt.asUintN(64, size), true);
    return this.count++;
  }

  /** `write` for a symbol that is not STT_TLS, with its value as 32-bit halves and its st_size
   *  copied from an input Elf64_Sym at `sizeAt` of `sizeFrom` (no bigint). */
  writeHalves(name: number, valueLo: number, valueHi: number, sizeFrom: DataView, sizeAt: number, info: number, other: number, shndx: number): number {
    const at = this.count * 24;
    this.names[this.count] = name;
    this.table[at + 4] = info;
    this.table[at + 5] = other;
    this.view.setUint16(at + 6, shndx, true);
    this.view.setUint32(at + 8, valueLo, true);
    this.view.setUint32(at + 12, valueHi, true);
    this.view.setUint32(at + 16, sizeFrom.getUint32(sizeAt, true), true);
    this.view.setUint32(at + 20, sizeFrom.getUint32(sizeAt + 4, true), true);
    return this.count++;
  }

  push(name: string, value: bigint, size: bigint, info: number, other: number, shndx: number): number {
    return this.write(name === '' ? -1 : this.strings.addText(name), value, size, info, other, shndx);
  }

  /** Fills every st_name from the finished string table; returns (.symtab, .strtab). */
  finish(): [Uint8Array, Uint8Array] {
    const offsets = this.strings.offsets();
    for (let i = 0; i < this.count; i++) { const h = this.names[i]; this.view.setUint32(i * 24, h < 0 ? 0 : offsets[h], true); }
    return [this.table.slice(0, this.count * 24), this.strings.data()];
  }
}

/** One file's locals: no section symbols, none of removed sections, `.L` names only with
 *  --discard-none, and an STT_FILE of the file's name first when it has none (as ld). Names are
 *  copied from the input's string table as bytes (no JS string per name). */
function writeLocals(ctx: LinkContext, obj: ObjectFile, out: SymtabWriter, relocated?: number[]): void {
  const t = obj.symtab!;
  const known = knownLocals(ctx, obj);
  const names = obj.elf.stringTable(obj.elf.sections[t.index].link).data;
  let fileNamed = false;
  const isDotL = (start: number) => names[start] === 0x2e && names[start + 1] === 0x4c;
  const write = (i: number, dotL: 'all' | 'skip' | 'only') => {
    const info = t.info(i);
    const type = info & 0xf;
    if (type === STT_SECTION) return;
    const shndx = t.shndx(i);
    let outShndx = shndx;
    if (shndx !== SHN_ABS && shndx !== SHN_UNDEF && shndx !== SHN_COMMON) {
      const s = obj.sections[shndx];
      if (!s || s.discarded || !s.output || s.output.removed) return; // ld drops locals of removed sections
      outShndx = keptSection(s.merge ? mergedOffset(s, Number(t.value(i))).holder.output! : s.output)!.index;
    }
    const start = t.nameOffset(i);
    let end = names.indexOf(0, start);
    if (end < 0) { t.name(i); end = start; } // raises the reader's error (an empty table reads as '')
    if ((dotL === 'skip' && isDotL(start)) || (dotL === 'only' && !isDotL(start))) return;
    // An STT_FILE of the file's name when it has none first; not for the late .L ones (as ld).
    if (type === STT_FILE) fileNamed = true;
    else if (!fileNamed && dotL !== 'only') { out.push(obj.fileName, 0n, 0n, STT_FILE, 0, SHN_ABS); fileNamed = true; }
    const name = out.strings.add(names, start, end - start);
    // The relocation arena has most locals' addresses already (relocation-plan.ts), as halves.
    if (known && known.state[known.slot + i] === PLAIN_SYMBOL && type !== STT_TLS) {
      obj.localOutputIndex[i] = out.writeHalves(name, known.addr[2 * (known.slot + i)], known.addr[2 * (known.slot + i) + 1], known.syms, i * 24 + 16, info, t.other(i), outShndx);
    } else {
      obj.localOutputIndex[i] = out.write(name, localAddress(obj, i), t.size(i), info, t.other(i), outShndx);
    }
  };
  // ".L" names go unless --discard-none; those an emitted relocation still refers to come after the
  // file's other locals, in the order its relocations first name them (ld writes each when it meets it).
  const keepDotL = ctx.options.discardNone;
  for (let i = 1; i < t.firstGlobal; i++) write(i, keepDotL ? 'all' : 'skip');
  if (!keepDotL && relocated) for (const i of relocated) write(i, 'only');
}

/** A file's local addresses as the relocation arena holds them (slots from `slot`), and its
 *  Elf64_Sym entries there, for writeLocals. */
interface KnownLocals { slot: number; state: Int32Array; addr: Uint32Array; syms: DataView }

function knownLocals(ctx: LinkContext, obj: ObjectFile): KnownLocals | undefined {
  const file = ctx.plan?.files.get(obj);
  if (!file || !obj.elf.is64 || !obj.elf.data.le) return undefined;
  const a = ctx.plan!.arena;
  return { slot: file.slot, state: a.symState, addr: halves(a.symAddr), syms: new DataView(a.syms.buffer, a.syms.byteOffset + file.slot * 24, obj.symtab!.count * 24) };
}

/** Per object, the local symbols its kept relocations refer to (--emit-relocs writes those), in
 *  the order they are first named: its sections in header order, each one's relocations in order. */
function relocatedLocals(ctx: LinkContext): Map<ObjectFile, number[]> {
  const plan = ctx.plan!;
  const entries: { s: InputSection; first: number }[] = [];
  let n = 0;
  for (const s of plan.sections) { entries.push({ s, first: n }); n += s.file.elf.relocationTable(s.relocationSection).count; }
  entries.sort((a, b) => a.s.file.index - b.s.file.index || a.s.index - b.s.index);
  const order = new Map<ObjectFile, number[]>();
  const seen = new Map<ObjectFile, Uint8Array>();
  for (const { s, first } of entries) {
    const obj = s.file;
    const table = obj.elf.relocationTable(s.relocationSection);
    const w = relocationWords(obj.elf, table);
    const firstGlobal = obj.symtab!.firstGlobal;
    let m = seen.get(obj);
    let list = order.get(obj);
    if (!m || !list) { m = new Uint8Array(firstGlobal); list = []; seen.set(obj, m); order.set(obj, list); }
    for (let i = 0; i < table.count; i++) {
      const sym = w[i * WORDS_PER_RELOCATION + 3];
      if (sym < firstGlobal && !m[sym] && !plan.arena.dropped[first + i]) { m[sym] = 1; list.push(sym); }
    }
  }
  return order;
}

const STB_GNU_UNIQUE = 10;

const isLinkerLocal = (g: GlobalSymbol) => g.scriptDefined === true && g.linkerHidden === true;

/** The linker-local globals (script or ld hidden symbols), or the rest with their own binding.
 *  Names are encoded into one buffer (one byte per char) that the string table keeps ranges of. */
function writeGlobals(globals: GlobalSymbol[], out: SymtabWriter, linkerLocals: boolean): void {
  const chosen = globals.filter((g) => isLinkerLocal(g) === linkerLocals);
  const names = latin1Bytes(chosen.map((g) => g.name).join(''));
  let at = 0;
  for (const g of chosen) {
    const start = at;
    at += g.name.length;
    // STB_GNU_UNIQUE (10, C++ inline statics) stays unique, as ld writes it.
    const bind = linkerLocals ? STB_LOCAL : g.binding === STB_WEAK || g.binding === STB_GNU_UNIQUE ? g.binding : STB_GLOBAL;
    const os = globalOutputSection(g);
    const shndx = !g.defined ? SHN_UNDEF : os ? os.index : SHN_ABS;
    // A symbol made local loses its visibility (ld clears st_other's bits for forced-local symbols).
    g.outputIndex = out.write(out.strings.add(names, start, at - start), globalAddress(g), g.size, (bind << 4) | g.type, linkerLocals ? 0 : g.visibility, shndx);
  }
}

/** One byte per char (names are Latin-1 decoded): the encoder's native copy when the text is ASCII,
 *  where UTF-8 is the same bytes. */
function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  if (/^[\x00-\x7f]*$/.test(text)) new TextEncoder().encodeInto(text, bytes);
  else for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
