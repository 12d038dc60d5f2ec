// modpost's section-mismatch rules as data (Linux 6.1.y scripts/mod/modpost.c): which source
// sections may not reference which target sections, the whitelist of "known good" patterns and the
// sections never checked. Glob patterns are fnmatch(3) with flags 0, which these lists only use
// with '*'. Pure data plus matching; relocation walking lives in mismatch.ts.

export type MismatchKind =
  | 'TEXT_TO_ANY_INIT' | 'DATA_TO_ANY_INIT' | 'TEXT_TO_ANY_EXIT' | 'DATA_TO_ANY_EXIT'
  | 'XXXINIT_TO_SOME_INIT' | 'ANY_INIT_TO_ANY_EXIT' | 'ANY_EXIT_TO_ANY_INIT'
  | 'EXPORT_TO_INIT_EXIT' | 'EXTABLE_TO_NON_TEXT';

export interface SectionCheck {
  from: string[];
  badTo: string[];
  goodTo: string[];
  kind: MismatchKind;
}

const ALL_INIT_DATA = ['.init.setup', '.init.rodata', '.meminit.rodata', '.init.data', '.meminit.data'];
const ALL_INIT_TEXT = ['.init.text', '.meminit.text'];
const ALL_EXIT_TEXT = ['.exit.text'];
const ALL_PCI_INIT = ['.pci_fixup_early', '.pci_fixup_header', '.pci_fixup_final', '.pci_fixup_enable',
  '.pci_fixup_resume', '.pci_fixup_resume_early', '.pci_fixup_suspend'];
const INIT = ['.init.*'];
const MEM_INIT = ['.meminit.*'];
const EXIT = ['.exit.*'];
const ALL_INIT = [...INIT, ...MEM_INIT];
const ALL_EXIT = EXIT;
export const DATA_SECTIONS = ['.data', '.data.rel'];
const TEXT = ['.text', '.text.*', '.sched.text', '.kprobes.text', '.cpuidle.text', '.noinstr.text', '.ltext', '.ltext.*'];
const OTHER_TEXT = ['.ref.text', '.head.text', '.spinlock.text', '.fixup', '.entry.text', '.exception.text',
  '.coldtext', '.softirqentry.text', '.irqentry.text'];
const ALL_TEXT = [...ALL_INIT_TEXT, ...ALL_EXIT_TEXT, ...TEXT, ...OTHER_TEXT];

/** In table order: the first check whose `from` matches and whose targets reject `tosec` wins. */
export const SECTION_CHECKS: SectionCheck[] = [
  { from: TEXT, badTo: ALL_INIT, goodTo: [], kind: 'TEXT_TO_ANY_INIT' },
  { from: DATA_SECTIONS, badTo: MEM_INIT, goodTo: [], kind: 'DATA_TO_ANY_INIT' },
  { from: DATA_SECTIONS, badTo: INIT, goodTo: [], kind: 'DATA_TO_ANY_INIT' },
  { from: TEXT, badTo: ALL_EXIT, goodTo: [], kind: 'TEXT_TO_ANY_EXIT' },
  { from: DATA_SECTIONS, badTo: ALL_EXIT, goodTo: [], kind: 'DATA_TO_ANY_EXIT' },
  { from: MEM_INIT, badTo: INIT, goodTo: [], kind: 'XXXINIT_TO_SOME_INIT' },
  { from: ALL_INIT, badTo: ALL_EXIT, goodTo: [], kind: 'ANY_INIT_TO_ANY_EXIT' },
  { from: ALL_EXIT, badTo: ALL_INIT, goodTo: [], kind: 'ANY_EXIT_TO_ANY_INIT' },
  { from: ALL_PCI_INIT, badTo: INIT, goodTo: [], kind: 'ANY_INIT_TO_ANY_EXIT' },
  { from: ['___ksymtab*'], badTo: [...INIT, ...EXIT], goodTo: [], kind: 'EXPORT_TO_INIT_EXIT' },
  { from: ['__ex_table'], badTo: ['.altinstr_replacement'], goodTo: ALL_TEXT, kind: 'EXTABLE_TO_NON_TEXT' },
];

/** Relocation sections whose target matches one of these are not checked at all. */
export const SECTION_WHITE_LIST = ['.comment*', '.debug*', '.zdebug*', '.GCC.command.line', '.mdebug*', '.pdr',
  '.stab*', '.note*', '.got*', '.toc*', '.xt.prop', '.xt.lit', '.arcextmap*', '.gnu.linkonce.arcext*', '.cmem*',
  '.fmt_slot*', '.gnu.lto*', '.discard.*'];

/** fnmatch(pattern, s, 0) for patterns whose only wildcard is '*'. */
export function globMatch(pattern: string, s: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === s;
  if (!s.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const k = s.indexOf(parts[i], at);
    if (k < 0) return false;
    at = k + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return s.length - last.length >= at && s.endsWith(last);
}

export const matchAny = (s: string, patterns: string[]) => patterns.some((p) => globMatch(p, s));

/** The check a reference from `fromsec` to `tosec` violates, if any. */
export function findSectionCheck(fromsec: string, tosec: string): SectionCheck | null {
  if (tosec === '') return null;
  for (const c of SECTION_CHECKS) {
    if (!matchAny(fromsec, c.from)) continue;
    if (c.badTo.length && matchAny(tosec, c.badTo)) return c;
    if (c.goodTo.length && !matchAny(tosec, c.goodTo)) return c;
  }
  return null;
}

/** modpost's secref_whitelist: true when the reference is a known false positive. `extraWarn` is W=1. */
export function isWhitelistedReference(fromsec: string, fromsym: string, tosec: string, tosym: string, extraWarn: boolean): boolean {
  const fromData = matchAny(fromsec, DATA_SECTIONS);
  if (matchAny(tosec, ALL_INIT_DATA) && fromData && fromsym.startsWith('__param')) return true;
  if (tosec === '.init.text' && fromData && fromsym.startsWith('__param_ops_')) return true;
  if (fromData && matchAny(tosec, [...ALL_INIT, ...ALL_EXIT]) &&
      matchAny(fromsym, ['*_template', '*_timer', '*_sht', '*_ops', '*_probe', '*_probe_one', '*_console'])) return true;
  if (fromData && matchAny(tosec, MEM_INIT) && matchAny(fromsym, ['*driver'])) return true;
  if (!extraWarn && fromData && matchAny(tosec, EXIT) && matchAny(fromsym, ['*driver'])) return true;
  if (matchAny(fromsec, ['.head.text*']) && matchAny(tosec, ALL_INIT)) return true;
  if (matchAny(tosym, ['__init_begin', '_sinittext', '_einittext'])) return true;
  if (matchAny(fromsec, ALL_TEXT) && matchAny(tosec, ALL_INIT) && matchAny(fromsym, ['*.constprop.*'])) return true;
  return fromsym.startsWith('.L');
}

/** Human summary of what is implemented, for the record. */
export const RULES_IMPLEMENTED = [
  'modpost 6.1.y sectioncheck table (11 checks: text/data -> init/exit, meminit -> init, init <-> exit, pci_fixup -> init, ___ksymtab* -> init/exit, __ex_table -> non-text)',
  'secref_whitelist patterns 1, 1a, data *_template/_timer/_sht/_ops/_probe/_probe_one/_console, *driver, 3 (.head.text), 4 (linker symbols), 5 (*.constprop.*), 6 (.L*)',
  'section_white_list of never-checked sections; unexpected non-allocatable PROGBITS sections',
  'symbol naming as find_elf_symbol (±20 bytes of the addend) and find_elf_symbol2 (nearest at or before r_offset)',
  'REL addends for i386 (R_386_32, R_386_PC32); ARM/MIPS REL addend decoding and MIPS64 r_info are not implemented (addend 0)',
];
