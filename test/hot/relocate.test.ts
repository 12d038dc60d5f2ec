// wasm/relocate.wat and its TypeScript twin (src/hot/relocate.ts) over the relocation arena: the
// tiny kernel links byte for byte as GNU ld with either, and on random arenas (sections, entries of
// every kind, symbols in every section mode, values that do and do not fit) both leave every column,
// list and output byte the same.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { X86_64_KINDS, writeKindTable } from '../../src/link/arch/x86_64.ts';
import { link } from '../../src/link/link.ts';
import { parseLinkArguments } from '../../src/link/options.ts';
import { RECORDED_RELOCATION_LIMIT } from '../../src/link/record.ts';
import { RelocationArena, ScanArena, SECTION_WORDS, createWasmRelocator, relocateTwin, type ArenaShape } from '../../src/hot/relocate.ts';
import { setHotImplementation } from '../../src/hot/sort.ts';
import { load, tiny } from '../helpers.ts';

afterEach(() => setHotImplementation('wasm'));

const wasm = createWasmRelocator();
const TYPES = X86_64_KINDS.map((k, t) => (k ? t : -1)).filter((t) => t >= 0);

function kinds(a: { kinds: Uint8Array }): void {
  writeKindTable(a.kinds);
}

/** Random words for an arena of `shape`: xorshift from `seed`, so both arenas get the same. */
function fill(a: RelocationArena, shape: ArenaShape, seed: number, counts: number[]): void {
  let x = seed | 1;
  const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
  kinds(a);
  let first = 0;
  counts.forEach((count, k) => {
    const h = k * SECTION_WORDS;
    a.sections.set([first, count, next() % shape.buffers.length, next() % 64, next(), next() % 3 === 0 ? 0xffffffff : next() % 4, 0, next() % 5 === 0 ? 1 : 0], h);
    for (let i = 0; i < count; i++) {
      const w = (first + i) * 6;
      const small = next() % 2 === 0;
      a.words.set([next() % 200, 0, TYPES[next() % TYPES.length], next() % shape.symbols, small ? next() % 300 : next(), small ? 0 : next()], w);
      a.relax[first + i] = next() % 6 === 0 ? next() % 13 : 0;
    }
    first += count;
  });
  for (let s = 0; s < shape.symbols; s++) {
    a.symState[s] = next() % 4 === 0 ? 0 : 1;
    a.symAddr[s] = BigInt.asIntN(64, (BigInt(next() % 4 === 0 ? 0xffffffff : next() % 3) << 32n) | BigInt(next()));
    // Elf64_Sym: info at 4, shndx at 6, value at 8.
    const e = s * 24;
    a.syms[e + 4] = next() % 2 ? 3 : 1;
    const shndx = [0, 0xfff1, 0xfff2, 0xffff, next() % (shape.inputSections + 2)][next() % 5];
    a.syms[e + 6] = shndx & 255;
    a.syms[e + 7] = shndx >> 8;
    new DataView(a.syms.buffer, a.syms.byteOffset).setUint32(e + 8, next(), true);
  }
  for (let i = 0; i < shape.inputSections; i++) {
    a.sectionSymbol[i] = next() % 5 === 0 ? -1 : next() % 100;
    a.sectionOffset[i] = next();
    a.sectionMode[i] = next() % 3;
    a.sectionBase[i] = BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next()));
  }
}

function columns(a: RelocationArena) {
  return {
    out: [...a.out], at: [...a.at], type: [...a.type], formula: [...a.formula], source: [...a.source], index: [...a.index],
    S: [...a.S], A: [...a.A], P: [...a.P], symAddr: [...a.symAddr], symState: [...a.symState], buffers: a.buffers.map((b) => (b ? [...b] : undefined)),
    outSym: [...a.outSym], growth: [...a.growth], emitted: [...a.emitted], fixups: [...a.fixups.subarray(0, 2 * a.fixups[0] + 2)],
  };
}

describe('relocation arena: wasm equals twin', () => {
  it('symbols, plan, check, apply and emit on random arenas', () => {
    const shapes = fc.record({
      counts: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
      symbols: fc.integer({ min: 1, max: 60 }),
      inputSections: fc.integer({ min: 1, max: 12 }),
      buffers: fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(-1)), { minLength: 1, maxLength: 4 }),
      seed: fc.integer(),
    });
    fc.assert(fc.property(shapes, ({ counts, symbols, inputSections, buffers, seed }) => {
      const shape: ArenaShape = { sections: counts.length, entries: counts.reduce((s, c) => s + c, 0), symbols, inputSections, outputSymbols: 16, buffers };
      const [x, y] = [new RelocationArena(shape), new RelocationArena(shape)];
      fill(x, shape, seed, counts);
      fill(y, shape, seed, counts);
      // Symbols: one file owning every slot and section.
      const leftX = wasm.symbols(x, 0, 0, symbols, 0, inputSections);
      const leftY = relocateTwin.symbols(y, 0, 0, symbols, 0, inputSections);
      expect(leftX).toBe(leftY);
      expect([...x.left.subarray(0, leftX)]).toEqual([...y.left.subarray(0, leftY)]);
      const slowX = wasm.plan(x, counts.length);
      const slowY = relocateTwin.plan(y, counts.length);
      expect(slowX).toBe(slowY);
      expect([...x.slow.subarray(0, slowX)]).toEqual([...y.slow.subarray(0, slowY)]);
      expect(columns(x)).toEqual(columns(y));
      // Give the slow entries something to write too, as the linker's slow path does.
      for (const a of [x, y]) for (const n of a.slow.subarray(0, slowX)) { a.formula[n] = 1 + (n % 2); a.S[n] = BigInt(n) * 0x10001n; }
      expect(wasm.check(x, 0, shape.entries)).toBe(relocateTwin.check(y, 0, shape.entries));
      // Apply only where every field fits its buffer (the linker checks first, as above).
      const from = Math.floor(shape.entries / 3);
      let to = from;
      while (to < shape.entries && relocateTwin.check(y, to, to + 1) < 0) to++;
      const rx = wasm.apply(x, from, to);
      const ry = relocateTwin.apply(y, from, to);
      expect(rx).toEqual(ry);
      expect([...x.overflow.subarray(0, rx.overflows)]).toEqual([...y.overflow.subarray(0, ry.overflows)]);
      expect([...x.relaxed.subarray(0, rx.relaxed)]).toEqual([...y.relaxed.subarray(0, ry.relaxed)]);
      expect(columns(x)).toEqual(columns(y));
      // --emit-relocs: output symbols of the section symbols, then every section's entries in turn,
      // some dropped, some with a merged section's symbol.
      for (const a of [x, y]) {
        for (let n = 0; n < shape.entries; n++) a.dropped[n] = n % 7 === 3 ? 1 : 0;
        for (let s = 0; s < symbols; s++) a.outSym[s] = s % 9 === 4 ? -1 : s * 3;
      }
      wasm.outputSymbols(x, 0, 1, symbols, 0, inputSections);
      relocateTwin.outputSymbols(y, 0, 1, symbols, 0, inputSections);
      let kx = 0, ky = 0;
      counts.forEach((count, k) => {
        const first = x.sections[k * SECTION_WORDS];
        kx = wasm.emit(x, first, count, 0, kx);
        ky = relocateTwin.emit(y, first, count, 0, ky);
      });
      expect(kx).toBe(ky);
      expect(columns(x)).toEqual(columns(y));
      // verify: the emitted entries against a random .symtab, in the first buffer with contents.
      const out = shape.buffers.findIndex((b) => b >= 0);
      if (out >= 0) {
        for (const a of [x, y]) {
          for (let i = 0; i < a.symtab.length; i++) a.symtab[i] = (i * 37 + seed) & 255;
          const e = new DataView(a.emitted.buffer, a.emitted.byteOffset, a.emitted.byteLength);
          for (let k = 0; k < kx; k++) {
            e.setBigUint64(k * 24, 0x1000n + BigInt((k * 13) % Math.max(1, shape.buffers[out] - 8)), true); // a place inside the buffer
            e.setUint32(k * 24 + 12, k % 16, true);
            a.asInput[k] = k % 11 === 5 ? 1 : 0;
          }
          a.counts[0] = a.counts[1] = 0;
        }
        if (shape.buffers[out] >= 8) {
          const job = { first: 0, end: kx, out, base: 0x1000n, tp: 0x77n };
          wasm.verify(x, job);
          relocateTwin.verify(y, job);
          expect([...x.counts]).toEqual([...y.counts]);
          expect([...x.listed]).toEqual([...y.listed]);
        }
      }
    }), { numRuns: 300 });
  });

  it('scan on random files: the same counts, first sightings and entries listed', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (counts, symbols, seed) => {
      const count = counts.reduce((a, b) => a + b, 0);
      const [x, y] = [new ScanArena(Math.max(count, 1), counts.length, symbols), new ScanArena(Math.max(count, 1), counts.length, symbols)];
      let v = seed | 1;
      const next = () => { v ^= v << 13; v ^= v >>> 17; v ^= v << 5; return v >>> 0; };
      const words: number[] = [];
      const types = [...TYPES, 19, 20, 19, 3, 7, 300]; // TLS pairs, some without a kind
      for (let i = 0; i < count; i++) words.push(next() % 90, next() % 9 === 0 ? 1 : 0, types[next() % types.length], next() % (symbols + 2), next(), 0);
      const ifunc = Array.from({ length: symbols }, () => (next() % 7 === 0 ? 1 : 0));
      const table = counts.flatMap((c) => [c, 40 + (next() % 60)]);
      for (const a of [x, y]) { kinds(a); a.words.set(words); a.ifunc.set(ifunc); a.table.set(table); }
      const job = { sections: counts.length, symbols, firstGlobal: Math.floor(symbols / 2), seq: next() % 1000 };
      const nx = wasm.scan(x, job);
      const ny = relocateTwin.scan(y, job);
      expect(nx).toBe(ny);
      expect([...x.special.subarray(0, nx)]).toEqual([...y.special.subarray(0, ny)]);
      expect([...x.counts]).toEqual([...y.counts]);
      expect([...x.firstSeen]).toEqual([...y.firstSeen]);
    }), { numRuns: 300 });
  });

  it('the tiny kernel links byte for byte as GNU ld with the twin too', () => {
    const names = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o', 'vmlinux.lds'];
    const inputs = names.map((name) => ({ name, bytes: load(tiny('inputs', name)) }));
    const argv = ['-m', 'elf_x86_64', '-z', 'noexecstack', '--no-warn-rwx-segments', '--emit-relocs', '--discard-none', '-z', 'max-page-size=0x200000',
      '--build-id=sha1', '--orphan-handling=warn', '--script=vmlinux.lds', '-o', 'vmlinux.unsorted', ...names.slice(0, 4)];
    const expected = Buffer.from(load(tiny('expected', 'vmlinux.unsorted')));
    setHotImplementation('ts');
    const viaTwin = link(inputs, argv);
    setHotImplementation('wasm');
    const viaWasm = link(inputs, argv);
    expect(Buffer.from(viaTwin.outputs['vmlinux.unsorted']).equals(expected)).toBe(true);
    expect(Buffer.from(viaWasm.outputs['vmlinux.unsorted']).equals(expected)).toBe(true);
    expect(viaTwin.record.relocations).toEqual(viaWasm.record.relocations);
    expect(viaWasm.record.relocations.length).toBe(RECORDED_RELOCATION_LIMIT);
    // The CLI's link asks for no byte steps: same file, an empty list.
    const unrecorded = link(inputs, { ...parseLinkArguments(argv), recordSteps: 0 });
    expect(Buffer.from(unrecorded.outputs['vmlinux.unsorted']).equals(expected)).toBe(true);
    expect(unrecorded.record.relocations).toEqual([]);
  }, 60_000);
});
