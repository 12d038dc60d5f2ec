// User-caused link errors: `ldplay link` must fail like GNU ld — same exit status and, where ld's
// wording is reproducible, the same message (taken from running ld here) — and never crash with a
// stack trace: undefined and duplicate symbols, relocation overflow, script syntax errors,
// unsupported relocation types, malformed objects.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readElf, SHT_RELA } from '../../src/elf/index.ts';
import { repoRoot } from '../helpers.ts';
import { HotMemory } from '../../src/hot/memory.ts';
import { inOneMemory } from '../../src/link/output-limits.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { link } from '../../src/link/link.ts';

let dir: string;
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const tool = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const cc = (src: string) => tool('gcc', ['-O1', '-g0', '-fno-asynchronous-unwind-tables', '-c', src]);
const as = (src: string) => tool('as', ['--64', '-o', src.replace(/\.s$/, '.o'), src]);

function both(args: string[]) {
  const ld = spawnSync('ld', ['-o', 'out.ld', ...args], { cwd: dir });
  const ours = spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'link', '-o', 'out.lp', ...args], { cwd: dir });
  return {
    ld: { status: ld.status, stderr: ld.stderr.toString().replace(/out\.ld/g, 'OUT') },
    ldplay: { status: ours.status, stderr: ours.stderr.toString().replace(/out\.lp/g, 'OUT') },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldplay-errors-'));
  write('start.s', `\t.globl _start\n_start:\n\tret\n${NOTE}`);
  as('start.s');
}, 30_000);
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Marks an object as not needing an executable stack (else ld adds a deprecation warning). */
const NOTE = '\t.section .note.GNU-stack,"",@progbits\n';
const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);

describe('link errors are reported like ld', () => {
  it('a link too large for one WebAssembly memory is an ld error that says so, not a crash', () => {
    const tooBig = () => inOneMemory('the relocation arena for 1 relocations and the output sections', () => new HotMemory().reserve(5 * 2 ** 30));
    expect(tooBig).toThrow(StageError);
    expect(tooBig).toThrow(/^ld: cannot hold the relocation arena .* in memory: needs 5\.00 GiB, more than WebAssembly's 4 GiB address space$/);
    // A memory the engine refuses outright (a RangeError) reads the same way.
    expect(() => inOneMemory('x', () => new WebAssembly.Memory({ initial: 70000 }))).toThrow(/^ld: cannot hold x in memory: /);
  });

  it('undefined reference, naming the function and source', () => {
    write('u.c', 'int missing(void); int use(void) { return missing() + 1; }');
    cc('u.c');
    const r = both(['start.o', 'u.o']);
    expect(r.ld.status).toBe(1);
    expect(r.ldplay).toEqual(r.ld);
  });

  it('two undefined references in one function: ld names the function once', () => {
    write('u2.c', 'int foo(void), bar(void); int two(void) { return foo() + bar(); }');
    cc('u2.c');
    const r = both(['start.o', 'u2.o']);
    expect(r.ld.status).toBe(1);
    expect(r.ld.stderr.match(/in function `two'/g)).toHaveLength(1);
    expect(r.ldplay).toEqual(r.ld);
  });

  it('GOT loads relaxed to immediates that do not fit: ld\'s "failed to convert GOTPCREL" per place', () => {
    write('g.s', `\t.globl _start\n_start:\n\ttest %eax, foo@GOTPCREL(%rip)\n\ttest %r9, foo@GOTPCREL(%rip)\n\tadd foo@GOTPCREL(%rip), %r10\n` +
      `\tmov foo@GOTPCREL(%rip), %ecx\n\tmov foo@GOTPCREL(%rip), %r11\n\tret\n\t.data\n\t.globl foo\nfoo: .quad 0\n${NOTE}`);
    tool('as', ['--64', '-mrelax-relocations=yes', '-o', 'g.o', 'g.s']);
    // foo above 2 GiB: the 32S immediates fail; above 4 GiB every form fails, mov's lea fallback too.
    for (const at of ['0x90000000', '0x190000000']) {
      write('g.lds', `SECTIONS { .text 0x401000 : { *(.text) } .data ${at} : { *(.data) } }`);
      const r = both(['-T', 'g.lds', 'g.o']);
      expect(r.ld.status, at).toBe(1);
      expect(r.ld.stderr).toMatch(/failed to convert GOTPCREL relocation against 'foo'/);
      expect(r.ldplay, at).toEqual(r.ld);
    }
  });

  it('multiple definitions of data and of a function, naming both files', () => {
    write('d1.c', 'int x = 1; int f(void) { return 1; }');
    write('d2.c', 'int x = 2; int f(void) { return 2; }');
    cc('d1.c');
    cc('d2.c');
    const r = both(['start.o', 'd1.o', 'd2.o']);
    expect(r.ld.status).toBe(1);
    expect(r.ld.stderr).toMatch(/multiple definition of `x'/);
    expect(r.ldplay).toEqual(r.ld);
    // The playground's diagnostics name the symbol and both files, to open each one's symbol table.
    const files = ['start.o', 'd1.o', 'd2.o'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
    let error: StageError | undefined;
    try { link(files, ['-o', 'out', 'start.o', 'd1.o', 'd2.o']); } catch (e) { error = e as StageError; }
    expect(error!.diagnostics.map((d) => d.symbol).sort((a, b) => a!.name.localeCompare(b!.name))).toEqual([{ name: 'f', files: ['d1.o', 'd2.o'] }, { name: 'x', files: ['d1.o', 'd2.o'] }]);
  });

  it('relocation truncated to fit', () => {
    write('o.s', `\t.globl _start\n_start:\n\tmovl $far, %eax\n\tret\n${NOTE}`);
    write('f.s', `\t.globl far\n\t.set far, 0x123456789\n${NOTE}`);
    as('o.s');
    as('f.s');
    const r = both(['o.o', 'f.o']);
    expect(r.ld.stderr).toMatch(/relocation truncated to fit: R_X86_64_32 against symbol `far'/);
    expect(r.ldplay).toEqual(r.ld);
  });

  it('errors about a relocation say which one (file, SHT_RELA section, index), for the playground to show it', () => {
    write('u3.c', 'int gone(void); int far_away(void); int uses(void) { return gone() + far_away(); }');
    cc('u3.c');
    // readelf: the index of each relocation in .rela.text, and that section's header index.
    const rela = execFileSync('readelf', ['-rW', join(dir, 'u3.o')]).toString().split('\n').filter((l) => /^[0-9a-f]{16}\s/.test(l));
    const header = readElf(new Uint8Array(readFileSync(join(dir, 'u3.o'))), 'u3.o').sections.find((x) => x.type === SHT_RELA && x.name === '.rela.text')!.index;
    const files = ['start.o', 'u3.o'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
    let error: StageError | undefined;
    try { link(files, ['-o', 'out', 'start.o', 'u3.o']); } catch (e) { error = e as StageError; }
    expect(error).toBeInstanceOf(StageError);
    const undefinedRefs = error!.diagnostics.filter((d) => /undefined reference/.test(d.message));
    expect(undefinedRefs.map((d) => [/`(\w+)'$/.exec(d.message)![1], d.file, d.relocation])).toEqual(['gone', 'far_away'].map((name) =>
      [name, 'u3.o', { section: header, index: rela.findIndex((l) => new RegExp(` ${name} - 4$`).test(l)) }]));
    // An overflow too: the truncated relocation of o.o (the test above's objects, made again).
    write('o.s', `\t.globl _start\n_start:\n\tmovl $far, %eax\n\tret\n${NOTE}`);
    write('f.s', `\t.globl far\n\t.set far, 0x123456789\n${NOTE}`);
    as('o.s');
    as('f.s');
    const o = ['o.o', 'f.o'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
    let overflow: StageError | undefined;
    try { link(o, ['-o', 'out', 'o.o', 'f.o']); } catch (e) { overflow = e as StageError; }
    expect(overflow!.diagnostics.map((d) => [d.file, d.relocation?.index])).toEqual([['o.o', 0]]);
  });

  it('linker-script syntax errors name the script line', () => {
    write('bad.lds', 'SECTIONS\n{\n  .text : { *(.text) } = \n}\n');
    const r = both(['-T', 'bad.lds', 'start.o']);
    expect(r.ld.stderr).toMatch(/bad\.lds:4: syntax error/);
    expect(r.ldplay.status).toBe(1);
    expect(r.ldplay.stderr).toMatch(/^bad\.lds:4: syntax error/);
    noStackTrace(r.ldplay.stderr);
  });

  it('unsupported relocation types name file, section and offset', () => {
    write('t.s', `\t.globl _start\n_start:\n\tnop\n\t.reloc ., R_X86_64_GOTOFF64, _start\n\t.quad 0\n${NOTE}`);
    as('t.s');
    const r = both(['t.o']);
    expect(r.ldplay.status).toBe(1);
    expect(r.ldplay.stderr).toBe("ld: t.o: unsupported relocation type R_X86_64 type 25 in section .text at offset 0x1 (relocation 0 of .rela.text)\n");
  });

  it('warns like ld about a missing .note.GNU-stack and RWX segments, and still links', () => {
    write('nonote.s', '\t.globl helper\nhelper:\n\tret\n\t.data\n\t.long 1\n');
    as('nonote.s');
    const r = both(['start.o', 'nonote.o']);
    expect(r.ld.status).toBe(0);
    expect(r.ld.stderr).toMatch(/missing \.note\.GNU-stack/);
    expect(r.ldplay).toEqual(r.ld);
    write('one.lds', 'SECTIONS { .text : { *(.text) } .data : { *(.data) } }\n');
    const rwx = both(['-T', 'one.lds', 'start.o', 'd1.o']);
    expect(rwx.ld.stderr).toMatch(/RWX/);
    expect(rwx.ldplay).toEqual(rwx.ld);
  });

  it('--orphan-handling=error and =warn name each orphan and where it goes', () => {
    write('text.lds', 'SECTIONS { .text : { *(.text) } }\n');
    const error = both(['-T', 'text.lds', '--orphan-handling=error', 'd1.o']);
    expect(error.ld.status).toBe(1);
    expect(error.ldplay.status).toBe(1);
    expect(error.ldplay.stderr).toContain("ld: error: unplaced orphan section `.data' from `d1.o'");
    expect(error.ld.stderr).toContain("ld: error: unplaced orphan section `.data' from `d1.o'");
    const warn = both(['-T', 'text.lds', '--orphan-handling=warn', '--no-warn-rwx-segments', 'd1.o']);
    expect(warn.ldplay.status).toBe(0);
    for (const line of ["ld: warning: orphan section `.data' from `d1.o' being placed in section `.data'", "ld: warning: orphan section `.bss' from `d1.o' being placed in section `.bss'"]) {
      expect(warn.ld.stderr).toContain(line);
      expect(warn.ldplay.stderr).toContain(line);
    }
  });

  it('unknown options are rejected with ld\'s wording', () => {
    const r = both(['--frobnicate', 'start.o']);
    expect(r.ld.stderr.split('\n')[0]).toBe("ld: unrecognized option '--frobnicate'");
    expect(r.ldplay).toEqual(r.ld);
  });

  it('-Tdata=ADDR (which ld takes) is refused by name, not read as a script called "data=ADDR"', () => {
    const r = both(['-Tdata=0x900000', 'start.o']);
    expect(r.ld.status).toBe(0);
    expect(r.ldplay.status).toBe(1);
    expect(r.ldplay.stderr).toMatch(/^ld: -Tdata: section start addresses on the command line are not supported by ldplay; set them in a linker script/);
  });

  it('a relocation naming a symbol past the symbol table is an ElfFormatError at that entry', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'u.o')));
    const elf = readElf(bytes, 'u.o');
    const rela = elf.sections.find((h) => h.type === SHT_RELA)!;
    const at = Number(rela.offset) + 12;
    new DataView(bytes.buffer).setUint32(at, 0xfffff, true);
    writeFileSync(join(dir, 'badsym.o'), bytes);
    const r = both(['start.o', 'badsym.o']);
    expect(r.ldplay.status).toBe(1);
    expect(r.ldplay.stderr).toContain(`badsym.o`);
    expect(r.ldplay.stderr).toContain(`0x${at.toString(16)}`);
    expect(r.ldplay.stderr).toMatch(/symbol index 1048575 is out of range/);
    noStackTrace(r.ldplay.stderr);
  });

  it('a section alignment that is not a power of two is refused, naming the section header field (as lld)', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'start.o')));
    const elf = readElf(bytes, 'start.o');
    const text = elf.sections.find((h) => h.name === '.text')!;
    const at = Number(elf.header.shoff) + text.index * elf.header.shentsize + 48;
    new DataView(bytes.buffer).setBigUint64(at, 0xffffffffffffffffn, true);
    writeFileSync(join(dir, 'align.o'), bytes);
    const r = both(['align.o']);
    expect(r.ldplay.status).toBe(1);
    expect(r.ldplay.stderr.trim()).toBe(`ld: align.o: section header [${text.index}] .text at offset 0x${at.toString(16)}: sh_addralign 0xffffffffffffffff is not a power of two`);
    const lld = spawnSync('ld.lld', ['-o', 'out.lld', 'align.o'], { cwd: dir });
    expect(lld.status).toBe(1);
    expect(lld.stderr.toString()).toMatch(/sh_addralign is not a power of 2/);
  });

  it('malformed objects raise an ElfFormatError naming the file and offset', () => {
    const good = readFileSync(join(dir, 'start.o'));
    writeFileSync(join(dir, 'cut.o'), good.subarray(0, 100));
    const r = both(['cut.o']);
    expect(r.ld.status).toBe(1);
    expect(r.ldplay.status).toBe(1);
    expect(r.ldplay.stderr).toMatch(/^ld: cut\.o: .*offset/);
    noStackTrace(r.ldplay.stderr);
    const notElf = both(['bad.lds']);
    expect(notElf.ldplay.status).toBe(1);
    noStackTrace(notElf.ldplay.stderr);
  });

  it('implicit linker scripts given as inputs: a missing file, an unsupported command and a syntax error are located one-line errors', () => {
    write('missing.a', 'GROUP ( nothere.a )\n');
    const missing = both(['start.o', 'missing.a']);
    expect(missing.ld).toEqual({ status: 1, stderr: 'ld: cannot find nothere.a: No such file or directory\n' });
    expect(missing.ldplay.status).toBe(1);
    expect(missing.ldplay.stderr).toBe('ld: cannot find nothere.a: No such file or directory (named in missing.a)\n');
    write('sections.a', 'OUTPUT_FORMAT(elf64-x86-64)\nSECTIONS { .text : { *(.text) } }\n');
    const sections = both(['start.o', 'sections.a']);
    expect(sections.ldplay).toEqual({ status: 1, stderr: 'ld: sections.a:2: sections in an implicit linker script (an input file) is not supported by ldplay\n' });
    write('broken.a', 'GROUP (\n');
    const broken = both(['start.o', 'broken.a']);
    expect(broken.ld.status).toBe(1);
    expect(broken.ld.stderr).toMatch(/broken\.a: file format not recognized; treating as linker script/);
    expect(broken.ldplay.status).toBe(1);
    expect(broken.ldplay.stderr).toMatch(/^ld: broken\.a: file format not recognized; treating as linker script\nld: broken\.a:2: syntax error/);
    noStackTrace(broken.ldplay.stderr);
  });

  it('ld options for outputs ldplay does not make (-pie, -shared, -r, a dynamic linker) are refused by name, not as unknown', () => {
    for (const [option, what] of [['-pie', 'position-independent executables are'], ['-shared', 'shared libraries are'], ['-r', 'relocatable output is'], ['--dynamic-linker=/lib64/ld-linux-x86-64.so.2', 'dynamic linking is']]) {
      const r = both([option, 'start.o']);
      expect(r.ld.status).toBe(0); // ld makes them
      expect(r.ldplay).toEqual({ status: 1, stderr: `ld: ${option.split('=')[0]}: ${what} not supported by ldplay, which links static executables\n` });
    }
  });
});
