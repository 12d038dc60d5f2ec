// The one mutable object a link works on: inputs, symbols, output sections, layout and the record.
// Passes (src/link/passes) read and extend it in order; nothing here runs a pass or holds
// module-level state, so two links can run side by side (lld's Ctx, mold's Context).
import type { ElfFile, SymbolTable } from '../elf/index.ts';
import type { Diagnostic } from '../pipeline/stage.ts';
import type { Assignment, AssertStatement, DataStatement, LinkerScript, OutputSectionDescription, ProgramHeaderDescription } from './script/index.ts';
import type { LinkOptions } from './options.ts';
import type { LinkRecord } from './record.ts';
import type { RelocationPlan } from './relocation-plan.ts';
import type { SymbolTableOutput } from './passes/build-symbol-table.ts';

/** One relocatable object taking part in the link (a file, or an archive member pulled in). */
export interface ObjectFile {
  /** Position in link order. */
  index: number;
  /** Name as ld prints it: `a.o` or `libc.a(printf.o)`. */
  name: string;
  /** The file name alone (for script file patterns). */
  fileName: string;
  /** The archive's name when this is a member. */
  archive?: string;
  /** Where this object's bytes sit among the link's input files: the file's name as given, and the
   *  offset of the object in it (an archive member's data inside its archive; 0 for an object). */
  source: { file: string; offset: number };
  elf: ElfFile;
  symtab?: SymbolTable;
  /** Per input section index: the section taking part, or undefined (tables, groups, discarded). */
  sections: (InputSection | undefined)[];
  /** Per symbol index ≥ firstGlobal: the global symbol it binds to. */
  globals: GlobalSymbol[];
  /** Per local symbol index: its index in the output symbol table (0 when not written). */
  localOutputIndex: Int32Array;
}

/** A piece of the output: an input section, or one made by the linker (build-id note, GOT). */
export interface InputSection {
  file: ObjectFile;
  /** Index in `file`'s section headers (-1 for linker-made sections). */
  index: number;
  name: string;
  type: number;
  flags: bigint;
  entsize: number;
  align: number;
  /** Size in the output (after string merging). */
  size: number;
  /** Contents (empty for NOBITS): the input's, or the merged note of a .note.gnu.property. */
  data: Uint8Array;
  /** Index of its SHT_RELA section in `file`, or -1. */
  relocationSection: number;
  output?: OutputSection;
  /** Offset inside `output`. */
  offset: number;
  /** Placed in /DISCARD/ (or garbage-collected). */
  discarded: boolean;
  /** Set by --gc-sections marking. */
  live: boolean;
  keep: boolean;
  /** For SHF_MERGE|SHF_STRINGS sections: how input offsets map to output offsets. */
  merge?: MergeMap;
  /** For an edited .eh_frame (passes/edit-eh-frames.ts): its CIE/FDE entries. */
  ehFrame?: EhFrameEntry[];
}

/** One .eh_frame record: where it was, whether it stays, where it goes in the section. */
export interface EhFrameEntry {
  kind: 'cie' | 'fde' | 'terminator';
  start: number;
  /** Bytes in the output: the input's, then without trailing DW_CFA_nop padding (re-padded to 4),
   *  plus any alignment padding ld puts inside the entry before the next one. */
  size: number;
  /** Bytes in the input (length field included). */
  inputSize: number;
  /** The size without trailing DW_CFA_nop padding, re-padded to 4 bytes. */
  trimmedSize?: number;
  /** Where ld starts the entry in the output: 4, or an FDE's address width when wider. */
  alignment: number;
  section: InputSection;
  /** An FDE's CIE (in the same input section). */
  cie?: EhFrameEntry;
  /** A CIE identical to an earlier one, which stands in for it. */
  sameAs?: EhFrameEntry;
  removed: boolean;
  /** Offset in the edited section; -1 when dropped. */
  outputStart: number;
}

/** String-merge result for one input section: input string starts, and the output offset each
 *  string (or its suffix) landed at, possibly inside another input section of the group. */
export interface MergeMap {
  /** Input offsets where strings start, ascending. */
  starts: Uint32Array;
  /** The section holding each string after merging. */
  holders: InputSection[];
  holderOf: Uint32Array;
  /** Offset inside the holder section. */
  outputOffsets: Uint32Array;
  /** The kept, deduplicated bytes of this section. */
  bytes: Uint8Array;
}

export interface GlobalSymbol {
  name: string;
  /** Defining file, or undefined for undefined symbols / script symbols. */
  file?: ObjectFile;
  /** Symbol index in the defining file. */
  fileIndex: number;
  binding: number;
  type: number;
  visibility: number;
  size: bigint;
  /** Input section, or undefined for absolute/undefined/script symbols. */
  section?: InputSection;
  /** Offset in `section` (before merging) or absolute value. */
  value: bigint;
  defined: boolean;
  common: boolean;
  /** Defined by the linker script (value and outputSection set by assignAddresses). */
  scriptDefined?: boolean;
  /** Made hidden by the script (HIDDEN, PROVIDE_HIDDEN) or by ld itself (__ehdr_start): written local. */
  linkerHidden?: boolean;
  /** For script-defined symbols: the output section it is relative to (undefined = ABS). */
  outputSection?: OutputSection;
  /** Referenced by some input (for PROVIDE and archive extraction). */
  referenced: boolean;
  /** Final address, set by assignAddresses. */
  address: bigint;
  /** Index in the output symbol table. */
  outputIndex: number;
}

export interface OutputSection {
  name: string;
  /** Output section header index (set when the section list is final). */
  index: number;
  type: number;
  flags: bigint;
  entsize: number;
  align: number;
  address: bigint;
  loadAddress: bigint;
  size: number;
  /** Input sections in output order. */
  members: InputSection[];
  /** Program headers named by the script (`:text`). */
  phdrs: string[];
  /** Fill pattern between input sections (`=0xcccc`), as bytes repeated. */
  fill?: Uint8Array;
  /** Kept although empty: the script assigned to `.` inside it. */
  keep: boolean;
  /** Index in the script's SECTIONS list, or -1 for orphans and linker-made sections. */
  statement: number;
  /** The output bytes, filled by applyRelocations' copy step. */
  data?: Uint8Array;
  /** Data statements (BYTE/LONG/QUAD...) at offsets, written after input sections. */
  dataWords: { offset: number; size: number; value: bigint }[];
  /** Not in the output: empty and not kept. */
  removed: boolean;
  /** For a removed section: the kept section its symbols move to (ld's nearby-section rule). */
  replacement?: OutputSection;
}

/** The SECTIONS program after placement: what assignAddresses walks to lay the output out. */
export type LayoutCommand =
  | { kind: 'assignment'; assignment: Assignment }
  | { kind: 'assert'; assert: AssertStatement }
  | { kind: 'output'; section: OutputSection; items: LayoutItem[]; description?: OutputSectionDescription };

export type LayoutItem =
  | { kind: 'input'; sections: InputSection[] }
  | { kind: 'assignment'; assignment: Assignment }
  | { kind: 'assert'; assert: AssertStatement }
  | { kind: 'data'; data: DataStatement };

export interface LinkInput {
  name: string;
  bytes: Uint8Array;
}

export interface LinkContext {
  options: LinkOptions;
  /** Files by name (inputs, -l libraries, scripts), as handed to link(). */
  files: Map<string, Uint8Array>;
  objects: ObjectFile[];
  symbols: Map<string, GlobalSymbol>;
  script?: LinkerScript;
  /** The built-in static-executable script is in use (no -T). */
  usingDefaultScript: boolean;
  outputSections: OutputSection[];
  /** The SECTIONS program with input sections matched (placeSections). */
  layout: LayoutCommand[];
  /** PHDRS from the script, if any. */
  phdrs?: ProgramHeaderDescription[];
  /** Linker-made input sections (build-id note). */
  synthetic: { buildId?: InputSection; got?: InputSection; gotPlt?: InputSection; common?: InputSection };
  /** Symbols needing GOT slots, in slot order, and slot by key (see scanRelocations' gotKey). */
  gotSlots: { objIndex: number; sym: number }[];
  gotIndex: Map<string, number>;
  /** IFUNC stubs, slots and IRELATIVE entries (chunks/iplt.ts), when any relocation reaches one. */
  iplt?: { symbols: GlobalSymbol[]; index: Map<GlobalSymbol, number>; stubs: InputSection; slots: InputSection; relocations: InputSection };
  /** Per input section with relocations: the relaxation chosen for each (arch Relax values). */
  relaxations: Map<InputSection, Uint8Array>;
  diagnostics: Diagnostic[];
  /** Errors collected in a pass, raised together at the end of it. */
  errors: Diagnostic[];
  record: LinkRecord;
  /** Every relocation's S, A, P and target (applyRelocations), reused by emit and verify. */
  plan?: RelocationPlan;
  /** .symtab/.strtab bytes and section indices (buildSymbolTable). */
  symbolTable?: SymbolTableOutput;
  /** .rela sections for --emit-relocs, by output section (emitRelocations). */
  emitted: Map<OutputSection, Uint8Array>;
  /** Per .rela entry, 1 where it is written as the input had it though a TLS rewrite changed the
   *  bytes (ld's way), so the bytes no longer follow its formula (verify skips those). */
  emittedAsInput: Map<OutputSection, Uint8Array>;
  /** Archive members already linked ("archive@headerOffset"), so a rescan never adds one twice. */
  extractedMembers: Set<string>;
  /** (symbol, file) pairs already reported as undefined references (ld reports each once). */
  reportedUndefined: Set<string>;
  /** Globals only the calls of relaxed TLS sequences name (__tls_get_addr): no value needed, but
   *  --emit-relocs writes them, undefined or not, as ld does. */
  tlsCallTargets: Set<GlobalSymbol>;
  /** Each global's place in ld's symbol hash walk, once every name exists (hashWalkRank's memo:
   *  GOT/IFUNC slot order and the symbol table both need it). */
  hashRank?: Map<string, number>;
  /** Symbols the script assigns (PROVIDE aside), in statement order: they enter ld's symbol hash
   *  table when the script is read (layout/symbol-hash-order.ts). */
  scriptAssignments: string[];
  /** The -z relro range the data-segment layout settled on, when it holds something (PT_GNU_RELRO). */
  relroRegion?: { start: bigint; end: bigint };
  /** ENTRY(...) or -e; the entry address is resolved by writeOutput. */
  entrySymbol?: string;
  entry: bigint;
}

export function createContext(options: LinkOptions, inputs: LinkInput[], record: LinkRecord): LinkContext {
  return {
    options,
    files: new Map(inputs.map((f) => [f.name, f.bytes])),
    objects: [],
    symbols: new Map(),
    outputSections: [],
    layout: [],
    usingDefaultScript: false,
    synthetic: {},
    gotSlots: [],
    gotIndex: new Map(),
    relaxations: new Map(),
    emitted: new Map(),
    emittedAsInput: new Map(),
    reportedUndefined: new Set(),
    tlsCallTargets: new Set(),
    extractedMembers: new Set(),
    scriptAssignments: [],
    diagnostics: [],
    errors: [],
    record,
    entry: 0n,
  };
}

export function newGlobal(name: string): GlobalSymbol {
  // Every field present from the start: all globals share one object shape, so the per-symbol
  // loops of later passes read them through monomorphic property accesses.
  return {
    name, file: undefined, fileIndex: 0, binding: 1, type: 0, visibility: 0, size: 0n, section: undefined, value: 0n,
    defined: false, common: false, scriptDefined: false, linkerHidden: false, outputSection: undefined,
    referenced: false, address: 0n, outputIndex: 0,
  };
}
