// The WebAssembly radix sorts and their TypeScript twins must agree on every input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWasmSorter, sortTwin } from '../../src/hot/sort.ts';
import { readElf } from '../../src/elf/index.ts';
import { load, tiny } from '../helpers.ts';

const wasm = createWasmSorter();

describe('radix_sort.wat vs its TypeScript twin', () => {
  it('sortUint32 agrees on random arrays (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 2000 }), (xs) => {
        const a = Uint32Array.from(xs);
        const b = Uint32Array.from(xs);
        wasm.sortUint32(a);
        sortTwin.sortUint32(b);
        expect(a).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('sortPairsByKey gives the same stable permutation, ties included (property)', () => {
    const key = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 7n }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 2000 }), (xs) => {
        const keys = BigUint64Array.from(xs);
        const a = wasm.sortPairsByKey(keys);
        const b = sortTwin.sortPairsByKey(keys);
        expect(a).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('agree on real data: the symbol values of the kernel fixture', () => {
    const elf = readElf(load(tiny('expected/vmlinux.unsorted')), 'vmlinux.unsorted');
    const symtab = elf.symbolTable(elf.sections.find((s) => s.name === '.symtab')!.index);
    const keys = new BigUint64Array(symtab.count);
    const low = new Uint32Array(symtab.count);
    for (let i = 0; i < symtab.count; i++) {
      keys[i] = symtab.value(i);
      low[i] = Number(keys[i] & 0xffffffffn);
    }
    expect(wasm.sortPairsByKey(keys)).toEqual(sortTwin.sortPairsByKey(keys));
    const a = low.slice();
    const b = low.slice();
    wasm.sortUint32(a);
    sortTwin.sortUint32(b);
    expect(a).toEqual(b);
    expect(symtab.count).toBeGreaterThan(10000);
  });
});
