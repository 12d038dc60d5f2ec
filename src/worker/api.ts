// The typed surface between the page and the ELF worker: plain, structured-cloneable data only.
// No logic here; the worker implements `WorkerApi` (session.ts) and the page calls it via client.ts.
// Big buffers cross as transferred ArrayBuffers; rows come back in pages, never whole tables.

import type { ProgramHeader, SectionHeader } from '../elf/types.ts';
import type { Diagnostic } from '../pipeline/stage.ts';
import type { PreviewValue } from './record-preview.ts';
import type { Disassembly, DisassemblyQuery } from './disassemble.ts';
import type { ArtifactDiff } from './diff.ts';
import type { PostlinkOptions, PostlinkView } from './postlink-run.ts';
import type { KaslrEntryPage, KaslrEntryQuery, KaslrEntryRow } from './kaslr-entries.ts';
import type { LinkMapPage, LinkMapQuery, PlacedSectionRow, SymbolSourceRow } from './link-map.ts';
import type { FoundRelocation, RelocationSearch } from './relocation-finder.ts';
import type { TextFindQuery, TextMatch } from './text-search.ts';
import type { ExtableRow, KernelTablePage, KernelTableQuery, OrcRow } from './kernel-tables.ts';
import type { SymbolReference, SymbolReferenceQuery, SymbolReferences } from './symbol-references.ts';

export type { LinkMapPage, LinkMapQuery, PlacedSectionRow, SymbolSourceRow, FoundRelocation, RelocationSearch, TextFindQuery, TextMatch, ExtableRow, KernelTablePage, KernelTableQuery, OrcRow };
export type { PreviewValue, Disassembly, DisassemblyQuery, ArtifactDiff, PostlinkOptions, PostlinkView, KaslrEntryPage, KaslrEntryQuery, KaslrEntryRow, SymbolReference, SymbolReferenceQuery, SymbolReferences };

/** The file header, flattened (no views into the file, so cloning never copies the whole file). */
export interface HeaderSummary {
  elfClass: 32 | 64;
  littleEndian: boolean;
  type: number;
  typeName: string;
  machine: number;
  machineName: string;
  osabi: number;
  entry: bigint;
  flags: number;
  shnum: number;
  phnum: number;
  shstrndx: number;
}

/** A section header as the UI lists it: the ELF record plus readelf's names for it. */
export interface SectionRow extends Omit<SectionHeader, 'nameOffset'> {
  typeName: string;
  /** readelf's flag letters (W A X M S I L O G T C E R). */
  flagLetters: string;
  /** Entries when the section is a symbol or relocation table, else 0. */
  entries: number;
}

/** A program header as the UI lists it: the ELF record plus readelf's names. */
export interface SegmentRow extends ProgramHeader {
  typeName: string;
  flagLetters: string;
  /** Indices of the allocated sections that lie inside this segment's memory image. */
  sections: number[];
}

export type ArtifactKind = 'elf' | 'text' | 'binary';

/** What `open` and stage runs return for each artifact: enough to draw the section table at once. */
export interface ArtifactSummary {
  name: string;
  size: number;
  kind: ArtifactKind;
  /** Set for ELF artifacts. */
  header?: HeaderSummary;
  sections: SectionRow[];
  segments: SegmentRow[];
  /** Section indices of SHT_SYMTAB / SHT_DYNSYM tables. */
  symbolTables: number[];
  /** Section indices of SHT_REL / SHT_RELA tables. */
  relocationSections: number[];
  /** Line count for text artifacts. */
  lines: number;
  /** Set for an `ar` archive (a static library, kind 'binary'): what its headers list. */
  archive?: { thin: boolean; members: string[]; symbols: number };
  /** True for the early summary of a file still being read: headers only, no table or byte can be
   *  queried yet (the worker does not hold the artifact until the read completes). */
  loading?: boolean;
}

/** What `openFile` reports before it resolves: the headers' summary once, then read progress. */
export type OpenEvent =
  | { kind: 'headers'; summary: ArtifactSummary }
  | { kind: 'progress'; done: number; total: number };

export type SymbolColumn = 'index' | 'name' | 'value' | 'size' | 'type' | 'bind' | 'section';

export interface SymbolQuery {
  file: string;
  /** Symbol table section index; defaults to the first SHT_SYMTAB (else SHT_DYNSYM). */
  table?: number;
  /** Substring (case-insensitive) or, with `regex`, a JavaScript regular expression on the name. */
  filter?: string;
  regex?: boolean;
  sort?: { column: SymbolColumn; descending: boolean };
  start: number;
  count: number;
}

export interface SymbolRow {
  index: number;
  name: string;
  value: bigint;
  size: bigint;
  type: string;
  bind: string;
  visibility: string;
  shndx: number;
  /** Section name, or UND / ABS / COMMON. */
  section: string;
}

export interface SymbolPage {
  table: number;
  /** Symbols in the table. */
  tableCount: number;
  /** Symbols that match the filter. */
  total: number;
  start: number;
  rows: SymbolRow[];
}

export interface RelocationQuery {
  file: string;
  section: number;
  start: number;
  count: number;
}

export interface RelocationRow {
  index: number;
  offset: bigint;
  type: number;
  typeName: string;
  sym: number;
  symbolName: string;
  symbolValue: bigint;
  addend: bigint;
  /** File offset of the bytes this relocation patches, or -1 when they are not in the file. */
  place: number;
  /** Width of the patched field in bytes (0 when the type is unknown). */
  width: number;
  /** S + A or S + A - P when the file is linked and the type's formula is known. */
  value?: bigint;
  /** The field's bytes as they are in the file now. */
  bytes: number[];
  /** The field's bytes before the stage patched them, when the stage's record has them. */
  before?: number[];
  /** The instruction rewrite the linker made around the field (e.g. "GOTPCRELX mov → mov $imm"). */
  relaxed?: string;
}

export interface RelocationPage {
  section: number;
  /** Section whose bytes the relocations patch (sh_info). */
  target: number;
  targetName: string;
  total: number;
  start: number;
  rows: RelocationRow[];
}

export interface TextPage {
  total: number;
  start: number;
  lines: string[];
  /** How the bytes were read: UTF-8 when they all decode as UTF-8 (and are not plain ASCII), else Latin-1. */
  encoding: 'utf-8' | 'latin1';
}

/** A rule of the build graph as the timeline shows it: description, status and record preview. */
export interface StageInfo {
  id: string;
  title: string;
  explanation: string;
  follows: string;
  /** Artifact names the stage reads (resolved alternatives) and writes. */
  inputs: string[];
  outputs: string[];
  /** False for a stage this build does not have yet (listed so the timeline is complete). */
  available: boolean;
  status: 'pending' | 'up-to-date' | 'failed' | 'blocked' | 'superseded' | 'unavailable';
  why?: string;
  ms?: number;
  runs: number;
  /** Counts from the record of the latest run. */
  summary: string[];
  /** The record of the latest run, cut to a bounded preview. */
  record?: PreviewValue;
  diagnostics: Diagnostic[];
}

/** One step of the graph: which rule ran (or came from the cache, or failed) and what it wrote. */
export interface StepRun {
  stage: string;
  action: 'ran' | 'cached' | 'failed';
  ms: number;
  outputs: ArtifactSummary[];
}

export interface Progress {
  done: number;
  total: number;
  message: string;
}

/** A user-caused failure, flattened so it survives the worker boundary with its location. */
export interface WorkerFailure {
  name: string;
  message: string;
  file?: string;
  offset?: number;
  diagnostics?: Diagnostic[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WorkerFailure };

export interface WorkerApi {
  /** Opens ELF or text bytes; other binary files only with `allowBinary`. */
  open(name: string, buffer: ArrayBuffer, allowBinary?: boolean): Promise<Outcome<ArtifactSummary>>;
  /** Reads a user's file in the worker, headers first (`onEvent` gets their summary before the rest
   *  of the file is read), then opens it as `open` does. */
  openFile(name: string, file: Blob, allowBinary?: boolean, onEvent?: (e: OpenEvent) => void): Promise<Outcome<ArtifactSummary>>;
  /** Stops every `openFile` read in flight; they resolve with an AbortError failure. */
  cancelReads(): Promise<void>;
  close(name: string): Promise<void>;
  list(): Promise<ArtifactSummary[]>;
  querySymbols(q: SymbolQuery): Promise<Outcome<SymbolPage>>;
  queryRelocations(q: RelocationQuery): Promise<Outcome<RelocationPage>>;
  /** The relocation that patches a place (an address or symbol+offset), else the next one after it. */
  findRelocation(q: RelocationSearch): Promise<Outcome<FoundRelocation>>;
  /** The relocations that name a symbol (by its index in its table), with the places they patch. */
  symbolReferences(q: SymbolReferenceQuery): Promise<Outcome<SymbolReferences>>;
  /** A page of the link map of an image the link stage wrote: input sections placed or discarded,
   *  or where each global symbol came from. */
  queryLinkMap(q: LinkMapQuery): Promise<Outcome<LinkMapPage>>;
  /** A page of the tables sorttable sorts (__ex_table, ORC) in an image, with how far from sorted. */
  queryKernelTable(q: KernelTableQuery): Promise<Outcome<KernelTablePage>>;
  /** A page of a vmlinux.relocs file's entries, placed in the image it was made from (`image`). */
  queryKaslrEntries(q: KaslrEntryQuery): Promise<Outcome<KaslrEntryPage>>;
  /** The vmlinux.relocs entries (file-order numbers) naming the field at `address` of `image`. */
  findKaslrEntries(q: { file: string; image: string; address: bigint }): Promise<Outcome<{ entry: number; list: KaslrEntryRow['list'] }[]>>;
  /** Up to 1 MiB of a file's bytes from `offset` (clamped to the file). */
  readBytes(file: string, offset: number, length: number): Promise<Outcome<Uint8Array>>;
  readLines(file: string, start: number, count: number): Promise<Outcome<TextPage>>;
  /** The next (or previous) line of a text artifact holding some text, case-insensitive, wrapping. */
  findText(q: TextFindQuery): Promise<Outcome<TextMatch>>;
  /** The build graph's stages with their current status. */
  stages(): Promise<StageInfo[]>;
  /** Follows another kernel version's graph ('6.1' or '6.15'+). */
  setKernel(kernel: string): Promise<Outcome<StageInfo[]>>;
  /** Sets what to build: a sample's ld arguments (a kernel-style link feeds the kernel graph), or none. */
  setBuild(plan: { ld?: string[] }): Promise<Outcome<StageInfo[]>>;
  /** Runs the next stage with work to do; null when everything that can run is up to date. */
  step(onProgress?: (p: Progress) => void): Promise<Outcome<StepRun | null>>;
  /** x86-64 instructions around one relocation, the relocated field marked (iced-x86). */
  disassemble(q: DisassemblyQuery): Promise<Outcome<Disassembly>>;
  /** Sections added, removed and changed from artifact `a` to artifact `b`. */
  diff(a: string, b: string): Promise<Outcome<ArtifactDiff>>;
  /** Sets the displacement the kaslr stage applies (hex or decimal, a multiple of 2 MiB to be realistic). */
  setKaslrOffset(offset: string): Promise<Outcome<StageInfo[]>>;
  /** Replays the 6.2–6.14 postlink recipe (one vmlinux mutated in place) on the opened kernel files. */
  postlink(options: PostlinkOptions): Promise<Outcome<PostlinkView>>;
}
