// relocs on broken copies of the tiny fixture: each gives the kernel tool's die() text and exit status
// 1 (as a StageError naming the file offset), or its warning. With LDPLAY_KERNEL_RELOCS pointing at the
// real tool, every case is also run through it and stdout, stderr and exit status must agree.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, tiny } from '../helpers.ts';
import { relocs, type RelocsOptions } from '../../src/kernel/relocs/relocs.ts';
import { ElfFormatError, readElf, type ElfFile } from '../../src/elf/index.ts';
import { StageError } from '../../src/pipeline/stage.ts';

const pristine = load(tiny('expected', 'vmlinux.unstripped'));
const kernelTool = process.env.LDPLAY_KERNEL_RELOCS;
const hasKernelTool = kernelTool !== undefined && existsSync(kernelTool);
const scratch = mkdtempSync(join(tmpdir(), 'ldplay-relocs-'));

interface Patched {
  bytes: Uint8Array;
  elf: ElfFile;
}

function patched(edit: (p: Patched) => void): Uint8Array {
  const bytes = pristine.slice();
  edit({ bytes, elf: readElf(bytes, 'vmlinux') });
  return bytes;
}

/** First entry of `.rela<section>` matching `pick` (type, symbol name, symbol flags), with its file offset. */
function findRela(elf: ElfFile, relaName: string, pick: (type: number, name: string, shndx: number) => boolean) {
  const s = elf.sectionByName(relaName)!;
  const rt = elf.relocationTable(s.index);
  const symtab = elf.symbolTable(rt.symbolTableIndex);
  for (let i = 0; i < rt.count; i++) {
    const sym = rt.sym(i);
    const name = symtab.nameOffset(sym) ? symtab.name(sym) : '';
    if (pick(rt.type(i), name, symtab.shndx(sym))) return { at: rt.base + i * 24, sym, name, symtab, section: s };
  }
  throw new Error(`no matching entry in ${relaName}`);
}

/** Runs the kernel tool (when available) and checks it agrees with ldplay's error or output. */
function agreesWithTool(bytes: Uint8Array, args: string[], expected: { stdout?: Uint8Array; stderr: string; status: number }): void {
  if (!hasKernelTool) return;
  const file = join(scratch, 'vmlinux');
  writeFileSync(file, bytes);
  const r = spawnSync(kernelTool!, [...args, file], { maxBuffer: 1 << 28 });
  expect(r.stderr.toString('latin1').replaceAll(file, 'vmlinux')).toBe(expected.stderr);
  expect(r.status).toBe(expected.status);
  if (expected.stdout) expect(Buffer.compare(r.stdout, Buffer.from(expected.stdout))).toBe(0);
}

function expectDie(bytes: Uint8Array, message: string, options: RelocsOptions = {}, args: string[] = []): StageError {
  let error: unknown;
  try {
    relocs(bytes, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(StageError);
  const e = error as StageError;
  expect(e.message).toBe(message);
  expect(e.exitCode).toBe(1);
  expect(e.diagnostics[0].file).toBe('vmlinux');
  agreesWithTool(bytes, args, { stderr: message, status: 1 });
  return e;
}

describe('relocs header checks (the tool\'s read_ehdr order and wording)', () => {
  it.each([
    ['bad magic', (b: Uint8Array) => (b[1] = 0x46), 'No ELF magic\n'],
    ['big-endian', (b: Uint8Array) => (b[5] = 2), 'Not a LSB ELF executable\n'],
    ['EI_VERSION 0', (b: Uint8Array) => (b[6] = 0), 'Unknown ELF version\n'],
    ['unknown class (32-bit path)', (b: Uint8Array) => (b[4] = 3), 'Not a 32 bit executable\n'],
    ['ET_REL', (b: Uint8Array) => (b[16] = 1), 'Unsupported ELF header type\n'],
    ['EM_386 in a 64-bit file', (b: Uint8Array) => (b[18] = 3), 'Not for x86_64\n'],
    ['32-bit class on x86-64', (b: Uint8Array) => (b[4] = 1), 'Not for i386\n'],
    ['e_ehsize', (b: Uint8Array) => (b[52] = 65), 'Bad Elf header size\n'],
    ['e_phentsize', (b: Uint8Array) => (b[54] = 57), 'Bad program header entry\n'],
    ['e_shentsize', (b: Uint8Array) => (b[58] = 65), 'Bad section header entry\n'],
    ['e_shstrndx past e_shnum', (b: Uint8Array) => (b[62] = 0xf0), 'String table index out of bounds\n'],
  ] as [string, (b: Uint8Array) => void, string][])('%s', (_, edit, message) => {
    const b = pristine.slice(0, 4096);
    edit(b);
    const e = expectDie(b, message);
    expect(typeof e.diagnostics[0].offset).toBe('number');
  });

  it('a file shorter than e_ident cannot be read', () => {
    expectDie(pristine.slice(0, 10), 'Cannot read vmlinux: Success');
  });
});

describe('relocs per-relocation errors', () => {
  it('an unknown relocation type', () => {
    let at = 0;
    const b = patched(({ elf }) => {
      at = findRela(elf, '.rela.text', (t) => t === 2).at;
      elf.data.setU32(at + 8, 13);
    });
    expect(expectDie(b, 'Unsupported relocation type: R_X86_64_PC16 (13)\n').diagnostics[0].offset).toBe(at);
    const c = patched(({ elf }) => elf.data.setU32(findRela(elf, '.rela.text', (t) => t === 2).at + 8, 42));
    expectDie(c, 'Unsupported relocation type: unknown type rel type name (42)\n');
  });

  it('an absolute relocation against a symbol where none is allowed', () => {
    let name = '';
    const b = patched(({ elf }) => {
      const r = findRela(elf, '.rela.text', (t, n, shndx) => t === 1 && n === 'level3_kernel_pgt' && shndx !== 0);
      name = r.name;
      // Make the symbol SHN_ABS: st_shndx of entry `sym`.
      elf.data.setU16(Number(elf.sections[r.symtab.index].offset) + r.sym * 24 + 6, 0xfff1);
    });
    expectDie(b, `Invalid absolute R_X86_64_64 relocation: ${name}\n`);
    // --abs-relocs lists it (and every other reference to that symbol) instead of failing.
    const text = new TextDecoder('latin1').decode(Object.values(relocs(b, { absRelocs: true }).outputs)[0]);
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['WARNING: Absolute relocations present', 'Offset     Info     Type     Sym.Value Sym.Name']);
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toBe('');
    expect(lines.slice(2, -2).every((l) => /^[0-9a-f]{16} [0-9a-f]{16} +R_X86_64_\w+ [0-9a-f]{16}  level3_kernel_pgt$/.test(l))).toBe(true);
    agreesWithTool(b, ['--abs-relocs'], { stdout: new TextEncoder().encode(text), stderr: '', status: 0 });
  });

  it('R_X86_64_PC64 against a per-CPU symbol', () => {
    let name = '';
    const b = patched(({ elf }) => {
      const r = findRela(elf, '.rela.text', (t, n, shndx) => t === 2 && shndx === elf.sectionByName('.data..percpu')!.index && n !== '' && !n.startsWith('init_per_cpu_'));
      name = r.name;
      elf.data.setU32(r.at + 8, 24);
    });
    expectDie(b, `Invalid R_X86_64_PC64 relocation against per-CPU symbol ${name}\n`);
  });

  it('a relocation offset that does not fit in 32 bits', () => {
    const b = patched(({ elf }) => elf.data.setU32(findRela(elf, '.rela.text', (t, n) => t === 1 && n === '_text').at + 4, 0x7fffffff));
    expectDie(b, "Relocation offset doesn't fit in 32 bits\n");
  });

  it('a zero-based .data..percpu without __per_cpu_load', () => {
    const b = patched(({ bytes, elf }) => {
      const strtab = elf.sectionByName('.strtab')!;
      const text = Buffer.from(bytes.subarray(Number(strtab.offset), Number(strtab.offset + strtab.size)));
      for (let at = text.indexOf('\0__per_cpu_load\0'); at >= 0; at = text.indexOf('\0__per_cpu_load\0', at + 1)) {
        bytes[Number(strtab.offset) + at + 14] = 0x58; // '__per_cpu_loaX'
      }
    });
    expectDie(b, "can't find __per_cpu_load\n");
  });

  it('--realmode on a 64-bit file', () => {
    expectDie(pristine, '--realmode not valid for a 64-bit ELF file', { realMode: true }, ['--realmode']);
  });

  it('a symbol index past the symbol table (the tool would read out of bounds): a clear error', () => {
    let at = 0;
    const b = patched(({ elf }) => {
      at = findRela(elf, '.rela.text', () => true).at;
      elf.data.setU32(at + 12, 0xffffff);
    });
    expect(() => relocs(b)).toThrow(/\.rela\.text entry 0 \(file offset 0x[0-9a-f]+\) names symbol 16777215, but \.symtab has \d+ symbols/);
    expect(() => relocs(b, { relocInfo: true })).toThrow(StageError);
  });

  it('sh_info naming no section is an ElfFormatError with the offset', () => {
    const b = patched(({ elf }) => {
      const s = elf.sectionByName('.rela.text')!;
      elf.data.setU32(Number(elf.header.shoff) + s.index * 64 + 44, 9999);
    });
    expect(() => relocs(b)).toThrow(ElfFormatError);
    expect(() => relocs(b)).toThrow(/relocation section \[\d+\] \.rela\.text at offset 0x[0-9a-f]+: sh_info 9999 names no section/);
  });
});

describe('relocs odd relocation section sizes', () => {
  const shSizeAt = (elf: ElfFile, name: string) => Number(elf.header.shoff) + elf.sectionByName(name)!.index * 64 + 32;

  it('a partial trailing entry is ignored, as the tool does, with a warning naming its offset', () => {
    const b = patched(({ elf }) => elf.data.setU64(shSizeAt(elf, '.rela.text'), elf.sectionByName('.rela.text')!.size + 5n));
    const { outputs, diagnostics } = relocs(b);
    expect(Buffer.compare(Buffer.from(outputs['vmlinux.relocs']), Buffer.from(load(tiny('expected', 'vmlinux.relocs'))))).toBe(0);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].severity).toBe('warning');
    expect(diagnostics[0].message).toMatch(/\.rela\.text: size \d+ is not a multiple of 24; the tool ignores the trailing 5 bytes/);
    agreesWithTool(b, [], { stdout: outputs['vmlinux.relocs'], stderr: '', status: 0 });
  });

  it('a shortened section loses its last entry', () => {
    const rela = readElf(pristine).sectionByName('.rela.text')!;
    const b = patched(({ elf }) => elf.data.setU64(shSizeAt(elf, '.rela.text'), rela.size - 5n));
    const before = relocs(pristine).record;
    const { record, outputs } = relocs(b);
    expect(record.relocationsWalked).toBe(before.relocationsWalked - 1);
    const recorded = (r: typeof record) => r.lists.reduce((n, x) => n + x.count, 0);
    expect(recorded(before) - recorded(record)).toBeGreaterThanOrEqual(0);
    expect(recorded(before) - recorded(record)).toBeLessThanOrEqual(1);
    expect(outputs['vmlinux.relocs'].length).toBe(4 * (3 + recorded(record)));
    agreesWithTool(b, [], { stdout: outputs['vmlinux.relocs'], stderr: '', status: 0 });
  });

  it('a relocation section past the end of the file fails the read', () => {
    const b = patched(({ elf }) => elf.data.setU64(shSizeAt(elf, '.rela.text'), BigInt(pristine.length)));
    expectDie(b, 'Cannot read symbol table: Success\n');
  });
});

describe('relocs on randomly corrupted headers, symbol tables and relocations', () => {
  it('fails only with typed errors (StageError / ElfFormatError), never a crash', () => {
    const elf = readElf(pristine);
    const hot: [number, number][] = [[0, 64], [Number(elf.header.shoff), elf.sections.length * 64]];
    for (const s of elf.sections) if (s.type === 2 || s.type === 4) hot.push([Number(s.offset), Math.min(Number(s.size), 4096)]);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    let failures = 0;
    for (let n = 0; n < 16; n++) {
      const b = pristine.slice();
      for (let k = 0; k < 3; k++) {
        const [at, length] = hot[Math.floor(random() * hot.length)];
        b[at + Math.floor(random() * length)] = Math.floor(random() * 256);
      }
      for (const o of [{}, { kernel: '6.15' as const }]) {
        try {
          relocs(b, o);
        } catch (e) {
          failures++;
          expect(e instanceof StageError || e instanceof ElfFormatError, String(e)).toBe(true);
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});
