// The `relocs` stage: arch/x86/tools/relocs as a pure function from a linked vmlinux (or realmode.elf)
// to vmlinux.relocs (binary or --text) or one of the diagnostic texts, plus a record for the playground.
// Never edits its input. Follows relocs.c / relocs_common.c (6.1.192 by default, 6.15 by option) as
// described in docs/kernel-pipeline.md §1; errors carry the tool's wording and exit status 1.

import { readElf } from '../../elf/index.ts';
import type { ElfFile } from '../../elf/index.ts';
import { relocsScanner, relocsScanScratchBytes } from '../../hot/relocs-scan.ts';
import { sorter } from '../../hot/sort.ts';
import type { Diagnostic, StageDescription, StageResult } from '../../pipeline/stage.ts';
import { classifySymbols, findSymbolValue, symbolName, SYM_ABS } from './classify.ts';
import { checkRelocsHeader, die } from './header.ts';
import {
  attributeSamples, createRelocationLists, LIST_16, LIST_32, LIST_32NEG, LIST_64, listValues, reserveRelocations, type RelocationLists,
} from './lists.ts';
import { relocationTypeName } from './names.ts';
import { relocsMode, type RelocsOptions } from './options.ts';
import { encodeBinary, encodeText, latin1Bytes, relocsWords, type RelocsLayout } from './output.ts';
import { listRecord, typeCounts, type RelocsRecord } from './record.ts';
import {
  FEATURE_PERCPU, FEATURE_REAL_MODE, FEATURE_REX_GOTPCRELX, SCAN_HEAD_TEXT, SCAN_INVALID_ABSOLUTE, SCAN_INVALID_REAL_MODE,
  SCAN_OFFSET_TOO_WIDE, SCAN_OK, SCAN_PC64_PERCPU, SCAN_SYMBOL_OUT_OF_RANGE, TYPE_BUCKETS,
  type ScanResult,
} from './scan.ts';
import { kernelSymbolClasses, realModeSymbolClasses, type SymbolClasses } from './symbol-classes.ts';
import { printAbsoluteRelocations, printAbsoluteSymbols, printRelocationInfo } from './text-modes.ts';
import { checkSectionReads, relocationSectionType, walkedSections, type WalkedSection } from './walk.ts';

export type { RelocsOptions, RelocsKernel, RelocsMode } from './options.ts';
export { relocsMode } from './options.ts';
export { relocsInputSections } from './walk.ts';
export type { RelocsRecord, RelocsListRecord, RelocsSample } from './record.ts';

export const relocsDescription: StageDescription = {
  id: 'relocs',
  title: 'Collect KASLR relocations (arch/x86/tools/relocs)',
  explanation:
    'KASLR moves the kernel to a random virtual address at boot, so every absolute address stored in the ' +
    'image must be patched. relocs reads the static relocations that --emit-relocs kept in vmlinux and writes ' +
    'the addresses of those patch sites as sorted lists (vmlinux.relocs), which the decompressor applies.',
  follows: 'arch/x86/tools/relocs.c, relocs_common.c (Linux 6.1; 6.15 two-list format by option)',
};

/** Everything a run decided before looking at entries. */
interface RelocsContext {
  elf: ElfFile;
  options: RelocsOptions;
  kernel: '6.1' | '6.15';
  classes: SymbolClasses;
  /** .data..percpu index and __per_cpu_load value (6.1, 64-bit, zero-based per-CPU section), or null. */
  perCpu: { shndx: number; load: bigint } | null;
  diagnostics: Diagnostic[];
}

export function relocs(input: Uint8Array, options: RelocsOptions = {}): StageResult<RelocsRecord> {
  const fileName = options.fileName ?? 'vmlinux';
  const kernel = options.kernel ?? '6.1';
  const wordSize = checkRelocsHeader(input, fileName);
  const elf = readElf(input, fileName);
  checkSectionReads(elf);
  const realMode = options.realMode ?? false;
  const classes = realMode ? realModeSymbolClasses() : kernelSymbolClasses(elf.is64, kernel);
  const ctx: RelocsContext = { elf, options, kernel, classes, perCpu: null, diagnostics: [] };
  if (elf.is64 && kernel === '6.1') ctx.perCpu = perCpuArea(elf);
  const mode = relocsMode(options);
  const knowsRex = kernel === '6.15';
  const walked = mode === 'abs-syms' ? [] : walkedSections(elf, ctx.diagnostics);
  const record = emptyRecord(ctx, mode, wordSize, walked);
  const text = (name: string, body: string) => ({ outputs: { [name]: latin1Bytes(body) }, record: withBytes(record, body.length), diagnostics: ctx.diagnostics });
  if (mode === 'abs-syms') return text('abs-syms.txt', printAbsoluteSymbols(elf));
  if (mode === 'abs-relocs') return text('abs-relocs.txt', printAbsoluteRelocations(elf, walked, classes, knowsRex));
  if (mode === 'reloc-info') return text('reloc-info.txt', printRelocationInfo(elf, walked, knowsRex));
  if (realMode && elf.is64) die('--realmode not valid for a 64-bit ELF file', fileName);

  const limit = options.sampleLimit ?? 16;
  const lists = createRelocationLists(limit);
  const histogram = collectRelocations(ctx, walked, lists);
  record.types = typeCounts(histogram, elf.is64, knowsRex);
  record.lists = listRecords(ctx, lists, knowsRex);
  const sort = sorter();
  for (const k of [LIST_32, LIST_32NEG, LIST_64, LIST_16]) if (lists.lengths[k] > 1) sort.sortUint32(listValues(lists, k));
  const layout = relocsLayout(ctx);
  const words = relocsWords(lists, layout);
  const bytes = options.text ? encodeText(words) : encodeBinary(words);
  const name = `${realMode ? 'realmode' : 'vmlinux'}.relocs${options.text ? '.S' : ''}`;
  record.outputBytes = bytes.length;
  return { outputs: { [name]: bytes }, record, diagnostics: ctx.diagnostics };
}

/** Scratch a run's largest scan needs in the HotMemory beyond the input (see RelocsOptions.memory):
 *  the walked sections of `elf`, whose headers must be readable. */
export function relocsScratchBytes(elf: ElfFile, options: RelocsOptions = {}): number {
  const walked = walkedSections(elf, []);
  let most = 0;
  for (const w of walked) {
    const symbols = Math.floor(Number(w.symtab.size) / (elf.is64 ? 24 : 16));
    most = Math.max(most, relocsScanScratchBytes(w.count, symbols, options.sampleLimit ?? 16));
  }
  return most + 64;
}

/** percpu_init(): the first section named .data..percpu; if linked at 0, __per_cpu_load must exist. */
export function perCpuArea(elf: ElfFile): { shndx: number; load: bigint } | null {
  const section = elf.sections.find((s) => s.name === '.data..percpu');
  if (!section || section.addr !== 0n) return null;
  const load = findSymbolValue(elf, '__per_cpu_load');
  return load === undefined ? die("can't find __per_cpu_load\n", elf.fileName) : { shndx: section.index, load };
}

/** Runs the scan over every walked section; returns the per-type histogram. */
function collectRelocations(ctx: RelocsContext, walked: WalkedSection[], lists: RelocationLists): Uint32Array {
  const { elf, kernel, perCpu } = ctx;
  const view = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  const features = ctx.options.realMode ? FEATURE_REAL_MODE : kernel === '6.1' ? (perCpu ? FEATURE_PERCPU : 0) : FEATURE_REX_GOTPCRELX;
  const flagsBySymtab = new Map<number, Uint8Array>();
  const histogram = new Uint32Array(TYPE_BUCKETS);
  const scanner = relocsScanner(ctx.options.memory);
  for (const w of walked) {
    let symbolFlags = flagsBySymtab.get(w.symtab.index);
    if (!symbolFlags) {
      symbolFlags = classifySymbols(elf, elf.symbolTable(w.symtab.index), {
        classes: ctx.classes, perCpuShndx: perCpu?.shndx ?? -1, allNames: ctx.options.realMode ?? false,
      });
      flagsBySymtab.set(w.symtab.index, symbolFlags);
    }
    const adjust = perCpu && w.relocations.info === perCpu.shndx ? perCpu.load : 0n;
    const section = {
      view, start: w.start, count: w.count, symbolFlags,
      adjustLow: Number(adjust & 0xffffffffn), adjustHigh: Number((adjust >> 32n) & 0xffffffffn),
      headText: kernel === '6.15' && elf.is64 && w.target.name === '.head.text',
    };
    reserveRelocations(lists, w.count);
    const before = lists.lengths.slice();
    const result = elf.is64 ? scanner.scanRela64(section, features, lists, histogram) : scanner.scanRel32(section, features, lists, histogram);
    if (result.status !== SCAN_OK) failScan(ctx, w, result, symbolFlags);
    attributeSamples(lists, before, w.relocations.index);
  }
  return histogram;
}

/** Turns a scan error code into the tool's die() message. */
function failScan(ctx: RelocsContext, w: WalkedSection, result: ScanResult, symbolFlags: Uint8Array): never {
  const { elf } = ctx;
  const at = w.start + result.entry * (elf.is64 ? 24 : 8);
  const type = elf.is64 ? elf.data.u32(at + 8) : elf.data.u32(at + 4) & 0xff;
  const sym = elf.is64 ? elf.data.u32(at + 12) : elf.data.u32(at + 4) >>> 8;
  const typeName = relocationTypeName(type, elf.is64, ctx.kernel === '6.15');
  const where = `${w.relocations.name} entry ${result.entry} (file offset 0x${at.toString(16)})`;
  if (result.status === SCAN_SYMBOL_OUT_OF_RANGE) {
    die(`${where} names symbol ${sym}, but ${w.symtab.name} has ${symbolFlags.length} symbols\n`, elf.fileName, at);
  }
  const names = elf.sections.map((s) => s.name);
  const symbol = symbolName(elf.symbolTable(w.symtab.index), sym, names);
  const message =
    result.status === SCAN_INVALID_ABSOLUTE ? `Invalid absolute ${typeName} relocation: ${symbol}\n`
    : result.status === SCAN_PC64_PERCPU ? `Invalid R_X86_64_PC64 relocation against per-CPU symbol ${symbol}\n`
    : result.status === SCAN_OFFSET_TOO_WIDE ? "Relocation offset doesn't fit in 32 bits\n"
    : result.status === SCAN_HEAD_TEXT ? `Absolute reference to symbol '${symbol}' not permitted in .head.text\n`
    : result.status === SCAN_INVALID_REAL_MODE ? `Invalid ${symbolFlags[sym] & SYM_ABS ? 'absolute' : 'relative'} ${typeName} relocation: ${symbol}\n`
    : `Unsupported relocation type: ${typeName} (${type})\n`;
  die(message, elf.fileName, at);
}

function listRecords(ctx: RelocsContext, lists: RelocationLists, knowsRex: boolean): RelocsRecord['lists'] {
  const { elf } = ctx;
  if (ctx.options.realMode) {
    return [listRecord(elf, 'relocs16', '16-bit segment relocations', lists, LIST_16, knowsRex),
      listRecord(elf, 'relocs32', '32-bit relocations', lists, LIST_32, knowsRex)];
  }
  if (!elf.is64) return [listRecord(elf, 'relocs32', '32-bit relocations', lists, LIST_32, knowsRex)];
  const out = [listRecord(elf, 'relocs64', '64-bit relocations', lists, LIST_64, knowsRex)];
  if (relocsLayout(ctx) === 'x86_64-6.1') out.push(listRecord(elf, 'relocs32neg', 'inverse 32-bit relocations (per-CPU)', lists, LIST_32NEG, knowsRex));
  out.push(listRecord(elf, 'relocs32', '32-bit relocations', lists, LIST_32, knowsRex));
  return out;
}

function relocsLayout(ctx: RelocsContext): RelocsLayout {
  if (ctx.options.realMode) return 'realmode';
  if (!ctx.elf.is64) return 'i386';
  return ctx.kernel === '6.1' && ctx.options.inverse !== false ? 'x86_64-6.1' : 'x86_64-6.15';
}

function emptyRecord(ctx: RelocsContext, mode: string, wordSize: 32 | 64, walked: WalkedSection[]): RelocsRecord {
  const relType = relocationSectionType(ctx.elf.is64);
  const total = ctx.elf.sections.filter((s) => s.type === relType).length;
  return {
    kernel: ctx.kernel, mode, wordSize, realMode: ctx.options.realMode ?? false,
    perCpu: ctx.perCpu && { section: '.data..percpu', loadAddress: `0x${ctx.perCpu.load.toString(16)}` },
    relocationSections: walked.length, relocationSectionsSkipped: mode === 'abs-syms' ? 0 : total - walked.length,
    relocationsWalked: walked.reduce((n, w) => n + w.count, 0), types: [], lists: [], outputBytes: 0,
  };
}

function withBytes(record: RelocsRecord, bytes: number): RelocsRecord {
  record.outputBytes = bytes;
  return record;
}
