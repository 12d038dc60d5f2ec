// relocs on 32-bit inputs built here with GNU as/ld (--emit-relocs, -m elf_i386): the i386 kernel path
// (R_386_32 recorded even against an undefined weak symbol) and --realmode (count-prefixed 16-bit
// segment and 32-bit lists). Expected lists are derived from GNU readelf -r; with LDPLAY_KERNEL_RELOCS
// set, every mode's bytes are also compared with the kernel tool's.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, runTool } from '../helpers.ts';
import { relocs, type RelocsOptions } from '../../src/kernel/relocs/relocs.ts';
import { StageError } from '../../src/pipeline/stage.ts';

const dir = mkdtempSync(join(tmpdir(), 'ldplay-relocs32-'));
const kernelTool = process.env.LDPLAY_KERNEL_RELOCS;
const hasKernelTool = kernelTool !== undefined && existsSync(kernelTool);

const REAL_MODE = `\t.code16
\t.text
\t.globl _start
_start:
\tmovw $real_mode_seg, %ax
\tmovl $pa_trampoline, %eax
\tljmpw $real_mode_seg, $1f
1:\tmovl $foo, %ebx
\t.data
foo:\t.long foo
\t.long pa_trampoline
\t.word real_mode_seg
`;

const KERNEL32 = `\t.text
\t.globl _start
\t.weak missing_weak
_start:
\tmovl $foo, %eax
\tmovl $missing_weak, %ebx
\tmovl $__crc_thing, %ecx
\tcall bar
bar:\tret
\t.data
foo:\t.long _start
\t.long bar
`;

/** Assembles and links `source` as a 32-bit executable with static relocations kept. */
function build(name: string, source: string, ldArgs: string[]): string {
  writeFileSync(join(dir, `${name}.S`), source);
  execFileSync('as', ['--32', join(dir, `${name}.S`), '-o', join(dir, `${name}.o`)]);
  execFileSync('ld', ['-m', 'elf_i386', '--emit-relocs', ...ldArgs, '-o', join(dir, name), join(dir, `${name}.o`)]);
  return join(dir, name);
}

/** readelf -rW: [offset, type, symbol] of every relocation. */
function readelfRelocations(path: string): [number, string, string][] {
  return [...runTool('readelf', ['-rW', path]).matchAll(/^([0-9a-f]{8})\s+[0-9a-f]{8}\s+(R_386_\w+)\s+[0-9a-f]{8}\s+(\S+)/gm)]
    .map((m) => [parseInt(m[1], 16), m[2], m[3]]);
}

const words = (b: Uint8Array) => [...new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length))];
const out = (path: string, o: RelocsOptions) => Object.values(relocs(load(path), { ...o, fileName: path }).outputs)[0];

function agreesWithTool(path: string, args: string[], ours: Uint8Array): void {
  if (!hasKernelTool) return;
  const r = spawnSync(kernelTool!, [...args, path]);
  expect(r.status).toBe(0);
  expect(Buffer.compare(r.stdout, Buffer.from(ours))).toBe(0);
}

let realMode = '';
let kernel32 = '';
beforeAll(() => {
  realMode = build('realmode.elf', REAL_MODE, ['--defsym', 'real_mode_seg=0', '--defsym', 'pa_trampoline=0x1234', '-Ttext=0']);
  kernel32 = build('vmlinux32', KERNEL32, ['--defsym', '__crc_thing=0x55', '-Ttext=0xc1000000']);
});

describe('relocs --realmode on a 16-bit real-mode image', () => {
  it('writes count16, the real_mode_seg segment sites, count32, the pa_ sites', () => {
    const rels = readelfRelocations(realMode);
    const seg = rels.filter(([, t, s]) => t === 'R_386_16' && s === 'real_mode_seg').map(([o]) => o).sort((a, b) => a - b);
    const lin = rels.filter(([, t, s]) => t === 'R_386_32' && s.startsWith('pa_')).map(([o]) => o).sort((a, b) => a - b);
    expect(seg.length).toBeGreaterThan(1);
    const bytes = out(realMode, { realMode: true });
    expect(words(bytes)).toEqual([seg.length, ...seg, lin.length, ...lin]);
    agreesWithTool(realMode, ['--realmode'], bytes);
  });

  it('every mode agrees with the kernel tool (when available) and --text spells the same words', () => {
    const text = new TextDecoder().decode(out(realMode, { realMode: true, text: true }));
    const binary = words(out(realMode, { realMode: true }));
    expect(text).toBe(`.section ".data.reloc","a"\n.balign 4\n${binary.map((w) => `\t.long 0x${w.toString(16).padStart(8, '0')}\n`).join('')}`);
    for (const args of [['--realmode', '--text'], ['--realmode', '--abs-syms'], ['--realmode', '--reloc-info'], ['--realmode', '--abs-relocs']]) {
      const o: RelocsOptions = { realMode: true, text: args.includes('--text'), absSyms: args.includes('--abs-syms'), relocInfo: args.includes('--reloc-info'), absRelocs: args.includes('--abs-relocs') };
      agreesWithTool(realMode, args, out(realMode, o));
    }
  });

  it('without --realmode the 16-bit relocation is unsupported', () => {
    expect(() => relocs(load(realMode))).toThrow(StageError);
    expect(() => relocs(load(realMode))).toThrow(/^Unsupported relocation type: R_386_16 \(20\)\n$/);
  });

  it('an R_386_16 against a pa_ (S_LIN) symbol that is not absolute is refused', () => {
    const bad = build('bad16.elf', `\t.code16\n\t.text\n\t.globl _start\n_start:\n\tmovw $pa_x, %ax\n\t.globl pa_x\npa_x:\tret\n`, ['-Ttext=0']);
    expect(() => relocs(load(bad), { realMode: true })).toThrow(/^Invalid relative R_386_16 relocation: pa_x\n$/);
  });

  it('an R_386_32 against an absolute symbol that is not pa_ is refused', () => {
    const bad = build('bad32.elf', `\t.text\n\t.globl _start\n_start:\n\tmovl $abs_thing, %eax\n`, ['--defsym', 'abs_thing=0x10', '-Ttext=0']);
    expect(() => relocs(load(bad), { realMode: true })).toThrow(/^Invalid absolute R_386_32 relocation: abs_thing\n$/);
    expect(() => relocs(load(bad))).toThrow(/^Invalid absolute R_386_32 relocation: abs_thing\n$/);
  });
});

describe('relocs on an i386 kernel-style image', () => {
  it('records R_386_32 sites (undefined weak included, S_ABS __crc_ excluded) after one stop', () => {
    const rels = readelfRelocations(kernel32);
    const expected = rels.filter(([, t, s]) => t === 'R_386_32' && !s.startsWith('__crc_')).map(([o]) => o).sort((a, b) => a - b);
    expect(rels.some(([, , s]) => s === 'missing_weak')).toBe(true);
    const bytes = out(kernel32, {});
    expect(words(bytes)).toEqual([0, ...expected]);
    agreesWithTool(kernel32, [], bytes);
  });

  it('diagnostic modes use the 32-bit column widths', () => {
    const syms = new TextDecoder().decode(out(kernel32, { absSyms: true }));
    expect(syms).toMatch(/^ +\d+ 00000055      0 STT_NOTYPE STB_GLOBAL  STV_DEFAULT __crc_thing$/m);
    for (const args of [['--abs-syms'], ['--reloc-info'], ['--abs-relocs'], ['--text']]) {
      const o: RelocsOptions = { text: args.includes('--text'), absSyms: args.includes('--abs-syms'), relocInfo: args.includes('--reloc-info'), absRelocs: args.includes('--abs-relocs') };
      agreesWithTool(kernel32, args, out(kernel32, o));
    }
  });
});
