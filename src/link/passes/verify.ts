// Pass, verify: re-derives every emitted relocation (--emit-relocs) from the output alone — the
// symbol's value in the output .symtab, the addend, the place — and checks the bytes the link wrote
// there. Mismatches are listed in the record (bounded) and reported as warnings; nothing is changed.
import { Formula, X86_64_KINDS } from '../arch/x86_64.ts';
import type { LinkContext } from '../context.ts';

const MAX_LISTED = 20;

export function verify(ctx: LinkContext): void {
  const table = ctx.symbolTable;
  if (!table) return;
  const symbols = new DataView(table.symtab.buffer);
  // TLS symbols hold template offsets in the output, so TPOFF is S + A - alignUp(size, align).
  const tpOffset = threadPointerFromSections(ctx) - (ctx.outputSections.find((o) => (o.flags & 0x400n) !== 0n)?.address ?? 0n);
  const result = ctx.record.verified;
  for (const [os, rela] of ctx.emitted) {
    const data = os.data;
    if (!data) continue;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const entries = new DataView(rela.buffer, rela.byteOffset, rela.byteLength);
    for (let at = 0; at < rela.length; at += 24) {
      const place = entries.getBigUint64(at, true);
      const info = entries.getBigUint64(at + 8, true);
      const addend = entries.getBigInt64(at + 16, true);
      const type = Number(info & 0xffffffffn);
      const kind = X86_64_KINDS[type];
      if (!kind || kind.size === 0 || kind.formula === Formula.GotP || kind.formula === Formula.Z_A) continue;
      const S = symbols.getBigUint64(Number(info >> 32n) * 24 + 8, true);
      let value = S + addend;
      if (kind.formula === Formula.SAP) value -= place;
      if (kind.formula === Formula.SA_TP) value -= tpOffset;
      const offset = Number(BigInt.asUintN(64, place - os.address));
      const bits = BigInt(kind.size * 8);
      const written = kind.size === 8 ? view.getBigUint64(offset, true) : kind.size === 4 ? BigInt(view.getUint32(offset, true)) : kind.size === 2 ? BigInt(view.getUint16(offset, true)) : BigInt(data[offset]);
      result.checked++;
      if (BigInt.asUintN(Number(bits), value) !== written && result.mismatches.length < MAX_LISTED) {
        result.mismatches.push(`${os.name}+0x${offset.toString(16)}: ${kind.name} expects 0x${BigInt.asUintN(Number(bits), value).toString(16)}, found 0x${written.toString(16)}`);
      }
    }
  }
  for (const m of result.mismatches) ctx.diagnostics.push({ severity: 'warning', message: `ldplay: verify: ${m}` });
}

function threadPointerFromSections(ctx: LinkContext): bigint {
  const tls = ctx.outputSections.filter((o) => (o.flags & 0x400n) !== 0n);
  if (!tls.length) return 0n;
  const last = tls[tls.length - 1];
  const align = BigInt(Math.max(...tls.map((o) => o.align)));
  const size = last.address + BigInt(last.size) - tls[0].address;
  return tls[0].address + ((size + align - 1n) / align) * align;
}
