// "Go to the relocation at": an address or symbol+offset names the relocation readelf -r lists at
// that place (the field covering it), or the next one after it; in the tiny kernel's
// vmlinux.unsorted, and in a relocatable sample object where places are section offsets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.ts';
import { findRelocation } from '../../src/worker/relocation-finder.ts';
import { readelfPatches, repoRoot, runTool, tiny } from '../helpers.ts';

/** nm's defined symbols with sizes: name → [value, size]. */
function nmSymbols(path: string): Map<string, [bigint, bigint]> {
  const out = new Map<string, [bigint, bigint]>();
  for (const line of runTool('nm', ['-S', path]).split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [Tt] (\S+)$/.exec(line);
    if (m && !out.has(m[3])) out.set(m[3], [BigInt('0x' + m[1]), BigInt('0x' + m[2])]);
  }
  return out;
}

const WIDTH: Record<string, bigint> = { R_X86_64_64: 8n, R_X86_64_PC64: 8n, R_X86_64_16: 2n, R_X86_64_PC16: 2n, R_X86_64_8: 1n, R_X86_64_PC8: 1n };
const width = (type: string) => WIDTH[type] ?? 4n;

describe('find the relocation at a place', () => {
  const path = tiny('expected', 'vmlinux.unsorted');
  const elf = readElf(new Uint8Array(readFileSync(path)), 'vmlinux.unsorted');
  const rows = readelfPatches(path).filter((r) => r.type !== 'R_X86_64_NONE');
  const at = (section: number, index: number) => {
    const t = elf.relocationTable(section);
    return { section: elf.sections[t.targetSection].name, offset: t.offset(index) };
  };

  it('an address inside a field names that relocation, in whichever section patches it', () => {
    const sample = rows.filter((_, i) => i % 997 === 0);
    expect(sample.length).toBeGreaterThan(100);
    for (const r of sample) {
      const place = r.offset + width(r.type) - 1n;
      const found = findRelocation(elf, { file: 'vmlinux.unsorted', at: place.toString(16) });
      expect(found.covers, `${r.section} ${r.offset.toString(16)}`).toBe(true);
      expect(at(found.section, found.index), `${place.toString(16)}`).toEqual({ section: r.section, offset: r.offset });
    }
  });

  it('between two fields: the next relocation after the place', () => {
    const text = rows.filter((r) => r.section === '.text').map((r) => r.offset).sort((a, b) => (a < b ? -1 : 1));
    let checked = 0;
    for (let i = 0; i + 1 < text.length && checked < 50; i += 211) {
      const gap = text[i] + 4n;
      if (text[i + 1] <= gap) continue;
      const found = findRelocation(elf, { file: 'x', at: '0x' + gap.toString(16) });
      expect(found.covers).toBe(false);
      expect(at(found.section, found.index)).toEqual({ section: '.text', offset: text[i + 1] });
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('symbol+offset, as an oops names a place', () => {
    const symbols = nmSymbols(path);
    let checked = 0;
    for (const name of ['start_kernel', '_printk', 'panic', 'do_exit', 'schedule']) {
      const [value, size] = symbols.get(name) ?? [0n, 0n];
      const inside = rows.filter((r) => r.section === '.text' || r.section === '.init.text').find((r) => r.offset > value && r.offset < value + size);
      if (!inside) continue;
      const found = findRelocation(elf, { file: 'x', at: `${name}+0x${(inside.offset - value).toString(16)}` });
      expect([found.covers, at(found.section, found.index).offset], name).toEqual([true, inside.offset]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('in a relocatable object: symbol+offset in the symbol\'s section, or an offset in the chosen section', () => {
    const obj = join(repoRoot, 'samples', 'mini-kernel', 'main.o');
    const o = readElf(new Uint8Array(readFileSync(obj)), 'main.o');
    const objRows = readelfPatches(obj);
    const text = objRows.filter((r) => r.section === '.init.text');
    expect(text.length).toBeGreaterThan(2);
    const [value] = nmSymbols(obj).get('start_kernel')!;
    const r = text.find((x) => x.offset > value)!;
    const found = findRelocation(o, { file: 'main.o', at: `start_kernel+${(r.offset - value).toString()}` });
    expect(found.covers).toBe(true);
    expect(o.relocationTable(found.section).offset(found.index)).toBe(r.offset);
    expect(o.sections[found.section].name).toBe('.rela.init.text');
    const rela = o.sections.find((s) => s.name === '.rela.init.text')!.index;
    const byOffset = findRelocation(o, { file: 'main.o', at: '0x' + r.offset.toString(16), section: rela });
    expect([byOffset.section, byOffset.index]).toEqual([found.section, found.index]);
  });

  it('says why when there is nothing to find', () => {
    expect(() => findRelocation(elf, { file: 'vmlinux.unsorted', at: 'no_such_symbol_here' })).toThrow(/no defined symbol named no_such_symbol_here/);
    expect(() => findRelocation(elf, { file: 'vmlinux.unsorted', at: '0x7fff0000' })).toThrow(/no section holds address 0x7fff0000/);
    expect(() => findRelocation(elf, { file: 'vmlinux.unsorted', at: 'start_kernel + 1 + 2' })).toThrow(/neither an address .* nor symbol\+offset/);
    const stripped = readElf(new Uint8Array(readFileSync(tiny('expected', 'vmlinux'))), 'vmlinux');
    expect(() => findRelocation(stripped, { file: 'vmlinux', at: 'start_kernel' })).toThrow(/nothing relocates \.init\.text \(strip removes/);
    const o = readElf(new Uint8Array(readFileSync(join(repoRoot, 'samples', 'mini-kernel', 'main.o'))), 'main.o');
    expect(() => findRelocation(o, { file: 'main.o', at: '0x10' })).toThrow(/needs its section/);
  });
});
