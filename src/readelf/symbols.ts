// readelf -s: every SHT_SYMTAB and SHT_DYNSYM in section order, one row per symbol, with version
// suffixes on dynamic symbols. Reads the tables in place (no per-symbol objects); no sorting.

import { SHT_DYNSYM, SHT_SYMTAB, type ElfFile } from '../elf/index.ts';
import { symbolBindName, symbolIndexText, symbolOtherName, symbolTypeName, VISIBILITY_NAMES } from './names.ts';
import { dec5, hex, plural, symbolTextUnpadded, type TextOut } from './text.ts';
import { SymbolVersions } from './versions.ts';

export function writeSymbolTables(elf: ElfFile, out: TextOut, wide: boolean): void {
  let versions: SymbolVersions | null | undefined;
  for (const s of elf.sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    if (s.entsize === 0n) {
      out.put(`\nSymbol table '${symbolTextUnpadded(s.name)}' has a sh_entsize of zero!\n`);
      continue;
    }
    const table = elf.symbolTable(s.index);
    if (s.type === SHT_DYNSYM && versions === undefined) versions = SymbolVersions.read(elf);
    const tableVersions = s.type === SHT_DYNSYM ? versions ?? null : null;
    const n = table.count;
    out.put(`\nSymbol table '${symbolTextUnpadded(s.name)}' contains ${n} ${plural(n, 'entry', 'entries')}:\n`);
    out.put(elf.is64 ? '   Num:    Value          Size Type    Bind   Vis      Ndx Name\n' : '   Num:    Value  Size Type    Bind   Vis      Ndx Name\n');
    const { machine, osabi } = elf.header;
    const width = elf.is64 ? 16 : 8;
    for (let i = 0; i < n; i++) {
      const info = table.info(i);
      const other = table.other(i);
      const rawShndx = table.rawShndx(i);
      const shndx = rawShndx === 0xffff ? table.shndx(i) : rawShndx;
      let row = `${String(i).padStart(6, ' ')}: ${hex(table.value(i), width)} ${dec5(table.size(i))} `
        + `${symbolTypeName(info & 0xf, osabi).padEnd(7, ' ')} ${symbolBindName(info >> 4, osabi).padEnd(6, ' ')} `
        + `${VISIBILITY_NAMES[other & 3].padEnd(7, ' ')}`;
      if (other & ~3) row += ` [${symbolOtherName(machine, other & ~3)}] `;
      row += ` ${symbolIndexText(shndx, machine).padStart(4, ' ')} `;
      let name = table.name(i);
      if (name === '' && (info & 0xf) === 3) name = sectionSymbolName(elf, shndx);
      const version = tableVersions?.lookup(i, shndx, table.nameOffset(i));
      let suffix = '';
      if (version) {
        suffix = version.kind === 'needed' ? `@${version.name} (${version.other})` : version.kind === 'hidden' ? `@${version.name}` : `@@${version.name}`;
      }
      out.put(`${row}${wide ? symbolTextUnpadded(name) : fitName(name, 21 - suffix.length)}${suffix}\n`);
    }
  }
}

/** What readelf shows for an unnamed STT_SECTION symbol: its section's name, or the special index. */
export function sectionSymbolName(elf: ElfFile, shndx: number): string {
  if (shndx < elf.sections.length && (shndx < 0xff00 || shndx > 0xffff)) return elf.sections[shndx].name;
  if (shndx === 0xfff1) return 'ABS';
  if (shndx === 0xfff2) return 'COMMON';
  return `<section 0x${shndx.toString(16)}>`;
}

/** Non-wide names share 21 columns with their version suffix; an overlong name keeps what fits
 *  before "[...]" (possibly nothing). */
function fitName(name: string, room: number): string {
  const shown = symbolTextUnpadded(name);
  if (shown.length <= room) return shown;
  return `${shown.slice(0, Math.max(0, room - 5))}[...]`;
}
