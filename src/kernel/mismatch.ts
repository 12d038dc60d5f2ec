// The `mismatch` stage: modpost's section-mismatch check over a relocatable object (vmlinux.o or a
// module .o). Walks every REL/RELA section, classifies each reference by source and target section
// name (mismatch-rules.ts), names the symbols as modpost does and words warnings like modpost 6.1.
// Reports only; produces no new file. Follows scripts/mod/modpost.c (Linux 6.1.y, check_sec_ref).

import { readElf, SHF_ALLOC, SHF_EXECINSTR, SHN_LORESERVE, SHN_XINDEX, SHT_PROGBITS, SHT_REL, SHT_RELA, SHT_SYMTAB, STT_FUNC, STT_SECTION } from '../elf/index.ts';
import type { ElfFile, RelocationTable, SymbolTable } from '../elf/index.ts';
import type { Diagnostic, StageDescription, StageResult } from '../pipeline/stage.ts';
import { findSectionCheck, isWhitelistedReference, matchAny, RULES_IMPLEMENTED, SECTION_WHITE_LIST, type MismatchKind, type SectionCheck } from './mismatch-rules.ts';

export const mismatchDescription: StageDescription = {
  id: 'mismatch',
  title: 'Section mismatch check (modpost)',
  explanation:
    'Code and data marked __init or __exit are freed after boot (or never loaded). modpost reads the ' +
    'relocations of vmlinux.o and warns when ordinary code or data still points into those sections: ' +
    'after boot such a reference would reach freed memory.',
  follows: 'scripts/mod/modpost.c (Linux 6.1.y): check_sec_ref, sectioncheck[], secref_whitelist',
};

export interface MismatchOptions {
  /** Name modpost prints (the path it was given), default 'vmlinux.o'. */
  fileName?: string;
  /** W=1 builds: also report data -> .exit.* references from *driver symbols. */
  extraWarn?: boolean;
}

export interface MismatchFinding {
  kind: MismatchKind | 'NON_ALLOC_SECTION';
  severity: 'warning' | 'error';
  fromSection: string;
  fromSymbol: string;
  toSection: string;
  toSymbol: string;
  /** The relocation's section and r_offset (offset inside fromSection). */
  relocationSection: string;
  offset: number;
  message: string;
}

export interface MismatchRecord {
  object: string;
  relocationSections: number;
  relocations: number;
  findings: MismatchFinding[];
  rules: string[];
}

const R_386_32 = 1;
const R_386_PC32 = 2;
const R_RISCV_SUB32 = 39;
const EM_386 = 3;
const EM_RISCV = 243;

/** Everything the per-relocation loop needs, decoded once. */
interface Context {
  elf: ElfFile;
  modname: string;
  symtab: SymbolTable;
  /** Section name per section index. */
  names: string[];
  extraWarn: boolean;
  findings: MismatchFinding[];
}

export function checkSectionMismatches(input: Uint8Array, options: MismatchOptions = {}): StageResult<MismatchRecord> {
  const modname = options.fileName ?? 'vmlinux.o';
  const elf = readElf(input, modname);
  const symtabIndex = elf.sections.findIndex((s) => s.type === SHT_SYMTAB);
  const findings: MismatchFinding[] = [];
  let relocationSections = 0;
  let relocations = 0;
  if (symtabIndex >= 0) {
    const ctx: Context = {
      elf, modname, symtab: elf.symbolTable(symtabIndex), names: elf.sections.map((s) => s.name), extraWarn: options.extraWarn ?? false, findings,
    };
    for (const s of elf.sections) {
      checkNonAllocSection(ctx, s.index);
      if (s.type !== SHT_RELA && s.type !== SHT_REL) continue;
      relocationSections++;
      relocations += checkRelocationSection(ctx, elf.relocationTable(s.index));
    }
  }
  const diagnostics: Diagnostic[] = findings.map((f) => ({ severity: f.severity, message: f.message, file: modname }));
  return { outputs: {}, record: { object: modname, relocationSections, relocations, findings, rules: RULES_IMPLEMENTED }, diagnostics };
}

/** modpost's check_section: a PROGBITS section without SHF_ALLOC is usually a .S typo. */
function checkNonAllocSection(ctx: Context, index: number): void {
  const s = ctx.elf.sections[index];
  if (s.type !== SHT_PROGBITS || (s.flags & BigInt(SHF_ALLOC)) !== 0n || matchAny(s.name, SECTION_WHITE_LIST)) return;
  ctx.findings.push({
    kind: 'NON_ALLOC_SECTION', severity: 'warning', fromSection: s.name, fromSymbol: '', toSection: '', toSymbol: '', relocationSection: '', offset: 0,
    message: `WARNING: modpost: ${ctx.modname} (${s.name}): unexpected non-allocatable section.\n` +
      'Did you forget to use "ax"/"aw" in a .S file?\nNote that for example <linux/init.h> contains\nsection definitions for use in .S files.\n',
  });
}

/** get_secindex: SHN_XINDEX through the extension table, reserved indices moved out of range. */
function sectionIndexOf(ctx: Context, sym: number): number {
  const raw = ctx.symtab.rawShndx(sym);
  if (raw === SHN_XINDEX) return ctx.symtab.shndx(sym);
  if (raw >= SHN_LORESERVE) return raw + 0x10000;
  return raw;
}

const sectionName = (ctx: Context, index: number) => (index < ctx.names.length ? ctx.names[index] : '');

/** Walks one relocation section; returns how many relocations it looked at. */
function checkRelocationSection(ctx: Context, rel: RelocationTable): number {
  const fromIndex = rel.targetSection;
  const fromsec = sectionName(ctx, fromIndex);
  if (matchAny(fromsec, SECTION_WHITE_LIST)) return 0;
  // The verdict depends only on the two section names: decide once per target section.
  const verdictByTarget = new Map<number, SectionCheck | null>();
  const machine = ctx.elf.header.machine;
  for (let i = 0; i < rel.count; i++) {
    const sym = rel.sym(i);
    if (sym >= ctx.symtab.count) continue;
    const raw = ctx.symtab.rawShndx(sym);
    if (raw !== SHN_XINDEX && raw >= SHN_LORESERVE) continue;
    if (machine === EM_RISCV && fromsec === '__ex_table' && rel.type(i) === R_RISCV_SUB32) continue;
    const toIndex = sectionIndexOf(ctx, sym);
    let check = verdictByTarget.get(toIndex);
    if (check === undefined) {
      check = findSectionCheck(fromsec, sectionName(ctx, toIndex));
      verdictByTarget.set(toIndex, check);
    }
    if (!check) continue;
    const offset = Number(rel.offset(i));
    const addend = rel.isRela ? rel.addend(i) : relAddend(ctx, rel, i, fromIndex, offset);
    reportReference(ctx, check, rel, fromsec, sym, toIndex, offset, addend);
  }
  return rel.count;
}

/** SHT_REL addends modpost reads back from the bytes: i386 only (others read as 0). */
function relAddend(ctx: Context, rel: RelocationTable, i: number, fromIndex: number, offset: number): bigint {
  if (ctx.elf.header.machine !== EM_386) return 0n;
  const sec = ctx.elf.sections[fromIndex];
  const at = Number(sec.offset) + offset;
  if (at + 4 > ctx.elf.bytes.length) return 0n;
  const word = ctx.elf.data.u32(at);
  const type = rel.type(i);
  if (type === R_386_32) return BigInt(word);
  if (type === R_386_PC32) return BigInt(word) + 4n;
  return 0n;
}

function reportReference(ctx: Context, check: SectionCheck, rel: RelocationTable, fromsec: string, sym: number, toIndex: number, offset: number, addend: bigint): void {
  const tosec = sectionName(ctx, toIndex);
  const from = nearestSymbolBefore(ctx, BigInt(offset), fromsec);
  const to = symbolNear(ctx, addend, sym, toIndex);
  const fromsym = from < 0 ? '(unknown)' : ctx.symtab.name(from);
  const tosym = to < 0 ? '(unknown)' : ctx.symtab.name(to);
  const base = { kind: check.kind, fromSection: fromsec, fromSymbol: fromsym, toSection: tosec, toSymbol: tosym, relocationSection: ctx.names[rel.index], offset };
  if (check.kind === 'EXTABLE_TO_NON_TEXT') {
    reportExtable(ctx, check, base, from, to, toIndex);
    return;
  }
  if (isWhitelistedReference(fromsec, fromsym, tosec, tosym, ctx.extraWarn)) return;
  const message = check.kind === 'EXPORT_TO_INIT_EXIT'
    ? `WARNING: modpost: ${ctx.modname}: EXPORT_SYMBOL used for init/exit symbol: ${tosym} (section: ${tosec})`
    : `WARNING: modpost: ${ctx.modname}: section mismatch in reference: ${fromsym} (section: ${fromsec}) -> ${tosym} (section: ${tosec})`;
  ctx.findings.push({ ...base, severity: 'warning', message });
}

/** The __ex_table handler: a fault fixup must land in text; its own message shape. */
function reportExtable(ctx: Context, check: SectionCheck, base: Omit<MismatchFinding, 'severity' | 'message'>, from: number, to: number, toIndex: number): void {
  const pretty = (s: number): [string, string] => (s < 0 ? ['(unknown reference)', ''] : (ctx.symtab.info(s) & 0xf) === STT_FUNC ? ['function', '()'] : ['variable', '']);
  const [fromKind, fromParens] = pretty(from);
  const [toKind, toParens] = pretty(to);
  const where = `${base.fromSection}+0x${base.offset.toString(16)}`;
  const executable = toIndex < ctx.elf.sections.length && (ctx.elf.sections[toIndex].flags & BigInt(SHF_EXECINSTR)) !== 0n;
  const blacklisted = matchAny(base.toSection, check.badTo);
  let message = `WARNING: modpost: ${ctx.modname}(${where}): Section mismatch in reference from the ${fromKind} ${base.fromSymbol}${fromParens} to the ${toKind} ${base.toSection}:${base.toSymbol}${toParens}`;
  if (!blacklisted && executable) {
    message += `\nThe relocation at ${where} references\nsection "${base.toSection}" which is not in the list of\n` +
      `authorized sections.  If you're adding a new section\nand/or if this reference is valid, add "${base.toSection}" to the\n` +
      `list of authorized sections to jump to on fault.\nThis can be achieved by adding "${base.toSection}" to \n` +
      'OTHER_TEXT_SECTIONS in scripts/mod/modpost.c.';
  }
  let severity: MismatchFinding['severity'] = 'warning';
  if (blacklisted) {
    severity = 'error';
    message += `\nFATAL: modpost: The relocation at ${where} references\nsection "${base.toSection}" which is black-listed.`;
  } else if (!executable) {
    severity = 'error';
    message += `\nERROR: modpost: ${where} references non-executable section '${base.toSection}'`;
  }
  ctx.findings.push({ ...base, severity, message });
}

/** A name modpost accepts: non-empty and not an ARM mapping symbol ($a, $d, $t, $x, optionally '.…'). */
function isValidName(ctx: Context, s: number): boolean {
  const name = ctx.symtab.name(s);
  if (name.length === 0) return false;
  return !(name[0] === '$' && 'adtx'.includes(name[1] ?? '') && (name.length === 2 || name[2] === '.'));
}

/** find_elf_symbol: the relocation's own symbol when named, else a symbol of the same section
 *  within 20 bytes of the (32-bit) addend. */
function symbolNear(ctx: Context, addend: bigint, relsym: number, secIndex: number): number {
  if (ctx.symtab.nameOffset(relsym) !== 0) return relsym;
  const addr = Number(BigInt.asIntN(32, addend));
  let near = -1;
  let distance = 20;
  for (let s = 0; s < ctx.symtab.count; s++) {
    if (sectionIndexOf(ctx, s) !== secIndex) continue;
    if ((ctx.symtab.info(s) & 0xf) === STT_SECTION) continue;
    if (!isValidName(ctx, s)) continue;
    const value = ctx.symtab.value(s);
    if (value === BigInt.asUintN(64, BigInt(addr))) return s;
    let d = Number(BigInt.asIntN(32, value - BigInt(addr)));
    if (d < 0) d = Number(BigInt.asIntN(32, BigInt(addr) - value));
    if (d < distance) {
      distance = d;
      near = s;
    }
  }
  return distance < 20 ? near : -1;
}

/** find_elf_symbol2: the last-listed valid symbol at the smallest distance at or before `addr`,
 *  among symbols whose section has the same *name* as `fromsec`. */
function nearestSymbolBefore(ctx: Context, addr: bigint, fromsec: string): number {
  let near = -1;
  let distance = (1n << 64n) - 1n;
  for (let s = 0; s < ctx.symtab.count; s++) {
    const raw = ctx.symtab.rawShndx(s);
    if (raw !== SHN_XINDEX && raw >= SHN_LORESERVE) continue;
    if (sectionName(ctx, sectionIndexOf(ctx, s)) !== fromsec) continue;
    if (!isValidName(ctx, s)) continue;
    const value = ctx.symtab.value(s);
    if (value <= addr && addr - value <= distance) {
      distance = addr - value;
      near = s;
    }
  }
  return near;
}

/** modpost's text: one line per finding, as it prints them to stderr. */
export function formatMismatches(record: MismatchRecord): string {
  return record.findings.map((f) => `${f.message}\n`).join('');
}
