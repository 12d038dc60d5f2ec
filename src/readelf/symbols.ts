// readelf -s: every SHT_SYMTAB and SHT_DYNSYM in section order, one row per symbol, with version
// suffixes on dynamic symbols. Reads entries in place through the file's DataView and writes bytes
// (no per-symbol objects or strings); no sorting.

import { SHT_DYNSYM, SHT_SYMTAB, type ElfFile, type SectionHeader } from '../elf/index.ts';
import { symbolBindName, symbolIndexText, symbolOtherName, symbolTypeName, VISIBILITY_NAMES } from './names.ts';
import { encodeLatin1, plural, putBytes, putDecimal, putHexDigits, symbolTextUnpadded, writeTableName, type TextOut } from './text.ts';
import { SymbolVersions } from './versions.ts';

export function writeSymbolTables(elf: ElfFile, out: TextOut, wide: boolean): void {
  if (elf.sections.length === 0) {
    // Without section headers readelf would need the dynamic segment's symbols (not covered here).
    out.put('\nDynamic symbol information is not available for displaying symbols.\n');
    return;
  }
  let versions: SymbolVersions | null | undefined;
  for (const s of elf.sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    if (s.entsize === 0n) {
      out.put(`\nSymbol table '${symbolTextUnpadded(s.name)}' has a sh_entsize of zero!\n`);
      continue;
    }
    if (s.type === SHT_DYNSYM && versions === undefined) versions = SymbolVersions.read(elf);
    writeSymbolTable(elf, s, s.type === SHT_DYNSYM ? versions ?? null : null, out, wide);
  }
}

function writeSymbolTable(elf: ElfFile, s: SectionHeader, versions: SymbolVersions | null, out: TextOut, wide: boolean): void {
  const table = elf.symbolTable(s.index); // validates size, entsize, sh_link and SHT_SYMTAB_SHNDX
  const strings = elf.stringTable(s.link).data;
  const n = table.count;
  out.put(`\nSymbol table '${symbolTextUnpadded(s.name)}' contains ${n} ${plural(n, 'entry', 'entries')}:\n`);
  out.put(elf.is64 ? '   Num:    Value          Size Type    Bind   Vis      Ndx Name\n' : '   Num:    Value  Size Type    Bind   Vis      Ndx Name\n');
  const { machine, osabi } = elf.header;
  const is64 = elf.is64;
  const { view, le } = elf.data;
  const bytes = elf.bytes;
  const entsize = is64 ? 24 : 16;
  const base = Number(s.offset);
  const kinds = new Array<Uint8Array | undefined>(256);
  const visibilities = new Array<Uint8Array | undefined>(256);
  const indexTexts: Record<number, Uint8Array> = {};
  for (let i = 0; i < n; i++) {
    const at = base + i * entsize;
    const nameOffset = view.getUint32(at, le);
    let info: number, other: number, rawShndx: number, vhi: number, vlo: number, shi: number, slo: number;
    if (is64) {
      info = bytes[at + 4];
      other = bytes[at + 5];
      rawShndx = view.getUint16(at + 6, le);
      vlo = view.getUint32(at + (le ? 8 : 12), le);
      vhi = view.getUint32(at + (le ? 12 : 8), le);
      slo = view.getUint32(at + (le ? 16 : 20), le);
      shi = view.getUint32(at + (le ? 20 : 16), le);
    } else {
      vhi = 0;
      vlo = view.getUint32(at + 4, le);
      shi = 0;
      slo = view.getUint32(at + 8, le);
      info = bytes[at + 12];
      other = bytes[at + 13];
      rawShndx = view.getUint16(at + 14, le);
    }
    const shndx = rawShndx === 0xffff ? table.shndx(i) : rawShndx;
    const kind = kinds[info] ??= encodeLatin1(` ${symbolTypeName(info & 0xf, osabi).padEnd(7, ' ')} ${symbolBindName(info >> 4, osabi).padEnd(6, ' ')} `);
    const visibility = visibilities[other] ??= encodeLatin1(`${VISIBILITY_NAMES[other & 3].padEnd(7, ' ')}${other & ~3 ? ` [${symbolOtherName(machine, other & ~3)}] ` : ''} `);
    // Fixed columns straight into the output buffer: at most 8+2+16+1+18+kind+visibility+12 bytes.
    out.room(64 + kind.length + visibility.length);
    const buf = out.buf;
    let pos = putDecimal(buf, out.pos, i, 6);
    buf[pos++] = 0x3a;
    buf[pos++] = 0x20;
    if (is64) pos = putHexDigits(buf, pos, vhi, 8);
    pos = putHexDigits(buf, pos, vlo, 8);
    buf[pos++] = 0x20;
    if (shi === 0 && slo <= 99999) pos = putDecimal(buf, pos, slo, 5);
    else {
      out.pos = pos;
      out.put('0x');
      out.hex64(shi, slo, 0);
      pos = out.pos;
    }
    pos = putBytes(buf, pos, kind);
    pos = putBytes(buf, pos, visibility);
    if (shndx !== 0 && shndx < 0xff00) pos = putDecimal(buf, pos, shndx, 4);
    else pos = putBytes(buf, pos, indexTexts[shndx] ??= encodeLatin1(symbolIndexText(shndx, machine).padStart(4, ' ')));
    buf[pos++] = 0x20;
    out.pos = pos;
    const version = versions?.lookup(i, shndx, nameOffset);
    const isSection = (info & 0xf) === 3 && nameOffset < strings.length && strings[nameOffset] === 0;
    if (version || isSection) {
      const name = isSection ? sectionSymbolName(elf, shndx) : table.name(i);
      let suffix = '';
      if (version) suffix = version.kind === 'needed' ? `@${version.name} (${version.other})` : version.kind === 'hidden' ? `@${version.name}` : `@@${version.name}`;
      out.put(wide ? symbolTextUnpadded(name) : fitName(name, 21 - suffix.length));
      out.put(suffix);
    } else if (nameOffset >= strings.length || !writeTableName(out, strings, nameOffset, wide ? undefined : 21)) {
      table.name(i); // throws the ElfFormatError naming the bad st_name
    }
    out.byte(0x0a);
  }
}

/** Non-wide names share 21 columns with their version suffix; an overlong name keeps what fits
 *  before "[...]" (possibly nothing). */
function fitName(name: string, room: number): string {
  const shown = symbolTextUnpadded(name);
  if (shown.length <= room) return shown;
  return `${shown.slice(0, Math.max(0, room - 5))}[...]`;
}

/** What readelf shows for an unnamed STT_SECTION symbol: its section's name, or the special index. */
export function sectionSymbolName(elf: ElfFile, shndx: number): string {
  if (shndx < elf.sections.length && (shndx < 0xff00 || shndx > 0xffff)) return elf.sections[shndx].name;
  if (shndx === 0xfff1) return 'ABS';
  if (shndx === 0xfff2) return 'COMMON';
  return `<section 0x${shndx.toString(16)}>`;
}
