// Relocation entries as six 32-bit words each — r_offset low/high, r_type, r_sym, r_addend low/high —
// which is exactly an Elf64_Rela (psABI: r_info = sym << 32 | type) read on a little-endian host. The
// linker's per-relocation loops index this Uint32Array instead of calling DataView methods per field.
// Aligned little-endian RELA sections are viewed in place; anything else (REL, ELFCLASS32, odd offsets)
// is decoded once into a copy with the same layout.
import type { ElfFile, RelocationTable } from '../elf/index.ts';

export const WORDS_PER_RELOCATION = 6;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const cache = new WeakMap<RelocationTable, Uint32Array>();

export function relocationWords(elf: ElfFile, table: RelocationTable): Uint32Array {
  let words = cache.get(table);
  if (words) return words;
  const start = elf.bytes.byteOffset + table.base;
  if (table.isRela && elf.is64 && elf.data.le && HOST_LITTLE_ENDIAN && start % 4 === 0) {
    words = new Uint32Array(elf.bytes.buffer, start, table.count * WORDS_PER_RELOCATION);
  } else {
    words = new Uint32Array(table.count * WORDS_PER_RELOCATION);
    for (let i = 0; i < table.count; i++) {
      const offset = BigInt.asUintN(64, table.offset(i));
      const addend = BigInt.asUintN(64, table.addend(i));
      words.set([Number(offset & 0xffffffffn), Number(offset >> 32n), table.type(i), table.sym(i), Number(addend & 0xffffffffn), Number(addend >> 32n)], i * WORDS_PER_RELOCATION);
    }
  }
  cache.set(table, words);
  return words;
}
