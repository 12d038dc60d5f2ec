// The tables sorttable sorts, read back as rows: in the tiny kernel's vmlinux.unsorted (GNU ld's
// output) __ex_table and the ORC tables have entries out of order; in expected/vmlinux (the kernel's
// own sorttable ran) none, and the same entries are there — sorting only moved them. Each
// instruction an __ex_table entry names lies in a function nm lists (nm -S: start and size).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.ts';
import { KernelTables, type ExtableRow, type OrcRow } from '../../src/worker/kernel-tables.ts';
import { runTool, tiny } from '../helpers.ts';

const open = (name: string) => new KernelTables(readElf(new Uint8Array(readFileSync(tiny('expected', name))), name));
const all = <T>(t: KernelTables, table: 'extable' | 'orc') => t.page({ file: '', table, start: 0, count: 1e9 }) as unknown as { rows: T[]; outOfOrder: number; firstOutOfOrder: number; total: number; tables: unknown };

describe('kernel tables', () => {
  const unsorted = open('vmlinux.unsorted');
  const sorted = open('vmlinux');

  it('__ex_table: out of order as ld wrote it, in order after the kernel\'s sorttable, the same entries', () => {
    const before = all<ExtableRow>(unsorted, 'extable');
    const after = all<ExtableRow>(sorted, 'extable');
    const size = runTool('readelf', ['-SW', tiny('expected', 'vmlinux')]).split('\n')
      .map((l) => /^\s*\[\s*\d+\]\s+__ex_table\s+\S+\s+[0-9a-f]{16}\s+[0-9a-f]+\s+([0-9a-f]+)\s/.exec(l)).find((m) => m)![1];
    expect(after.total).toBe(parseInt(size, 16) / 12);
    expect(before.outOfOrder).toBeGreaterThan(0);
    expect(before.rows[before.firstOutOfOrder].outOfOrder).toBe(true);
    expect(before.rows[before.firstOutOfOrder].insn < before.rows[before.firstOutOfOrder - 1].insn).toBe(true);
    expect([after.outOfOrder, after.firstOutOfOrder]).toEqual([0, -1]);
    const key = (r: ExtableRow) => `${r.insn.toString(16)} ${r.fixup.toString(16)} ${r.data}`;
    expect(after.rows.map(key).sort()).toEqual(before.rows.map(key).sort());
    // Every instruction is inside a function (nm -S), and named by it.
    const fns = runTool('nm', ['-S', tiny('expected', 'vmlinux')]).split('\n').flatMap((l) => {
      const m = /^([0-9a-f]{16}) ([0-9a-f]{16}) [Tt] (\S+)$/.exec(l);
      return m ? [{ start: BigInt('0x' + m[1]), end: BigInt('0x' + m[1]) + BigInt('0x' + m[2]), name: m[3] }] : [];
    });
    let inside = 0;
    for (const r of after.rows.filter((_, i) => i % 7 === 0)) {
      const f = fns.find((x) => r.insn >= x.start && r.insn < x.end);
      if (!f) continue;
      inside++;
      expect(r.insnAt, r.insn.toString(16)).toMatch(/^[\w.$]+(\+0x[0-9a-f]+)?$/);
    }
    expect(inside).toBeGreaterThan(after.rows.length / 7 / 2);
  });

  it('ORC: .orc_unwind_ip out of order before sorttable, non-decreasing after, each IP with the same unwind entry', () => {
    const before = all<OrcRow>(unsorted, 'orc');
    const after = all<OrcRow>(sorted, 'orc');
    expect(after.total).toBe(before.total);
    expect(before.outOfOrder).toBeGreaterThan(0);
    expect(after.outOfOrder).toBe(0);
    const key = (r: OrcRow) => `${r.ip.toString(16)} ${r.spReg} ${r.spOffset} ${r.bpReg} ${r.bpOffset} ${r.flags}`;
    expect(after.rows.map(key).sort()).toEqual(before.rows.map(key).sort());
    expect(unsorted.tables()).toEqual([{ table: 'extable', section: '__ex_table', entries: all(unsorted, 'extable').total }, { table: 'orc', section: '.orc_unwind_ip', entries: before.total }]);
  });

  it('says so when a file has no such table', () => {
    const obj = new KernelTables(readElf(new Uint8Array(readFileSync(tiny('inputs', 'version-timestamp.o'))), 'version-timestamp.o'));
    expect(obj.tables()).toEqual([]);
    expect(() => obj.page({ file: '', table: 'extable', start: 0, count: 10 })).toThrow(/version-timestamp\.o has no __ex_table section/);
  });
});
