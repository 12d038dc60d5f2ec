// kaslr: the decompressor's handle_relocations simulated on the tiny fixture. The relocated image is
// checked against values re-derived from the .rela sections (S + A + delta at each listed location,
// mapped through section headers rather than segments), full coverage is required, and a deleted
// entry must be reported. Also the CLI and the decompressor's own errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, repoRoot, tiny } from '../helpers.ts';
import { kaslr } from '../../src/kernel/kaslr.ts';
import { readElf } from '../../src/elf/index.ts';
import { StageError } from '../../src/pipeline/stage.ts';

const image = load(tiny('expected', 'vmlinux.unstripped'));
const relocsFile = load(tiny('expected', 'vmlinux.relocs'));
const DELTA = 0x1e600000n;

/** The three stop-led lists of the golden vmlinux.relocs, read forwards (independent of kaslr.ts). */
function goldenLists(bytes: Uint8Array) {
  const w = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const stops = [...w.keys()].filter((i) => w[i] === 0);
  expect(stops.length).toBe(3);
  return { l64: w.slice(1, stops[1]), lneg: w.slice(stops[1] + 1, stops[2]), l32: w.slice(stops[2] + 1) };
}

describe('kaslr on the x86_64-tiny fixture', () => {
  const { outputs, record, diagnostics } = kaslr(image, relocsFile, { delta: DELTA, sampleLimit: 8 });
  const out = outputs['vmlinux.kaslr'];
  const lists = goldenLists(relocsFile);

  it('applies every entry and every absolute reference is covered', () => {
    expect(record.applied).toEqual({ relocs64: lists.l64.length, relocs32neg: lists.lneg.length, relocs32: lists.l32.length });
    expect(record.coverage.uncoveredCount).toBe(0);
    expect(record.coverage.covered).toBe(lists.l64.length + lists.l32.length);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(record.changes).toHaveLength(8);
    expect(image.length).toBe(out.length);
  });

  it('each relocated absolute reference equals its symbol value + addend + delta (re-derived from .rela)', () => {
    const elf = readElf(image);
    const percpu = elf.sectionByName('.data..percpu')!;
    const in64 = new Set(lists.l64);
    const in32 = new Set(lists.l32);
    const inNeg = new Set(lists.lneg);
    const perCpuLoad = (() => {
      const s = elf.symbolTable(elf.sectionByName('.symtab')!.index);
      for (let i = 0; i < s.count; i++) if (s.name(i) === '__per_cpu_load') return s.value(i);
      throw new Error('no __per_cpu_load');
    })();
    const dv = new DataView(image.buffer, image.byteOffset, image.length);
    const ov = new DataView(out.buffer, out.byteOffset, out.length);
    const checked = { 64: 0, 32: 0, neg: 0 };
    let changedBytes = 0;
    for (let i = 0; i < image.length; i++) if (image[i] !== out[i]) changedBytes++;
    expect(changedBytes).toBe(record.bytesChanged);
    for (const rela of elf.sections.filter((s) => s.type === 4)) {
      const target = elf.sections[rela.info];
      if ((target.flags & 2n) === 0n || target.type === 7 || target.type === 8) continue;
      const rt = elf.relocationTable(rela.index);
      const symtab = elf.symbolTable(rt.symbolTableIndex);
      for (let i = 0; i < rt.count; i++) {
        const type = rt.type(i);
        const offset = rt.offset(i);
        // File offset through the section header (the .data..percpu section is linked at 0).
        const at = Number(target.offset + offset - target.addr);
        const key = Number((target.index === percpu.index ? offset + perCpuLoad : offset) & 0xffffffffn);
        const value = BigInt.asUintN(64, symtab.value(rt.sym(i)) + rt.addend(i));
        if (type === 1 && in64.has(key)) {
          expect(dv.getBigUint64(at, true)).toBe(value);
          expect(ov.getBigUint64(at, true)).toBe(BigInt.asUintN(64, value + DELTA));
          checked[64]++;
        } else if ((type === 10 || type === 11) && in32.has(key)) {
          expect(ov.getUint32(at, true)).toBe(Number(BigInt.asUintN(32, value + DELTA)));
          checked[32]++;
        } else if ((type === 2 || type === 4) && inNeg.has(key)) {
          expect(ov.getInt32(at, true)).toBe(Number(BigInt.asIntN(32, BigInt(dv.getInt32(at, true)) - DELTA)));
          checked.neg++;
        } else if (type === 1 && target.type !== 8) {
          expect(ov.getBigUint64(at, true)).toBe(dv.getBigUint64(at, true));
        }
      }
    }
    expect(checked).toEqual({ 64: lists.l64.length, 32: lists.l32.length, neg: lists.lneg.length });
  });

  it('a deleted entry is reported as an uncovered absolute reference', () => {
    const w = new Uint32Array(relocsFile.buffer.slice(relocsFile.byteOffset, relocsFile.byteOffset + relocsFile.length));
    const victim = w[1 + 5]; // the sixth 64-bit entry
    const edited = new Uint8Array(new Uint32Array([...w.slice(0, 6), ...w.slice(7)]).buffer);
    const r = kaslr(image, edited, { delta: DELTA });
    expect(r.record.coverage.uncoveredCount).toBe(1);
    expect(r.record.coverage.uncovered[0].type).toBe('R_X86_64_64');
    expect(BigInt(r.record.coverage.uncovered[0].address) & 0xffffffffn).toBe(BigInt(victim));
    expect(r.diagnostics.some((d) => d.severity === 'error' && /1 absolute reference/.test(d.message))).toBe(true);
  });

  it('delta 0 changes nothing; an unaligned delta is warned about', () => {
    const zero = kaslr(image, relocsFile, { delta: 0n });
    expect(Buffer.compare(Buffer.from(zero.outputs['vmlinux.kaslr']), Buffer.from(image))).toBe(0);
    expect(zero.record.bytesChanged).toBe(0);
    expect(kaslr(image, relocsFile, { delta: 0x1000n }).diagnostics.some((d) => d.severity === 'warning')).toBe(true);
  });

  it('reads the 6.15 two-list layout: the same 64-bit and 32-bit patches, no inverse ones', async () => {
    const { relocs } = await import('../../src/kernel/relocs/relocs.ts');
    const twoList = relocs(image, { inverse: false }).outputs['vmlinux.relocs'];
    const r = kaslr(image, twoList, { delta: DELTA, kernel: '6.15' });
    expect(r.record.applied).toEqual({ relocs64: lists.l64.length, relocs32neg: 0, relocs32: lists.l32.length });
    expect(r.record.coverage.uncoveredCount).toBe(0);
    // Every byte differing from the three-list run lies in a location the inverse list patches.
    const three = outputs['vmlinux.kaslr'];
    const two = r.outputs['vmlinux.kaslr'];
    const elf = readElf(image);
    const inverseOffsets = new Set<number>();
    for (const v of lists.lneg) {
      const pa = BigInt.asUintN(64, BigInt(v | 0)) - 0xffffffff80000000n;
      const seg = elf.segments.find((p) => p.type === 1 && p.paddr <= pa && pa < p.paddr + p.filesz)!;
      const at = Number(seg.offset + pa - seg.paddr);
      for (let k = 0; k < 4; k++) inverseOffsets.add(at + k);
    }
    let differing = 0;
    for (let i = 0; i < three.length; i++) {
      if (three[i] === two[i]) continue;
      differing++;
      expect(inverseOffsets.has(i)).toBe(true);
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('the decompressor\'s errors: an entry outside the kernel, a malformed list file', () => {
    const w = new Uint32Array(relocsFile.buffer.slice(relocsFile.byteOffset, relocsFile.byteOffset + relocsFile.length));
    w[1] = 0x80000000; // 64-bit entry below _text
    expect(() => kaslr(image, new Uint8Array(w.buffer), { delta: DELTA })).toThrow(/^64-bit relocation outside of kernel!\n/);
    expect(() => kaslr(image, relocsFile.subarray(0, 10), { delta: DELTA })).toThrow(StageError);
    expect(() => kaslr(image, relocsFile.subarray(4), { delta: DELTA })).toThrow(/relocs64 list has no stop word/);
    // The 6.15 reading of a 6.1 file sees the inverse list's stop as the 64-bit list's: bytes remain.
    expect(() => kaslr(image, relocsFile, { delta: DELTA, kernel: '6.15' })).toThrow(/bytes precede the first stop word; not a two-list/);
  });
});

describe('ldplay kaslr', () => {
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
    expect(r.status, r.stderr.toString()).toBe(0);
  });
  const run = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'kaslr', ...args]);

  it('reports full coverage (exit 0) and a missing entry (exit 1)', () => {
    const ok = run([tiny('expected', 'vmlinux.unstripped'), tiny('expected', 'vmlinux.relocs'), '--offset', '0x1e600000', '--json']);
    expect(ok.status, ok.stderr.toString()).toBe(0);
    expect(JSON.parse(ok.stdout.toString()).coverage.uncoveredCount).toBe(0);
    const w = new Uint32Array(relocsFile.buffer.slice(relocsFile.byteOffset, relocsFile.byteOffset + relocsFile.length));
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-kaslr-'));
    writeFileSync(join(dir, 'vmlinux.relocs'), new Uint8Array(new Uint32Array([...w.slice(0, 3), ...w.slice(4)]).buffer));
    const bad = run([tiny('expected', 'vmlinux.unstripped'), join(dir, 'vmlinux.relocs'), '--offset=0x1e600000']);
    expect(bad.status).toBe(1);
    expect(bad.stdout.toString()).toMatch(/coverage: \d+ of \d+ absolute references have an entry\n  uncovered: \S+ 0xffffffff[0-9a-f]+ R_X86_64_64 /);
    expect(run([tiny('expected', 'vmlinux.unstripped')]).status).toBe(2);
  });
});
