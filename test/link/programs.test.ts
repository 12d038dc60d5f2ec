// Conformance: small programs compiled here with gcc/as, linked with GNU ld and with `ldplay link` —
// the same file byte for byte — then run: same stdout and exit status. Covers every supported x86-64 relocation
// type, GOT relaxation and a real GOT, static TLS, archives (by need, thin, groups, whole-archive,
// -L/-l), --gc-sections, static glibc and libstdc++, and that --emit-relocs output re-derives (verify) exactly.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link } from '../../src/link/link.ts';
import { repoRoot } from '../helpers.ts';

let dir: string;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString();
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const CFLAGS = ['-O1', '-g0', '-ffreestanding', '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-c'];
const cc = (src: string, ...flags: string[]) => sh('gcc', [...CFLAGS, ...flags, src, '-o', src.replace(/\.c$/, '.o')]);
const as = (src: string, ...flags: string[]) => sh('as', ['--64', ...flags, '-o', src.replace(/\.s$/, '.o'), src]);

function run(exe: string): { status: number | null; stdout: string } {
  const r = spawnSync(join(dir, exe), [], { cwd: dir, timeout: 10_000 });
  return { status: r.status, stdout: r.stdout.toString() };
}

/** Links with ld and with ldplay (same arguments), requires the two files to be equal byte for
 *  byte, and runs both. */
function linkBoth(name: string, args: string[]) {
  sh('ld', ['-o', `${name}.ld`, ...args]);
  const cli = spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'link', '-o', `${name}.lp`, ...args], { cwd: dir });
  expect(cli.stderr.toString()).toBe('');
  expect(cli.status).toBe(0);
  expect(Buffer.compare(readFileSync(join(dir, `${name}.lp`)), readFileSync(join(dir, `${name}.ld`))), `${name}: ldplay's file is GNU ld's`).toBe(0);
  return { ld: run(`${name}.ld`), ldplay: run(`${name}.lp`) };
}

/** gcc -static's link line: crt1.o crti.o crtbeginT.o OBJECTS --start-group -lgcc -lgcc_eh -lc --end-group crtend.o crtn.o. */
function glibcArguments(...objects: string[]): string[] {
  const file = (name: string) => sh('gcc', [`-print-file-name=${name}`]).trim();
  const libDir = (name: string) => file(name).replace(/\/[^/]+$/, '');
  return ['-static', file('crt1.o'), file('crti.o'), file('crtbeginT.o'), `-L${libDir('libgcc.a')}`, `-L${libDir('libc.a')}`,
    ...objects, '--start-group', '-lgcc', '-lgcc_eh', '-lc', '--end-group', file('crtend.o'), file('crtn.o')];
}

const START = `
	.text
	.globl _start, write_stdout
_start:	xorl %ebp, %ebp
	andq $-16, %rsp
	call main
	movl %eax, %edi
	movl $60, %eax
	syscall
write_stdout:
	movq %rsi, %rdx
	movq %rdi, %rsi
	movl $1, %edi
	movl $1, %eax
	syscall
	ret
	.section .note.GNU-stack,"",@progbits
`;
const PRINT = `
long write_stdout(const char *s, unsigned long n);
static unsigned long len(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static void print(const char *s) { write_stdout(s, len(s)); }
static void print_number(long v) { char b[24]; int i = 23; b[i] = 0; do { b[--i] = '0' + v % 10; v /= 10; } while (v); print(b + i); }
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldplay-programs-'));
  write('start.s', START);
  as('start.s');
}, 60_000);
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('programs linked by ldplay behave like GNU ld\'s', () => {
  it('every supported relocation type computes the same value (self-checking assembly)', () => {
    write('r.s', RELOCATION_TEST);
    write('t.s', RELOCATION_TARGETS);
    write('g.s', GOT_LOAD);
    as('r.s');
    as('t.s');
    as('g.s', '-mrelax-relocations=no');
    const types = sh('readelf', ['-rW', 'r.o', 'g.o']);
    for (const t of ['64', '32', '32S', '16', '8', 'PC64', 'PC32', 'PC16', 'PC8', 'PLT32', 'SIZE32', 'SIZE64', 'GOTPCREL', 'GOTPCRELX', 'REX_GOTPCRELX']) {
      expect(types).toMatch(new RegExp(`R_X86_64_${t}\\s`));
    }
    const { ld, ldplay } = linkBoth('reloc', ['r.o', 't.o', 'g.o']);
    expect(ld.status).toBe(0);
    expect(ldplay).toEqual(ld);
  });

  it('--emit-relocs output re-derives byte for byte (verify pass) and keeps the program working', () => {
    const inputs = ['r.o', 't.o', 'g.o'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
    const result = link(inputs, ['--emit-relocs', '-o', 'reloc.emit']);
    expect(result.record.verified.mismatches).toEqual([]);
    expect(result.record.verified.checked).toBeGreaterThan(20);
    expect(result.record.relaxations).toBe(2);
    writeFileSync(join(dir, 'reloc.emit'), result.outputs['reloc.emit'], { mode: 0o755 });
    expect(run('reloc.emit').status).toBe(0);
    expect(sh('readelf', ['-rW', 'reloc.emit'])).toMatch(/\.rela\.text/);
  });

  it('relaxes -fpic -fno-plt GOT loads and calls across files', () => {
    write('lib.c', 'int answer = 42; int scale(int v) { return 2 * v; } int table[4] = {1, 2, 3, 4};');
    write('main.c', `${PRINT} extern int answer; extern int table[]; int scale(int);
      int main(void) { int v = scale(answer) + table[3]; print("v = "); print_number(v); print("\\n"); return v & 0x7f; }`);
    cc('lib.c', '-fpic', '-fno-plt');
    cc('main.c', '-fpic', '-fno-plt');
    const { ld, ldplay } = linkBoth('got', ['start.o', 'main.o', 'lib.o']);
    expect(ld.stdout).toBe('v = 88\n');
    expect(ldplay).toEqual(ld);
  });

  it('GOTPCRELX test, binop and mov become immediates of the address, as ld writes them (file byte for byte)', () => {
    // ld turns these into `test $foo`, `add $foo`, `mov $foo` (R_X86_64_32/32S, addend -4 + 4 = 0 in
    // --emit-relocs), the value being foo's address itself; test and add against foo must see it.
    write('gx.s', `\t.globl _start\n_start:\n\tmovq $-1, %r9\n\ttest %r9, foo@GOTPCREL(%rip)\n\tmovq $0, %r10\n` +
      `\tadd foo@GOTPCREL(%rip), %r10\n\tmov foo@GOTPCREL(%rip), %ecx\n\tmov foo@GOTPCREL(%rip), %r11\n\tleaq foo(%rip), %rax\n` +
      `\txorl %edi, %edi\n\tcmpq %rax, %r10\n\tsetne %dil\n\tcmpq %rax, %r11\n\tsetne %dl\n\torb %dl, %dil\n\tcmpl %eax, %ecx\n\tsetne %dl\n` +
      `\torb %dl, %dil\n\tmovl $60, %eax\n\tsyscall\n\t.data\n\t.globl foo\nfoo: .quad 0\n\t.section .note.GNU-stack,"",@progbits\n`);
    as('gx.s', '-mrelax-relocations=yes');
    const { ld, ldplay } = linkBoth('gx', ['--emit-relocs', 'gx.o']);
    expect(ld.status).toBe(0);
    expect(ldplay).toEqual(ld);
  });

  it('jmp * and call * through the GOT become direct, undefined weak symbols relax to 0, a plain GOTPCREL mov becomes lea (runs; file byte for byte)', () => {
    // `jmp *done@GOTPCREL` → `jmp done; nop`: the field moves back a byte, and so does the place its
    // displacement is measured from (a jump one byte short would run into the nop and crash).
    write('gj.s', `\t.globl _start\n_start:\n\tcall *seven@GOTPCREL(%rip)\n\tmovq %rax, %rdi\n\tmovq absent@GOTPCREL(%rip), %rcx\n` +
      `\taddq %rcx, %rdi\n\ttest %rdi, absent@GOTPCREL(%rip)\n\tjmp *done@GOTPCREL(%rip)\n\tud2\n` +
      `seven:\n\tmovl $7, %eax\n\tret\ndone:\n\tmovl $60, %eax\n\tsyscall\n\t.weak absent\n\t.section .note.GNU-stack,"",@progbits\n`);
    as('gj.s', '-mrelax-relocations=yes');
    write('gp.s', `\t.globl _start\n_start:\n\tmovq value@GOTPCREL(%rip), %rax\n\tmovl (%rax), %edi\n\tmovq absent@GOTPCREL(%rip), %rax\n` +
      `\taddq %rax, %rdi\n\tmovl $60, %eax\n\tsyscall\n\t.weak absent\n\t.data\nvalue: .long 5\n\t.section .note.GNU-stack,"",@progbits\n`);
    as('gp.s', '-mrelax-relocations=no');
    for (const [name, status] of [['gj', 7], ['gp', 5]] as const) {
      const { ld, ldplay } = linkBoth(name, ['--emit-relocs', `${name}.o`]);
      expect(ld.status).toBe(status);
      expect(ldplay).toEqual(ld);
    }
  });

  it('links static TLS (initial-exec relaxed to local-exec, and local-exec)', () => {
    write('tls_start.s', TLS_START);
    write('tls_runtime.c', TLS_RUNTIME);
    as('tls_start.s');
    cc('tls_runtime.c');
    write('tv.c', '__thread int counter = 40; __thread long zeros[4];');
    write('tm.c', `${PRINT} extern __thread int counter; extern __thread long zeros[4]; __thread int local_one = 2;
      int main(void) { counter += local_one; zeros[2] = counter; print("counter = "); print_number(counter + zeros[2] + zeros[1]); print("\\n"); return counter; }`);
    cc('tv.c', '-ftls-model=local-exec');
    cc('tm.c', '-ftls-model=initial-exec');
    expect(sh('readelf', ['-rW', 'tm.o'])).toMatch(/R_X86_64_GOTTPOFF/);
    const { ld, ldplay } = linkBoth('tls', ['tls_start.o', 'tls_runtime.o', 'tm.o', 'tv.o']);
    expect(ld).toEqual({ status: 42, stdout: 'counter = 84\n' });
    expect(ldplay).toEqual(ld);
  });

  it('extracts archive members by need, from groups, thin archives, -L/-l and --whole-archive', () => {
    write('a1.c', 'int ping(int v) { return v + 1; }');
    write('a2.c', 'int pong(int); int unused_member(void) { return pong(0); }');
    write('a3.c', 'int ping(int); int pong(int v) { return v > 3 ? v : ping(v); }');
    write('b1.c', 'int ping(int); int deep(int v) { return ping(v) * 10; }');
    write('am.c', `${PRINT} int deep(int); int pong(int); int main(void) { int v = deep(pong(1)); print_number(v); print("\\n"); return v; }`);
    for (const f of ['a1.c', 'a2.c', 'a3.c', 'b1.c', 'am.c']) cc(f);
    sh('ar', ['rcs', 'libping.a', 'a1.o', 'a2.o', 'a3.o']);
    sh('ar', ['rcsT', 'libthin.a', 'b1.o']);
    const byNeed = linkBoth('ar1', ['start.o', 'am.o', '--start-group', 'libthin.a', 'libping.a', '--end-group']);
    expect(byNeed.ld).toEqual({ status: 30, stdout: '30\n' });
    expect(byNeed.ldplay).toEqual(byNeed.ld);
    const viaL = linkBoth('ar2', ['start.o', 'am.o', '-L.', '-lthin', '-lping']);
    expect(viaL.ldplay).toEqual(viaL.ld);
    const symbols = (exe: string) => sh('nm', [exe]).split('\n').map((l) => l.split(' ').at(-1)).filter((n) => n && !n.startsWith('_')).sort();
    expect(symbols('ar2.lp')).toEqual(symbols('ar2.ld'));
    expect(symbols('ar2.lp')).not.toContain('unused_member');
    const whole = linkBoth('ar3', ['start.o', 'am.o', 'libthin.a', '--whole-archive', 'libping.a', '--no-whole-archive']);
    expect(whole.ldplay).toEqual(whole.ld);
    expect(symbols('ar3.lp')).toContain('unused_member');
  });

  it('links a static glibc program (crt1.o … libc.a: IFUNC stubs with IRELATIVE, TLS, init arrays)', () => {
    write('hello.c', `#include <stdio.h>
      #include <string.h>
      #include <errno.h>
      static int order[4], n;
      __attribute__((constructor)) static void early(void) { order[n++] = 1; }
      int main(int argc, char **argv) { errno = 0; order[n++] = 2;
        printf("hello %d %zu %d%d argc=%d\\n", 42, strlen(argv[0]) > 0, order[0], order[1], argc); return 3; }`);
    sh('gcc', ['-O1', '-c', 'hello.c']);
    const { ld, ldplay } = linkBoth('glibc', glibcArguments('hello.o'));
    expect(ld).toEqual({ status: 3, stdout: 'hello 42 1 12 argc=1\n' });
    expect(ldplay).toEqual(ld);
    // Same members pulled from the archives, same symbols (type letter and name), same .text size.
    const symbols = (exe: string) => execFileSync('nm', [exe], { cwd: dir, maxBuffer: 1 << 26 }).toString().split('\n').map((l) => l.slice(17)).sort();
    expect(symbols('glibc.lp')).toEqual(symbols('glibc.ld'));
    const sectionSize = (exe: string, name: string) => sh('readelf', ['-SW', exe]).match(new RegExp(`\\${name}\\s+PROGBITS\\s+\\S+\\s+\\S+\\s+(\\S+)`))?.[1];
    expect(sectionSize('glibc.lp', '.text')).toBe(sectionSize('glibc.ld', '.text'));
    // ~400 .eh_frame inputs: every entry trimmed of its DW_CFA_nop padding, every section but the
    // last padded to 8 inside its last FDE, as ld.
    expect(sectionSize('glibc.lp', '.eh_frame')).toBe(sectionSize('glibc.ld', '.eh_frame'));
    // The objects' property notes merge into ld's one note (x86 ISA needed: baseline; IBT/SHSTK
    // dropped, hello.o has none), with its PT_GNU_PROPERTY: ld's program headers, in ld's order,
    // the headers loading with the first segment.
    expect(sh('readelf', ['-nW', 'glibc.lp'])).toBe(sh('readelf', ['-nW', 'glibc.ld']));
    // The whole ELF header, section table, symbol table (locals file by file in the order ld meets
    // their sections, its empty STT_FILE before its own locals, .got.plt's reserved words, orphans
    // after .text, retained orphans, ELFOSABI_GNU for IFUNCs), program headers and notes are ld's.
    expect(sh('readelf', ['-hSslnW', 'glibc.lp']).replace('glibc.lp', '')).toBe(sh('readelf', ['-hSslnW', 'glibc.ld']).replace('glibc.ld', ''));
    // And so is every byte (linkBoth): GOT slots (locals, then globals in ld's hash walk), IFUNC stubs
    // and slots in that walk's order, slots holding their stub past the jmp, IRELATIVE entries last first.
    // With --emit-relocs: calls to IFUNCs are written against the symbol while their bytes reach its
    // .iplt stub (as ld), and verify knows it (linkBoth requires an empty stderr).
    const relocs = linkBoth('glibcr', ['--emit-relocs', ...glibcArguments('hello.o')]);
    expect(relocs.ldplay).toEqual(relocs.ld);
    const plt32 = (exe: string) => sh('readelf', ['-rW', exe]).split('\n').filter((l) => /R_X86_64_PLT32\s+\S+\s+(memcpy|strlen)\b/.test(l)).length;
    expect(plt32('glibcr.lp')).toBeGreaterThan(0);
    // The whole file is ld's too (linkBoth): each .rela section sorted by offset (libc-start.o's input
    // is not), the relocations of removed .eh_frame entries as R_X86_64_NONE, .L locals a relocation
    // names written after their file's other locals, undefined TLS symbols typed TLS.
  }, 60_000);

  it('links a static glibc program with threads, libm (an implicit linker script: GROUP of two archives), setjmp and locales, also with --gc-sections', () => {
    write('big.c', `#include <stdio.h>
      #include <stdlib.h>
      #include <math.h>
      #include <setjmp.h>
      #include <locale.h>
      #include <pthread.h>
      static jmp_buf jb;
      static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
      static void *twice(void *arg) { *(int *)arg *= 2; return arg; }
      __thread int counter = 3;
      int main(int argc, char **argv) {
        int v[5] = {5, 3, 9, 1, 7}; qsort(v, 5, sizeof v[0], cmp);
        char *s = malloc(64); snprintf(s, 64, "%g %d", sqrt(strtod("2.5", 0) * 4), v[0]);
        setlocale(LC_ALL, "C");
        int x = 21; pthread_t t; pthread_create(&t, 0, twice, &x); pthread_join(t, 0);
        if (!setjmp(jb)) longjmp(jb, 1);
        printf("%s %d %d %d\\n", s, x, counter, argc); free(s); return 0; }`);
    sh('gcc', ['-O2', '-c', 'big.c']);
    const libm = sh('gcc', ['-print-file-name=libm.a']).trim();
    expect(readFileSync(libm, 'latin1')).toMatch(/GROUP\s*\(/); // Debian's libm.a is a script
    const args = glibcArguments('big.o');
    args.splice(args.indexOf('-lc') + 1, 0, '-lm');
    // --gc-sections keeps what live code's FDEs and their CIEs name (a DW.ref personality word in a
    // COMDAT section), notes and retained sections, as ld.
    for (const extra of [[], ['--emit-relocs'], ['--gc-sections'], ['--gc-sections', '--emit-relocs']]) {
      const { ld, ldplay } = linkBoth('big', [...extra, ...args]);
      expect(ld).toEqual({ status: 0, stdout: '3.16228 1 42 3 1\n' });
      expect(ldplay).toEqual(ld);
    }
  }, 60_000);

  it('links a static C++ program (libstdc++: iostream, exceptions, RTTI, templates, STB_GNU_UNIQUE) to ld\'s file', () => {
    write('cxx.cc', `#include <iostream>
      #include <vector>
      #include <string>
      #include <stdexcept>
      #include <memory>
      #include <map>
      struct Base { virtual ~Base() {} virtual int f() const { return 1; } };
      struct Derived : Base { int f() const override { return 2; } };
      template <typename T> T twice(T v) { return v + v; }
      int main(int argc, char **) {
        std::vector<std::string> v{"a", "bb", "ccc"};
        std::map<std::string, int> m; for (auto &s : v) m[s] = s.size();
        std::unique_ptr<Base> b(new Derived);
        try { if (argc > 0) throw std::runtime_error("boom"); } catch (const std::exception &e) { std::cout << e.what() << ' '; }
        std::cout << twice(21) << ' ' << b->f() << ' ' << m["ccc"] << ' ' << (dynamic_cast<Derived *>(b.get()) != nullptr) << std::endl;
        return 0; }`);
    sh('g++', ['-O1', '-c', 'cxx.cc']);
    const args = glibcArguments('cxx.o');
    args.splice(args.indexOf('--start-group'), 0, '-lstdc++', '-lm');
    for (const extra of [[], ['--emit-relocs']]) {
      const { ld, ldplay } = linkBoth('cxx', [...extra, ...args]);
      expect(ld).toEqual({ status: 0, stdout: 'boom 42 2 3 1\n' });
      expect(ldplay).toEqual(ld);
    }
  }, 60_000);

  it('relaxes -fPIC general- and local-dynamic TLS to local exec in a static glibc program', () => {
    write('tg.c', '__thread int tv = 5; static __thread int lv = 7; int get(void) { return tv + lv; } int bump(void) { return ++lv; }');
    write('tgm.c', 'extern __thread int tv; int get(void); int bump(void); int main(void) { tv += 30; return get() + bump(); }');
    sh('gcc', ['-O1', '-c', 'tgm.c']);
    sh('gcc', ['-O1', '-fPIC', '-c', 'tg.c', '-o', 'tg-plt.o']);
    sh('gcc', ['-O1', '-fPIC', '-fno-plt', '-c', 'tg.c', '-o', 'tg-noplt.o']);
    expect(sh('readelf', ['-rW', 'tg-plt.o'])).toMatch(/R_X86_64_TLSGD[\s\S]*R_X86_64_TLSLD[\s\S]*R_X86_64_DTPOFF32/);
    for (const object of ['tg-plt.o', 'tg-noplt.o']) {
      const { ld, ldplay } = linkBoth('tlsdyn', glibcArguments('tgm.o', object));
      expect(ld.status).toBe(50);
      expect(ldplay).toEqual(ld);
      const code = (exe: string) => sh('objdump', ['--disassemble=get', exe]).match(/<get>:[\s\S]*?ret/)?.[0];
      expect(code('tlsdyn.ld')).toMatch(/mov\s+%fs:0x0,%rax/);
      expect(code('tlsdyn.lp')).toBe(code('tlsdyn.ld'));
    }
  }, 60_000);

  it('edits .eh_frame as ld does: FDEs of dropped code removed, identical CIEs shared, padding trimmed', () => {
    write('eh1.c', 'int used(int v) { return v * 3; } int dead_code(int v) { return v - 1; } int main(void) { return used(7); }');
    write('eh2.c', 'int helper(int v) { return v + 1; } int unused2(int v) { return v * 5; }');
    cc('eh1.c', '-ffunction-sections', '-fasynchronous-unwind-tables');
    cc('eh2.c', '-ffunction-sections', '-fasynchronous-unwind-tables');
    const section = (exe: string) => { sh('objcopy', ['-O', 'binary', '--only-section=.eh_frame', exe, `${exe}.eh`]); return readFileSync(join(dir, `${exe}.eh`)); };
    for (const gc of [[], ['--gc-sections']]) {
      const { ld, ldplay } = linkBoth('eh', [...gc, 'start.o', 'eh1.o', 'eh2.o']);
      expect(ldplay).toEqual(ld);
      expect(sh('readelf', ['-S', 'eh.lp']).match(/\.eh_frame\s+PROGBITS\s+(\S+)/)?.[1]).toBe(sh('readelf', ['-S', 'eh.ld']).match(/\.eh_frame\s+PROGBITS\s+(\S+)/)?.[1]);
      expect(section('eh.lp')).toEqual(section('eh.ld'));
    }
  });

  it('drops unreachable sections with --gc-sections like ld, and writes a -Map file', () => {
    write('gc.c', `${PRINT} int used(int v) { return v * 3; } int dead_code(int v) { return v - 1; } int dead_data[64] = {1};
      int main(void) { print_number(used(7)); print("\\n"); return 0; }`);
    cc('gc.c', '-ffunction-sections', '-fdata-sections', '-fasynchronous-unwind-tables'); // .eh_frame must not keep dead code
    const { ld, ldplay } = linkBoth('gc', ['--gc-sections', '-Map', 'gc.map', 'start.o', 'gc.o']);
    expect(ldplay).toEqual(ld);
    const names = (exe: string) => sh('nm', [exe]);
    expect(names('gc.lp')).not.toMatch(/dead_code|dead_data/);
    expect(names('gc.ld')).not.toMatch(/dead_code|dead_data/);
    expect(readFileSync(join(dir, 'gc.map'), 'latin1')).toMatch(/\.text\s+0x0*401/);
  });
});

const RELOCATION_TEST = `
	.text
	.globl _start
	.macro check
	setne %al
	movzbl %al, %eax
	addl %eax, %r12d
	.endm
_start:	xorl %r12d, %r12d
	leaq target(%rip), %rbx
	cmpq %rbx, q64(%rip)
	check
	movl l32(%rip), %eax
	cmpq %rbx, %rax
	check
	movq $target, %rax
	cmpq %rbx, %rax
	check
	leaq pc32(%rip), %rcx
	movslq pc32(%rip), %rax
	addq %rcx, %rax
	cmpq %rbx, %rax
	check
	leaq pc64(%rip), %rcx
	movq pc64(%rip), %rax
	addq %rcx, %rax
	cmpq %rbx, %rax
	check
	leaq pc16(%rip), %rcx
	movswq pc16(%rip), %rax
	addq %rcx, %rax
	leaq near16(%rip), %rdx
	cmpq %rdx, %rax
	check
	leaq pc8(%rip), %rcx
	movsbq pc8(%rip), %rax
	addq %rcx, %rax
	leaq near8(%rip), %rdx
	cmpq %rdx, %rax
	check
	cmpl $24, sz32(%rip)
	check
	cmpq $24, sz64(%rip)
	check
	cmpw $0x1234, w16(%rip)
	check
	cmpb $0x56, b8(%rip)
	check
	call load_gotp
	leaq gotp(%rip), %rdx
	cmpq %rdx, %rax
	check
	movq target@GOTPCREL(%rip), %rax
	cmpq %rbx, %rax
	check
	call *helper@GOTPCREL(%rip)
	addl %eax, %r12d
	movl %r12d, %edi
	movl $60, %eax
	syscall
helper:	xorl %eax, %eax
	ret
	.data
	.p2align 3
q64:	.quad target
l32:	.long target
pc32:	.long target - .
	.p2align 3
pc64:	.quad target - .
pc16:	.word near16 - .
pc8:	.byte near8 - .
sz32:	.long target@SIZE
	.p2align 3
sz64:	.quad target@SIZE
w16:	.word small
b8:	.byte small2
	.section .data.n,"aw"
near16:	.long 0
near8:	.byte 0
	.section .note.GNU-stack,"",@progbits
`;
const RELOCATION_TARGETS = `
	.data
	.globl target, gotp, small, small2
	.p2align 3
	.type target, @object
target:	.quad 1, 2, 3
	.size target, 24
gotp:	.quad 7
	.set small, 0x1234
	.set small2, 0x56
	.section .note.GNU-stack,"",@progbits
`;
/** A real GOT slot: a plain GOTPCREL that ld converts only on a mov, so a push/pop keeps the slot. */
const GOT_LOAD = `
	.text
	.globl load_gotp
load_gotp:
	pushq gotp@GOTPCREL(%rip)
	popq %rax
	ret
	.section .note.GNU-stack,"",@progbits
`;
/** _start for TLS programs: setup_tls (TLS_RUNTIME) builds the thread block from PT_TLS first. */
const TLS_START = START.replace('andq $-16, %rsp\n\tcall main', 'movq %rsp, %rdi\n\tandq $-16, %rsp\n\tcall setup_tls\n\ttestl %eax, %eax\n\tjnz 1f\n\tcall main\n1:');
/** Finds PT_TLS through the auxiliary vector (AT_PHDR, AT_PHNUM), copies the image below a
 *  64-byte TCB whose first word points to itself (psABI variant II), then sets %fs. */
const TLS_RUNTIME = `
struct phdr { unsigned int type, flags; unsigned long offset, vaddr, paddr, filesz, memsz, align; };
static unsigned char area[1024] __attribute__((aligned(64)));
int setup_tls(unsigned long *sp) {
  unsigned long *p = sp + 2 + sp[0], n = 0;
  const struct phdr *ph = 0;
  while (*p) p++;
  for (p++; p[0]; p += 2) { if (p[0] == 3) ph = (const struct phdr *)p[1]; else if (p[0] == 5) n = p[1]; }
  if (!ph) return 124;
  unsigned long tcb = (unsigned long)area + sizeof area - 64;
  for (unsigned long i = 0; i < n; i++) {
    if (ph[i].type != 7) continue;
    unsigned long size = (ph[i].memsz + ph[i].align - 1) & -ph[i].align;
    unsigned char *block = (unsigned char *)(tcb - size);
    for (unsigned long j = 0; j < size; j++) block[j] = j < ph[i].filesz ? ((unsigned char *)ph[i].vaddr)[j] : 0;
  }
  *(unsigned long *)tcb = tcb;
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(158), "D"(0x1002), "S"(tcb) : "rcx", "r11", "memory");
  return r ? 125 : 0;
}`;
