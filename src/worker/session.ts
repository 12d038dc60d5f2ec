// The worker's state and the WorkerApi implementation: opened artifacts by name, their lazily built
// indexes, and stage runs that add new artifacts. Pure TypeScript over Uint8Arrays: the same code
// runs in a browser worker, a Node worker_thread and directly in tests.
// User-caused failures come back as `{ ok: false, error }` with file and offset; nothing throws out.

import { ElfFormatError, EM_X86_64, isArchive, isElf, readArchive, readElf, type ElfFile } from '../elf/index.ts';
import { StageError } from '../pipeline/stage.ts';
import type {
  ArtifactSummary, OpenEvent, Outcome, Progress, RelocationPage, RelocationQuery, StepRun, SymbolPage,
  SymbolQuery, TextPage, WorkerApi, WorkerFailure,
} from './api.ts';
import { diffSections } from './diff.ts';
import { readFileHeadersFirst } from './file-read.ts';
import { disassembleAround, ripFieldEnd, type IcedModule } from './disassemble.ts';
import { PipelineRunner } from './pipeline-runner.ts';
import { createPostlinkRunner, postlinkSources } from './postlink-run.ts';
import { fieldHistoryOf, type FieldHistoryCache } from './field-history.ts';
import { isLinkRecord, LinkMap } from './link-map.ts';
import { findRelocation } from './relocation-finder.ts';
import { relocationPage } from './relocation-rows.ts';
import { summarizeElf, summarizeOther } from './summary.ts';
import { SymbolIndex } from './symbol-index.ts';
import { KaslrEntryIndex } from './kaslr-entries.ts';
import { symbolReferences, type FieldEnd } from './symbol-references.ts';
import { decodeText, indexLines, looksLikeText, readLines, textEncodingOf, type TextEncodingName } from './text-index.ts';
import { TextSearch } from './text-search.ts';
import { KernelTables } from './kernel-tables.ts';

interface Artifact {
  bytes: Uint8Array;
  elf?: ElfFile;
  lineStarts?: Uint32Array;
  textEncoding?: TextEncodingName;
  textSearch?: TextSearch;
  kernelTables?: KernelTables;
  kaslrEntries?: KaslrEntryIndex;
  summary: ArtifactSummary;
  symbols: Map<number, SymbolIndex>;
}

const MAX_READ = 1 << 20;

export function failure(err: unknown): WorkerFailure {
  if (err instanceof ElfFormatError) return { name: err.name, message: err.message, file: err.file, offset: err.offset };
  if (err instanceof StageError) return { name: err.name, message: err.message, diagnostics: err.diagnostics };
  if (err instanceof Error || err instanceof DOMException) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

async function attempt<T>(f: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    return { ok: false, error: failure(err) };
  }
}

export interface SessionOptions {
  /** Loads the iced-x86 decoder (a wasm module: the browser worker fetches it, Node requires it). */
  loadIced?: () => Promise<IcedModule>;
}

const requireIced = async (): Promise<IcedModule> => {
  const m = (await import('iced-x86')) as IcedModule & { default?: IcedModule };
  return m.default ?? m;
};

export function createSession(options: SessionOptions = {}): WorkerApi {
  const loadIced = options.loadIced ?? requireIced;
  let iced: Promise<IcedModule> | undefined;
  const postlink = createPostlinkRunner();
  const artifacts = new Map<string, Artifact>();
  const pipeline = new PipelineRunner();
  /** Reads of user files in flight, stopped together by `cancelReads`. */
  const reads = new Set<AbortController>();
  /** Per link record: its steps by address and its placements by output section (field-history.ts). */
  const histories: FieldHistoryCache = new WeakMap();

  /** Registers bytes under `name`. Binary files that are neither ELF nor text are refused unless
   *  `allowBinary` (stage outputs like vmlinux.relocs), with the ElfFormatError that says why. */
  function add(name: string, bytes: Uint8Array, allowBinary: boolean): ArtifactSummary {
    let artifact: Artifact;
    if (isElf(bytes)) {
      const elf = readElf(bytes, name);
      artifact = { bytes, elf, summary: summarizeElf(elf), symbols: new Map() };
    } else if (isArchive(bytes)) {
      // A static library: kept whole for a link command that names it (the linker extracts the
      // members it needs); readArchive checks every member header, naming a damaged one.
      const ar = readArchive(bytes, name);
      const summary = { ...summarizeOther(name, bytes, 0), archive: { thin: ar.thin, members: ar.members.map((m) => m.name), symbols: ar.symbols.length } };
      artifact = { bytes, summary, symbols: new Map() };
    } else if (looksLikeText(bytes)) {
      const lineStarts = indexLines(bytes);
      artifact = { bytes, lineStarts, summary: summarizeOther(name, bytes, lineStarts.length - 1), symbols: new Map() };
    } else if (!allowBinary) {
      readElf(bytes, name); // throws the ElfFormatError that says why these bytes are not ELF
      throw new ElfFormatError(name, 'ELF header', 0, 'not an ELF file');
    } else {
      artifact = { bytes, summary: summarizeOther(name, bytes, 0), symbols: new Map() };
    }
    artifacts.set(name, artifact);
    return artifact.summary;
  }

  function get(name: string): Artifact {
    const a = artifacts.get(name);
    if (!a) throw new Error(`no artifact named ${JSON.stringify(name)} is open`);
    return a;
  }

  /** Per link record: its map for the image it wrote. */
  const linkMaps = new WeakMap<object, LinkMap>();

  /** The link map of an image the graph's link wrote (in its latest successful run). */
  function linkMapOf(name: string): LinkMap {
    const record = pipeline.recordFor(name);
    if (!isLinkRecord(record)) throw new Error(`${name} was not linked here: a link map exists for what the link stage wrote`);
    let map = linkMaps.get(record);
    if (!map) linkMaps.set(record, (map = new LinkMap(record, elfOf(name))));
    return map;
  }

  /** A vmlinux.relocs artifact's lists, read once. */
  function kaslrEntriesOf(name: string): KaslrEntryIndex {
    const a = get(name);
    return (a.kaslrEntries ??= new KaslrEntryIndex(a.bytes, name));
  }

  function elfOf(name: string): ElfFile {
    const a = get(name);
    if (!a.elf) throw new Error(`${name} is not an ELF file`);
    return a.elf;
  }

  /** The symbol table a query names, else the first SHT_SYMTAB, else SHT_DYNSYM. */
  function symbolTableOf(a: Artifact, table: number | undefined): number {
    const tables = a.summary.symbolTables;
    const elf = a.elf!;
    const t = table ?? tables.find((i) => elf.sections[i].type === 2) ?? tables[0];
    if (t === undefined) throw new ElfFormatError(a.summary.name, 'section header table', Number(elf.header.shoff), 'the file has no symbol table');
    return t;
  }

  function symbolIndex(a: Artifact, table: number | undefined): SymbolIndex {
    const t = symbolTableOf(a, table);
    const elf = a.elf!;
    let index = a.symbols.get(t);
    if (!index) {
      index = new SymbolIndex(elf, t);
      a.symbols.set(t, index);
    }
    return index;
  }

  async function step(onProgress?: (p: Progress) => void): Promise<StepRun | null> {
    const r = await pipeline.step(onProgress);
    if (!r) return null;
    return { stage: r.stage, action: r.action, ms: r.ms, outputs: r.outputs.map((o) => add(o.name, o.bytes, true)) };
  }

  return {
    open: (name, buffer, allowBinary = false) => attempt(async () => {
      const bytes = new Uint8Array(buffer);
      const summary = add(name, bytes, allowBinary);
      await pipeline.put(name, bytes);
      return summary;
    }),
    openFile: (name, file, allowBinary = false, onEvent?: (e: OpenEvent) => void) => attempt(async () => {
      const abort = new AbortController();
      reads.add(abort);
      try {
        const bytes = await readFileHeadersFirst(file, name, {
          onHeaders: (elf) => onEvent?.({ kind: 'headers', summary: { ...summarizeElf(elf), loading: true } }),
          onProgress: (done, total) => onEvent?.({ kind: 'progress', done, total }),
        }, abort.signal);
        const summary = add(name, bytes, allowBinary);
        await pipeline.put(name, bytes);
        return summary;
      } finally {
        reads.delete(abort);
      }
    }),
    cancelReads: async () => { for (const r of reads) r.abort(); },
    close: async (name) => { artifacts.delete(name); pipeline.remove(name); },
    list: async () => [...artifacts.values()].map((a) => a.summary),
    querySymbols: (q: SymbolQuery) => attempt<SymbolPage>(() => {
      const a = get(q.file);
      if (!a.elf) throw new Error(`${q.file} is not an ELF file`);
      return symbolIndex(a, q.table).query(q);
    }),
    queryRelocations: (q: RelocationQuery) => attempt<RelocationPage>(() =>
      relocationPage(elfOf(q.file), q.section, q.start, q.count, fieldHistoryOf(pipeline.recordFor(q.file), (f) => pipeline.artifactBytes(f), histories))),
    findRelocation: (q) => attempt(() => findRelocation(elfOf(q.file), q)),
    queryLinkMap: (q) => attempt(() => linkMapOf(q.file).page(q)),
    queryKaslrEntries: (q) => attempt(() => kaslrEntriesOf(q.file).page(q, q.image !== undefined ? elfOf(q.image) : undefined)),
    symbolReferences: (q) => attempt(async () => {
      const elf = elfOf(q.file);
      // x86-64 code: the decoder says where each PC-relative field's instruction ends.
      let fieldEnd: FieldEnd | undefined;
      if (elf.header.machine === EM_X86_64) {
        iced ??= loadIced();
        // Without the decoder (it failed to load), each field is taken to end its instruction.
        fieldEnd = await iced.then((m) => ripFieldEnd(m, elf), () => { iced = undefined; return undefined; });
      }
      return symbolReferences(elf, symbolTableOf(get(q.file), q.table), q.symbol, q.limit, fieldEnd);
    }),
    findKaslrEntries: (q) => attempt(() => kaslrEntriesOf(q.file).entriesAt(q.address, elfOf(q.image))),
    readBytes: (file, offset, length) => attempt(() => {
      const b = get(file).bytes;
      const start = Math.max(0, Math.min(offset, b.length));
      return b.slice(start, Math.min(b.length, start + Math.min(length, MAX_READ)));
    }),
    readLines: (file, start, count) => attempt<TextPage>(() => {
      const a = get(file);
      const starts = (a.lineStarts ??= indexLines(a.bytes));
      const encoding = (a.textEncoding ??= textEncodingOf(a.bytes));
      return { total: starts.length - 1, start, lines: readLines(a.bytes, starts, start, count, encoding), encoding };
    }),
    queryKernelTable: (q) => attempt(() => {
      const a = get(q.file);
      if (!a.elf) throw new Error(`${q.file} is not an ELF file`);
      return (a.kernelTables ??= new KernelTables(a.elf)).page(q);
    }),
    findText: (q) => attempt(() => {
      const a = get(q.file);
      a.textSearch ??= new TextSearch(() => decodeText(a.bytes, (a.textEncoding ??= textEncodingOf(a.bytes))));
      return a.textSearch.find(q.query, q.from, q.backwards);
    }),
    stages: async () => pipeline.stages(),
    setKernel: (kernel) => attempt(async () => { await pipeline.setKernel(kernel); return pipeline.stages(); }),
    setBuild: (plan) => attempt(async () => {
      await pipeline.setPlan(plan, new Map([...artifacts].map(([name, a]) => [name, a.bytes])));
      return pipeline.stages();
    }),
    step: (onProgress) => attempt(() => step(onProgress)),
    disassemble: (q) => attempt(async () => {
      const elf = elfOf(q.file);
      iced ??= loadIced();
      return disassembleAround(await iced, elf, q);
    }),
    diff: (a, b) => attempt(() => diffSections(a, elfOf(a), b, elfOf(b))),
    setKaslrOffset: (offset) => attempt(() => { pipeline.setKaslrOffset(offset); return pipeline.stages(); }),
    postlink: (o) => attempt(() => {
      const sources = new Map<string, Uint8Array>();
      for (const n of postlinkSources) {
        const a = artifacts.get(n);
        if (a) sources.set(n, a.bytes);
      }
      return postlink.run(sources, o);
    }),
  };
}
