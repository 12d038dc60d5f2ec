// Relocation messages and record entries in ld's words: "relocation truncated to fit: R_X86_64_32S
// against symbol `x' defined in .bss section in a.o", and the bounded before/after byte steps the
// playground replays. Formatting only.
import { STT_SECTION } from '../elf/index.ts';
import { halves } from '../hot/relocate.ts';
import { RELAX_NAMES, Relax, isGotRelaxation, relocationName } from './arch/x86_64.ts';
import type { InputSection, LinkContext } from './context.ts';
import { describeLocation } from './diagnostics.ts';
import { RECORDED_RELOCATION_LIMIT } from './record.ts';
import type { RelocationPlan } from './relocation-plan.ts';
import { relocationWords, WORDS_PER_RELOCATION } from './relocation-words.ts';

export function symbolLabel(obj: InputSection['file'], sym: number): string {
  const t = obj.symtab!;
  return (t.info(sym) & 0xf) === STT_SECTION ? obj.elf.sections[t.shndx(sym)]?.name ?? '' : t.name(sym);
}

export function overflowMessage(ctx: LinkContext, plan: RelocationPlan, i: number): string {
  const s = plan.sections[plan.arena.source[i]];
  const table = s.file.elf.relocationTable(s.relocationSection);
  const r = plan.arena.index[i];
  const sym = table.sym(r);
  const t = s.file.symtab!;
  const where = describeLocation(s.file, s.index, table.offset(r));
  // A GOT load ld chose to turn into a direct reference that then does not fit: ld's own words.
  if (isGotRelaxation(plan.arena.relax[i] as Relax)) return `${where}: failed to convert GOTPCREL relocation against '${symbolLabel(s.file, sym)}'; relink with --no-relax`;
  const what = `relocation truncated to fit: ${relocationName(plan.arena.type[i])}`;
  if (sym < t.firstGlobal && (t.info(sym) & 0xf) === STT_SECTION) return `${where}: ${what} against \`${symbolLabel(s.file, sym)}'`;
  const g = sym >= t.firstGlobal ? s.file.globals[sym] : undefined;
  const home = g ? (g.section ? `${g.section.name} section in ${g.section.file.name}` : `*ABS* section in ${ctx.options.output}`) : `${s.file.elf.sections[t.shndx(sym)]?.name ?? '*ABS*'} section in ${s.file.name}`;
  return `${where}: ${what} against symbol \`${t.name(sym)}' defined in ${home}`;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, x) => x.toString(16).padStart(2, '0'));
const SPACED_HEX_BYTE = HEX_BYTE.map((h) => ' ' + h);
/** "0f 1f 00": bytes as the record shows them (table lookups: 4096 steps per link, and
 *  Number#toString(16) is slow in code that runs once). */
function hex(b: Uint8Array): string {
  let s = b.length ? HEX_BYTE[b[0]] : '';
  for (let i = 1; i < b.length; i++) s += SPACED_HEX_BYTE[b[i]];
  return s;
}

export function recordStep(ctx: LinkContext, plan: RelocationPlan, i: number, before: Uint8Array, after: Uint8Array): void {
  const list = ctx.record.relocations;
  if (list.length >= RECORDED_RELOCATION_LIMIT) return;
  const s = plan.sections[plan.arena.source[i]];
  const w = relocationWords(s.file.elf, s.file.elf.relocationTable(s.relocationSection));
  const at = plan.arena.index[i] * WORDS_PER_RELOCATION;
  const P = new Uint32Array(plan.arena.P.buffer, plan.arena.P.byteOffset + 8 * i, 2);
  list.push({
    file: s.file.name, section: s.name, offset: w[at] + w[at + 1] * 4294967296, type: relocationName(plan.arena.type[i]),
    symbol: symbolLabel(s.file, w[at + 3]), addend: signedDecimal(w[at + 5], w[at + 4]), address: `0x${hex64(P[1], P[0])}`,
    before: hex(before), after: hex(after), relaxed: plan.arena.relax[i] ? RELAX_NAMES[plan.arena.relax[i] as Relax] : undefined,
  });
}

/** Records every rewritten instruction of the plan with the address of its field. */
export function recordRewrites(ctx: LinkContext, plan: RelocationPlan): void {
  if (ctx.record.relaxations === 0) return;
  const relax = plan.arena.relax;
  const P = halves(plan.arena.P);
  for (let i = 0; i < plan.count; i++) {
    if (relax[i]) ctx.record.rewrites.push({ address: `0x${hex64(P[2 * i + 1], P[2 * i])}`, relaxed: RELAX_NAMES[relax[i] as Relax] });
  }
}

/** A 64-bit value given as 32-bit halves, in hex without leading zeros (bigint's toString(16)). */
function hex64(hi: number, lo: number): string {
  const digits = hi ? hex32(hi) + hex32(lo) : hex32(lo);
  let first = 0;
  while (first < digits.length - 1 && digits.charCodeAt(first) === 0x30) first++;
  return digits.slice(first);
}

function hex32(v: number): string {
  return HEX_BYTE[v >>> 24] + HEX_BYTE[(v >>> 16) & 255] + HEX_BYTE[(v >>> 8) & 255] + HEX_BYTE[v & 255];
}

/** A signed 64-bit value given as halves, in decimal; exact in a double unless beyond 2^53. */
function signedDecimal(hi: number, lo: number): string {
  const value = (hi | 0) * 4294967296 + lo;
  return Number.isSafeInteger(value) ? String(value) : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}
