// readelf -S: the section header table in its three layouts (ELF32; ELF64 wide, one line per
// section; ELF64 default, two lines) and the flag key. Reads headers only, never section contents.

import type { ElfFile, SectionHeader } from '../elf/index.ts';
import { sectionFlagKey, sectionFlagLetters, sectionTypeName } from './names.ts';
import { fixed, hex, padEnd, padStart, plural, symbolText, symbolTextUnpadded, type TextOut } from './text.ts';

export function writeSectionHeaders(elf: ElfFile, out: TextOut, wide: boolean, withFileHeader: boolean): void {
  const h = elf.header;
  const n = elf.sections.length;
  if (n === 0) {
    out.put('\nThere are no sections in this file.\n');
    return;
  }
  if (!withFileHeader) {
    out.put(`${plural(n, 'There is', 'There are')} ${n} ${plural(n, 'section header', 'section headers')}, starting at offset 0x${h.shoff.toString(16)}:\n`);
  }
  out.put(`\n${plural(n, 'Section Header', 'Section Headers')}:\n`);
  const is64 = elf.is64;
  if (!is64) out.put('  [Nr] Name              Type            Addr     Off    Size   ES Flg Lk Inf Al\n');
  else if (wide) out.put('  [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al\n');
  else out.put('  [Nr] Name              Type             Address           Offset\n       Size              EntSize          Flags  Link  Info  Align\n');
  for (const s of elf.sections) {
    const name = wide ? padName(s.name) : symbolText(s.name, 17);
    const typeName = sectionTypeName(s.type, h.machine);
    // -W pads the type to 15 but never cuts it; the narrow layouts cut it to the column.
    const type = wide ? padEnd(typeName, 15) : is64 ? `${fixed(typeName, 15)} ` : fixed(typeName, 15);
    const flags = padStart(sectionFlagLetters(s.flags, h.machine, h.osabi), 3);
    const nr = `  [${padStart(String(s.index), 2)}] `;
    if (!is64) {
      out.put(`${nr}${name} ${type} ${hex(s.addr, 8)} ${hex(s.offset, 6)} ${hex(s.size, 6)} ${hex(s.entsize, 2)} ${flags} ${link(s)}\n`);
    } else if (wide) {
      out.put(`${nr}${name} ${type} ${hex(s.addr, 16)} ${hex(s.offset, 6)} ${hex(s.size, 6)} ${hex(s.entsize, 2)} ${flags} ${link(s)}\n`);
    } else {
      out.put(`${nr}${name} ${type} ${hex(s.addr, 16)}  ${hex(s.offset, 8)}\n`
        + `       ${hex(s.size, 16)}  ${hex(s.entsize, 16)} ${flags}      ${padStart(String(s.link), 2)}   ${padStart(String(s.info), 3)}     ${s.addralign}\n`);
    }
  }
  out.put(sectionFlagKey(h.machine, h.osabi));
}

function link(s: SectionHeader): string {
  return `${padStart(String(s.link), 2)} ${padStart(String(s.info), 3)} ${padStart(String(s.addralign), 2)}`;
}

/** -W prints the whole name, padded to 17 but never cut. */
function padName(name: string): string {
  const shown = symbolTextUnpadded(name);
  return shown.length >= 17 ? shown : shown + ' '.repeat(17 - shown.length);
}
