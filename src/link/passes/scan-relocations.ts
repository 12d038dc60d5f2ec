// Pass, scanRelocations (lld's order: before layout, so linker-made sections can be sized): classifies
// every relocation, rejects unsupported types (naming file, section, offset), decides each GOT-family
// and GOTTPOFF relocation's relaxation per ld 2.40, and allocates GOT slots for the rest. No values yet.
import { ElfFormatError, SHF_ALLOC, SHF_WRITE, SHN_UNDEF, SHT_PROGBITS, STT_SECTION } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import {
  Formula, R_X86_64_GOTTPOFF, R_X86_64_TLSGD, R_X86_64_TLSLD, Relax, X86_64_KINDS, gotRelaxation, relocationName, tlsDynamicRelaxation, tlsRelaxation,
} from '../arch/x86_64.ts';
import { createIplt, STT_GNU_IFUNC } from '../chunks/iplt.ts';
import type { GlobalSymbol, InputSection, LinkContext } from '../context.ts';
import { joinLocatedMessages } from '../diagnostics.ts';
import { relocationWords, WORDS_PER_RELOCATION } from '../relocation-words.ts';

export function scanRelocations(ctx: LinkContext): void {
  const errors: string[] = [];
  const ifuncs = new Set<GlobalSymbol>();
  const tally = { byType: new Float64Array(256), order: [] as number[] };
  for (const obj of ctx.objects) {
    for (const s of obj.sections) if (s && s.relocationSection >= 0) ctx.relaxations.set(s, scanSection(ctx, s, tally, ifuncs, errors));
  }
  // The record counts by type name, in the order types were first seen.
  const counts = ctx.record.relocationTypes;
  for (const type of tally.order) counts[X86_64_KINDS[type]!.name] = (counts[X86_64_KINDS[type]!.name] ?? 0) + tally.byType[type];
  if (errors.length) throw new StageError(joinLocatedMessages(errors), errors.map((message) => ({ severity: 'error', message })));
  if (ctx.gotSlots.length) createGotSection(ctx);
  createIplt(ctx, [...ifuncs]);
}

/** Classifies the relocations of one input section; returns each one's relaxation. A function of
 *  its own, so the engine optimizes it per call rather than OSR-compiling the whole pass; nothing
 *  but `return` follows the loop, because V8 11 compiles it during the first (long) call, with no
 *  feedback for code after the loop, and then deoptimizes at such a call on every later call. */
function scanSection(ctx: LinkContext, s: InputSection, tally: { byType: Float64Array; order: number[] }, ifuncs: Set<GlobalSymbol>, errors: string[]): Uint8Array {
  const obj = s.file;
  const table = obj.elf.relocationTable(s.relocationSection);
  const w = relocationWords(obj.elf, table);
  const relax = new Uint8Array(table.count);
  const symbolCount = obj.symtab?.count ?? 0;
  const firstGlobal = obj.symtab ? obj.symtab.firstGlobal : symbolCount;
  for (let i = 0; i < table.count; i++) {
    const at = table.base + i * table.entsize;
    const type = w[i * WORDS_PER_RELOCATION + 2];
    const kind = X86_64_KINDS[type];
    const offset = w[i * WORDS_PER_RELOCATION] + w[i * WORDS_PER_RELOCATION + 1] * 4294967296;
    const sym = w[i * WORDS_PER_RELOCATION + 3];
    if (sym >= symbolCount) {
      throw new ElfFormatError(obj.name, `relocation ${i} of ${obj.elf.sections[s.relocationSection].name}`, at + 12, `symbol index ${sym} is out of range (${symbolCount} symbols)`);
    }
    if (!kind) {
      errors.push(`ld: ${obj.name}: unsupported relocation type ${relocationName(type)} in section ${s.name} at offset 0x${offset.toString(16)} (relocation ${i} of ${obj.elf.sections[s.relocationSection].name})`);
      continue;
    }
    if (tally.byType[type]++ === 0) tally.order.push(type);
    if (sym >= firstGlobal) {
      const g = obj.globals[sym];
      if (g.defined && g.type === STT_GNU_IFUNC) ifuncs.add(g);
    }
    if (offset + kind.size > s.size) {
      errors.push(`ld: ${obj.name}: relocation ${i} (${kind.name}) at offset 0x${offset.toString(16)} is outside section ${s.name} (size 0x${s.size.toString(16)})`);
      continue;
    }
    if (type === R_X86_64_TLSGD || type === R_X86_64_TLSLD) {
      // GD/LD → LE: the call to __tls_get_addr that follows is consumed by the rewrite.
      const r = tlsDynamicRelaxation(s.data, offset, type);
      const next = i + 1 < table.count ? w[(i + 1) * WORDS_PER_RELOCATION] : -1;
      if (!r || next !== r.callOffset) {
        errors.push(`ld: ${obj.name}: ${s.name}+0x${offset.toString(16)}: ${kind.name} is not followed by a call to __tls_get_addr ldplay can relax`);
        continue;
      }
      relax[i] = r.relax;
      relax[++i] = Relax.Consumed;
      ctx.record.relaxations++;
      continue;
    }
    if (kind.formula !== Formula.GotP) continue;
    const r = type === R_X86_64_GOTTPOFF ? tlsRelaxation(s.data, offset) : ctx.options.relax ? gotRelaxation(s.data, offset, type) : Relax.None;
    // IE→LE applies to every symbol of a static executable, undefined weak ones included (value 0).
    if (r !== Relax.None && (type === R_X86_64_GOTTPOFF || canRelax(ctx, obj.index, sym))) { relax[i] = r; ctx.record.relaxations++; continue; }
    if (type === R_X86_64_GOTTPOFF) {
      errors.push(`ld: ${obj.name}: ${s.name}+0x${offset.toString(16)}: R_X86_64_GOTTPOFF is not on a movq/addq ldplay can relax to local-exec`);
      continue;
    }
    allocateGotSlot(ctx, obj.index, sym);
  }
  return relax;
}

/** In a static executable every defined symbol is local to the output; undefined weak ones are 0
 *  and keep their GOT slot (ld leaves them unrelaxed). */
function canRelax(ctx: LinkContext, objIndex: number, sym: number): boolean {
  const obj = ctx.objects[objIndex];
  const t = obj.symtab!;
  if (sym < t.firstGlobal) return true;
  const g = obj.globals[sym];
  return g.defined && g.type !== STT_GNU_IFUNC; // an IFUNC's address is only known at run time
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
    file: owner, index: -1, name: '.got', type: SHT_PROGBITS, flags: BigInt(SHF_ALLOC | SHF_WRITE), entsize: 8, align: 8,
    size, data: new Uint8Array(size), relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  };
  ctx.synthetic.got = got;
}

/** Key of a GOT slot for (object, symbol index). */
export function gotKey(ctx: LinkContext, objIndex: number, sym: number): string {
  const t = ctx.objects[objIndex].symtab!;
  return sym >= t.firstGlobal ? `g:${t.name(sym)}` : `l:${objIndex}:${sym}`;
}
