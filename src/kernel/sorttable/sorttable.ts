// The `sorttable` stage: the kernel's `scripts/sorttable` as a pure function. Copies the input,
// sorts `__ex_table`, the ORC tables and (if configured) the mcount table in the copy, zeroes
// `.rela__ex_table` (6.1–6.13) and clears `main_extable_sort_needed`. Never edits its input.
// `sortTablesInPlace` is the same work on a caller's buffer, listing the ranges it wrote (the CLI).
// Follows scripts/sorttable.{c,h} as described in docs/kernel-pipeline.md §2; errors use its wording.

import { ByteView, EM_AARCH64, readElf, SHN_LORESERVE, SHN_XINDEX, SHT_REL, SHT_RELA, SHT_SYMTAB_SHNDX, STT_OBJECT } from '../../elf/index.ts';
import type { ElfFile, SectionHeader } from '../../elf/index.ts';
import { StageError, type Diagnostic, type StageDescription, type StageResult } from '../../pipeline/stage.ts';
import { extableFormat, sortExceptionTable } from './extable.ts';
import { functionsFromNm, mcountRelocations, sortMcountTable, systemMapBound, type McountStorage } from './mcount.ts';
import { sorttableFeatures, type SorttableFeatures, type SorttableOptions } from './options.ts';
import { ORC_ENTRY_SIZE, sortOrcTables } from './orc.ts';
import type { TableRecord } from './record.ts';

export type { SorttableOptions } from './options.ts';
export type { TableRecord, TableMove } from './record.ts';

export const sorttableDescription: StageDescription = {
  id: 'sorttable',
  title: 'Sort kernel tables (scripts/sorttable)',
  explanation:
    'The kernel searches its exception table and ORC unwind table by binary search, so they must be sorted ' +
    'by address. Sorting at build time saves boot time: sorttable sorts them inside vmlinux and clears ' +
    'main_extable_sort_needed so the kernel skips its own sort.',
  follows: 'scripts/sorttable.c, scripts/sorttable.h (Linux 6.1; later versions by option)',
};

export interface SorttableRecord {
  kernel: string;
  machine: number;
  tables: TableRecord[];
  /** File offset where main_extable_sort_needed was cleared, and its old value. */
  sortNeeded: { symbol: number; fileOffset: number; oldValue: number };
  /** The relocation section of __ex_table that was zeroed (6.1–6.13), if any. */
  zeroedRelocations: { section: string; bytes: number } | null;
  /** mcount entries set to 0 because no function contains them (6.15+). */
  mcountZeroed: number;
}

/** Located sections, by the tool's rules: by name, a later duplicate wins. */
export interface Located {
  extable?: SectionHeader;
  symtab?: SectionHeader;
  strtab?: SectionHeader;
  extableRelocs?: SectionHeader;
  symtabShndx?: SectionHeader;
  initData?: SectionHeader;
  orcIp?: SectionHeader;
  orc?: SectionHeader;
}

export function sorttable(input: Uint8Array, options: SorttableOptions = {}): StageResult<SorttableRecord> {
  const out = input.slice();
  const { record, diagnostics } = sortTablesInPlace(out, options);
  return { outputs: { [options.fileName ?? 'vmlinux']: out }, record, diagnostics };
}

/** A byte range of the file: [offset, size]. */
export type SorttableRange = [offset: number, size: number];

export interface InPlaceResult {
  record: SorttableRecord;
  diagnostics: Diagnostic[];
  /** Every range the run wrote (tables, zeroed relocations, the flag word): all a caller holding
   *  the rest of the file elsewhere must copy back. */
  written: SorttableRange[];
}

/**
 * The stage's work done in `bytes` itself, as the tool edits its mmap()ed file. Reads only the
 * header tables, section names and the ranges `sorttableSectionRanges`/`sorttableSymbolRanges`
 * name, so a caller may pass a file-sized buffer holding just those.
 */
export function sortTablesInPlace(bytes: Uint8Array, options: SorttableOptions = {}): InPlaceResult {
  const fileName = options.fileName ?? 'vmlinux';
  const features = sorttableFeatures(options.kernel);
  checkHeader(bytes, fileName);
  const elf = readElf(bytes, fileName);
  const format = extableFormat(elf.header.machine, elf.is64, features.loongarchRelative);
  if (!format) fail(`unrecognized e_machine ${elf.header.machine} ${fileName}`, fileName);
  const view = new ByteView(bytes, elf.header.littleEndian);
  const limit = options.sampleLimit ?? 64;
  const found = locateSections(elf);
  const tables: TableRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const written: SorttableRange[] = [];

  const useOrc = options.orc ?? elf.header.machine === 62;
  if (useOrc && elf.is64) tables.push(sortOrc(found, view, features, limit, fileName, written));
  let mcountZeroed = 0;
  const runMcount = () => {
    const m = sortMcount(elf, found, view, features, options, limit, fileName, written);
    tables.push(m.record);
    mcountZeroed = m.zeroed;
  };
  // 6.1–6.13 check the mcount bounds before the extable sections, 6.14+ after .symtab/.strtab.
  const mcountFirst = features.mcountBounds === 'system-map';
  if (options.mcount && mcountFirst) runMcount();
  if (!found.extable) fail(`no __ex_table in file: ${fileName}`, fileName);
  if (!found.symtab) fail(`no .symtab in file: ${fileName}`, fileName);
  if (!found.strtab) fail(`no .strtab in file: ${fileName}`, fileName);
  if (options.mcount && !mcountFirst) runMcount();

  const ex = found.extable;
  const exOffset = sectionRange(ex, bytes.length, fileName);
  if (Number(ex.size) % format.entrySize !== 0) {
    diagnostics.push({ severity: 'warning', file: fileName, offset: exOffset,
      message: `__ex_table size ${ex.size} is not a multiple of ${format.entrySize}: the trailing partial entry is left as it is` });
  }
  tables.unshift(sortExceptionTable(format, { view, offset: exOffset, size: Number(ex.size), address: ex.addr, is64: elf.is64, sampleLimit: limit }));
  written.push([exOffset, Number(ex.size)]);

  let zeroedRelocations: SorttableRecord['zeroedRelocations'] = null;
  if (features.zeroExtableRelocs && found.extableRelocs) {
    const r = found.extableRelocs;
    const at = sectionRange(r, bytes.length, fileName);
    bytes.fill(0, at, at + Number(r.size));
    written.push([at, Number(r.size)]);
    zeroedRelocations = { section: r.name, bytes: Number(r.size) };
  }
  const sortNeeded = clearSortNeeded(elf, found, view, features, fileName);
  written.push([sortNeeded.fileOffset, 4]);
  return {
    record: { kernel: options.kernel ?? '6.1', machine: elf.header.machine, tables, sortNeeded, zeroedRelocations, mcountZeroed },
    diagnostics,
    written,
  };
}

function fail(message: string, file: string, offset?: number): never {
  throw new StageError(message, [{ severity: 'error', message, file, offset }], 1);
}

/** The tool's own header checks, before any section is read. */
function checkHeader(b: Uint8Array, file: string): void {
  if (b.length < 52) fail(`unrecognized ET_EXEC/ET_DYN file ${file}`, file, 0);
  const enc = b[5];
  if (enc !== 1 && enc !== 2) fail(`unrecognized ELF data encoding ${enc}: ${file}`, file, 5);
  const le = enc === 1;
  const u16 = (o: number) => (le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const magic = b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
  const type = u16(16);
  if (!magic || (type !== 2 && type !== 3) || b[6] !== 1) fail(`unrecognized ET_EXEC/ET_DYN file ${file}`, file, 0);
  const cls = b[4];
  if (cls !== 1 && cls !== 2) fail(`unrecognized ELF class ${cls} ${file}`, file, 4);
  const [ehsize, shentsize] = cls === 1 ? [52, 40] : [64, 64];
  const o = cls === 1 ? 40 : 52;
  if (b.length < ehsize || u16(o) !== ehsize || u16(o + 6) !== shentsize) fail(`unrecognized ET_EXEC/ET_DYN file: ${file}`, file, o);
}

export function locateSections(elf: ElfFile): Located {
  const found: Located = {};
  let extableIndex = 0;
  for (const s of elf.sections) {
    if (s.name === '__ex_table') {
      found.extable = s;
      extableIndex = s.index;
    }
    if (s.name === '.symtab') found.symtab = s;
    if (s.name === '.strtab') found.strtab = s;
    // The index "found so far" is 0 before __ex_table is seen, as in the tool.
    if ((s.type === SHT_REL || s.type === SHT_RELA) && s.info === extableIndex) found.extableRelocs = s;
    if (s.type === SHT_SYMTAB_SHNDX) found.symtabShndx = s;
    if (s.name === '.init.data') found.initData = s;
    if (s.name === '.orc_unwind_ip') found.orcIp = s;
    if (s.name === '.orc_unwind') found.orc = s;
  }
  return found;
}

/** File offset of a section's bytes, checked to lie inside the file. */
function sectionRange(s: SectionHeader, length: number, file: string): number {
  if (s.offset + s.size > BigInt(length)) {
    fail(`${file}: section ${s.name} (offset 0x${s.offset.toString(16)}, size 0x${s.size.toString(16)}) runs past the end of the file`, file, Number(s.offset > BigInt(length) ? BigInt(length) : s.offset));
  }
  return Number(s.offset);
}

function sortOrc(found: Located, view: ByteView, features: SorttableFeatures, limit: number, file: string, written: SorttableRange[]): TableRecord {
  const { orcIp, orc } = found;
  if (!orcIp || !orc) fail(`incomplete ORC unwind tables in file: ${file}`, file);
  const ipSize = Number(orcIp.size);
  const orcSize = Number(orc.size);
  const count = ipSize / 4;
  if (ipSize % 4 !== 0 || orcSize % ORC_ENTRY_SIZE !== 0 || count !== orcSize / ORC_ENTRY_SIZE) {
    fail(`inconsistent ORC unwind table entries in file: ${file}`, file, Number(orcIp.offset));
  }
  const ipOffset = sectionRange(orcIp, view.bytes.length, file);
  const orcOffset = sectionRange(orc, view.bytes.length, file);
  const record = sortOrcTables({ view, ipOffset, ipAddress: orcIp.addr, orcOffset, count, weakByType: features.orcWeakByType, sampleLimit: limit });
  written.push([ipOffset, ipSize], [orcOffset, orcSize]);
  return record;
}

/** The mcount table's address bounds as the tool finds them (0 when missing): ./System.map for
 *  6.1–6.13, __start/__stop_mcount_loc in .symtab for 6.14+. */
export function mcountBounds(elf: ElfFile, found: Located, features: SorttableFeatures, options: SorttableOptions): { start: bigint; stop: bigint } {
  if (features.mcountBounds === 'system-map') {
    return { start: systemMapBound(options.systemMap ?? '', 'start_mcount'), stop: systemMapBound(options.systemMap ?? '', 'stop_mcount') };
  }
  if (!found.symtab || !found.strtab) return { start: 0n, stop: 0n };
  return { start: symbolValue(elf, found, '__start_mcount_loc') ?? 0n, stop: symbolValue(elf, found, '__stop_mcount_loc') ?? 0n };
}

function sortMcount(
  elf: ElfFile, found: Located, view: ByteView, features: SorttableFeatures, options: SorttableOptions, limit: number, file: string,
  written: SorttableRange[],
): { record: TableRecord; zeroed: number } {
  const { start, stop } = mcountBounds(elf, found, features, options);
  const init = found.initData;
  if (!init || start === 0n || stop === 0n) fail(`incomplete mcount's sort in file: ${file}`, file);
  const width = elf.is64 ? 8 : 4;
  const offset = start - init.addr + init.offset;
  const bytes = stop - start;
  if (stop < start || offset < 0n || offset + bytes > BigInt(view.bytes.length)) {
    fail(`mcount table 0x${start.toString(16)}..0x${stop.toString(16)} lies outside .init.data in file: ${file}`, file, Number(init.offset));
  }
  const count = Number(bytes) / width;
  const newest = features.mcountBounds === 'nm-file';
  const arm64 = newest && elf.header.machine === EM_AARCH64;
  let storage: McountStorage = { kind: 'words', offset: Number(offset) };
  if (arm64) {
    // arm64 keeps the addresses in R_AARCH64_RELATIVE addends (--no-apply-dynamic-relocs).
    const relocations = mcountRelocations(elf, start, bytes, width);
    if (relocations && 'error' in relocations) fail(`failed to sort mcount '${relocations.error}': ${file}`, file);
    if (relocations) {
      if (relocations.length !== Math.floor(count)) {
        fail(`failed to sort mcount 'Expected ${Math.floor(count)} mcount elements but found ${relocations.length}\n': ${file}`, file);
      }
      storage = { kind: 'rela', entries: relocations };
    }
  }
  const functions = newest && options.nmSymbols !== undefined ? functionsFromNm(options.nmSymbols) : undefined;
  const result = sortMcountTable({ view, storage, count: Math.floor(count), is64: elf.is64, functions, before: arm64 ? 8n : 0n, sampleLimit: limit });
  if (storage.kind === 'words') written.push([storage.offset, Math.floor(count) * width]);
  else for (const entry of storage.entries) written.push([entry + 16, 8]);
  return result;
}

/** Index of the first symbol (optionally STT_OBJECT only) named `name`, comparing .strtab bytes. */
function findSymbol(elf: ElfFile, found: Located, name: string, objectOnly: boolean, skipLast: boolean): number {
  const symtab = found.symtab!;
  const strtab = elf.sectionData(found.strtab!.index);
  const entsize = elf.is64 ? 24 : 16;
  const base = Number(symtab.offset);
  let count = Math.floor(Number(symtab.size) / entsize);
  if (symtab.offset + symtab.size > BigInt(elf.bytes.length)) {
    fail(`symbol table at offset 0x${symtab.offset.toString(16)} (0x${symtab.size.toString(16)} bytes) runs past the end of file: ${elf.fileName}`, elf.fileName, Math.min(Number(symtab.offset), elf.bytes.length));
  }
  if (skipLast) count--;
  const target = Array.from(name, (c) => c.charCodeAt(0));
  const d = elf.data;
  for (let i = 0; i < count; i++) {
    const at = base + i * entsize;
    if (objectOnly && (elf.bytes[at + (elf.is64 ? 4 : 12)] & 0xf) !== STT_OBJECT) continue;
    const off = d.u32(at);
    if (off + target.length >= strtab.length) continue;
    let k = 0;
    while (k < target.length && strtab[off + k] === target[k]) k++;
    if (k === target.length && strtab[off + k] === 0) return i;
  }
  return -1;
}

function symbolValue(elf: ElfFile, found: Located, name: string): bigint | undefined {
  const i = findSymbol(elf, found, name, false, false);
  return i < 0 ? undefined : elf.symbolTable(found.symtab!.index).value(i);
}

/** Where main_extable_sort_needed lives: its symbol index and file offset (needs .symtab, .strtab
 *  and the extended index table read; the tool's errors otherwise). */
export function sortNeededLocation(elf: ElfFile, found: Located, features: SorttableFeatures, file: string): { symbol: number; fileOffset: number } {
  const i = findSymbol(elf, found, 'main_extable_sort_needed', true, features.skipLastSymbol);
  if (i < 0) fail(`no main_extable_sort_needed symbol in file: ${file}`, file);
  const symtab = elf.symbolTable(found.symtab!.index);
  let shndx = symtab.rawShndx(i);
  if (shndx === SHN_XINDEX && found.symtabShndx) shndx = elf.data.u32(Number(found.symtabShndx.offset) + 4 * i);
  else if (shndx >= SHN_LORESERVE) fail(`main_extable_sort_needed is in reserved section index 0x${shndx.toString(16)} in file: ${file}`, file);
  const sec = elf.sections[shndx];
  if (!sec) fail(`main_extable_sort_needed names section ${shndx}, which does not exist, in file: ${file}`, file);
  const at = sec.offset + symtab.value(i) - sec.addr;
  if (at < 0n || at + 4n > BigInt(elf.bytes.length)) fail(`main_extable_sort_needed lies outside the file (offset 0x${at.toString(16)}) in file: ${file}`, file);
  return { symbol: i, fileOffset: Number(at) };
}

function clearSortNeeded(elf: ElfFile, found: Located, view: ByteView, features: SorttableFeatures, file: string): SorttableRecord['sortNeeded'] {
  const { symbol, fileOffset } = sortNeededLocation(elf, found, features, file);
  const oldValue = view.u32(fileOffset);
  view.setU32(fileOffset, 0);
  return { symbol, fileOffset, oldValue };
}
