// Bench rows: each WebAssembly routine against its TypeScript twin, same inputs, in-process (medians of
// alternating runs). Sort inputs are sized like the 632 MB vmlinux's (~1.1 M relocation offsets, ~400 k ORC
// addresses); the relocs scan runs over that vmlinux's own walked .rela sections (skipped without it);
// the string table over a .symtab's names as ld wrote them; the relocation arena over the tiny
// kernel's vmlinux.o (its 141 k relocations and 36 k symbols, laid out one section after another).
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bigVmlinux, printTwinRow, timeMedian, tinyDir } from './harness.mjs';

const src = new URL('../src/', import.meta.url).pathname;
const entry = `
export { createWasmSorter, sortTwin } from '${src}hot/sort.ts';
export { createWasmRelocsScan, relocsScanTwin } from '${src}hot/relocs-scan.ts';
export { HotMemory } from '${src}hot/memory.ts';
export { createWasmSha1, sha1Twin } from '${src}hot/sha1.ts';
export { readElf } from '${src}elf/index.ts';
export { walkedSections } from '${src}kernel/relocs/walk.ts';
export { classifySymbols } from '${src}kernel/relocs/classify.ts';
export { kernelSymbolClasses } from '${src}kernel/relocs/symbol-classes.ts';
export { perCpuArea } from '${src}kernel/relocs/relocs.ts';
export { createRelocationLists, reserveRelocations } from '${src}kernel/relocs/lists.ts';
export { FEATURE_PERCPU, TYPE_BUCKETS } from '${src}kernel/relocs/scan.ts';
export { createWasmStringTable, stringTableTwin } from '${src}hot/string-table.ts';
export { RelocationArena, ScanArena, createWasmRelocator, relocateTwin, SECTION_WORDS } from '${src}hot/relocate.ts';
export { writeKindTable } from '${src}link/arch/x86_64.ts';
`;
const bundle = await build({ stdin: { contents: entry, resolveDir: src, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'node' });
const hot = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

// Each row alternates its routine's runs with its twin's (wasm, twin, wasm, …) and takes each one's
// median, so a pause of the machine (the browser row's Chromium going away, a GC) lands on both.
const time = (fn, reps = 9) => ({ fn, reps });
const row = (label, wasm, twin) => {
  const w = [], t = [];
  for (let i = 0; i < Math.max(wasm.reps, twin.reps); i++) {
    if (i < wasm.reps) w.push(timeMedian(wasm.fn, 1));
    if (i < twin.reps) t.push(timeMedian(twin.fn, 1));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  printTwinRow(label, median(w), median(t));
};

// Kernel-like offsets: 0xffffffff81000000-based low 32 bits spread over ~40 MB, shuffled.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const offsets = Uint32Array.from({ length: 1_100_000 }, () => (0x81000000 + Math.floor(rand() * 40e6)) >>> 0);
const addrs = BigUint64Array.from({ length: 400_000 }, () => 0xffffffff81000000n + BigInt(Math.floor(rand() * 20e6)));
const wasmSorter = hot.createWasmSorter();
row('hot: sortUint32 (1.1 M)', time(() => wasmSorter.sortUint32(offsets.slice())), time(() => hot.sortTwin.sortUint32(offsets.slice())));
row('hot: sortPairsByKey (400 k)', time(() => wasmSorter.sortPairsByKey(addrs)), time(() => hot.sortTwin.sortPairsByKey(addrs), 3));

// SHA-1 of the tiny kernel's linked image, as --build-id=sha1 hashes it at the end of the link.
const image = readFileSync(`${tinyDir}expected/vmlinux.unsorted`);
const wasmSha1 = hot.createWasmSha1();
row(`hot: sha1 (${(image.length / 1e6).toFixed(0)} MB image)`, time(() => wasmSha1.digest(image)), time(() => hot.sha1Twin.digest(image), 3));

/**
 * The relocs scan over every walked section of the vmlinux, as relocs() runs it (6.1, per-CPU). The
 * lists are made and grown once, outside the timed runs: their allocation is the stage's, the same
 * for both scanners, and its page faults would dominate what the row compares.
 */
function scanAll(scanner, view, sections, lists) {
  lists.lengths.fill(0);
  lists.sampleEntry.fill(-1);
  const histogram = new Uint32Array(hot.TYPE_BUCKETS);
  for (const s of sections) {
    hot.reserveRelocations(lists, s.count);
    const r = scanner.scanRela64({ ...s, view }, hot.FEATURE_PERCPU, lists, histogram);
    if (r.status !== 0) throw new Error(`scan failed: status ${r.status} at entry ${r.entry}`);
  }
  return lists.lengths.reduce((a, b) => a + b, 0);
}

if (!existsSync(bigVmlinux)) {
  console.log(`${'hot: relocs scan'.padEnd(34)} skipped: ${bigVmlinux} not present (scripts/fetch-corpus.sh)`);
} else {
  const file = readFileSync(bigVmlinux);
  const elf = hot.readElf(new Uint8Array(file.buffer, file.byteOffset, file.byteLength), bigVmlinux);
  const perCpu = hot.perCpuArea(elf);
  const walked = hot.walkedSections(elf, []);
  const flagsBySymtab = new Map();
  const sections = walked.map((w) => {
    if (!flagsBySymtab.has(w.symtab.index)) {
      flagsBySymtab.set(w.symtab.index, hot.classifySymbols(elf, elf.symbolTable(w.symtab.index), {
        classes: hot.kernelSymbolClasses(true, '6.1'), perCpuShndx: perCpu?.shndx ?? -1, allNames: false,
      }));
    }
    const adjust = perCpu && w.relocations.info === perCpu.shndx ? perCpu.load : 0n;
    return {
      start: w.start, count: w.count, symbolFlags: flagsBySymtab.get(w.symtab.index),
      adjustLow: Number(adjust & 0xffffffffn), adjustHigh: Number((adjust >> 32n) & 0xffffffffn), headText: false,
    };
  });
  const entries = sections.reduce((n, s) => n + s.count, 0);
  const view = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  const wasmScan = hot.createWasmRelocsScan();
  const lists = hot.createRelocationLists(16);
  hot.reserveRelocations(lists, entries);
  const a = scanAll(wasmScan, view, sections, lists);
  const b = scanAll(hot.relocsScanTwin, view, sections, lists);
  if (a !== b) throw new Error(`relocs scan: wasm found ${a} addresses, the twin ${b}`);
  const label = `hot: relocs scan (${(entries / 1e6).toFixed(2)} M)`;
  const inPlaceLabel = `hot: relocs scan in place (${(entries / 1e6).toFixed(2)} M)`;
  row(label, time(() => scanAll(wasmScan, view, sections, lists)), time(() => scanAll(hot.relocsScanTwin, view, sections, lists)));

  // One memory: the walked .rela sections read into the HotMemory, scanned in place (no copy-in).
  const memory = new hot.HotMemory();
  const spans = walked.map((w) => [w.start, w.count * 24]);
  const total = spans.reduce((n, [, size]) => n + size, 0);
  memory.reserve(total + 64 + entries * 16 + 4 * 1024 * 1024);
  const base = memory.alloc(total);
  const placed = [];
  let at = base;
  for (const [i, [start, size]] of spans.entries()) {
    memory.bytes(at, size).set(elf.bytes.subarray(start, start + size));
    placed.push({ ...sections[i], start: at });
    at += size;
  }
  const inPlace = hot.createWasmRelocsScan(memory);
  const memoryView = new DataView(memory.memory.buffer);
  if (scanAll(inPlace, memoryView, placed, lists) !== b) throw new Error('relocs scan in place disagrees');
  row(inPlaceLabel, time(() => scanAll(inPlace, memoryView, placed, lists)), time(() => scanAll(hot.relocsScanTwin, view, sections, lists)));
}

/** Every symbol name of `elf`'s .symtab as ranges of its .strtab (what ld's .strtab was built from). */
function symtabNames(elf) {
  const index = elf.sections.findIndex((x) => x.name === '.symtab');
  const table = elf.symbolTable(index);
  const strtab = elf.sectionData(elf.sections[index].link);
  const starts = [], lengths = [];
  let total = 0;
  for (let i = 1; i < table.count; i++) {
    const at = table.nameOffset(i);
    if (at === 0) continue;
    const length = strtab.indexOf(0, at) - at;
    starts.push(at); lengths.push(length); total += length;
  }
  return { buffers: [strtab], bufferOf: new Int32Array(starts.length), starts: Int32Array.from(starts), lengths: Int32Array.from(lengths), count: starts.length, totalLength: total };
}
{
  const path = existsSync(bigVmlinux) ? bigVmlinux : `${tinyDir}expected/vmlinux.unsorted`;
  const file = readFileSync(path);
  const names = symtabNames(hot.readElf(new Uint8Array(file.buffer, file.byteOffset, file.byteLength), path));
  const wasmTable = hot.createWasmStringTable();
  row(`hot: strtab finish (${(names.count / 1e3).toFixed(0)} k names)`, time(() => wasmTable.finish(names)), time(() => hot.stringTableTwin.finish(names)));
  row(`hot: strtab reverse sort (${(names.count / 1e3).toFixed(0)} k)`, time(() => wasmTable.sortReversed(names)), time(() => hot.stringTableTwin.sortReversed(names)));
}

/** A relocation arena over every .rela section of `elf` (an object), each target section at its own
 *  offset of one buffer, every symbol at a made-up address: the linker's per-relocation work. */
function objectArena(elf) {
  const symtabIndex = elf.sections.findIndex((x) => x.name === '.symtab');
  const symtab = elf.symbolTable(symtabIndex);
  const relas = elf.sections.filter((x) => x.type === 4 && elf.sections[x.info]?.size > 0n);
  const offsets = new Map();
  let size = 0;
  for (const x of elf.sections) { offsets.set(x.index, size); size += Number(x.type === 8 ? 0n : x.size) + 8; }
  const counts = relas.map((r) => elf.relocationTable(r.index).count);
  const entries = counts.reduce((a, b) => a + b, 0);
  const arena = new hot.RelocationArena({ sections: relas.length, entries, symbols: symtab.count, inputSections: elf.sections.length, outputSymbols: symtab.count, buffers: [size] });
  hot.writeKindTable(arena.kinds);
  const base = 0xffffffff81000000n;
  let first = 0;
  relas.forEach((r, k) => {
    const off = offsets.get(r.info);
    const address = base + BigInt(off);
    arena.sections.set([first, counts[k], 0, off, Number(address & 0xffffffffn), Number(address >> 32n), 0, 0], k * hot.SECTION_WORDS);
    const bytes = elf.sectionData(r.index);
    arena.words.set(new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), first * 6);
    first += counts[k];
  });
  arena.syms.set(elf.sectionData(symtabIndex));
  elf.sections.forEach((x, i) => { arena.sectionMode[i] = 1; arena.sectionBase[i] = BigInt.asIntN(64, base + BigInt(offsets.get(i))); });
  for (let sym = symtab.firstGlobal; sym < symtab.count; sym++) { arena.symAddr[sym] = BigInt.asIntN(64, base + BigInt(sym * 16)); arena.symState[sym] = 1; }
  for (let sym = 0; sym < symtab.count; sym++) arena.outSym[sym] = sym;
  arena.symtab.set(elf.sectionData(symtabIndex));
  return { arena, sections: relas.length, entries, firstGlobal: symtab.firstGlobal, inputSections: elf.sections.length, counts };
}
{
  const file = readFileSync(`${tinyDir}inputs/vmlinux.o`);
  const elf = hot.readElf(new Uint8Array(file.buffer, file.byteOffset, file.byteLength), 'vmlinux.o');
  const wasmRelocator = hot.createWasmRelocator();
  const a = objectArena(elf);
  const label = (what) => `hot: relocate ${what} (${(a.entries / 1e3).toFixed(0)} k)`;
  for (const r of [wasmRelocator, hot.relocateTwin]) { r.symbols(a.arena, 0, 0, a.firstGlobal, 0, a.inputSections); r.plan(a.arena, a.sections); }
  // Entries whose fields do not fit the made-up layout are not written by either.
  const fits = hot.relocateTwin.check(a.arena, 0, a.entries) < 0;
  const emitAll = (r) => { let k = 0; a.arena.fixups[0] = 0; for (let i = 0, first = 0; i < a.sections; first += a.counts[i++]) k = r.emit(a.arena, first, a.counts[i], 0, k); return k; };
  row(label('symbols'), time(() => wasmRelocator.symbols(a.arena, 0, 0, a.firstGlobal, 0, a.inputSections)), time(() => hot.relocateTwin.symbols(a.arena, 0, 0, a.firstGlobal, 0, a.inputSections)));
  row(label('plan'), time(() => wasmRelocator.plan(a.arena, a.sections)), time(() => hot.relocateTwin.plan(a.arena, a.sections)));
  if (fits) row(label('apply'), time(() => wasmRelocator.apply(a.arena, 0, a.entries)), time(() => hot.relocateTwin.apply(a.arena, 0, a.entries)));
  row(label('emit'), time(() => emitAll(wasmRelocator)), time(() => emitAll(hot.relocateTwin)));
  const k = emitAll(wasmRelocator);
  const job = { first: 0, end: k, out: 0, base: 0xffffffff81000000n, tp: 0n };
  const verifyWith = (r) => { a.arena.counts[0] = a.arena.counts[1] = 0; r.verify(a.arena, job); };
  row(label('verify'), time(() => verifyWith(wasmRelocator)), time(() => verifyWith(hot.relocateTwin)));
  // The scan, a file at a time as scanRelocations runs it (entries copied into the scan arena
  // once; the twin reads the same copy).
  const symtab = elf.symbolTable(elf.sections.findIndex((x) => x.name === '.symtab'));
  const relas = elf.sections.filter((x) => x.type === 4 && elf.sections[x.info]?.size > 0n);
  const scanArena = new hot.ScanArena(a.entries, relas.length, symtab.count);
  hot.writeKindTable(scanArena.kinds);
  let at = 0;
  relas.forEach((r, k) => {
    const words = new Uint32Array(elf.sectionData(r.index).slice().buffer);
    scanArena.words.set(words, at);
    scanArena.table[2 * k] = words.length / 6;
    scanArena.table[2 * k + 1] = Number(elf.sections[r.info].size);
    at += words.length;
  });
  const scanMedian = (r) => time(() => { scanArena.counts.fill(0); r.scan(scanArena, { sections: relas.length, symbols: symtab.count, firstGlobal: symtab.firstGlobal, seq: 0 }); });
  row(label('scan'), scanMedian(wasmRelocator), scanMedian(hot.relocateTwin));
}
