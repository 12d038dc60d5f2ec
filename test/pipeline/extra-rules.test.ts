// The kaslr and mismatch rules in the declarative graph on the x86_64-tiny fixture: kaslr reads the
// graph's own vmlinux.relocs (equal to the kernel tool's) and patches exactly the locations it lists
// by the chosen offset; modpost.log says what the real modpost says (bad.o golden, nothing for vmlinux.o).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.ts';
import { Pipeline } from '../../src/pipeline/graph.ts';
import { checkRules, declarativeRules } from '../../src/pipeline/rules.ts';
import { load, repoRoot, tiny } from '../helpers.ts';

const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
const vmlinuxO = load(tiny('inputs', 'vmlinux.o'));
const goldenRelocs = load(tiny('expected', 'vmlinux.relocs'));
const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;

function graph(kernel: string, kaslrOffset?: string): Pipeline {
  const options = { kernel, kaslrOffset };
  return new Pipeline([...declarativeRules(options), ...checkRules(options)], options);
}

/** File offset of a link-time virtual address, through the section headers (not the segments kaslr
 *  uses); .data..percpu is linked at 0 and loaded at __per_cpu_load. */
function offsetMapper(bytes: Uint8Array): (va: bigint) => number {
  const elf = readElf(bytes, 'vmlinux');
  const symtab = elf.symbolTable(elf.sectionByName('.symtab')!.index);
  let load = -1n;
  for (let i = 0; i < symtab.count; i++) if (symtab.name(i) === '__per_cpu_load') load = symtab.value(i);
  const percpu = elf.sectionByName('.data..percpu')!;
  return (va) => {
    const s = elf.sections.find((x) => x.type !== 8 && x.addr !== 0n && va >= x.addr && va < x.addr + x.size);
    if (s) return Number(s.offset + (va - s.addr));
    expect(va >= load && va < load + percpu.size).toBe(true);
    return Number(percpu.offset + (va - load));
  };
}

describe('kaslr and mismatch as graph rules (tiny fixture)', () => {
  it('6.1: kaslr patches exactly the vmlinux.relocs locations, by the chosen offset; mismatch finds nothing, as modpost', async () => {
    const p = graph('6.1', '0x2a00000');
    await p.put('vmlinux.unsorted', unsorted);
    await p.put('vmlinux.o', vmlinuxO);
    const reports = await p.runAll();
    expect(reports.map((r) => [r.rule, r.action])).toEqual([['sysmap', 'ran'], ['sorttable', 'ran'], ['relocs', 'ran'], ['mismatch', 'ran'], ['kaslr', 'ran']]);
    expect(same(p.artifact('vmlinux.relocs')?.bytes, goldenRelocs)).toBe(true);
    expect(p.artifact('modpost.log')!.bytes.length).toBe(0);

    const before = p.artifact('vmlinux')!.bytes;
    const after = p.artifact('vmlinux.kaslr')!.bytes;
    expect(after.length).toBe(before.length);
    // The golden list read forwards: stop, 64-bit, stop, inverse 32-bit, stop, 32-bit.
    const w = new Uint32Array(goldenRelocs.buffer.slice(goldenRelocs.byteOffset, goldenRelocs.byteOffset + goldenRelocs.length));
    const stops = [...w.keys()].filter((i) => w[i] === 0);
    const l64 = w.slice(1, stops[1]);
    const lneg = w.slice(stops[1] + 1, stops[2]);
    const l32 = w.slice(stops[2] + 1);
    const fileOffsetOf = offsetMapper(before);
    const patched = new Set<number>();
    const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.length);
    for (const a of l64) {
      const off = fileOffsetOf(BigInt.asUintN(64, BigInt.asIntN(32, BigInt(a))));
      expect(dv(after).getBigUint64(off, true) - dv(before).getBigUint64(off, true)).toBe(0x2a00000n);
      for (let k = 0; k < 8; k++) patched.add(off + k);
    }
    for (const a of l32) {
      const off = fileOffsetOf(BigInt.asUintN(64, BigInt.asIntN(32, BigInt(a))));
      expect((dv(after).getUint32(off, true) - dv(before).getUint32(off, true)) >>> 0).toBe(0x2a00000);
      for (let k = 0; k < 4; k++) patched.add(off + k);
    }
    // The inverse list: PC-relative references to per-CPU data get the offset subtracted.
    for (const a of lneg) {
      const off = fileOffsetOf(BigInt.asUintN(64, BigInt.asIntN(32, BigInt(a))));
      expect((dv(before).getUint32(off, true) - dv(after).getUint32(off, true)) >>> 0).toBe(0x2a00000);
      for (let k = 0; k < 4; k++) patched.add(off + k);
    }
    expect(l64.length + l32.length + lneg.length).toBeGreaterThan(100);
    let changedElsewhere = 0;
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i] && !patched.has(i)) changedElsewhere++;
    expect(changedElsewhere).toBe(0);
    const kaslrState = p.list().find((r) => r.id === 'kaslr')!;
    expect(kaslrState.inputs).toEqual(['vmlinux', 'vmlinux.relocs']);
    expect(kaslrState.record).toMatchObject({ delta: '0x2a00000', applied: { relocs64: l64.length, relocs32neg: lneg.length, relocs32: l32.length } });
  });

  it('another offset patches differently; without vmlinux.o mismatch is blocked; a bad offset fails with a message', async () => {
    const a = graph('6.1', '0x1000000');
    await a.put('vmlinux.unsorted', unsorted);
    await a.runAll();
    const b = graph('6.1', '0x2000000');
    await b.put('vmlinux.unsorted', unsorted);
    await b.runAll();
    const ka = a.artifact('vmlinux.kaslr')!.bytes;
    const kb = b.artifact('vmlinux.kaslr')!.bytes;
    expect(same(ka, kb)).toBe(false);
    expect(a.list().find((r) => r.id === 'mismatch')).toMatchObject({ status: 'blocked', why: 'missing input vmlinux.o' });
    const bad = graph('6.1', 'sixteen');
    await bad.put('vmlinux.unsorted', unsorted);
    const reports = await bad.runAll();
    expect(reports.at(-1)).toMatchObject({ rule: 'kaslr', action: 'failed' });
    expect(reports.at(-1)!.diagnostics[0].message).toMatch(/offset 'sixteen' is not a number/);
  });

  it('6.15: kaslr reads vmlinux.unstripped and is blocked while relocs fails on this 6.1 image', async () => {
    const p = graph('6.15');
    await p.put('vmlinux.unsorted', unsorted);
    await p.runAll();
    const k = p.list().find((r) => r.id === 'kaslr')!;
    expect(k.status).toBe('blocked');
    expect(k.why).toMatch(/vmlinux\.relocs/);
  });

  it("modpost.log holds the real modpost's lines for an object with mismatches", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-extra-'));
    const obj = join(dir, 'bad.o');
    execFileSync('gcc', ['-O2', '-fno-pic', '-fno-pie', '-mcmodel=kernel', '-fno-asynchronous-unwind-tables', '-c', '-o', obj,
      join(repoRoot, 'test', 'golden', 'mismatch', 'bad.c')]);
    const p = graph('6.1');
    await p.put('vmlinux.o', load(obj));
    await p.runAll();
    const log = new TextDecoder().decode(p.artifact('modpost.log')!.bytes);
    const golden = readFileSync(join(repoRoot, 'test', 'golden', 'mismatch', 'bad.modpost.txt'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).toBe(golden.replaceAll('bad.o', 'vmlinux.o'));
  });
});
