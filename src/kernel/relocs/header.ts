// The relocs tool's own checks of the ELF header, in its order and with its wording (each is a die():
// message on stderr, exit status 1). Runs before the ELF model opens the file; reads nothing else.
// Follows arch/x86/tools/relocs_common.c main() and relocs.c read_ehdr() (6.1).

import { EM_386, EM_X86_64, ET_DYN, ET_EXEC } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';

/** Throws the tool's die() message as a StageError (exit status 1). */
export function die(message: string, file: string, offset?: number): never {
  throw new StageError(message, [{ severity: 'error', message, file, offset }], 1);
}

/**
 * Checks e_ident and the header fields the tool checks. Returns the word size the tool picks:
 * 64 when EI_CLASS is ELFCLASS64, 32 for anything else (which then must be ELFCLASS32).
 */
export function checkRelocsHeader(b: Uint8Array, file: string): 32 | 64 {
  if (b.length < 16) die(`Cannot read ${file}: Success`, file, 0);
  const is64 = b[4] === 2;
  const ehsize = is64 ? 64 : 52;
  if (b.length < ehsize) die('Cannot read ELF header: Success\n', file, 0);
  if (b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) die('No ELF magic\n', file, 0);
  if (!is64 && b[4] !== 1) die('Not a 32 bit executable\n', file, 4);
  if (b[5] !== 1) die('Not a LSB ELF executable\n', file, 5);
  if (b[6] !== 1) die('Unknown ELF version\n', file, 6);
  const u16 = (o: number) => b[o] | (b[o + 1] << 8);
  const u32 = (o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  const type = u16(16);
  if (type !== ET_EXEC && type !== ET_DYN) die('Unsupported ELF header type\n', file, 16);
  if (u16(18) !== (is64 ? EM_X86_64 : EM_386)) die(`Not for ${is64 ? 'x86_64' : 'i386'}\n`, file, 18);
  if (u32(20) !== 1) die('Unknown ELF version\n', file, 20);
  const o = is64 ? 52 : 40;
  if (u16(o) !== ehsize) die('Bad Elf header size\n', file, o);
  if (u16(o + 2) !== (is64 ? 56 : 32)) die('Bad program header entry\n', file, o + 2);
  if (u16(o + 6) !== (is64 ? 64 : 40)) die('Bad section header entry\n', file, o + 6);
  checkStringTableIndex(b, file, is64, u16, u32);
  return is64 ? 64 : 32;
}

/** e_shnum 0 / e_shstrndx SHN_XINDEX escape to section 0; then the index must name a section. */
function checkStringTableIndex(b: Uint8Array, file: string, is64: boolean, u16: (o: number) => number, u32: (o: number) => number): void {
  const o = is64 ? 52 : 40;
  const shoff = is64 ? u32(40) + u32(44) * 2 ** 32 : u32(32);
  let shnum = u16(o + 8);
  let shstrndx = u16(o + 10);
  if (shnum === 0 || shstrndx === 0xffff) {
    const shdrSize = is64 ? 64 : 40;
    if (shoff + shdrSize > b.length) die('Cannot read initial ELF section header: Success\n', file, Math.min(shoff, b.length));
    if (shnum === 0) shnum = is64 ? u32(shoff + 32) + u32(shoff + 36) * 2 ** 32 : u32(shoff + 20);
    if (shstrndx === 0xffff) shstrndx = u32(shoff + (is64 ? 40 : 24));
  }
  if (shstrndx >= shnum) die('String table index out of bounds\n', file, o + 10);
}
