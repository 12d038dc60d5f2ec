// The `kaslr` stage: simulates the x86-64 decompressor applying vmlinux.relocs at a chosen KASLR
// displacement (handle_relocations), and checks that every absolute reference in the image's allocated
// .rela sections has an entry. Does not choose a random offset, decompress or move segments in memory:
// locations are mapped to file bytes through PT_LOAD's p_paddr as parse_elf would place them.
// Follows arch/x86/boot/compressed/misc.c (6.1; 6.15 two-list format by option), kernel-pipeline.md §1.9.

import { PT_LOAD, readElf } from '../elf/index.ts';
import type { ElfFile, ProgramHeader } from '../elf/index.ts';
import { StageError, type Diagnostic, type StageDescription, type StageResult } from '../pipeline/stage.ts';
import { classifySymbols, findSymbolValue, symbolName, SYM_ABS, SYM_PERCPU, SYM_UNDEF } from './relocs/classify.ts';
import { relocationTypeName } from './relocs/names.ts';
import { perCpuArea } from './relocs/relocs.ts';
import { kernelSymbolClasses } from './relocs/symbol-classes.ts';
import { checkSectionReads, walkedSections } from './relocs/walk.ts';

export const kaslrDescription: StageDescription = {
  id: 'kaslr',
  title: 'Apply vmlinux.relocs at a KASLR offset (decompressor)',
  explanation:
    'At boot the decompressor picks a random virtual address and walks vmlinux.relocs backwards from the end: ' +
    'it adds the displacement to every 32-bit and 64-bit absolute address and (up to 6.14) subtracts it from ' +
    'PC-relative references to zero-based per-CPU data. This shows the bytes that change and checks coverage.',
  follows: 'arch/x86/boot/compressed/misc.c handle_relocations (Linux 6.1)',
};

/** __START_KERNEL_map: the x86-64 kernel text mapping base. */
export const START_KERNEL_MAP = 0xffffffff80000000n;

export interface KaslrOptions {
  /** The virtual displacement: virt_addr - LOAD_PHYSICAL_ADDR. */
  delta: bigint;
  /** The vmlinux.relocs layout: '6.1' (default) 64-bit, inverse and 32-bit lists; '6.15' no inverse list.
   *  Coverage follows the image itself (per-CPU rules only when .data..percpu is linked at 0). */
  kernel?: '6.1' | '6.15';
  fileName?: string;
  relocsFileName?: string;
  /** Changes and uncovered references kept in the record (default 32). */
  sampleLimit?: number;
}

export type KaslrList = 'relocs64' | 'relocs32neg' | 'relocs32';

export interface KaslrChange {
  list: KaslrList;
  /** Link-time virtual address of the patched location, its file offset, and the bytes (hex, LE). */
  address: string;
  fileOffset: number;
  before: string;
  after: string;
}

export interface KaslrUncovered {
  section: string;
  address: string;
  type: string;
  symbol: string;
}

export interface KaslrRecord {
  delta: string;
  loadPhysicalAddress: string;
  kernel: string;
  applied: Record<KaslrList, number>;
  bytesChanged: number;
  changes: KaslrChange[];
  coverage: { absoluteReferences: number; covered: number; uncoveredCount: number; uncovered: KaslrUncovered[] };
}

interface KaslrImage {
  elf: ElfFile;
  out: Uint8Array;
  view: DataView;
  loads: ProgramHeader[];
  loadPhysical: bigint;
  /** VO___bss_start - VO__text: the decompressor's inclusive upper bound. */
  span: bigint;
}

const fail = (message: string, file: string, offset?: number): never => {
  throw new StageError(message, [{ severity: 'error', message, file, offset }], 1);
};

export function kaslr(vmlinux: Uint8Array, relocsFile: Uint8Array, options: KaslrOptions): StageResult<KaslrRecord> {
  const fileName = options.fileName ?? 'vmlinux';
  const relocsName = options.relocsFileName ?? 'vmlinux.relocs';
  const kernel = options.kernel ?? '6.1';
  const limit = options.sampleLimit ?? 32;
  const elf = readElf(vmlinux, fileName);
  if (!elf.is64 || elf.header.machine !== 62) fail(`${fileName}: not an x86-64 ELF file (the decompressor simulation is 64-bit only)`, fileName, 18);
  const text = findSymbolValue(elf, '_text');
  const bssStart = findSymbolValue(elf, '__bss_start');
  if (text === undefined || bssStart === undefined) fail(`${fileName}: no _text or __bss_start symbol (voffset.h has nothing to take)`, fileName);
  const diagnostics: Diagnostic[] = [];
  const delta = BigInt.asUintN(64, options.delta);
  if (delta % 0x200000n !== 0n) diagnostics.push({ severity: 'warning', message: `delta 0x${delta.toString(16)} is not a multiple of CONFIG_PHYSICAL_ALIGN (2 MiB); choose_random_location() never picks it` });
  const out = vmlinux.slice();
  const image: KaslrImage = {
    elf, out, view: new DataView(out.buffer), loads: elf.segments.filter((p) => p.type === PT_LOAD),
    loadPhysical: text! - START_KERNEL_MAP, span: bssStart! - text!,
  };
  const lists = parseRelocsFile(relocsFile, kernel, relocsName);
  const record: KaslrRecord = {
    delta: `0x${delta.toString(16)}`, loadPhysicalAddress: `0x${image.loadPhysical.toString(16)}`, kernel,
    applied: { relocs64: lists.relocs64.length, relocs32neg: lists.relocs32neg.length, relocs32: lists.relocs32.length },
    bytesChanged: 0, changes: [], coverage: checkCoverage(elf, lists, limit),
  };
  if (delta === 0n) diagnostics.push({ severity: 'note', message: 'No relocation needed (delta is 0)' });
  else {
    // The decompressor's order: 32-bit list, inverse list, 64-bit list, each walked from the end.
    applyList(image, lists.relocs32, 'relocs32', delta, record, limit);
    applyList(image, lists.relocs32neg, 'relocs32neg', delta, record, limit);
    applyList(image, lists.relocs64, 'relocs64', delta, record, limit);
  }
  if (record.coverage.uncoveredCount) {
    diagnostics.push({ severity: 'error', file: relocsName, message: `${record.coverage.uncoveredCount} absolute reference(s) have no vmlinux.relocs entry: KASLR would leave them pointing at the link-time address` });
  }
  return { outputs: { [`${fileName}.kaslr`]: out }, record, diagnostics };
}

/** Splits vmlinux.relocs into its lists, reading backwards from the end as the decompressor does. */
export function parseRelocsFile(bytes: Uint8Array, kernel: '6.1' | '6.15', name: string): Record<KaslrList, Uint32Array> {
  if (bytes.length % 4 !== 0) fail(`${name}: size ${bytes.length} is not a multiple of 4`, name, bytes.length - (bytes.length % 4));
  const words = new Uint32Array(bytes.length / 4);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words.length; i++) words[i] = dv.getUint32(i * 4, true);
  const order: KaslrList[] = kernel === '6.1' ? ['relocs32', 'relocs32neg', 'relocs64'] : ['relocs32', 'relocs64'];
  const out: Record<KaslrList, Uint32Array> = { relocs64: new Uint32Array(0), relocs32neg: new Uint32Array(0), relocs32: new Uint32Array(0) };
  let end = words.length;
  for (const list of order) {
    let stop = end - 1;
    while (stop >= 0 && words[stop] !== 0) stop--;
    if (stop < 0) fail(`${name}: the ${list} list has no stop word before the start of the file (${order.length} stop-terminated lists expected)`, name, 0);
    out[list] = words.slice(stop + 1, end);
    end = stop;
  }
  if (end !== 0) fail(`${name}: ${end * 4} bytes precede the first stop word; not a ${kernel === '6.1' ? 'three' : 'two'}-list vmlinux.relocs`, name, 0);
  return out;
}

/** File offset of `size` bytes at kernel virtual address `va`, placed by p_paddr as parse_elf does. */
function locate(image: KaslrImage, va: bigint, size: number, list: KaslrList, name: string): number {
  const offset = va - START_KERNEL_MAP - image.loadPhysical;
  if (offset < 0n || offset > image.span) {
    const what = list === 'relocs64' ? '64-bit' : list === 'relocs32neg' ? 'inverse 32-bit' : '32-bit';
    fail(`${what} relocation outside of kernel!\n(entry 0x${BigInt.asUintN(32, va).toString(16)}: 0x${va.toString(16)} is not within _text..__bss_start)`, name);
  }
  const pa = va - START_KERNEL_MAP;
  const seg = image.loads.find((p) => p.paddr <= pa && pa + BigInt(size) <= p.paddr + p.filesz);
  if (!seg) fail(`relocation at 0x${va.toString(16)} has no file bytes in any PT_LOAD segment`, image.elf.fileName);
  const at = seg!.offset + (pa - seg!.paddr);
  if (at + BigInt(size) > BigInt(image.out.length)) {
    fail(`relocation at 0x${va.toString(16)}: its PT_LOAD places it at file offset 0x${at.toString(16)}, past the end of the file`, image.elf.fileName, image.out.length);
  }
  return Number(at);
}

const hexBytes = (b: Uint8Array, at: number, n: number) => Array.from(b.subarray(at, at + n), (x) => x.toString(16).padStart(2, '0')).join('');

function applyList(image: KaslrImage, values: Uint32Array, list: KaslrList, delta: bigint, record: KaslrRecord, limit: number): void {
  const { view, out } = image;
  const size = list === 'relocs64' ? 8 : 4;
  const delta32 = Number(delta & 0xffffffffn);
  for (let i = values.length - 1; i >= 0; i--) {
    const va = BigInt.asUintN(64, BigInt(values[i] | 0));
    const at = locate(image, va, size, list, 'vmlinux.relocs');
    const before = record.changes.length < limit ? hexBytes(out, at, size) : '';
    const old = out.slice(at, at + size);
    if (list === 'relocs64') view.setBigUint64(at, BigInt.asUintN(64, view.getBigUint64(at, true) + delta), true);
    else if (list === 'relocs32') view.setUint32(at, (view.getUint32(at, true) + delta32) >>> 0, true);
    else view.setInt32(at, (view.getInt32(at, true) - delta32) | 0, true);
    for (let k = 0; k < size; k++) if (old[k] !== out[at + k]) record.bytesChanged++;
    if (record.changes.length < limit) {
      record.changes.push({ list, address: `0x${va.toString(16)}`, fileOffset: at, before, after: hexBytes(out, at, size) });
    }
  }
}

/** Every R_X86_64_64/32/32S against a relocatable symbol must have an entry in the matching list. The
 *  6.1 symbol classes are used for any image: the names later versions dropped no longer exist there. */
function checkCoverage(elf: ElfFile, lists: Record<KaslrList, Uint32Array>, limit: number): KaslrRecord['coverage'] {
  // The relocation and symbol tables are read as relocs reads them: each must lie within the file.
  checkSectionReads(elf);
  const perCpu = perCpuArea(elf);
  const sorted64 = lists.relocs64.slice().sort();
  const sorted32 = lists.relocs32.slice().sort();
  const names = elf.sections.map((s) => s.name);
  const coverage: KaslrRecord['coverage'] = { absoluteReferences: 0, covered: 0, uncoveredCount: 0, uncovered: [] };
  for (const w of walkedSections(elf, [])) {
    const symtab = elf.symbolTable(w.symtab.index);
    const flags = classifySymbols(elf, symtab, { classes: kernelSymbolClasses(true, '6.1'), perCpuShndx: perCpu?.shndx ?? -1, allNames: false });
    const adjust = perCpu && w.relocations.info === perCpu.shndx ? perCpu.load : 0n;
    for (let j = 0; j < w.count; j++) {
      const at = w.start + j * 24;
      const type = elf.data.u32(at + 8);
      if (type !== 1 && type !== 10 && type !== 11) continue;
      const sym = elf.data.u32(at + 12);
      if (sym >= flags.length || flags[sym] & (SYM_UNDEF | SYM_ABS | (perCpu ? SYM_PERCPU : 0))) continue;
      coverage.absoluteReferences++;
      const va = BigInt.asUintN(64, elf.data.u64(at) + adjust);
      const key = Number(va & 0xffffffffn);
      if (contains(type === 1 ? sorted64 : sorted32, key)) {
        coverage.covered++;
        continue;
      }
      coverage.uncoveredCount++;
      if (coverage.uncovered.length < limit) {
        coverage.uncovered.push({ section: names[w.relocations.info], address: `0x${va.toString(16)}`, type: relocationTypeName(type, true, false), symbol: symbolName(symtab, sym, names) });
      }
    }
  }
  return coverage;
}

function contains(sorted: Uint32Array, key: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === key;
}
