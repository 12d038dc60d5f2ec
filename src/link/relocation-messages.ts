// Relocation messages and record entries in ld's words: "relocation truncated to fit: R_X86_64_32S
// against symbol `x' defined in .bss section in a.o", and the bounded before/after byte steps the
// playground replays. Formatting only.
import { STT_SECTION } from '../elf/index.ts';
import { relocationName } from './arch/x86_64.ts';
import type { InputSection, LinkContext } from './context.ts';
import { describeLocation } from './diagnostics.ts';
import { RECORDED_RELOCATION_LIMIT } from './record.ts';
import type { RelocationPlan } from './relocation-plan.ts';

export function symbolLabel(obj: InputSection['file'], sym: number): string {
  const t = obj.symtab!;
  return (t.info(sym) & 0xf) === STT_SECTION ? obj.elf.sections[t.shndx(sym)]?.name ?? '' : t.name(sym);
}

export function overflowMessage(ctx: LinkContext, plan: RelocationPlan, i: number): string {
  const s = plan.sections[plan.source[i]];
  const table = s.file.elf.relocationTable(s.relocationSection);
  const r = plan.index[i];
  const sym = table.sym(r);
  const t = s.file.symtab!;
  const where = describeLocation(s.file, s.index, table.offset(r));
  const what = `relocation truncated to fit: ${relocationName(plan.type[i])}`;
  if (sym < t.firstGlobal && (t.info(sym) & 0xf) === STT_SECTION) return `${where}: ${what} against \`${symbolLabel(s.file, sym)}'`;
  const g = sym >= t.firstGlobal ? s.file.globals[sym] : undefined;
  const home = g ? (g.section ? `${g.section.name} section in ${g.section.file.name}` : `*ABS* section in ${ctx.options.output}`) : `${s.file.elf.sections[t.shndx(sym)]?.name ?? '*ABS*'} section in ${s.file.name}`;
  return `${where}: ${what} against symbol \`${t.name(sym)}' defined in ${home}`;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, x) => x.toString(16).padStart(2, '0'));
/** "0f 1f 00": bytes as the record shows them (one table lookup per byte; 4096 steps per link). */
function hex(b: Uint8Array): string {
  let s = b.length ? HEX_BYTE[b[0]] : '';
  for (let i = 1; i < b.length; i++) s += ' ' + HEX_BYTE[b[i]];
  return s;
}

export function recordStep(ctx: LinkContext, plan: RelocationPlan, i: number, before: Uint8Array, after: Uint8Array): void {
  const list = ctx.record.relocations;
  if (list.length >= RECORDED_RELOCATION_LIMIT) return;
  const s = plan.sections[plan.source[i]];
  const table = s.file.elf.relocationTable(s.relocationSection);
  const r = plan.index[i];
  list.push({
    file: s.file.name, section: s.name, offset: Number(table.offset(r)), type: relocationName(plan.type[i]),
    symbol: symbolLabel(s.file, table.sym(r)), addend: table.addend(r).toString(), address: `0x${BigInt.asUintN(64, plan.P[i]).toString(16)}`,
    before: hex(before), after: hex(after), relaxed: plan.relax[i] ? `relaxation ${plan.relax[i]}` : undefined,
  });
}
