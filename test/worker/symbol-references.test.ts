// "Who refers to this symbol": the relocations readelf -r lists against a symbol, in the tiny
// kernel's vmlinux.unstripped (--emit-relocs) and in a sample object, found by symbol index.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf, SHT_SYMTAB } from '../../src/elf/index.ts';
import { symbolReferences } from '../../src/worker/symbol-references.ts';
import { createSession } from '../../src/worker/session.ts';
import { repoRoot, runTool, tiny } from '../helpers.ts';

/** readelf -rW's rows as [section, r_offset, type, symbol name]. */
function readelfRelocations(path: string): [string, bigint, string, string][] {
  const out: [string, bigint, string, string][] = [];
  let section = '';
  for (const line of runTool('readelf', ['-rW', path]).split('\n')) {
    const head = /^Relocation section '([^']+)'/.exec(line);
    if (head) { section = head[1]; continue; }
    const m = /^([0-9a-f]{8,16})\s+[0-9a-f]+\s+(R_\w+)\s+[0-9a-f]+\s+(\S+)/.exec(line);
    if (m) out.push([section, BigInt('0x' + m[1]), m[2], m[3]]);
  }
  return out;
}

/** The symbol's index in .symtab by readelf -s (a global, so the name is unique). */
function symbolIndex(path: string, name: string): number {
  const rows = runTool('readelf', ['-sW', path]).split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[7] === name && f[4] === 'GLOBAL');
  expect(rows.length).toBe(1);
  return parseInt(rows[0][0]);
}

describe('symbol references', () => {
  for (const [label, path, names] of [
    ['vmlinux.unstripped', tiny('expected', 'vmlinux.unstripped'), ['jiffies', '_printk', 'start_kernel']],
    ['a sample object', join(repoRoot, 'samples', 'mini-kernel', 'main.o'), ['__start___ex_table', '__stop___ex_table', 'jiffies_64']],
  ] as const) {
    it(`are the relocations readelf lists against a symbol, in ${label}`, () => {
      const elf = readElf(new Uint8Array(readFileSync(path)), label);
      const table = elf.sections.find((s) => s.type === SHT_SYMTAB)!.index;
      const listed = readelfRelocations(path);
      for (const name of names) {
        const want = listed.filter(([, , , sym]) => sym === name).map(([sec, off, type]) => `${sec} ${off.toString(16)} ${type}`);
        expect(want.length, name).toBeGreaterThan(0);
        const found = symbolReferences(elf, table, symbolIndex(path, name), 1e6);
        expect(found.total, name).toBe(want.length);
        expect(found.references.filter((r) => !r.via).map((r) => `${r.sectionName} ${r.offset.toString(16)} ${r.typeName}`).sort(), name).toEqual(want.sort());
        // Each place is named by a symbol of the patched section at or below it.
        for (const r of found.references.slice(0, 50)) expect(r.location, `${name} ${r.sectionName}`).toMatch(/^[\w.$]+(\+0x[0-9a-f]+)?$/);
        // The limit caps the list, not the count.
        const capped = symbolReferences(elf, table, symbolIndex(path, name), 1);
        expect([capped.total, capped.throughSection, capped.references.length]).toEqual([want.length, found.throughSection, 1]);
      }
    });
  }

  it('finds references through a section symbol and an addend to local functions and variables, where objdump shows the instruction reaching them', async () => {
    const path = tiny('expected', 'vmlinux.unsorted');
    const bytes = new Uint8Array(readFileSync(path));
    const elf = readElf(bytes, 'vmlinux.unsorted');
    // Through the worker session: it decodes each PC-relative instruction (iced-x86) for where it ends.
    const api = createSession();
    expect((await api.open('vmlinux.unsorted', bytes.slice().buffer)).ok).toBe(true);
    // readelf -sW: local functions and objects with a size and a name no other symbol has.
    const rows = runTool('readelf', ['-sW', path]).split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => /^\d+:$/.test(f[0]) && f[7]);
    const names = new Map<string, number>();
    for (const f of rows) names.set(f[7], (names.get(f[7]) ?? 0) + 1);
    const locals = rows.filter((f) => (f[3] === 'FUNC' || f[3] === 'OBJECT') && f[4] === 'LOCAL' && Number(f[2]) > 0 && names.get(f[7]) === 1)
      .map((f) => ({ index: parseInt(f[0]), value: BigInt('0x' + f[1]), name: f[7], type: f[3], shndx: Number(f[6]) }));
    const functions = rows.filter((f) => f[3] === 'FUNC').map((f) => BigInt('0x' + f[1])).sort((a, b) => (a < b ? -1 : 1));
    const relocated = readelfRelocations(path).filter(([sec]) => sec === '.rela.text').map(([, off]) => off);
    const checked = { FUNC: 0, OBJECT: 0, immediate: 0 };
    for (const sym of locals.filter((_, i) => i % 7 === 0)) {
      if (checked[sym.type as 'FUNC' | 'OBJECT'] >= 12) continue;
      const r0 = await api.symbolReferences({ file: 'vmlinux.unsorted', symbol: sym.index, limit: 1e6 });
      if (!r0.ok) throw new Error(r0.error.message);
      const found = r0.value;
      const pcRelative = found.references.filter((r) => r.via && /PC32|PLT32/.test(r.typeName) && r.sectionName === '.rela.text');
      expect(found.throughSection).toBeGreaterThanOrEqual(pcRelative.length);
      const home = elf.sections[sym.shndx];
      // A function counts when reached at its entry, an object anywhere in it.
      const annotated = new RegExp(`<${sym.name.replace(/[.$]/g, '\\$&')}${sym.type === 'FUNC' ? '' : '(\\+0x[0-9a-f]+)?'}>`);
      for (const r of pcRelative.slice(0, 3)) {
        expect(r.via, sym.name).toMatch(new RegExp(`^${home.name.replace(/[.$]/g, '\\$&')}\\+0x[0-9a-f]+$`));
        // objdump from the start of the function holding the field: the instruction holding it points
        // into sym.name, and every instruction there reaching sym.name through a relocated field is listed.
        const start = functions.filter((v) => v <= r.offset).at(-1)!;
        const lines = runTool('objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(r.offset + 16n).toString(16)}`, path]).split('\n')
          .flatMap((l) => { const m = /^([0-9a-f]{16}):\t(.*)$/.exec(l); return m ? [{ at: BigInt('0x' + m[1]), text: m[2] }] : []; });
        let k = lines.length - 1;
        while (k > 0 && lines[k].at > r.offset) k--;
        expect(lines[k].text, `${sym.name} from ${r.location}`).toMatch(annotated);
        // An immediate after the field: the instruction ends more than 4 bytes after it.
        if (lines[k + 1] && lines[k + 1].at - r.offset > 4n) checked.immediate++;
        lines.forEach((l, j) => {
          const end = lines[j + 1]?.at ?? r.offset + 16n;
          if (!annotated.test(l.text) || !relocated.some((off) => off > l.at && off < end)) return;
          expect(found.references.some((x) => x.offset > l.at && x.offset < end), `${sym.name} reached at ${l.at.toString(16)}: ${l.text}`).toBe(true);
        });
        checked[sym.type as 'FUNC' | 'OBJECT']++;
      }
    }
    expect(checked.FUNC).toBeGreaterThanOrEqual(8);
    expect(checked.OBJECT).toBeGreaterThanOrEqual(8);
    expect(checked.immediate).toBeGreaterThan(0);
  });
});
