// System.map and the nm listing against the real tools: the fixture's System.map byte for byte, GNU
// nm 2.40 + the kernel's grep filter on Debian's vmlinux, and every type letter on an assembled
// object whose sections and symbols exercise each of nm's rules.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigVmlinux, hasBigVmlinux, load, tiny } from '../helpers.ts';
import { readElf } from '../../src/elf/index.ts';
import { nmNumericText } from '../../src/kernel/nm.ts';
import { sysmap } from '../../src/kernel/sysmap.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
/** GNU nm in the C locale, as kbuild runs it. */
const nm = (args: string[]) => execFileSync('nm', args, { encoding: 'latin1', maxBuffer: 1 << 30, env: { ...process.env, LC_ALL: 'C' } });

// One symbol per nm rule: weak (object or not, defined or not), ifunc, unique, common, absolute
// (local, global; ties ordered by name in byte order), and sections that are code, read-only,
// writable, NOBITS, debug (by name), non-alloc read-only, non-alloc writable, TLS, note, COFF names.
const LETTERS_S = `
	.text
	.globl gt
gt:	nop
lt:	nop
	.type ifn, @gnu_indirect_function
	.globl ifn
ifn:	nop
	.type lifn, @gnu_indirect_function
lifn:	nop
	.section .debug_info,"",@progbits
dbg:	.byte 0
	.globl gdbg
gdbg:	.byte 0
	.section .comment.x,"",@progbits
cmt:	.byte 0
	.section .nosave,"w",@progbits
ns:	.byte 0
	.globl gns
gns:	.byte 0
	.section .nbss,"w",@nobits
nb:	.zero 4
	.section .rodata
ro:	.byte 1
	.globl gro
gro:	.byte 1
	.data
	.type wobj, @object
	.weak wobj
wobj:	.long 0
	.weak wfun
wfun:	.long 0
	.type uobj, @gnu_unique_object
	.globl uobj
uobj:	.long 0
	.bss
bs:	.long 0
	.section .pdata.x,"a",@progbits
pd:	.byte 0
	.section .gdb_index,"",@progbits
st:	.byte 0
	.section .line.x,"",@progbits
ln:	.byte 0
	.section .tdata,"awT",@progbits
tl:	.long 0
	.section .note.foo,"a",@note
nt:	.long 0
	.comm cm,4,4
	.weak wundef
	.type wundefo, @object
	.weak wundefo
	.quad wundef
	.quad wundefo
	.quad undefd
	.set labs, 0x1234
	.globl gabs
	.set gabs, 0x99
	.globl zz
	.globl ZZ
	.globl _zz
zz = 0x10
ZZ = 0x10
_zz = 0x10
`;

describe('nm -n listing', () => {
  it('matches GNU nm on an object and an executable exercising every type letter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-nm-'));
    writeFileSync(join(dir, 't.s'), LETTERS_S);
    execFileSync('as', ['-o', join(dir, 't.o'), join(dir, 't.s')]);
    execFileSync('ld', ['-o', join(dir, 't'), join(dir, 't.o'), '-e', 'gt', '--unresolved-symbols=ignore-all']);
    for (const f of ['t.o', 't']) {
      const ours = nmNumericText(readElf(load(join(dir, f)), f));
      expect(ours).toBe(nm(['-n', join(dir, f)]));
      // The listing really covers the letters it is meant to.
      const letters = new Set(ours.split('\n').map((l) => l[17]));
      if (f === 't.o') for (const c of 'UwvbnNTtr?pdVRiCWuAa') expect(letters).toContain(c);
    }
  });

  it('hides AArch64 and RISC-V mapping symbols and local labels as their nm does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-nm-cross-'));
    writeFileSync(join(dir, 'a.c'), 'int x = 3;\nconst char *s = "hi";\nint f(int a) { switch (a) { case 1: return 4; case 2: return 7; case 3: return 9; case 4: return 11; default: return 0; } }\n');
    // Every '$' + letter form, with and without a '.' suffix, plus local-label spellings.
    const labels = [...'abcdefmptxz'].flatMap((c) => [`$${c}`, `$${c}.q`, `$${c}y`]).concat(['$foo', '$xrv64', '..q', '_.L_z', '.Lx', 'L1']);
    writeFileSync(join(dir, 'm.s'), `.text\n${labels.map((l) => `${l}: nop`).join('\n')}\n`);
    for (const arch of ['aarch64', 'riscv64']) {
      const tool = (t: string) => `${arch}-linux-gnu-${t}`;
      execFileSync(tool('gcc'), ['-O2', '-c', '-o', join(dir, `${arch}.o`), join(dir, 'a.c')]);
      execFileSync(tool('as'), ['-L', '-o', join(dir, `${arch}-m.o`), join(dir, 'm.s')]);
      for (const f of [`${arch}.o`, `${arch}-m.o`]) {
        const expected = execFileSync(tool('nm'), ['-n', join(dir, f)], { encoding: 'latin1', env: { ...process.env, LC_ALL: 'C' } });
        expect(nmNumericText(readElf(load(join(dir, f)), f))).toBe(expected);
      }
    }
  });

  it('matches GNU nm on the kernel vmlinux.o (relocatable, section-relative values)', () => {
    const path = tiny('inputs', 'vmlinux.o');
    expect(nmNumericText(readElf(load(path)))).toBe(nm(['-n', path]));
  });
});

describe('System.map', () => {
  it('equals the fixture System.map byte for byte', () => {
    const r = sysmap(load(tiny('expected', 'vmlinux.unstripped')));
    expect(text(r.outputs['System.map'])).toBe(text(load(tiny('expected', 'System.map'))));
    expect(r.record.kept).toBe(text(load(tiny('expected', 'System.map'))).split('\n').length - 1);
    expect(r.record.symbols - r.record.kept).toBe(r.record.dropped.reduce((a, d) => a + d.lines, 0));
  });

  it.runIf(hasBigVmlinux)("equals nm -n + mksysmap's grep on Debian's 632 MB vmlinux", () => {
    // scripts/mksysmap (6.1): $NM -n $1 | grep -v -e ' [aNUw] ' -e ' \\$' -e ' \\.L' -e ' __crc_' ...
    const reference = execFileSync('sh', ['-c',
      `nm -n "$1" | grep -v -e ' [aNUw] ' -e ' \\$' -e ' \\.L' -e ' __crc_' -e ' __kstrtab_' -e ' __kstrtabns_' -e ' L0$'`,
      'sh', bigVmlinux], { encoding: 'latin1', maxBuffer: 1 << 30, env: { ...process.env, LC_ALL: 'C' } });
    const r = sysmap(load(bigVmlinux));
    expect(r.record.kept).toBeGreaterThan(90_000);
    expect(text(r.outputs['System.map'])).toBe(reference);
  });
});
