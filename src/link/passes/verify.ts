// Pass, verify: re-derives every emitted relocation (--emit-relocs) from the output alone — the
// symbol's value in the output .symtab (an IFUNC's: its .iplt stub), the addend, the place — and checks the bytes the link wrote
// there (the relocation arena's routine, src/hot/relocate.ts, over a copy of .symtab). Mismatches
// are listed in the record (bounded) and reported as warnings; nothing is changed. Entries a TLS
// rewrite left describing the old instruction (as ld writes them) are not checked.
import { StageError } from '../../pipeline/stage.ts';
import { VERIFY_LISTED, relocator } from '../../hot/relocate.ts';
import { X86_64_KINDS } from '../arch/x86_64.ts';
import type { LinkContext, OutputSection } from '../context.ts';
import { threadPointer } from '../relocation-plan.ts';
import { referenceAddress } from '../chunks/iplt.ts';

export function verify(ctx: LinkContext): void {
  const table = ctx.symbolTable;
  const plan = ctx.plan;
  if (!table || !plan || ctx.emitted.size === 0) return;
  const arena = plan.arena;
  if (table.symtab.length > arena.symtab.length) throw new StageError('ldplay: internal error in verify: .symtab larger than its room in the relocation arena');
  arena.symtab.set(table.symtab);
  // References to an IFUNC go to its .iplt stub (ld writes them against the symbol itself), so in
  // verify's copy of .symtab an IFUNC's value is its stub.
  if (ctx.iplt) {
    const view = new DataView(arena.symtab.buffer, arena.symtab.byteOffset, table.symtab.length);
    for (const g of ctx.iplt.symbols) if (g.outputIndex) view.setBigUint64(g.outputIndex * 24 + 8, BigInt.asUintN(64, referenceAddress(ctx, g)), true);
  }
  // TLS symbols hold template offsets in the output, so TPOFF is S + A - alignUp(size, align).
  const tp = threadPointer(ctx) - (ctx.outputSections.find((o) => (o.flags & 0x400n) !== 0n)?.address ?? 0n);
  const outIndex = new Map(ctx.outputSections.map((o, i) => [o, i]));
  const checked: { os: OutputSection; first: number; end: number }[] = [];
  arena.counts[0] = 0;
  arena.counts[1] = 0;
  for (const [os, rela] of ctx.emitted) {
    if (!os.data || rela.length === 0) continue;
    const first = (rela.byteOffset - arena.emitted.byteOffset) / 24;
    const job = { first, end: first + rela.length / 24, out: outIndex.get(os)!, base: os.address, tp };
    relocator().verify(arena, job);
    checked.push({ os, first, end: job.end });
  }
  const result = ctx.record.verified;
  result.checked += arena.counts[0];
  const listed = Math.min(arena.counts[1], VERIFY_LISTED);
  for (let m = 0; m < listed; m++) {
    const [k, expected, found] = arena.listed.subarray(3 * m, 3 * m + 3);
    const { os } = checked.find((c) => k >= c.first && k < c.end)!;
    const e = new DataView(arena.emitted.buffer, arena.emitted.byteOffset + Number(k) * 24, 24);
    const kind = X86_64_KINDS[e.getUint32(8, true)]!;
    const offset = BigInt.asUintN(64, e.getBigUint64(0, true) - os.address);
    result.mismatches.push(`${os.name}+0x${offset.toString(16)}: ${kind.name} expects 0x${expected.toString(16)}, found 0x${found.toString(16)}`);
  }
  for (const m of result.mismatches) ctx.diagnostics.push({ severity: 'warning', message: `ldplay: verify: ${m}` });
}
