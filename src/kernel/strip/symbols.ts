// Rewrites `.symtab`/`.strtab` the way objcopy (BFD) writes them back: same symbols in the same
// order minus those defined in removed sections (and optional --strip-unneeded-symbol matches),
// st_shndx renumbered, names re-stored in a suffix-sharing table. Works on raw entries in place of
// per-symbol objects (101 k symbols on a production vmlinux). Layout is decided elsewhere.

import { SHN_LORESERVE, SHN_UNDEF, type ElfFile } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import { fnmatch } from './patterns.ts';
import { SuffixStringTable } from './strtab.ts';

export interface RewrittenSymbols {
  symtab: Uint8Array;
  strtab: Uint8Array;
  /** sh_info of the new .symtab: one past the last local symbol. */
  firstGlobal: number;
  /** Old symbol index → new index, -1 when dropped. */
  symbolMap: Int32Array;
  /** Names of the dropped symbols, in symbol order. */
  dropped: string[];
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
    const name = nameOffset === 0 ? '' : symbolName(elf, names, header.link, nameOffset, i);
    if (i > 0) {
      const inRemoved = shndx !== SHN_UNDEF && shndx < SHN_LORESERVE && (shndx >= sectionMap.length || sectionMap[shndx] < 0);
      const unneeded = !neededSymbols[i] && name !== '' && stripUnneeded.some((p) => fnmatch(p, name));
      if (inRemoved || unneeded) {
        dropped.push(name);
        continue;
      }
    }
    if (i < table.firstGlobal) firstGlobal = kept + 1;
    symbolMap[i] = kept;
    handles[kept] = name === '' ? -1 : strings.add(name, names.subarray(nameOffset, nameOffset + name.length));
    kept++;
  }

  const symtab = new Uint8Array(kept * entsize);
  const out = new DataView(symtab.buffer);
  for (let i = 0; i < count; i++) {
    const k = symbolMap[i];
    if (k < 0) continue;
    const from = base + i * entsize;
    const to = k * entsize;
    symtab.set(bytes.subarray(from, from + entsize), to);
    out.setUint32(to, strings.offset(handles[k]), d.le);
    const shndx = d.u16(from + shndxAt);
    if (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE) out.setUint16(to + shndxAt, sectionMap[shndx], d.le);
  }
  return { symtab, strtab: strings.data(), firstGlobal, symbolMap, dropped };
}

function symbolName(elf: ElfFile, names: Uint8Array, strtabIndex: number, offset: number, symbol: number): string {
  if (offset >= names.length) {
    throw new StageError(`${elf.fileName}: symbol ${symbol} st_name ${offset} is past the end of the string table`, [{
      severity: 'error', message: `symbol ${symbol}: st_name ${offset} is past the end of string table [${strtabIndex}]`,
      file: elf.fileName, offset: Number(elf.sections[strtabIndex].offset),
    }]);
  }
  return elf.stringTable(strtabIndex).get(offset, `symbol ${symbol} st_name`);
}
