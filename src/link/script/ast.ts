// The typed syntax tree of a GNU ld linker script, as produced by `parseLinkerScript`.
// It records what the script says, not what it means: nothing here is evaluated or laid out
// (see evaluate.ts for expressions); node shapes follow the grammar in ld's manual (binutils 2.40).

/** Where a node starts in its script (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type BinaryOperator =
  | '*' | '/' | '%'
  | '+' | '-'
  | '<<' | '>>'
  | '<' | '>' | '<=' | '>='
  | '==' | '!='
  | '&' | '|'
  | '&&' | '||';

export type UnaryOperator = '-' | '+' | '!' | '~';

/** Builtins taking expressions: `ALIGN(a)`/`ALIGN(e, a)`, `ABSOLUTE(e)`, `MAX(a, b)`, `MIN(a, b)`,
 *  `LOG2CEIL(e)`, `NEXT(e)`, `BLOCK(e)` (= ALIGN), `DATA_SEGMENT_ALIGN(max, common)`,
 *  `DATA_SEGMENT_END(e)`, `DATA_SEGMENT_RELRO_END(offset, e)`. */
export type CallFunction =
  | 'ALIGN' | 'BLOCK' | 'ABSOLUTE' | 'MAX' | 'MIN' | 'LOG2CEIL' | 'NEXT'
  | 'DATA_SEGMENT_ALIGN' | 'DATA_SEGMENT_END' | 'DATA_SEGMENT_RELRO_END';

/** Builtins taking an output section name. */
export type SectionFunction = 'ADDR' | 'LOADADDR' | 'SIZEOF' | 'ALIGNOF';

export type Expression =
  /** A number; `text` is the spelling in the script (`0x1000`, `4K`, `PT_LOAD`) for printing. */
  | { kind: 'number'; value: bigint; text: string; loc: SourceLocation }
  /** The location counter `.`. */
  | { kind: 'dot'; loc: SourceLocation }
  /** A symbol reference (quoted names arrive unquoted). */
  | { kind: 'symbol'; name: string; loc: SourceLocation }
  | { kind: 'unary'; op: UnaryOperator; operand: Expression; loc: SourceLocation }
  | { kind: 'binary'; op: BinaryOperator; left: Expression; right: Expression; loc: SourceLocation }
  | { kind: 'conditional'; condition: Expression; whenTrue: Expression; whenFalse: Expression; loc: SourceLocation }
  | { kind: 'call'; fn: CallFunction; args: Expression[]; loc: SourceLocation }
  | { kind: 'section'; fn: SectionFunction; section: string; loc: SourceLocation }
  /** `DEFINED(symbol)`. */
  | { kind: 'defined'; symbol: string; loc: SourceLocation }
  /** `SIZEOF_HEADERS` (also spelled `sizeof_headers`). */
  | { kind: 'sizeofHeaders'; loc: SourceLocation }
  /** `CONSTANT(MAXPAGESIZE)` / `CONSTANT(COMMONPAGESIZE)`. */
  | { kind: 'constant'; name: 'MAXPAGESIZE' | 'COMMONPAGESIZE'; loc: SourceLocation }
  /** `ORIGIN(region)` / `LENGTH(region)` of a MEMORY region. */
  | { kind: 'region'; fn: 'ORIGIN' | 'LENGTH'; region: string; loc: SourceLocation }
  /** `SEGMENT_START("segment", default)`. */
  | { kind: 'segmentStart'; segment: string; fallback: Expression; loc: SourceLocation }
  /** `ASSERT(condition, "message")` used as an expression (`. = ASSERT(...)`): yields `condition`. */
  | { kind: 'assert'; condition: Expression; message: string; loc: SourceLocation };

// ---------------------------------------------------------------------------------------------
// Statements shared by several contexts

export type AssignmentOperator = '=' | '+=' | '-=' | '*=' | '/=' | '<<=' | '>>=' | '&=' | '|=';

/** `target op expr;`, optionally wrapped in `PROVIDE(...)`, `PROVIDE_HIDDEN(...)` or `HIDDEN(...)`.
 *  `target` is `.` for location-counter assignments. */
export interface Assignment {
  kind: 'assignment';
  target: string;
  op: AssignmentOperator;
  value: Expression;
  provide?: 'PROVIDE' | 'PROVIDE_HIDDEN' | 'HIDDEN';
  loc: SourceLocation;
}

/** `ASSERT(condition, "message")` as a statement. */
export interface AssertStatement {
  kind: 'assert';
  condition: Expression;
  message: string;
  loc: SourceLocation;
}

/** `INCLUDE file`, with the commands of the included file parsed in the including context. */
export interface Include<TCommand> {
  kind: 'include';
  file: string;
  commands: TCommand[];
  loc: SourceLocation;
}

// ---------------------------------------------------------------------------------------------
// Input section descriptions (inside an output section)

/** How matched sections (or files) are ordered. `unsorted` is the default (input order, subject
 *  to --sort-section); `none` is `SORT_NONE` (input order, ignoring --sort-section). Nested forms
 *  are `name-alignment` = `SORT_BY_NAME(SORT_BY_ALIGNMENT(...))` and `alignment-name` the reverse.
 *  `SORT` is a synonym of `SORT_BY_NAME`. */
export type SortOrder =
  | 'unsorted' | 'none' | 'name' | 'alignment' | 'name-alignment' | 'alignment-name' | 'init-priority';

/** One section-name pattern with its own `EXCLUDE_FILE(...)` list (the placement inside the
 *  parentheses: `*(EXCLUDE_FILE(a.o) .text)`). Wildcards: `*`, `?`, `[chars]`. */
export interface SectionPattern {
  pattern: string;
  excludeFiles: string[];
  sort: SortOrder;
}

/** `filePattern(sectionPatterns...)`, possibly in `KEEP(...)`. `sections` is undefined for a bare
 *  file name (every section of that file). `excludeFiles` is the placement before the file
 *  pattern (`EXCLUDE_FILE(a.o) *(.text)`), which applies to every section pattern. */
export interface InputSectionDescription {
  kind: 'input';
  filePattern: string;
  fileSort: SortOrder;
  excludeFiles: string[];
  sections?: SectionPattern[];
  keep: boolean;
  loc: SourceLocation;
}

/** `BYTE(e)`, `SHORT(e)`, `LONG(e)`, `QUAD(e)`, `SQUAD(e)`: 1, 2, 4, 8, 8 bytes. */
export type DataSize = 'BYTE' | 'SHORT' | 'LONG' | 'QUAD' | 'SQUAD';
export interface DataStatement {
  kind: 'data';
  size: DataSize;
  value: Expression;
  loc: SourceLocation;
}

export type OutputSectionCommand =
  | Assignment
  | AssertStatement
  | InputSectionDescription
  | DataStatement
  | { kind: 'fill'; value: Expression; loc: SourceLocation }
  | { kind: 'createObjectSymbols'; loc: SourceLocation }
  | { kind: 'constructors'; loc: SourceLocation }
  /** `SORT(CONSTRUCTORS)` (used by a.out/ECOFF scripts). */
  | { kind: 'sortConstructors'; loc: SourceLocation }
  | Include<OutputSectionCommand>;

// ---------------------------------------------------------------------------------------------
// SECTIONS

export type OutputSectionType = 'NOLOAD' | 'COPY' | 'INFO' | 'OVERLAY' | 'DSECT' | 'READONLY';

/** `name [address] [(type)] : [AT(lma)] [ALIGN(a) | ALIGN_WITH_INPUT] [SUBALIGN(a)] [constraint]
 *  { commands } [>region] [AT>lmaRegion] [:phdr ...] [=fill]`. `/DISCARD/` is an ordinary name. */
export interface OutputSectionDescription {
  kind: 'outputSection';
  name: string;
  address?: Expression;
  type?: OutputSectionType;
  lma?: Expression;
  align?: Expression;
  alignWithInput?: boolean;
  subalign?: Expression;
  constraint?: 'ONLY_IF_RO' | 'ONLY_IF_RW';
  commands: OutputSectionCommand[];
  region?: string;
  lmaRegion?: string;
  /** Program headers named after `:` (`NONE` means none), in order. */
  phdrs: string[];
  fill?: Expression;
  loc: SourceLocation;
}

/** One section of an `OVERLAY`: `name { commands } [:phdr ...] [=fill]`. */
export interface OverlaySection {
  name: string;
  commands: OutputSectionCommand[];
  phdrs: string[];
  fill?: Expression;
  loc: SourceLocation;
}

/** `OVERLAY [start] : [NOCROSSREFS] [AT(lma)] { sections } [>region] [:phdr ...] [=fill]`. */
export interface OverlayDescription {
  kind: 'overlay';
  address?: Expression;
  noCrossRefs: boolean;
  lma?: Expression;
  sections: OverlaySection[];
  region?: string;
  phdrs: string[];
  fill?: Expression;
  loc: SourceLocation;
}

export type SectionsCommand =
  | Assignment
  | AssertStatement
  | OutputSectionDescription
  | OverlayDescription
  | { kind: 'entry'; symbol: string; loc: SourceLocation }
  | Include<SectionsCommand>;

// ---------------------------------------------------------------------------------------------
// PHDRS and MEMORY

/** `name type [FILEHDR] [PHDRS] [AT(address)] [FLAGS(flags)];`. `type` is a number expression;
 *  the `PT_*` names are parsed to numbers whose `text` keeps the name. */
export interface ProgramHeaderDescription {
  name: string;
  type: Expression;
  fileHeader: boolean;
  programHeaders: boolean;
  at?: Expression;
  flags?: Expression;
  loc: SourceLocation;
}

/** `name [(attributes)] : ORIGIN = e, LENGTH = e`. `attributes` is the raw text, e.g. `rx` or `!w`. */
export interface MemoryRegion {
  name: string;
  attributes?: string;
  origin: Expression;
  length: Expression;
  loc: SourceLocation;
}

// ---------------------------------------------------------------------------------------------
// Top level

/** An input file in `INPUT(...)`/`GROUP(...)`; `-lfoo` is kept as written. */
export interface InputFile {
  name: string;
  asNeeded: boolean;
}

export type ScriptCommand =
  | Assignment
  | AssertStatement
  | { kind: 'entry'; symbol: string; loc: SourceLocation }
  | { kind: 'outputFormat'; formats: string[]; loc: SourceLocation }
  | { kind: 'outputArch'; arch: string; loc: SourceLocation }
  | { kind: 'output'; file: string; loc: SourceLocation }
  | { kind: 'target'; format: string; loc: SourceLocation }
  | { kind: 'searchDir'; path: string; loc: SourceLocation }
  | { kind: 'startup'; file: string; loc: SourceLocation }
  | { kind: 'input'; files: InputFile[]; loc: SourceLocation }
  | { kind: 'group'; files: InputFile[]; loc: SourceLocation }
  | { kind: 'extern'; symbols: string[]; loc: SourceLocation }
  | { kind: 'noCrossRefs'; sections: string[]; to: boolean; loc: SourceLocation }
  | { kind: 'regionAlias'; alias: string; region: string; loc: SourceLocation }
  | { kind: 'forceCommonAllocation'; loc: SourceLocation }
  | { kind: 'inhibitCommonAllocation'; loc: SourceLocation }
  | { kind: 'insert'; position: 'AFTER' | 'BEFORE'; section: string; loc: SourceLocation }
  | { kind: 'phdrs'; headers: ProgramHeaderDescription[]; loc: SourceLocation }
  | { kind: 'memory'; regions: MemoryRegion[]; loc: SourceLocation }
  | { kind: 'sections'; commands: SectionsCommand[]; loc: SourceLocation }
  | Include<ScriptCommand>;

/** A parsed script: its file name and its top-level commands in order. */
export interface LinkerScript {
  file: string;
  commands: ScriptCommand[];
}

/** Reads an `INCLUDE`d file (relative to the caller's search path); undefined when not found. */
export type ScriptFileReader = (name: string) => string | undefined;
