// wasm/relocs_scan.wat and its TypeScript twin (src/kernel/relocs/scan.ts) must make the same decisions:
// random relocation tables with random symbol flags and feature bits (every status reachable), the file
// placed in the HotMemory (read in place), and whole relocs() runs on the tiny kernel and Debian's vmlinux (equal to the kernel tool's files).
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWasmRelocsScan, relocsScanScratchBytes, relocsScanTwin, type RelocsScanner } from '../../src/hot/relocs-scan.ts';
import { HotMemory, HotMemoryError } from '../../src/hot/memory.ts';
import { setHotImplementation } from '../../src/hot/sort.ts';
import { createRelocationLists, reserveRelocations, LIST_COUNT } from '../../src/kernel/relocs/lists.ts';
import { TYPE_BUCKETS, type ScanSection } from '../../src/kernel/relocs/scan.ts';
import { relocs, type RelocsOptions } from '../../src/kernel/relocs/relocs.ts';
import { bigVmlinux, fixturesDir, hasBigVmlinux, load, tiny } from '../helpers.ts';

const wasm = createWasmRelocsScan();

/** Types the scan distinguishes (x86-64 and i386), plus strangers. */
const types64 = [0, 1, 2, 4, 9, 10, 11, 24, 42, 300];
const types32 = [0, 1, 2, 4, 20, 21, 23, 9];

interface Case {
  is64: boolean;
  entries: { offset: bigint; type: number; sym: number }[];
  flags: number[];
  features: number;
  adjust: bigint;
  headText: boolean;
  preLengths: number[];
  sampleLimit: number;
}

function entryBytes(c: Case): Uint8Array {
  const size = c.is64 ? 24 : 8;
  const view = new DataView(new ArrayBuffer(16 + c.entries.length * size));
  c.entries.forEach((e, j) => {
    const at = 16 + j * size;
    if (c.is64) {
      view.setBigUint64(at, e.offset, true);
      view.setUint32(at + 8, e.type, true);
      view.setUint32(at + 12, e.sym, true);
      view.setBigInt64(at + 16, -4n, true);
    } else {
      view.setUint32(at, Number(e.offset & 0xffffffffn), true);
      view.setUint32(at + 4, ((e.sym & 0xffffff) << 8 | e.type) >>> 0, true);
    }
  });
  return new Uint8Array(view.buffer);
}

function runScan(scanner: RelocsScanner, c: Case, bytes: Uint8Array, view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) {
  const lists = createRelocationLists(c.sampleLimit);
  // Lists that already hold values from earlier sections.
  reserveRelocations(lists, Math.max(...c.preLengths));
  c.preLengths.forEach((n, k) => {
    for (let i = 0; i < n; i++) lists.values[k][i] = 7 + i;
    lists.lengths[k] = n;
  });
  reserveRelocations(lists, c.entries.length);
  const typeCounts = new Uint32Array(TYPE_BUCKETS).fill(3);
  const section: ScanSection = {
    view, start: 16, count: c.entries.length, symbolFlags: Uint8Array.from(c.flags),
    adjustLow: Number(c.adjust & 0xffffffffn), adjustHigh: Number(c.adjust >> 32n), headText: c.headText,
  };
  const result = (c.is64 ? scanner.scanRela64 : scanner.scanRel32)(section, c.features, lists, typeCounts);
  return {
    result,
    lists: Array.from({ length: LIST_COUNT }, (_, k) => Array.from(lists.values[k].subarray(0, lists.lengths[k]))),
    samples: Array.from(lists.sampleEntry),
    typeCounts: Array.from(typeCounts),
  };
}

/** Mostly entries the tool accepts, so tables run long; now and then one that stops the scan. */
const offsetArb = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 0xffffffff80000000n, max: 0xffffffffffffffffn }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 0x7fffffffn }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
);
const flagsArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 8, 2 | 4, 16, 64, 2 | 32, 1) }, { weight: 1, arbitrary: fc.nat({ max: 127 }) });
const typeArb = (is64: boolean) => fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...(is64 ? [0, 1, 2, 4, 10, 11, 24, 42] : [0, 1, 2, 4, 20])) },
  { weight: 1, arbitrary: fc.constantFrom(...(is64 ? types64 : types32)) },
);

const caseArb = fc.boolean().chain((is64) => fc.record({
  is64: fc.constant(is64),
  flags: fc.array(flagsArb, { minLength: 1, maxLength: 40 }),
  entries: fc.array(fc.record({
    offset: offsetArb,
    type: typeArb(is64),
    sym: fc.oneof({ weight: 30, arbitrary: fc.nat({ max: 39 }) }, { weight: 1, arbitrary: fc.constant(0xffffff) }),
  }), { maxLength: 300 }),
  features: is64 ? fc.constantFrom(0, 1, 2, 3) : fc.constantFrom(0, 4),
  adjust: fc.oneof(fc.constant(0n), fc.constant(0xffffffff81000000n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
  headText: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  preLengths: fc.array(fc.nat({ max: 20 }), { minLength: 4, maxLength: 4 }),
  sampleLimit: fc.constantFrom(0, 1, 16),
}));

describe('relocs_scan.wat vs scanRela64/scanRel32', () => {
  afterEach(() => setHotImplementation('wasm'));

  it('agrees on random tables, flags and features, errors included (property)', () => {
    const statuses = new Set<number>();
    let recorded = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const bytes = entryBytes(c);
        const ours = runScan(wasm, c, bytes);
        expect(ours).toEqual(runScan(relocsScanTwin, c, bytes));
        statuses.add(ours.result.status);
        recorded += ours.lists.reduce((n, l) => n + l.length, 0);
      }),
      { numRuns: 1500, seed: 4 },
    );
    // Every outcome was exercised: OK and the seven error codes.
    expect([...statuses].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(recorded).toBeGreaterThan(50_000);
  });

  it('reads the entries in place when the file lives in the HotMemory', () => {
    const c: Case = {
      is64: true, flags: [0, 0, 8, 2 | 4, 0], features: 1, adjust: 0x1000n, headText: false, preLengths: [0, 0, 0, 0], sampleLimit: 4,
      entries: Array.from({ length: 5000 }, (_, j) => ({ offset: 0xffffffff81000000n + BigInt(j * 8), type: [1, 2, 11, 10][j % 4], sym: j % 5 })),
    };
    const bytes = entryBytes(c);
    const memory = new HotMemory();
    memory.reserve(bytes.length + relocsScanScratchBytes(c.entries.length, c.flags.length, c.sampleLimit) + 64);
    const at = memory.alloc(bytes.length);
    memory.bytes(at, bytes.length).set(bytes);
    const inPlace = createWasmRelocsScan(memory);
    const before = memory.memory.buffer;
    const ours = runScan(inPlace, c, bytes, new DataView(memory.memory.buffer, at, bytes.length));
    expect(memory.memory.buffer).toBe(before);
    expect(ours).toEqual(runScan(relocsScanTwin, c, bytes));
    expect(ours.lists[0].length).toBeGreaterThan(0);
  });

  it('scans a section of several chunks: lists, samples and an error entry index are the whole section\'s', () => {
    const entries = Array.from({ length: 50_000 }, (_, j) => ({ offset: 0xffffffff81000000n + BigInt(j * 8), type: [1, 2, 11, 10, 4][j % 5], sym: j % 4 }));
    const c: Case = { is64: true, flags: [0, 0, 8, 2 | 4], features: 1, adjust: 0x1000n, headText: false, preLengths: [3, 0, 1, 0], sampleLimit: 8, entries };
    for (const at of [-1, 40_003]) {
      const withError: Case = { ...c, entries: entries.map((e, j) => (j === at ? { ...e, type: 200 } : e)) };
      const bytes = entryBytes(withError);
      const ours = runScan(wasm, withError, bytes);
      expect(ours).toEqual(runScan(relocsScanTwin, withError, bytes));
      expect(ours.result.entry).toBe(at);
      if (at < 0) expect(ours.lists.reduce((n, l) => n + l.length, 0)).toBeGreaterThan(20_000);
    }
  });

  it('falls back to the twin when a section needs more than the memory can give', () => {
    class FullMemory extends HotMemory {
      override reserve(bytes: number): void {
        if (bytes > 1 << 16) throw new HotMemoryError(`needs ${bytes} bytes`);
        super.reserve(bytes);
      }
    }
    const c: Case = {
      is64: true, flags: [0, 2 | 4, 0], features: 0, adjust: 0n, headText: false, preLengths: [0, 0, 0, 0], sampleLimit: 2,
      entries: Array.from({ length: 20_000 }, (_, j) => ({ offset: 0xffffffff81000000n + BigInt(j * 8), type: j % 2 ? 1 : 11, sym: j % 3 })),
    };
    const bytes = entryBytes(c);
    const ours = runScan(createWasmRelocsScan(new FullMemory()), c, bytes);
    expect(ours).toEqual(runScan(relocsScanTwin, c, bytes));
    expect(ours.lists[0].length + ours.lists[2].length).toBeGreaterThan(10_000);
  });

  const attempt = (input: Uint8Array, options: RelocsOptions) => {
    try {
      return relocs(input, options);
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  /** Runs relocs() with the twin, then with WebAssembly; the results (or error messages) must be equal. */
  const same = (input: Uint8Array, options: RelocsOptions) => {
    setHotImplementation('ts');
    const twin = attempt(input, options);
    setHotImplementation('wasm');
    const ours = attempt(input, options);
    if (typeof twin === 'string' || typeof ours === 'string') {
      expect(ours).toEqual(twin);
      return null;
    }
    expect(ours.record).toEqual(twin.record);
    expect(Object.keys(ours.outputs)).toEqual(Object.keys(twin.outputs));
    for (const k of Object.keys(twin.outputs)) expect(Buffer.from(ours.outputs[k]).equals(Buffer.from(twin.outputs[k]))).toBe(true);
    return ours;
  };

  it('relocs() of the tiny kernel is identical with either scanner, and equals the kernel tool', () => {
    const input = load(tiny('expected', 'vmlinux.unstripped'));
    const out = same(input, {})!;
    expect(Buffer.from(out.outputs['vmlinux.relocs']).equals(Buffer.from(load(tiny('expected', 'vmlinux.relocs'))))).toBe(true);
    // 6.15 refuses this 6.1-era file (an absolute per-CPU reference): the same message either way.
    expect(same(input, { kernel: '6.15' })).toBeNull();
    same(input, { text: true, inverse: false });
  });

  it.runIf(hasBigVmlinux)("relocs() of Debian's 632 MB vmlinux is identical with either scanner", () => {
    const out = same(load(bigVmlinux), {})!;
    expect(out.record.relocationsWalked).toBeGreaterThan(1_000_000);
    const golden = load(`${fixturesDir}/debian-6.1.0-53/vmlinux.relocs`);
    expect(Buffer.from(out.outputs['vmlinux.relocs']).equals(Buffer.from(golden))).toBe(true);
  }, 120_000);
});
