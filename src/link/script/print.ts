// Pretty-printer: LinkerScript AST → canonical script text that parses back to the same tree
// (used by tests and by the playground's script view). Layout is fixed (two-space indent, one
// statement per line); names are quoted only where ld's lexer would not read them as one name.
import type {
  Expression, InputSectionDescription, LinkerScript, OutputSectionCommand, OutputSectionDescription,
  OverlayDescription, ProgramHeaderDescription, ScriptCommand, SectionPattern, SectionsCommand, SortOrder,
  Assignment, MemoryRegion, InputFile,
} from './ast.ts';
import { ScriptLexer, type LexMode } from './lexer.ts';

const PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
const UNARY = 11;
/** Words the parser treats specially where a name may appear; such names are printed quoted. */
const RESERVED = new Set([
  'SIZEOF_HEADERS', 'PROVIDE', 'PROVIDE_HIDDEN', 'HIDDEN', 'ASSERT', 'ENTRY', 'INCLUDE', 'OVERLAY', 'KEEP',
  'EXCLUDE_FILE', 'SORT', 'SORT_BY_NAME', 'SORT_BY_ALIGNMENT', 'SORT_BY_INIT_PRIORITY', 'SORT_NONE',
  'CREATE_OBJECT_SYMBOLS', 'CONSTRUCTORS', 'FILL', 'BYTE', 'SHORT', 'LONG', 'QUAD', 'SQUAD', 'SECTIONS',
  'PHDRS', 'MEMORY', 'AT', 'ALIGN', 'SUBALIGN', 'ALIGN_WITH_INPUT', 'ONLY_IF_RO', 'ONLY_IF_RW', 'NOCROSSREFS',
  'AS_NEEDED', 'FILEHDR', 'FLAGS',
]);

/** `name` as it must be written in lexer `mode`: bare when it lexes as exactly one name. */
export function quoteName(name: string, mode: LexMode): string {
  if (name !== '' && !RESERVED.has(name) && !name.includes('/*')) {
    const token = new ScriptLexer(name, '').peek(mode);
    if (token.type === 'name' && token.end === name.length) return name;
  }
  return `"${name}"`;
}

export function printExpression(e: Expression, context = 0): string {
  switch (e.kind) {
    case 'number': return e.text;
    case 'dot': return '.';
    case 'symbol': return quoteName(e.name, 'expression');
    case 'unary': return `${e.op}${printExpression(e.operand, UNARY)}`;
    case 'binary': {
      const level = PRECEDENCE[e.op];
      const text = `${printExpression(e.left, level)} ${e.op} ${printExpression(e.right, level + 1)}`;
      return level < context ? `(${text})` : text;
    }
    case 'conditional': {
      const text = `${printExpression(e.condition, 1)} ? ${printExpression(e.whenTrue)} : ${printExpression(e.whenFalse)}`;
      return context > 0 ? `(${text})` : text;
    }
    case 'call': return `${e.fn}(${e.args.map((a) => printExpression(a)).join(', ')})`;
    case 'section': return `${e.fn}(${quoteName(e.section, 'expression')})`;
    case 'defined': return `DEFINED(${quoteName(e.symbol, 'expression')})`;
    case 'sizeofHeaders': return 'SIZEOF_HEADERS';
    case 'constant': return `CONSTANT(${e.name})`;
    case 'region': return `${e.fn}(${quoteName(e.region, 'expression')})`;
    case 'segmentStart': return `SEGMENT_START("${e.segment}", ${printExpression(e.fallback)})`;
    case 'assert': return `ASSERT(${printExpression(e.condition)}, "${e.message}")`;
  }
}

export function printLinkerScript(script: LinkerScript): string {
  return script.commands.map((c) => printScriptCommand(c, '')).join('');
}

function printAssignment(a: Assignment, mode: LexMode): string {
  const inner = `${a.target === '.' ? '.' : quoteName(a.target, mode)} ${a.op} ${printExpression(a.value)}`;
  return a.provide ? `${a.provide}(${inner});` : `${inner};`;
}

const list = (names: string[]) => names.map((n) => quoteName(n, 'script')).join(' ');
/** INPUT/GROUP entries in order, consecutive AS_NEEDED files in one AS_NEEDED(...). */
const inputFiles = (files: InputFile[]) => {
  const parts: string[] = [];
  for (let i = 0; i < files.length; i++) {
    if (!files[i].asNeeded) { parts.push(quoteName(files[i].name, 'script')); continue; }
    const run: string[] = [];
    for (; i < files.length && files[i].asNeeded; i++) run.push(quoteName(files[i].name, 'script'));
    i--;
    parts.push(`AS_NEEDED(${run.join(' ')})`);
  }
  return parts.join(' ');
};

function printScriptCommand(c: ScriptCommand, indent: string): string {
  const line = (text: string) => `${indent}${text}\n`;
  switch (c.kind) {
    case 'assignment': return line(printAssignment(c, 'script'));
    case 'assert': return line(`ASSERT(${printExpression(c.condition)}, "${c.message}")`);
    case 'entry': return line(`ENTRY(${quoteName(c.symbol, 'script')})`);
    case 'outputFormat': return line(`OUTPUT_FORMAT(${c.formats.map((f) => `"${f}"`).join(', ')})`);
    case 'outputArch': return line(`OUTPUT_ARCH(${quoteName(c.arch, 'script')})`);
    case 'output': return line(`OUTPUT(${quoteName(c.file, 'script')})`);
    case 'target': return line(`TARGET(${quoteName(c.format, 'script')})`);
    case 'searchDir': return line(`SEARCH_DIR(${quoteName(c.path, 'script')})`);
    case 'startup': return line(`STARTUP(${quoteName(c.file, 'script')})`);
    case 'input': return line(`INPUT(${inputFiles(c.files)})`);
    case 'group': return line(`GROUP(${inputFiles(c.files)})`);
    case 'extern': return line(`EXTERN(${list(c.symbols)})`);
    case 'noCrossRefs': return line(`${c.to ? 'NOCROSSREFS_TO' : 'NOCROSSREFS'}(${list(c.sections)})`);
    // Quoted: in ld's script state a comma is part of a name (`REGION_ALIAS(a, b)` fails in ld).
    case 'regionAlias': return line(`REGION_ALIAS("${c.alias}", "${c.region}")`);
    case 'forceCommonAllocation': return line('FORCE_COMMON_ALLOCATION');
    case 'inhibitCommonAllocation': return line('INHIBIT_COMMON_ALLOCATION');
    case 'insert': return line(`INSERT ${c.position} ${quoteName(c.section, 'script')}`);
    case 'phdrs': return `${line('PHDRS')}${line('{')}${c.headers.map((h) => printPhdr(h, `${indent}  `)).join('')}${line('}')}`;
    case 'memory': return `${line('MEMORY')}${line('{')}${c.regions.map((r) => printRegion(r, `${indent}  `)).join('')}${line('}')}`;
    case 'sections': return `${line('SECTIONS')}${line('{')}${c.commands.map((s) => printSectionsCommand(s, `${indent}  `)).join('')}${line('}')}`;
    case 'include': return line(`INCLUDE ${quoteName(c.file, 'script')}`);
  }
}

function printPhdr(h: ProgramHeaderDescription, indent: string): string {
  const parts = [quoteName(h.name, 'script'), printExpression(h.type)];
  if (h.fileHeader) parts.push('FILEHDR');
  if (h.programHeaders) parts.push('PHDRS');
  if (h.at) parts.push(`AT(${printExpression(h.at)})`);
  if (h.flags) parts.push(`FLAGS(${printExpression(h.flags)})`);
  return `${indent}${parts.join(' ')};\n`;
}

function printRegion(r: MemoryRegion, indent: string): string {
  const attributes = r.attributes !== undefined ? ` (${r.attributes})` : '';
  return `${indent}${quoteName(r.name, 'script')}${attributes} : ORIGIN = ${printExpression(r.origin)}, LENGTH = ${printExpression(r.length)}\n`;
}

function printSectionsCommand(c: SectionsCommand, indent: string): string {
  switch (c.kind) {
    case 'assignment': return `${indent}${printAssignment(c, 'script')}\n`;
    case 'assert': return `${indent}ASSERT(${printExpression(c.condition)}, "${c.message}")\n`;
    case 'entry': return `${indent}ENTRY(${quoteName(c.symbol, 'script')})\n`;
    case 'include': return `${indent}INCLUDE ${quoteName(c.file, 'script')}\n`;
    case 'outputSection': return printOutputSection(c, indent);
    case 'overlay': return printOverlay(c, indent);
  }
}

function printTail(s: { region?: string; lmaRegion?: string; phdrs: string[]; fill?: Expression }): string {
  let tail = '';
  if (s.region !== undefined) tail += ` >${quoteName(s.region, 'script')}`;
  if (s.lmaRegion !== undefined) tail += ` AT>${quoteName(s.lmaRegion, 'script')}`;
  for (const phdr of s.phdrs) tail += ` :${quoteName(phdr, 'script')}`;
  if (s.fill) tail += ` =${printExpression(s.fill)}`;
  return tail;
}

function printBody(commands: OutputSectionCommand[], indent: string): string {
  return commands.map((c) => `${indent}${printOutputSectionCommand(c)}\n`).join('');
}

function printOutputSection(c: OutputSectionDescription, indent: string): string {
  let head = quoteName(c.name, 'script');
  if (c.address) head += ` ${printExpression(c.address, UNARY)}`;
  if (c.type) head += ` (${c.type})`;
  head += ' :';
  if (c.lma) head += ` AT(${printExpression(c.lma)})`;
  if (c.align) head += ` ALIGN(${printExpression(c.align)})`;
  if (c.alignWithInput) head += ' ALIGN_WITH_INPUT';
  if (c.subalign) head += ` SUBALIGN(${printExpression(c.subalign)})`;
  if (c.constraint) head += ` ${c.constraint}`;
  return `${indent}${head}\n${indent}{\n${printBody(c.commands, `${indent}  `)}${indent}}${printTail(c)}\n`;
}

function printOverlay(c: OverlayDescription, indent: string): string {
  let head = 'OVERLAY';
  if (c.address) head += ` ${printExpression(c.address, UNARY)}`;
  head += ' :';
  if (c.noCrossRefs) head += ' NOCROSSREFS';
  if (c.lma) head += ` AT(${printExpression(c.lma)})`;
  const inner = `${indent}  `;
  const members = c.sections.map((m) =>
    `${inner}${quoteName(m.name, 'script')}\n${inner}{\n${printBody(m.commands, `${inner}  `)}${inner}}${printTail(m)}\n`).join('');
  return `${indent}${head}\n${indent}{\n${members}${indent}}${printTail(c)}\n`;
}

function printOutputSectionCommand(c: OutputSectionCommand): string {
  switch (c.kind) {
    case 'assignment': return printAssignment(c, 'wild');
    case 'assert': return `ASSERT(${printExpression(c.condition)}, "${c.message}")`;
    case 'input': return printInputSection(c);
    case 'data': return `${c.size}(${printExpression(c.value)})`;
    case 'fill': return `FILL(${printExpression(c.value)})`;
    case 'createObjectSymbols': return 'CREATE_OBJECT_SYMBOLS';
    case 'constructors': return 'CONSTRUCTORS';
    case 'sortConstructors': return 'SORT(CONSTRUCTORS)';
    case 'include': return `INCLUDE ${quoteName(c.file, 'script')}`;
  }
}

const SORT_WRAPPERS: Record<SortOrder, [string, string]> = {
  'unsorted': ['', ''],
  'none': ['SORT_NONE(', ')'],
  'name': ['SORT_BY_NAME(', ')'],
  'alignment': ['SORT_BY_ALIGNMENT(', ')'],
  'name-alignment': ['SORT_BY_NAME(SORT_BY_ALIGNMENT(', '))'],
  'alignment-name': ['SORT_BY_ALIGNMENT(SORT_BY_NAME(', '))'],
  'init-priority': ['SORT_BY_INIT_PRIORITY(', ')'],
};

function withExclude(excludeFiles: string[], pattern: string): string {
  const exclude = excludeFiles.length ? `EXCLUDE_FILE(${excludeFiles.map((f) => quoteName(f, 'wild')).join(' ')}) ` : '';
  return `${exclude}${quoteName(pattern, 'wild')}`;
}

function printSectionPattern(p: SectionPattern): string {
  const [open, close] = SORT_WRAPPERS[p.sort];
  return `${open}${withExclude(p.excludeFiles, p.pattern)}${close}`;
}

function printInputSection(c: InputSectionDescription): string {
  const [open, close] = SORT_WRAPPERS[c.fileSort];
  let text = `${open}${withExclude(c.excludeFiles, c.filePattern)}${close}`;
  if (c.sections) text += `(${c.sections.map(printSectionPattern).join(' ')})`;
  return c.keep ? `KEEP(${text})` : text;
}
