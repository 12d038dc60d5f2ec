// "Who refers to this symbol": the relocations readelf -r lists against a symbol, in the tiny
// kernel's vmlinux.unstripped (--emit-relocs) and in a sample object, found by symbol index.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf, SHT_SYMTAB } from '../../src/elf/index.ts';
import { symbolReferences } from '../../src/worker/symbol-references.ts';
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
        expect(found.references.map((r) => `${r.sectionName} ${r.offset.toString(16)} ${r.typeName}`).sort(), name).toEqual(want.sort());
        // Each place is named by a symbol of the patched section at or below it.
        for (const r of found.references.slice(0, 50)) expect(r.location, `${name} ${r.sectionName}`).toMatch(/^[\w.$]+(\+0x[0-9a-f]+)?$/);
        // The limit caps the list, not the count.
        const capped = symbolReferences(elf, table, symbolIndex(path, name), 1);
        expect([capped.total, capped.references.length]).toEqual([want.length, 1]);
      }
    });
  }
});
