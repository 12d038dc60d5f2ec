import { describe, expect, it } from 'vitest';
import { readElf, imageFromElf, writeElf, ElfFormatError, SHT_SYMTAB, SHT_RELA } from '../../src/elf/index.ts';
import { load, runTool, tiny } from '../helpers.ts';

describe('readElf on the kernel fixture', () => {
  const path = tiny('inputs/vmlinux.o');
  const elf = readElf(load(path), 'vmlinux.o');

  it('reads the section table like readelf', () => {
    const names = runTool('readelf', ['-W', '-S', path])
      .split('\n')
      .map((l) => /^\s*\[\s*(\d+)\]\s+(\S*)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => m[2]);
    expect(elf.sections.length).toBe(names.length);
    // readelf truncates nothing with -W; section 0 has an empty name it prints as "".
    expect(elf.sections.slice(1).map((s) => s.name)).toEqual(names.slice(1));
  });

  it('reads symbols and relocations consistently', () => {
    const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB)!;
    const syms = elf.symbolTable(symtab.index);
    const nm = runTool('nm', ['--defined-only', path]).split('\n').filter(Boolean).length;
    let defined = 0;
    for (let i = 1; i < syms.count; i++) {
      const t = syms.info(i) & 0xf;
      if (syms.shndx(i) !== 0 && t !== 3 && t !== 4) defined++;
    }
    expect(defined).toBe(nm);
    const rela = elf.sections.find((s) => s.type === SHT_RELA)!;
    const table = elf.relocationTable(rela.index);
    for (let i = 0; i < table.count; i++) expect(table.sym(i)).toBeLessThan(syms.count);
  });

  it('writes an unmodified file back byte for byte', () => {
    const bytes = load(path);
    expect(Buffer.compare(writeElf(imageFromElf(readElf(bytes, 'vmlinux.o'))), bytes)).toBe(0);
  });
});

describe('malformed input', () => {
  it('names the file, structure and offset of a truncated section table', () => {
    const bytes = load(tiny('inputs/version-timestamp.o'));
    const cut = bytes.subarray(0, bytes.length - 10);
    try {
      readElf(cut, 'cut.o');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ElfFormatError);
      expect((e as ElfFormatError).message).toMatch(/^cut\.o: section header table .* at offset 0x[0-9a-f]+: .*past the end/);
    }
  });
});
