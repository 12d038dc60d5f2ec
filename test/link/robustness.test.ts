// Hostile inputs: seeded byte mutations of small real objects (headers, section table, symbol and
// relocation tables) must either link or fail with a typed, located error — StageError or
// ElfFormatError — never a TypeError/RangeError crash or a hang.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfFormatError, readElf } from '../../src/elf/index.ts';
import { link } from '../../src/link/link.ts';
import { StageError } from '../../src/pipeline/stage.ts';

const SOURCE = `
	.text
	.globl _start
_start:	leaq msg(%rip), %rsi
	movq counter@GOTPCREL(%rip), %rax
	call helper
	movl $60, %eax
	syscall
helper:	ret
	.data
msg:	.asciz "hello"
	.quad msg, helper
	.section .rodata.str1.1,"aMS",@progbits,1
	.asciz "merged"
	.comm counter, 8, 8
	.section .note.GNU-stack,"",@progbits
`;

function buildObject(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-robust-'));
  try {
    writeFileSync(join(dir, 'a.s'), SOURCE);
    execFileSync('as', ['--64', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    return new Uint8Array(readFileSync(join(dir, 'a.o')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the linker on mutated objects', () => {
  it('links or fails with a typed error for 300 seeded mutations of the tables', () => {
    const original = buildObject();
    expect(Object.keys(link([{ name: 'a.o', bytes: original }], ['-o', 'a.out']).outputs)).toEqual(['a.out']);
    const elf = readElf(original, 'a.o');
    // Bytes worth hitting: the ELF header, section headers, and every table's contents.
    const regions: [number, number][] = [[0, 64], [Number(elf.header.shoff), elf.sections.length * 64]];
    for (const s of elf.sections) if (s.type === 2 || s.type === 4 || s.type === 3) regions.push([Number(s.offset), Number(s.size)]);
    let seed = 0x2545f491;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const outcomes = { linked: 0, stageError: 0, elfFormatError: 0 };
    for (let round = 0; round < 300; round++) {
      const bytes = original.slice();
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const [start, length] = regions[Math.floor(random() * regions.length)];
        bytes[start + Math.floor(random() * length)] = Math.floor(random() * 256);
      }
      try {
        link([{ name: 'a.o', bytes }], ['-o', 'a.out']);
        outcomes.linked++;
      } catch (e) {
        if (e instanceof ElfFormatError) outcomes.elfFormatError++;
        else if (e instanceof StageError) outcomes.stageError++;
        else throw new Error(`round ${round}: untyped failure ${(e as Error).stack}`);
      }
    }
    expect(outcomes.linked + outcomes.stageError + outcomes.elfFormatError).toBe(300);
    expect(outcomes.elfFormatError + outcomes.stageError).toBeGreaterThan(0);
  });
});
