// Pass, verify: re-derives every emitted relocation (--emit-relocs) from the output alone — the
// symbol's value in the output .symtab, the addend, the place — and checks the bytes the link wrote
// there. Mismatches are listed in the record (bounded) and reported as warnings; nothing is changed.
// Entries a TLS rewrite left describing the old instruction (as ld writes them) are not checked.
import { Formula, X86_64_KINDS } from '../arch/x86_64.ts';
import type { LinkContext } from '../context.ts';
import { threadPointer } from '../relocation-plan.ts';

const MAX_LISTED = 20;

export function verify(ctx: LinkContext): void {
  const table = ctx.symbolTable;
  if (!table) return;
  const symbols = new DataView(table.symtab.buffer);
  // TLS symbols hold template offsets in the output, so TPOFF is S + A - alignUp(size, align).
  const tpOffset = threadPointer(ctx) - (ctx.outputSections.find((o) => (o.flags & 0x400n) !== 0n)?.address ?? 0n);
  const result = ctx.record.verified;
  const tp = BigInt.asUintN(64, tpOffset);
  const tpLo = Number(tp & 0xffffffffn);
  const tpHi = Number(tp >> 32n);
  for (const [os, rela] of ctx.emitted) {
    const data = os.data;
    if (!data) continue;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const entries = new DataView(rela.buffer, rela.byteOffset, rela.byteLength);
    const asInput = ctx.emittedAsInput.get(os);
    const base = BigInt.asUintN(64, os.address);
    const baseLo = Number(base & 0xffffffffn);
    const baseHi = Number(base >> 32n);
    for (let at = 0; at < rela.length; at += 24) {
      const type = entries.getUint32(at + 8, true);
      const kind = X86_64_KINDS[type];
      if (!kind || kind.size === 0 || kind.formula === Formula.GotP || kind.formula === Formula.Z_A || asInput?.[at / 24]) continue;
      const symbol = entries.getUint32(at + 12, true) * 24 + 8;
      const placeLo = entries.getUint32(at, true);
      const placeHi = entries.getUint32(at + 4, true);
      const offset = (placeHi - baseHi) * 4294967296 + (placeLo - baseLo);
      result.checked++;
      // S + A (- P) (- TP) on 32-bit halves: no bigint per relocation. Narrower fields only see the
      // low 32 bits of the sum.
      let lo = symbols.getUint32(symbol, true) + entries.getUint32(at + 16, true);
      let hi = symbols.getUint32(symbol + 4, true) + entries.getUint32(at + 20, true);
      if (kind.formula === Formula.SAP) { lo -= placeLo; hi -= placeHi; }
      if (kind.formula === Formula.SA_TP) { lo -= tpLo; hi -= tpHi; }
      const carry = Math.floor(lo / 4294967296);
      lo -= carry * 4294967296;
      hi = (hi + carry) >>> 0;
      let expected: number;
      let written: number;
      let writtenHi = hi;
      if (kind.size === 8) {
        expected = lo;
        written = view.getUint32(offset, true);
        writtenHi = view.getUint32(offset + 4, true);
      } else {
        expected = kind.size === 4 ? lo : lo % 2 ** (8 * kind.size);
        written = kind.size === 4 ? view.getUint32(offset, true) : kind.size === 2 ? view.getUint16(offset, true) : data[offset];
      }
      if ((expected !== written || hi !== writtenHi) && result.mismatches.length < MAX_LISTED) {
        const show = (h: number, l: number) => (kind.size === 8 ? (BigInt(h) << 32n) | BigInt(l) : l).toString(16);
        result.mismatches.push(`${os.name}+0x${offset.toString(16)}: ${kind.name} expects 0x${show(hi, expected)}, found 0x${show(writtenHi, written)}`);
      }
    }
  }
  for (const m of result.mismatches) ctx.diagnostics.push({ severity: 'warning', message: `ldplay: verify: ${m}` });
}
