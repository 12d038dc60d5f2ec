// Pass, verify: re-derives every emitted relocation (--emit-relocs) from the output alone — the
// symbol's value in the output .symtab, the addend, the place — and checks the bytes the link wrote
// there. Mismatches are listed in the record (bounded) and reported as warnings; nothing is changed.
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
  for (const [os, rela] of ctx.emitted) {
    const data = os.data;
    if (!data) continue;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const entries = new DataView(rela.buffer, rela.byteOffset, rela.byteLength);
    for (let at = 0; at < rela.length; at += 24) {
      const type = entries.getUint32(at + 8, true);
      const kind = X86_64_KINDS[type];
      if (!kind || kind.size === 0 || kind.formula === Formula.GotP || kind.formula === Formula.Z_A) continue;
      const symbol = entries.getUint32(at + 12, true) * 24 + 8;
      const offset = Number(BigInt.asUintN(64, entries.getBigUint64(at, true) - os.address));
      result.checked++;
      let expected: bigint | number;
      let written: bigint | number;
      if (kind.size === 8) {
        // 64-bit fields: the whole sum, in bigint.
        let value = symbols.getBigUint64(symbol, true) + entries.getBigInt64(at + 16, true);
        if (kind.formula === Formula.SAP) value -= entries.getBigUint64(at, true);
        if (kind.formula === Formula.SA_TP) value -= tpOffset;
        expected = BigInt.asUintN(64, value);
        written = view.getBigUint64(offset, true);
      } else {
        // Narrower fields only see the low 32 bits of S + A - P: exact in doubles.
        let value = symbols.getUint32(symbol, true) + entries.getUint32(at + 16, true);
        if (kind.formula === Formula.SAP) value -= entries.getUint32(at, true);
        if (kind.formula === Formula.SA_TP) value -= Number(BigInt.asUintN(32, tpOffset));
        const mask = kind.size === 4 ? 4294967296 : 2 ** (8 * kind.size);
        expected = ((value % mask) + mask) % mask;
        written = kind.size === 4 ? view.getUint32(offset, true) : kind.size === 2 ? view.getUint16(offset, true) : data[offset];
      }
      if (expected !== written && result.mismatches.length < MAX_LISTED) {
        result.mismatches.push(`${os.name}+0x${offset.toString(16)}: ${kind.name} expects 0x${expected.toString(16)}, found 0x${written.toString(16)}`);
      }
    }
  }
  for (const m of result.mismatches) ctx.diagnostics.push({ severity: 'warning', message: `ldplay: verify: ${m}` });
}
