// wasm/strtab.wat and its TypeScript twin (src/hot/string-table.ts) finish string tables the way
// BFD does: both rebuild GNU ld's own .strtab of the tiny kernel (and of Debian's vmlinux) byte for
// byte from its symbol names in .symtab order, and agree with each other on random tables full of
// duplicates, shared suffixes, long names (the 16-byte SIMD paths) and bytes above 0x7f.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { readElf, type ElfFile } from '../../src/elf/index.ts';
import { SuffixStringTable } from '../../src/elf/suffix-string-table.ts';
import { HotMemory, HotMemoryError } from '../../src/hot/memory.ts';
import { setHotImplementation } from '../../src/hot/sort.ts';
import { createWasmStringTable, stringTableFinisher, stringTableTwin, type StringTableInput } from '../../src/hot/string-table.ts';
import { bigVmlinux, hasBigVmlinux, load, tiny } from '../helpers.ts';

afterEach(() => setHotImplementation('wasm'));

const wasm = createWasmStringTable(new HotMemory());

/** Every symbol name of the file's .symtab, in table order, as ranges of its .strtab. */
function symbolNames(elf: ElfFile): { input: StringTableInput; strtab: Uint8Array; nameOffsets: number[] } {
  const index = elf.sections.findIndex((s) => s.name === '.symtab');
  const table = elf.symbolTable(index);
  const strtab = elf.sectionData(elf.sections[index].link);
  const starts: number[] = [];
  const lengths: number[] = [];
  const nameOffsets: number[] = [];
  let total = 0;
  for (let i = 1; i < table.count; i++) {
    const at = table.nameOffset(i);
    if (at === 0) continue;
    const length = strtab.indexOf(0, at) - at;
    starts.push(at);
    lengths.push(length);
    nameOffsets.push(at);
    total += length;
  }
  const input = { buffers: [strtab], bufferOf: new Int32Array(starts.length), starts: Int32Array.from(starts), lengths: Int32Array.from(lengths), count: starts.length, totalLength: total };
  return { input, strtab, nameOffsets };
}

function expectSameAsLinker(elf: ElfFile): void {
  const { input, strtab, nameOffsets } = symbolNames(elf);
  for (const finisher of [wasm, stringTableTwin]) {
    const out = finisher.finish(input);
    expect(Buffer.from(out.bytes).equals(Buffer.from(strtab)), `${finisher.implementation}: .strtab bytes`).toBe(true);
    expect(Array.from(out.offsets), `${finisher.implementation}: st_name of every symbol`).toEqual(nameOffsets);
  }
}

describe('string table finish: wasm and twin rebuild GNU ld\'s .strtab', () => {
  it('the tiny kernel linked by GNU ld 2.40 (every st_name and every byte)', () => {
    expectSameAsLinker(readElf(load(tiny('expected/vmlinux.unsorted')), 'vmlinux.unsorted'));
  });

  it.runIf(hasBigVmlinux)('Debian\'s 6.1 vmlinux (its ld-built .strtab)', () => {
    expectSameAsLinker(readElf(load(bigVmlinux), bigVmlinux));
  }, 60_000);
});

describe('string table finish and reverse sort: wasm equals twin', () => {
  // Names from a small alphabet so that duplicates and suffixes are common; some long ones share
  // tails past 16 bytes; bytes 0x80-0xff sort unsigned.
  const alphabet = [0x61, 0x62, 0x5f, 0x2e, 0x30, 0xc3, 0xa9, 0xff];
  const name = fc.oneof(
    fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 6 }),
    fc.tuple(fc.array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 30 }), fc.constantFrom('_initcall_level_sync', '.constprop.0.isra.0', 'x')).map(([head, tail]) => [...head, ...Array.from(tail, (c) => c.charCodeAt(0))]),
  );
  const table = fc.array(fc.tuple(name, fc.integer({ min: 0, max: 2 })), { minLength: 0, maxLength: 400 });

  it('random tables over several buffers', () => {
    fc.assert(fc.property(table, (entries) => {
      // Each name lives in one of three buffers, at some offset, so the finish reads real ranges.
      const buffers = [[], [], []] as number[][];
      const bufferOf: number[] = [];
      const starts: number[] = [];
      const lengths: number[] = [];
      for (const [bytes, b] of entries) {
        buffers[b].push(0x21);
        starts.push(buffers[b].length);
        buffers[b].push(...bytes);
        bufferOf.push(b);
        lengths.push(bytes.length);
      }
      const input: StringTableInput = {
        buffers: buffers.map((b) => Uint8Array.from(b)), bufferOf: Int32Array.from(bufferOf), starts: Int32Array.from(starts),
        lengths: Int32Array.from(lengths), count: entries.length, totalLength: lengths.reduce((a, b) => a + b, 0),
      };
      const sortedA = wasm.sortReversed(input);
      const sortedB = stringTableTwin.sortReversed(input);
      expect(Array.from(sortedA.order)).toEqual(Array.from(sortedB.order));
      expect(Array.from(sortedA.marks)).toEqual(Array.from(sortedB.marks));
      const a = wasm.finish(input);
      const b = stringTableTwin.finish(input);
      expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
      expect(Array.from(a.offsets)).toEqual(Array.from(b.offsets));
      // Every handle's offset holds its bytes and a NUL.
      entries.forEach(([bytes], h) => {
        expect(Array.from(a.bytes.subarray(a.offsets[h], a.offsets[h] + bytes.length + 1))).toEqual([...bytes, 0]);
      });
    }), { numRuns: 300 });
  });

  it('a table the WebAssembly memory cannot hold is finished by the twin', () => {
    const full = new HotMemory();
    full.reserve = () => { throw new HotMemoryError('needs 5.00 GiB, more than WebAssembly\'s 4 GiB address space'); };
    const finisher = createWasmStringTable(full);
    const names = ['.text', 'text', '.data'].map((t) => new TextEncoder().encode(t));
    const input: StringTableInput = { buffers: names, bufferOf: Int32Array.of(0, 1, 2), starts: Int32Array.of(0, 0, 0), lengths: Int32Array.of(5, 4, 5), count: 3, totalLength: 14 };
    expect(finisher.finish(input)).toEqual(stringTableTwin.finish(input));
    expect(finisher.sortReversed(input)).toEqual(stringTableTwin.sortReversed(input));
  });

  it('SuffixStringTable uses the implementation the switch selects', () => {
    const names = ['.text', 'text', '.rela.text', '.data', '.text'];
    const build = () => { const t = new SuffixStringTable(); const h = names.map((n) => t.addText(n)); return { bytes: t.data(), offsets: h.map((x) => t.offset(x)) }; };
    const viaWasm = build();
    expect(stringTableFinisher().implementation).toBe('wasm');
    setHotImplementation('ts');
    expect(stringTableFinisher().implementation).toBe('ts');
    const viaTwin = build();
    expect(viaTwin).toEqual(viaWasm);
    // BFD's layout: ".rela.text" and ".data" stored; ".text" (both times) and "text" are its tail.
    expect(new TextDecoder().decode(viaWasm.bytes)).toBe('\0.rela.text\0.data\0');
    expect(viaWasm.offsets).toEqual([6, 7, 1, 12, 6]);
  });
});
