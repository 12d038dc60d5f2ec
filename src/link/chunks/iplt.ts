// GNU indirect functions (STT_GNU_IFUNC) in a static executable, as ld builds them: every reference
// goes to an 8-byte `.iplt` stub (`jmp *slot(%rip); xchg %ax,%ax`) whose `.igot.plt` slot the C
// library fills at startup from `.rela.iplt` R_X86_64_IRELATIVE entries (addend: the resolver),
// found through __rela_iplt_start/__rela_iplt_end. Stubs and slots come in ld's order (its symbol
// hash walk), the entries last slot first. Dynamic linking is out of scope.
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_PROGBITS, SHT_RELA } from '../../elf/index.ts';
import type { GlobalSymbol, InputSection, LinkContext } from '../context.ts';
import { globalAddress } from '../layout/addresses.ts';

const R_X86_64_IRELATIVE = 37;
export const STT_GNU_IFUNC = 10;
const ENTRY = 8;

/** Creates .iplt, .igot.plt and .rela.iplt for the IFUNC symbols the relocations reach. */
export function createIplt(ctx: LinkContext, symbols: GlobalSymbol[]): void {
  if (!symbols.length) return;
  const owner = ctx.objects[0];
  const section = (name: string, type: number, flags: number, entsize: number, size: number): InputSection => ({
    file: owner, index: -1, name, type, flags: BigInt(flags), entsize, align: 8, size, data: new Uint8Array(size),
    relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  });
  ctx.iplt = {
    symbols,
    index: new Map(symbols.map((g, i) => [g, i])),
    stubs: section('.iplt', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, symbols.length * ENTRY),
    slots: section('.igot.plt', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8, symbols.length * 8),
    relocations: section('.rela.iplt', SHT_RELA, SHF_ALLOC, 24, symbols.length * 24),
  };
}

const address = (s: InputSection) => s.output!.address + BigInt(s.offset);

/** The address references to `g` resolve to: its stub for an IFUNC, else the symbol itself. */
export function referenceAddress(ctx: LinkContext, g: GlobalSymbol): bigint {
  const i = ctx.iplt?.index.get(g);
  return i === undefined ? globalAddress(g) : address(ctx.iplt!.stubs) + BigInt(i * ENTRY);
}

/** Writes the stubs, slots and IRELATIVE entries once addresses are final: a symbol's stub and slot
 *  by its place in `rank` (ld allocates them walking its symbol hash table). */
export function fillIplt(ctx: LinkContext, buffers: (Uint8Array | undefined)[], rank: Map<string, number>): void {
  const iplt = ctx.iplt;
  if (!iplt) return;
  iplt.symbols.sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
  iplt.symbols.forEach((g, i) => iplt.index.set(g, i));
  const viewOf = (s: InputSection) => { const b = buffers[ctx.outputSections.indexOf(s.output!)]!; return new DataView(b.buffer, b.byteOffset, b.byteLength); };
  const stubs = viewOf(iplt.stubs);
  const slots = viewOf(iplt.slots);
  const relas = viewOf(iplt.relocations);
  iplt.symbols.forEach((g, i) => {
    const stub = address(iplt.stubs) + BigInt(i * ENTRY);
    const slot = address(iplt.slots) + BigInt(i * 8);
    const resolver = BigInt.asUintN(64, globalAddress(g));
    const at = iplt.stubs.offset + i * ENTRY;
    stubs.setUint16(at, 0x25ff, true);
    stubs.setInt32(at + 2, Number(slot - (stub + 6n)), true);
    stubs.setUint16(at + 6, 0x9066, true);
    // Until the C library applies .rela.iplt, a slot holds its stub's address past the jmp (ld's
    // lazy-binding layout; a static program never jumps through it before then).
    slots.setBigUint64(iplt.slots.offset + i * 8, stub + 6n, true);
    // ld writes the IRELATIVE entries last slot first.
    const r = iplt.relocations.offset + (iplt.symbols.length - 1 - i) * 24;
    relas.setBigUint64(r, slot, true);
    relas.setBigUint64(r + 8, BigInt(R_X86_64_IRELATIVE), true);
    relas.setBigUint64(r + 16, resolver, true);
  });
}
