// Where the built-in script's data segment starts (DATA_SEGMENT_ALIGN / _RELRO_END / _END), against
// GNU ld, whole files: no RELRO content (ALIGN + (. & (page - 1))), the page-saving step taken and
// not taken at its boundary, an empty data segment (which the step moves to a page start), RELRO turned on by .gcc_except_table or .eh_frame input (ld's check
// sees the built-in script's ONLY_IF_RW copies), a TLS RELRO region moved to end on a page with its
// PT_GNU_RELRO, and -z norelro.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link } from '../../src/link/link.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ldplay-dataseg-')); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const NOTE = '\t.section .note.GNU-stack,"",@progbits\n';

/** Assembles `source`, links it with ld and with ldplay (same arguments), returns both files. */
function both(name: string, source: string, args: string[] = []): { ld: Buffer; ldplay: Buffer } {
  writeFileSync(join(dir, `${name}.s`), source + NOTE);
  execFileSync('as', ['--64', '-o', `${name}.o`, `${name}.s`], { cwd: dir });
  execFileSync('ld', [...args, '-o', `${name}.ld`, `${name}.o`], { cwd: dir });
  const r = link([{ name: `${name}.o`, bytes: new Uint8Array(readFileSync(join(dir, `${name}.o`))) }], [...args, '-o', `${name}.lp`, `${name}.o`]);
  return { ld: readFileSync(join(dir, `${name}.ld`)), ldplay: Buffer.from(r.outputs[`${name}.lp`]) };
}

const program = (data: string, extra = '') =>
  `\t.text\n\t.globl _start\n_start:\tret\n\t.section .rodata\n\t.zero 0x90\n\t.data\n\t.p2align 5\n${data}\n${extra}`;

describe('the data segment of the built-in script', () => {
  it.each([
    ['small data, no RELRO content', program('\t.zero 4')],
    ['page-saving step taken (4000 bytes)', program('\t.zero 4000')],
    ['page-saving step not taken (4095 bytes)', program('\t.zero 4095')],
    // No writable data: an empty segment starts at ALIGN(maxpagesize) exactly when the read-only data
    // ends on the 8 bytes the script's last ALIGN(8) keeps (its partial pages add up to one page).
    ['an empty data segment after read-only data ending on 8 bytes', '\t.text\n\t.globl _start\n_start:\tret\n\t.section .rodata\n\t.zero 0x38\n'],
    ['an empty data segment after read-only data ending off 8 bytes', '\t.text\n\t.globl _start\n_start:\tret\n\t.section .rodata\n\t.zero 0x39\n'],
    ['RELRO on for a .gcc_except_table input', program('\t.byte 2', '\t.section .gcc_except_table,"a",@progbits\n\t.byte 1\n')],
    ['RELRO on for an .eh_frame input', program('\t.byte 2', '\t.section .eh_frame,"a",@progbits\n\t.p2align 2\n\t.long 0\n')],
    ['a TLS RELRO region ends on a page (PT_GNU_RELRO)', program('\t.byte 2', '\t.section .tdata,"awT",@progbits\n\t.long 7\n\t.section .tbss,"awT",@nobits\n\t.zero 32\n')],
  ])('%s: the file is GNU ld\'s', (label, source) => {
    const name = label.replace(/\W+/g, '-');
    for (const args of [[], ['-z', 'norelro'], ['--emit-relocs']]) {
      const { ld, ldplay } = both(`${name}${args.join('')}`, source, args);
      expect(Buffer.compare(ldplay, ld), `${label} ${args.join(' ')}`).toBe(0);
    }
  });
});
