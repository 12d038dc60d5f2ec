// Rewrites `.symtab`/`.strtab` the way objcopy (BFD) writes them back: same symbols in the same
// order minus those defined in removed sections (and optional --strip-unneeded-symbol matches),
// st_shndx renumbered, names re-stored in a suffix-sharing table. Works on raw entries in place of
// per-symbol objects (101 k symbols on a production vmlinux). Layout is decided elsewhere.

import { latin1, SHN_LORESERVE, SHN_UNDEF, type ElfFile } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import { fnmatch } from './patterns.ts';
import { SuffixStringTable } from '../../elf/suffix-string-table.ts';

export interface RewrittenSymbols {
  symtab: Uint8Array;
  strtab: Uint8Array;
  /** sh_info of the new .symtab: one past the last local symbol. */
  firstGlobal: number;
  /** Old symbol index → new index, -1 when dropped. */
  symbolMap: Int32Array;
  /** Names of the dropped symbols, in symbol order. */
  dropped: string[];
  /** Kept symbols whose st_shndx changed. */
  renumbered: number;
}

export function rewriteSymbols(
  elf: ElfFile,
  symtabIndex: number,
  sectionMap: Int32Array,
  stripUnneeded: readonly string[],
  neededSymbols: Uint8Array,
): RewrittenSymbols {
  const table = elf.symbolTable(symtabIndex);
  const header = elf.sections[symtabIndex];
  const names = elf.sectionData(header.link);
  const entsize = elf.is64 ? 24 : 16;
  const shndxAt = elf.is64 ? 6 : 14;
  const base = Number(header.offset);
  const bytes = elf.bytes;
  const d = elf.data;
  const count = table.count;

  const symbolMap = new Int32Array(count).fill(-1);
  const dropped: string[] = [];
  const strings = new SuffixStringTable();
  const handles = new Int32Array(count);
  let kept = 0;
  let firstGlobal = 0;
  for (let i = 0; i < count; i++) {
    const at = base + i * entsize;
    const shndx = d.u16(at + shndxAt);
    const nameOffset = d.u32(at);
    const nameLength = nameOffset === 0 ? 0 : nameEnd(elf, names, header.link, nameOffset, i) - nameOffset;
    if (i > 0) {
      const inRemoved = shndx !== SHN_UNDEF && shndx < SHN_LORESERVE && (shndx >= sectionMap.length || sectionMap[shndx] < 0);
      const unneeded = stripUnneeded.length > 0 && !neededSymbols[i] && nameLength > 0 &&
        stripUnneeded.some((p) => fnmatch(p, latin1(names, nameOffset, nameOffset + nameLength)));
      if (inRemoved || unneeded) {
        dropped.push(nameLength ? latin1(names, nameOffset, nameOffset + nameLength) : `(section symbol of [${shndx}])`);
        continue;
      }
    }
    if (i < table.firstGlobal) firstGlobal = kept + 1;
    symbolMap[i] = kept;
    handles[kept] = strings.add(names, nameOffset, nameLength);
    kept++;
  }

  const symtab = new Uint8Array(kept * entsize);
  let renumbered = 0;
  const out = new DataView(symtab.buffer);
  for (let i = 0; i < count; i++) {
    const k = symbolMap[i];
    if (k < 0) continue;
    const from = base + i * entsize;
    const to = k * entsize;
    symtab.set(bytes.subarray(from, from + entsize), to);
    out.setUint32(to, strings.offset(handles[k]), d.le);
    const shndx = d.u16(from + shndxAt);
    if (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE && sectionMap[shndx] !== shndx) {
      out.setUint16(to + shndxAt, sectionMap[shndx], d.le);
      renumbered++;
    }
  }
  return { symtab, strtab: strings.data(), firstGlobal, symbolMap, dropped, renumbered };
}

/** Index of the NUL that ends the name at `offset`; a StageError naming the symbol when it has none. */
function nameEnd(elf: ElfFile, names: Uint8Array, strtabIndex: number, offset: number, symbol: number): number {
  const end = offset < names.length ? names.indexOf(0, offset) : -1;
  if (end < 0) {
    const problem = `symbol ${symbol}: st_name ${offset} does not name a NUL-terminated string in string table [${strtabIndex}]`;
    throw new StageError(`${elf.fileName}: ${problem}`, [{
      severity: 'error', message: problem, file: elf.fileName, offset: Number(elf.sections[strtabIndex].offset) + Math.min(offset, names.length),
    }]);
  }
  return end;
}
