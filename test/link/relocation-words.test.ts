// relocationWords views aligned RELA sections in place and decodes the rest into a copy; both must
// give readelf's offset, type, symbol and addend for every entry.
import { describe, expect, it } from 'vitest';
import { readElf, SHT_RELA } from '../../src/elf/index.ts';
import { relocationWords } from '../../src/link/relocation-words.ts';
import { load, runTool, tiny } from '../helpers.ts';

describe('relocationWords', () => {
  it('gives the same entries in place and from an unaligned copy, as readelf lists them', () => {
    const bytes = load(tiny('inputs', 'vmlinux.o'));
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const aligned = readElf(bytes, 'vmlinux.o');
    const unaligned = readElf(shifted, 'vmlinux.o');
    const section = aligned.sections.find((s) => s.type === SHT_RELA && s.name === '.rela.text')!;
    const inPlace = relocationWords(aligned, aligned.relocationTable(section.index));
    const copied = relocationWords(unaligned, unaligned.relocationTable(section.index));
    expect(inPlace.buffer).toBe(bytes.buffer); // a view, not a copy
    expect(copied.buffer).not.toBe(shifted.buffer);
    expect(Array.from(copied)).toEqual(Array.from(inPlace));
    const listing = runTool('readelf', ['-rW', tiny('inputs', 'vmlinux.o')]);
    const block = listing.split(/\n\n/).find((b) => b.trim().startsWith(`Relocation section '.rela.text'`))!;
    const rows = block.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l)).slice(0, 200);
    expect(rows).toHaveLength(200);
    rows.forEach((row, i) => {
      const [offset, info] = row.split(/\s+/);
      const addend = BigInt.asUintN(64, BigInt(/([+-]) ([0-9a-f]+)$/.exec(row)![1] === '-' ? -1 : 1) * BigInt('0x' + /([0-9a-f]+)$/.exec(row)![1]));
      const w = copied.subarray(6 * i, 6 * i + 6);
      expect((BigInt(w[1]) << 32n) | BigInt(w[0])).toBe(BigInt('0x' + offset));
      expect((BigInt(w[3]) << 32n) | BigInt(w[2])).toBe(BigInt('0x' + info));
      expect((BigInt(w[5]) << 32n) | BigInt(w[4])).toBe(addend);
    });
  });
});
