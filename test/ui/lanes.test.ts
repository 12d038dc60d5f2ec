// The memory map's lane layout on real program headers (the x86_64-tiny vmlinux, via readelf -l)
// and on random intervals: inside the lane, in address order, never overlapping, and the
// zero-based per-CPU segment drawn apart from the kernel's 0xffffffff8... range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutLane, type Interval } from '../../src/ui/state/lanes.ts';
import { runTool, tiny } from '../helpers.ts';

function expectOrderedInside(intervals: Interval[]): void {
  const lane = layoutLane(intervals);
  const placed = [...intervals].sort((a, b) => (a.start < b.start ? -1 : 1)).map((i) => ({ i, p: lane.place(i) }));
  for (const { p } of placed) {
    expect(p.x).toBeGreaterThanOrEqual(-1e-9);
    expect(p.x + p.w).toBeLessThanOrEqual(100 + 1e-9);
    expect(p.w).toBeGreaterThanOrEqual(0);
  }
  for (let k = 1; k < placed.length; k++) {
    const prev = placed[k - 1], cur = placed[k];
    if (prev.i.end <= cur.i.start) expect(cur.p.x).toBeGreaterThanOrEqual(prev.p.x + prev.p.w - 1e-6);
  }
}

describe('memory map lanes', () => {
  it('separates .data..percpu (VMA 0) from the kernel and keeps LMA contiguous, on the real vmlinux', () => {
    const loads = runTool('readelf', ['-lW', tiny('expected', 'vmlinux.unstripped')]).split('\n')
      .filter((l) => /^\s+LOAD\s/.test(l)).map((l) => l.trim().split(/\s+/))
      .map((f) => ({ vaddr: BigInt(f[2]), paddr: BigInt(f[3]), memsz: BigInt(f[5]) }));
    expect(loads.length).toBeGreaterThan(2);
    const vma = loads.map((p) => ({ start: p.vaddr, end: p.vaddr + p.memsz }));
    const lma = loads.map((p) => ({ start: p.paddr, end: p.paddr + p.memsz }));
    expect(layoutLane(vma).clusters.length).toBe(2);
    expect(layoutLane(vma).breaks.length).toBe(1);
    expect(layoutLane(lma).clusters.length).toBe(1);
    expectOrderedInside(vma);
    expectOrderedInside(lma);
  });

  it('places random non-overlapping intervals in order inside the lane', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 30n })), { minLength: 1, maxLength: 12 }),
      (pairs) => {
        // Turn (gap, size) pairs into back-to-back, non-overlapping intervals.
        let at = 0n;
        const intervals = pairs.map(([gap, size]) => { const start = at + gap; at = start + size; return { start, end: at }; });
        expectOrderedInside(intervals);
      },
    ), { numRuns: 300, seed: 7 });
  });
});
