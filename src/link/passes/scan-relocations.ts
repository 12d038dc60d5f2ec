// Pass, scanRelocations (lld's order: before layout, so linker-made sections can be sized): classifies
// every relocation, rejects unsupported types (naming file, section, offset), decides each GOT-family
// and GOTTPOFF relocation's relaxation per ld 2.40, and allocates GOT slots for the rest. No values yet.
import { ElfFormatError, SHF_ALLOC, SHF_WRITE, SHN_UNDEF, SHT_PROGBITS, STB_WEAK, STT_SECTION, type RelocationTable } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import {
  Formula, R_X86_64_GOTTPOFF, R_X86_64_TLSGD, R_X86_64_TLSLD, Relax, X86_64_KINDS, gotRelaxation, relocationName, tlsDynamicRelaxation, tlsRelaxation,
  writeKindTable,
} from '../arch/x86_64.ts';
import { createIplt, STT_GNU_IFUNC } from '../chunks/iplt.ts';
import type { GlobalSymbol, InputSection, LinkContext, ObjectFile } from '../context.ts';
import { joinLocatedMessages } from '../diagnostics.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../relocation-words.ts';
import { KIND_TYPES, ScanArena, relocator } from '../../hot/relocate.ts';
import { inOneMemory } from '../output-limits.ts';

export function scanRelocations(ctx: LinkContext): void {
  const errors: string[] = [];
  const ifuncs = new Set<GlobalSymbol>();
  const withRelocations = (obj: ObjectFile) => obj.sections.filter((s): s is InputSection => !!s && s.relocationSection >= 0);
  let entries = 0;
  let sections = 0;
  let symbols = 0;
  for (const obj of ctx.objects) {
    const list = withRelocations(obj);
    symbols = Math.max(symbols, obj.symtab?.count ?? 0);
    sections = Math.max(sections, list.length);
    entries = Math.max(entries, list.reduce((n, s) => n + entryCount(obj, s), 0));
  }
  // The plain entries are counted by the arena's routine (src/hot/relocate.ts), a file at a time;
  // the rest are looked at here, in entry order.
  const arena = inOneMemory(`the relocation scan of ${entries} relocations`, () => new ScanArena(entries, sections, symbols));
  writeKindTable(arena.kinds);
  const tally: Tally = { counts: arena.counts, firstSeen: arena.firstSeen, seq: 0 };
  for (const obj of ctx.objects) {
    const list = withRelocations(obj);
    if (list.length) scanFile(ctx, obj, list, arena, tally, ifuncs, errors);
  }
  // The record counts by type name, in the order types were first seen.
  const types = Array.from({ length: KIND_TYPES }, (_, t) => t).filter((t) => tally.counts[t] > 0).sort((a, b) => tally.firstSeen[a] - tally.firstSeen[b]);
  const counts = ctx.record.relocationTypes;
  for (const type of types) counts[X86_64_KINDS[type]!.name] = (counts[X86_64_KINDS[type]!.name] ?? 0) + tally.counts[type];
  if (errors.length) throw new StageError(joinLocatedMessages(errors), errors.map((message) => ({ severity: 'error', message })));
  if (ctx.gotSlots.length) createGotSection(ctx);
  createIplt(ctx, [...ifuncs]);
  if (ctx.gotSlots.length || ctx.iplt) createGotPltSection(ctx);
}

/** A section's relocation count for sizing the arena; a damaged table counts 0 here and raises its
 *  error when the scan reaches it, in file order. */
function entryCount(obj: ObjectFile, s: InputSection): number {
  try {
    return obj.elf.relocationTable(s.relocationSection).count;
  } catch (e) {
    if (e instanceof ElfFormatError) return 0;
    throw e;
  }
}

/** Counts by relocation type and the first entry number each was seen at; `seq` numbers entries
 *  across the whole scan (a section's first entry while scanEntry looks at it). */
interface Tally { counts: Uint32Array; firstSeen: Uint32Array; seq: number }

/** Classifies the relocations of one file's sections (each gets its relaxations in
 *  ctx.relaxations): the routine counts the plain ones; each entry it lists goes to scanEntry,
 *  in order. */
function scanFile(ctx: LinkContext, obj: ObjectFile, list: InputSection[], arena: ScanArena, tally: Tally, ifuncs: Set<GlobalSymbol>, errors: string[]): void {
  const t = obj.symtab;
  const symbolCount = t?.count ?? 0;
  const firstGlobal = t ? t.firstGlobal : symbolCount;
  arena.ifunc.fill(0, 0, symbolCount);
  for (let sym = Math.min(firstGlobal, symbolCount); sym < symbolCount; sym++) { const g = obj.globals[sym]; if (g?.defined && g.type === STT_GNU_IFUNC) arena.ifunc[sym] = 1; }
  // Sections up to the first damaged table are scanned; then its error is raised, as in order.
  const tables: RelocationTable[] = [];
  for (const s of list) {
    try {
      tables.push(obj.elf.relocationTable(s.relocationSection));
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      break;
    }
  }
  const starts: number[] = [];
  let n = 0;
  tables.forEach((table, k) => {
    starts.push(n);
    arena.words.set(relocationWords(obj.elf, table), n * WORDS_PER_RELOCATION);
    arena.table[2 * k] = table.count;
    arena.table[2 * k + 1] = Math.min(list[k].size, 0xffffffff); // larger: entries listed, checked here
    n += table.count;
  });
  const seq = tally.seq;
  const listed = relocator().scan(arena, { sections: tables.length, symbols: symbolCount, firstGlobal, seq });
  let k = 0;
  for (let section = 0; section < tables.length; section++) {
    const s = list[section];
    const table = tables[section];
    const relax = new Uint8Array(table.count);
    const w = relocationWords(obj.elf, table);
    tally.seq = seq + starts[section];
    let next = 0;
    for (; k < listed && arena.special[k] < starts[section] + table.count; k++) {
      const i = arena.special[k] - starts[section];
      if (i < next) continue; // consumed by the TLS entry before it
      next = scanEntry(ctx, s, table, w, i, relax, tally, ifuncs, errors);
    }
    ctx.relaxations.set(s, relax);
  }
  tally.seq = seq + n;
  if (tables.length < list.length) obj.elf.relocationTable(list[tables.length].relocationSection); // raises its error
}

/** Entry `i` in full: range checks and errors, the count, IFUNC targets, TLS GD/LD rewrites (which
 *  consume the call after them), GOT relaxations and slots. Returns the next entry to look at. */
function scanEntry(ctx: LinkContext, s: InputSection, table: RelocationTable, w: Uint32Array, i: number, relax: Uint8Array, tally: Tally, ifuncs: Set<GlobalSymbol>, errors: string[]): number {
  const obj = s.file;
  const symbolCount = obj.symtab?.count ?? 0;
  const firstGlobal = obj.symtab ? obj.symtab.firstGlobal : symbolCount;
  const type = w[i * WORDS_PER_RELOCATION + 2];
  const kind = X86_64_KINDS[type];
  const offset = w[i * WORDS_PER_RELOCATION] + w[i * WORDS_PER_RELOCATION + 1] * 4294967296;
  const sym = w[i * WORDS_PER_RELOCATION + 3];
  if (sym >= symbolCount) {
    throw new ElfFormatError(obj.name, `relocation ${i} of ${obj.elf.sections[s.relocationSection].name}`, table.base + i * table.entsize + 12, `symbol index ${sym} is out of range (${symbolCount} symbols)`);
  }
  if (!kind) {
    errors.push(`ld: ${obj.name}: unsupported relocation type ${relocationName(type)} in section ${s.name} at offset 0x${offset.toString(16)} (relocation ${i} of ${obj.elf.sections[s.relocationSection].name})`);
    return i + 1;
  }
  tally.counts[type]++;
  if (tally.firstSeen[type] > tally.seq + i) tally.firstSeen[type] = tally.seq + i;
  if (sym >= firstGlobal) {
    const g = obj.globals[sym];
    if (g.defined && g.type === STT_GNU_IFUNC) ifuncs.add(g);
  }
  if (offset + kind.size > s.size) {
    errors.push(`ld: ${obj.name}: relocation ${i} (${kind.name}) at offset 0x${offset.toString(16)} is outside section ${s.name} (size 0x${s.size.toString(16)})`);
    return i + 1;
  }
  if (type === R_X86_64_TLSGD || type === R_X86_64_TLSLD) {
    // GD/LD → LE: the call to __tls_get_addr that follows is consumed by the rewrite.
    const r = tlsDynamicRelaxation(s.data, offset, type);
    const next = i + 1 < table.count ? w[(i + 1) * WORDS_PER_RELOCATION] : -1;
    if (!r || next !== r.callOffset) {
      errors.push(`ld: ${obj.name}: ${s.name}+0x${offset.toString(16)}: ${kind.name} is not followed by a call to __tls_get_addr ldplay can relax`);
      // Not consumed: the next entry is classified as any other.
      return i + 1 < table.count ? scanEntry(ctx, s, table, w, i + 1, relax, tally, ifuncs, errors) : i + 1;
    }
    relax[i] = r.relax;
    relax[i + 1] = Relax.Consumed;
    ctx.record.relaxations++;
    // `call *__tls_get_addr@GOTPCREL(%rip)` is gone, but ld sized the GOT before choosing the
    // rewrite, so __tls_get_addr keeps its slot (unused) as in ld's output.
    const callType = w[(i + 1) * WORDS_PER_RELOCATION + 2];
    const callSym = w[(i + 1) * WORDS_PER_RELOCATION + 3];
    if (X86_64_KINDS[callType]?.formula === Formula.GotP) allocateGotSlot(ctx, obj.index, callSym);
    if (callSym >= firstGlobal) ctx.tlsCallTargets.add(obj.globals[callSym]);
    return i + 2;
  }
  if (kind.formula !== Formula.GotP) return i + 1;
  const r = type === R_X86_64_GOTTPOFF ? tlsRelaxation(s.data, offset) : ctx.options.relax ? gotRelaxation(s.data, offset, type) : Relax.None;
  // IE→LE applies to every symbol of a static executable, undefined weak ones included (value 0).
  if (r !== Relax.None && (type === R_X86_64_GOTTPOFF || canRelax(ctx, obj.index, sym))) { relax[i] = r; ctx.record.relaxations++; return i + 1; }
  if (type === R_X86_64_GOTTPOFF) {
    errors.push(`ld: ${obj.name}: ${s.name}+0x${offset.toString(16)}: R_X86_64_GOTTPOFF is not on a movq/addq ldplay can relax to local-exec`);
    return i + 1;
  }
  allocateGotSlot(ctx, obj.index, sym);
  return i + 1;
}

/** In a static executable every defined symbol is local to the output, and an undefined weak one
 *  is 0: ld 2.40 relaxes both (`mov $0`, `addr32 call 0`), checked against it for every form. */
function canRelax(ctx: LinkContext, objIndex: number, sym: number): boolean {
  const obj = ctx.objects[objIndex];
  const t = obj.symtab!;
  if (sym < t.firstGlobal) return true;
  const g = obj.globals[sym];
  if (!g.defined) return g.binding === STB_WEAK;
  return g.type !== STT_GNU_IFUNC; // an IFUNC's address is only known at run time
}

function allocateGotSlot(ctx: LinkContext, objIndex: number, sym: number): void {
  const obj = ctx.objects[objIndex];
  const t = obj.symtab!;
  const key = sym >= t.firstGlobal ? `g:${t.name(sym)}` : `l:${objIndex}:${sym}`;
  if (ctx.gotIndex.has(key)) return;
  if (sym < t.firstGlobal && (t.info(sym) & 0xf) === STT_SECTION && t.shndx(sym) === SHN_UNDEF) return;
  ctx.gotIndex.set(key, ctx.gotSlots.length);
  ctx.gotSlots.push({ objIndex, sym });
}

/** `.got`: one 8-byte slot per symbol, filled with its address at link time (no dynamic relocs). */
function createGotSection(ctx: LinkContext): void {
  const owner = ctx.objects[0];
  const size = ctx.gotSlots.length * 8;
  const got: InputSection = {
    file: owner, index: -1, name: '.got', type: SHT_PROGBITS, flags: BigInt(SHF_ALLOC | SHF_WRITE), entsize: 0, align: 8, // sh_entsize 0, as ld's
    size, data: new Uint8Array(size), relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  };
  ctx.synthetic.got = got;
}

/** `.got.plt`'s three reserved words (GOT[0] would hold _DYNAMIC, 0 in a static executable), which
 *  ld keeps whenever the link has a GOT or IFUNC slots; _GLOBAL_OFFSET_TABLE_ marks their start. */
function createGotPltSection(ctx: LinkContext): void {
  ctx.synthetic.gotPlt = {
    file: ctx.objects[0], index: -1, name: '.got.plt', type: SHT_PROGBITS, flags: BigInt(SHF_ALLOC | SHF_WRITE), entsize: 8, align: 8,
    size: 24, data: new Uint8Array(24), relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  };
}

/** Key of a GOT slot for (object, symbol index). */
export function gotKey(ctx: LinkContext, objIndex: number, sym: number): string {
  const t = ctx.objects[objIndex].symtab!;
  return sym >= t.firstGlobal ? `g:${t.name(sym)}` : `l:${objIndex}:${sym}`;
}
