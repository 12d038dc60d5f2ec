// relocs against the kernel tool's real outputs: every mode byte for byte on the tiny fixture, the
// binary on Debian's 632 MB vmlinux, and the 6.15 layouts checked against counts derived from the
// tool's own --reloc-info listing (the golden reloc-info.txt) and the documented file layout.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bigVmlinux, fixturesDir, hasBigVmlinux, load, tiny } from '../helpers.ts';
import { relocs, relocsScratchBytes, type RelocsOptions } from '../../src/kernel/relocs/relocs.ts';
import { HotMemory } from '../../src/hot/memory.ts';
import { readElf } from '../../src/elf/index.ts';
import { StageError } from '../../src/pipeline/stage.ts';

const image = load(tiny('expected', 'vmlinux.unstripped'));
const only = (o: RelocsOptions, input = image) => Object.values(relocs(input, o).outputs)[0];
const words = (b: Uint8Array) => new Uint32Array(b.buffer, b.byteOffset, b.length / 4);

/** Splits a stop-terminated x86-64 file into its lists (each list starts after a 0 stop). */
function lists(b: Uint8Array, count: number): Uint32Array[] {
  const w = words(b);
  const out: Uint32Array[] = [];
  let at = 0;
  for (let k = 0; k < count; k++) {
    expect(w[at]).toBe(0);
    let end = at + 1;
    while (end < w.length && w[end] !== 0) end++;
    out.push(w.slice(at + 1, end));
    at = end;
  }
  expect(at).toBe(w.length);
  return out;
}

const sameWords = (a: Uint32Array, b: Uint32Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

export function expectStageError(f: () => unknown, message: string): StageError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StageError);
    expect((e as StageError).message).toBe(message);
    expect((e as StageError).exitCode).toBe(1);
    return e as StageError;
  }
  throw new Error(`expected StageError '${message}'`);
}

/** Lines of the tool's --reloc-info output: [target section, type, symbol, symbol section]. */
const relocInfo = readFileSync(tiny('expected', 'reloc-info.txt'), 'latin1').split('\n').slice(1, -1).map((l) => l.split('\t'));

describe('relocs on the x86_64-tiny fixture (kernel tool output, byte for byte)', () => {
  it.each([
    ['vmlinux.relocs', {}],
    ['relocs-text.S', { text: true }],
    ['abs-relocs.txt', { absRelocs: true }],
    ['abs-syms.txt', { absSyms: true }],
    ['reloc-info.txt', { relocInfo: true }],
  ] as [string, RelocsOptions][])('%s', (file, options) => {
    const expected = load(tiny('expected', file));
    const out = only(options);
    expect(out.length).toBe(expected.length);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(expected))).toBe(0);
  });

  it('mode precedence follows the tool: --abs-syms > --abs-relocs > --reloc-info > emit', () => {
    const same = (o: RelocsOptions, file: string) => Buffer.compare(Buffer.from(only(o)), Buffer.from(load(tiny('expected', file)))) === 0;
    expect(same({ absSyms: true, absRelocs: true, relocInfo: true, text: true }, 'abs-syms.txt')).toBe(true);
    expect(same({ absRelocs: true, relocInfo: true }, 'abs-relocs.txt')).toBe(true);
    expect(same({ relocInfo: true, text: true }, 'reloc-info.txt')).toBe(true);
  });

  it('records list sizes, per-type counts and named samples that agree with the output', () => {
    const { record, outputs } = relocs(image, { sampleLimit: 5 });
    const [l64, lneg, l32] = lists(outputs['vmlinux.relocs'], 3);
    expect(record.lists.map((l) => [l.name, l.count])).toEqual([['relocs64', l64.length], ['relocs32neg', lneg.length], ['relocs32', l32.length]]);
    const walkedPerType = new Map<string, number>();
    for (const [, type] of relocInfo) walkedPerType.set(type, (walkedPerType.get(type) ?? 0) + 1);
    expect(new Map(record.types.map((t) => [t.type, t.count]))).toEqual(walkedPerType);
    expect(record.relocationsWalked).toBe(relocInfo.length);
    for (const list of record.lists) {
      expect(list.sample.length).toBe(Math.min(5, list.count));
      const all = new Set(lists(outputs['vmlinux.relocs'], 3)[['relocs64', 'relocs32neg', 'relocs32'].indexOf(list.name)]);
      for (const s of list.sample) {
        expect(all.has(parseInt(s.value, 16))).toBe(true);
        const line = relocInfo.find((l) => l[0] === s.target && l[1] === s.type && l[2] === s.symbol);
        expect(line, `${s.target} ${s.type} ${s.symbol}`).toBeDefined();
      }
    }
    expect(record.lists[1].sample.every((s) => s.type === 'R_X86_64_PC32' || s.type === 'R_X86_64_PLT32')).toBe(true);
  });
});

describe('relocs 6.15 layouts', () => {
  const exception = (n: string) => n === '__init_begin' || n === '__per_cpu_load' || n.startsWith('init_per_cpu_');

  it('--no-inverse: the two-list file is the 6.1 file without the inverse list and its stop', () => {
    const [l64, , l32] = lists(load(tiny('expected', 'vmlinux.relocs')), 3);
    const out = only({ inverse: false });
    expect(out.length).toBe(4 * (2 + l64.length + l32.length));
    const [n64, n32] = lists(out, 2);
    expect(sameWords(n64, l64)).toBe(true);
    expect(sameWords(n32, l32)).toBe(true);
  });

  it('6.15 rejects this 6.1 image: init_per_cpu__ symbols left the S_REL table with zero-based per-CPU data', () => {
    const abs = relocInfo.find((l) => l[2].startsWith('init_per_cpu__') && l[3] === 'ABSOLUTE' && l[1] === 'R_X86_64_64');
    expect(abs).toBeDefined();
    expectStageError(() => relocs(image, { kernel: '6.15' }), `Invalid absolute R_X86_64_64 relocation: ${abs![2]}\n`);
  });

  /** A copy whose relocations against the symbols 6.15 no longer lists as S_REL are neutralised
   *  (type NONE), with how many 64-bit and 32-bit references that removed from 6.1's lists. */
  function without615Removals(): { copy: Uint8Array; neutralised: { 64: number; 32: number } } {
    const copy = image.slice();
    const elf = readElf(copy, 'copy');
    const gone = /^(__per_cpu_load|init_per_cpu__.*|__vvar_page|__parainstructions(_end)?)$/;
    const neutralised = { 64: 0, 32: 0 };
    for (const s of elf.sections.filter((x) => x.type === 4)) {
      const target = elf.sections[s.info];
      if ((target.flags & 2n) === 0n || target.type === 7) continue;
      const rt = elf.relocationTable(s.index);
      const symtab = elf.symbolTable(rt.symbolTableIndex);
      for (let i = 0; i < rt.count; i++) {
        const sym = rt.sym(i);
        if (symtab.nameOffset(sym) === 0 || !gone.test(symtab.name(sym)) || symtab.rawShndx(sym) === 0) continue;
        const type = rt.type(i);
        if (type === 1) neutralised[64]++;
        if (type === 10 || type === 11) neutralised[32]++;
        elf.data.setU32(rt.base + i * 24 + 8, 0);
      }
    }
    return { copy, neutralised };
  }

  it('6.15 algorithm: no per-CPU rules, so absolute references to per-CPU symbols are recorded', () => {
    const { copy, neutralised } = without615Removals();
    const perCpuAbsolute = { 64: 0, 32: 0 };
    for (const [, type, sym, section] of relocInfo) {
      if (section !== '.data..percpu' || exception(sym)) continue;
      if (type === 'R_X86_64_64') perCpuAbsolute[64]++;
      if (type === 'R_X86_64_32' || type === 'R_X86_64_32S') perCpuAbsolute[32]++;
    }
    expect(perCpuAbsolute[32]).toBeGreaterThan(0);
    const [l64, , l32] = lists(load(tiny('expected', 'vmlinux.relocs')), 3);
    const out = only({ kernel: '6.15' }, copy);
    const [n64, n32] = lists(out, 2);
    expect(n64.length).toBe(l64.length - neutralised[64] + perCpuAbsolute[64]);
    expect(n32.length).toBe(l32.length - neutralised[32] + perCpuAbsolute[32]);
    expect(out.length).toBe(4 * (2 + n64.length + n32.length));
    expect([...n64].every((v, i) => i === 0 || n64[i - 1] <= v)).toBe(true);
  });

  it('6.15 accepts R_X86_64_REX_GOTPCRELX like PC32; 6.1 does not know it', () => {
    const { copy } = without615Removals();
    const reference = only({ kernel: '6.15' }, copy);
    const elf = readElf(copy, 'copy');
    const rt = elf.relocationTable(elf.sectionByName('.rela.text')!.index);
    let i = 0;
    while (rt.type(i) !== 2) i++;
    elf.data.setU32(rt.base + i * 24 + 8, 42);
    expect(Buffer.compare(Buffer.from(only({ kernel: '6.15' }, copy)), Buffer.from(reference))).toBe(0);
    expectStageError(() => relocs(copy), 'Unsupported relocation type: unknown type rel type name (42)\n');
    expect(relocs(copy, { kernel: '6.15', relocInfo: true }).record.mode).toBe('reloc-info');
    const info = new TextDecoder('latin1').decode(only({ kernel: '6.15', relocInfo: true }, copy));
    expect(info).toContain('\tR_X86_64_REX_GOTPCRELX\t');
  });

  it('6.15 refuses absolute references in .head.text', () => {
    const { copy } = without615Removals();
    const elf = readElf(copy, 'copy');
    const initData = elf.sectionByName('.init.data')!;
    const before61 = only({}, copy);
    const shstrtab = elf.sections[elf.header.shstrndx];
    copy.set(new TextEncoder().encode('.head.text'), Number(shstrtab.offset) + initData.nameOffset);
    const rela = readElf(copy).sections.find((s) => s.type === 4 && s.info === initData.index)!;
    const rt = elf.relocationTable(rela.index);
    const symtab = elf.symbolTable(rt.symbolTableIndex);
    let i = 0;
    while (![1, 10, 11].includes(rt.type(i)) || [0, 0xfff1].includes(symtab.rawShndx(rt.sym(i)))) i++;
    const sym = rt.sym(i);
    const name = symtab.nameOffset(sym) ? symtab.name(sym) : elf.sections[symtab.shndx(sym)].name;
    expectStageError(() => relocs(copy, { kernel: '6.15' }), `Absolute reference to symbol '${name}' not permitted in .head.text\n`);
    // 6.1 has no such rule: the renamed image gives the same file as before.
    expect(Buffer.compare(Buffer.from(only({}, copy)), Buffer.from(before61))).toBe(0);
  });
});

describe.runIf(hasBigVmlinux)("relocs on Debian's 632 MB vmlinux", () => {
  it('binary output equals the kernel tool output', () => {
    const { outputs, record } = relocs(load(bigVmlinux), { fileName: 'vmlinux-6.1.0-53-amd64' });
    const expected = load(`${fixturesDir}/debian-6.1.0-53/vmlinux.relocs`);
    expect(Buffer.compare(Buffer.from(outputs['vmlinux.relocs']), Buffer.from(expected))).toBe(0);
    expect(record.relocationsWalked).toBeGreaterThan(1_000_000);
  });
});

describe('relocs over a file read into the HotMemory (the CLI path)', () => {
  it('scans the entries in place: same output, and the memory never grows under the input', () => {
    const file = load(tiny('expected', 'vmlinux.unstripped'));
    for (const options of [{}, { text: true }, { kernel: '6.15', inverse: false }] as RelocsOptions[]) {
      let expected: Uint8Array | string;
      try {
        expected = Object.values(relocs(file, options).outputs)[0];
      } catch (e) {
        expected = (e as Error).message;
      }
      const memory = new HotMemory();
      const base = memory.alloc(file.length);
      memory.reserve(relocsScratchBytes(readElf(file), options));
      const bytes = memory.bytes(base, file.length);
      bytes.set(file);
      let got: Uint8Array | string;
      try {
        got = Object.values(relocs(bytes, { ...options, memory }).outputs)[0];
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got).toEqual(expected);
      // A grow would have detached `bytes` (byteLength 0) and moved the memory to a new buffer.
      expect(bytes.byteLength).toBe(file.length);
      expect(memory.memory.buffer).toBe(bytes.buffer);
    }
  });
});
