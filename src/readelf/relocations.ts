// readelf -r: every SHT_REL, SHT_RELA and SHT_RELR section in section order, with type names from
// src/elf/reloc-types, symbol value/name (section symbols show their section's name, dynamic ones
// their version) and signed addends. Streams rows through TextOut; no per-entry objects.

import { SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_RELR, SHT_SYMTAB, type ElfFile, type SectionHeader, type SymbolTable } from '../elf/index.ts';
import { relocationTypeName } from '../elf/reloc-types/index.ts';
import { encodeLatin1, hex, plural, symbolTextUnpadded, writeTableName, type TextOut } from './text.ts';
import { sectionSymbolName } from './symbols.ts';
import { SymbolVersions } from './versions.ts';

const HEADERS = {
  rel32w: ' Offset     Info    Type                Sym. Value  Symbol\'s Name\n',
  rela32w: ' Offset     Info    Type                Sym. Value  Symbol\'s Name + Addend\n',
  rel32: ' Offset     Info    Type            Sym.Value  Sym. Name\n',
  rela32: ' Offset     Info    Type            Sym.Value  Sym. Name + Addend\n',
  rel64: '  Offset          Info           Type           Sym. Value    Sym. Name\n',
  rela64: '  Offset          Info           Type           Sym. Value    Sym. Name + Addend\n',
  rel64w: '    Offset             Info             Type               Symbol\'s Value  Symbol\'s Name\n',
  rela64w: '    Offset             Info             Type               Symbol\'s Value  Symbol\'s Name + Addend\n',
};

const STT_GNU_IFUNC = 10;
const ONE_SPACE = encodeLatin1(' ');
const THREE_SPACES = encodeLatin1('   ');
const PLUS = encodeLatin1(' + ');
const MINUS = encodeLatin1(' - ');

export function writeRelocations(elf: ElfFile, out: TextOut, wide: boolean): void {
  let found = false;
  let versions: SymbolVersions | null | undefined;
  for (const s of elf.sections) {
    if (s.type !== SHT_REL && s.type !== SHT_RELA && s.type !== SHT_RELR) continue;
    found = true;
    if (s.size === 0n) continue;
    if (s.type === SHT_RELR) {
      writeRelr(elf, s, out);
      continue;
    }
    const table = elf.relocationTable(s.index);
    out.put(`\nRelocation section '${symbolTextUnpadded(s.name)}' at offset 0x${s.offset.toString(16)} contains ${table.count} ${plural(table.count, 'entry', 'entries')}:\n`);
    const rela = table.isRela;
    const key = `${rela ? 'rela' : 'rel'}${elf.is64 ? '64' : '32'}${wide ? 'w' : ''}` as keyof typeof HEADERS;
    out.put(HEADERS[key]);
    const link = elf.sections[s.link];
    let symbols: SymbolTable | null = null;
    let isDynamic = false;
    if (s.link !== 0 && link && (link.type === SHT_SYMTAB || link.type === SHT_DYNSYM) && link.entsize !== 0n) {
      symbols = elf.symbolTable(s.link);
      isDynamic = link.type === SHT_DYNSYM;
      if (isDynamic && versions === undefined) versions = SymbolVersions.read(elf);
    }
    writeRows(elf, table, symbols, isDynamic ? versions ?? null : null, out, wide);
  }
  if (!found) out.put('\nThere are no relocations in this file.\n');
}

function writeRows(
  elf: ElfFile, table: ReturnType<ElfFile['relocationTable']>, symbols: SymbolTable | null,
  versions: SymbolVersions | null, out: TextOut, wide: boolean,
): void {
  const is64 = elf.is64;
  const machine = elf.header.machine;
  const rela = table.isRela;
  const { view, le } = elf.data;
  const offsetWidth = is64 ? (wide ? 16 : 12) : 8;
  const typeWidth = wide ? 22 : 17;
  const valueWidth = is64 ? 16 : 8;
  const typeTexts = new Array<Uint8Array | undefined>(1024);
  // st_value of symbol n sits at symbolBase + n * symbolSize.
  const symbolBase = symbols ? Number(elf.sections[symbols.index].offset) + (is64 ? 8 : 4) : 0;
  const symbolSize = is64 ? 24 : 16;
  const names = symbols ? symbolNames(elf, symbols, versions, wide, out) : null;
  const entsize = table.entsize;
  const word = is64 ? 8 : 4;
  for (let i = 0, at = table.base; i < table.count; i++, at += entsize) {
    // r_offset, r_info (and r_addend) as 32-bit halves: no BigInt per entry.
    let ohi = 0, olo: number, ihi = 0, ilo: number, sym: number, type: number;
    if (is64) {
      olo = view.getUint32(at + (le ? 0 : 4), le);
      ohi = view.getUint32(at + (le ? 4 : 0), le);
      ilo = view.getUint32(at + (le ? 8 : 12), le);
      ihi = view.getUint32(at + (le ? 12 : 8), le);
      sym = ihi;
      type = ilo;
    } else {
      olo = view.getUint32(at, le);
      ilo = view.getUint32(at + 4, le);
      sym = ilo >>> 8;
      type = ilo & 0xff;
    }
    out.hex64(ohi, olo, offsetWidth);
    out.byte(0x20);
    out.byte(0x20);
    out.hex64(ihi, ilo, offsetWidth);
    out.byte(0x20);
    let typeText = type < 1024 ? typeTexts[type] : undefined;
    if (typeText === undefined) {
      const name = relocationTypeName(machine, type);
      typeText = encodeLatin1(name === undefined ? `unrecognized: ${type.toString(16).padEnd(7, ' ')}` : fitType(name, typeWidth, wide));
      if (type < 1024) typeTexts[type] = typeText;
    }
    out.ascii(typeText);
    if (sym === 0) {
      if (rela) {
        out.spaces(is64 ? 20 : 12);
        writeAddend(out, view, at + 2 * word, le, is64, false);
      }
    } else if (symbols === null || names === null || sym >= symbols.count) {
      out.put(` <corrupt symbol index: ${sym}>`);
    } else {
      const valueAt = symbolBase + sym * symbolSize;
      out.byte(0x20);
      if ((symbols.info(sym) & 0xf) === STT_GNU_IFUNC) {
        // An IFUNC's value is not the address used: readelf shows "name()" in the value column.
        writeIfuncValue(elf, symbols, sym, versions, out, wide);
      } else {
        if (is64) out.hex64(view.getUint32(valueAt + (le ? 4 : 0), le), view.getUint32(valueAt + (le ? 0 : 4), le), valueWidth);
        else out.hex32(view.getUint32(valueAt, le), valueWidth);
        out.ascii(is64 ? ONE_SPACE : THREE_SPACES);
      }
      names(sym);
      if (rela) writeAddend(out, view, at + 2 * word, le, is64, true);
    }
    out.byte(0x0a);
  }
}

/** The value column of a relocation against an STT_GNU_IFUNC symbol: the name (cut to 14 columns,
 *  8 for ELF32, unless -W) with its version, "()", then padding back to that width. */
function writeIfuncValue(elf: ElfFile, symbols: SymbolTable, sym: number, versions: SymbolVersions | null, out: TextOut, wide: boolean): void {
  const width = elf.is64 ? 14 : 8;
  const name = symbols.nameOffset(sym) === 0 ? '' : symbols.name(sym);
  const shown = wide ? symbolTextUnpadded(name) : symbolTextUnpadded(name, width);
  out.put(shown);
  const raw = symbols.rawShndx(sym);
  const version = versions?.lookup(sym, raw === 0xffff ? symbols.shndx(sym) : raw, symbols.nameOffset(sym));
  if (version) out.put(version.kind === 'public' ? `@@${version.name}` : `@${version.name}`);
  out.put('()');
  out.spaces(shown.length <= width ? width + 1 - shown.length : 1);
}

/** " + 1a" / " - 4" after a symbol; "1a" / "-4" in the symbol-less column. */
function writeAddend(out: TextOut, view: DataView, at: number, le: boolean, is64: boolean, spaced: boolean): void {
  let hi = is64 ? view.getUint32(at + (le ? 4 : 0), le) : 0;
  let lo = view.getUint32(at + (is64 && !le ? 4 : 0), le);
  const negative = is64 ? hi >= 0x80000000 : lo >= 0x80000000;
  if (negative) {
    // Two's complement negation of the (hi, lo) pair.
    lo = (~lo + 1) >>> 0;
    hi = is64 ? (~hi + (lo === 0 ? 1 : 0)) >>> 0 : 0;
  }
  if (spaced) out.ascii(negative ? MINUS : PLUS);
  else if (negative) out.byte(0x2d);
  out.hex64(hi, lo, 0);
}

/** A writer of symbol `sym`'s displayed name (section names for section symbols, version
 *  suffixes for dynamic symbols), memoising the formatted text of symbols that need it. */
function symbolNames(elf: ElfFile, symbols: SymbolTable, versions: SymbolVersions | null, wide: boolean, out: TextOut): (sym: number) => void {
  const special = new Map<number, string>();
  const strings = elf.stringTable(elf.sections[symbols.index].link).data;
  return (sym: number) => {
    const known = special.get(sym);
    if (known !== undefined) {
      out.put(known);
      return;
    }
    const nameOffset = symbols.nameOffset(sym);
    const info = symbols.info(sym);
    const raw = symbols.rawShndx(sym);
    const shndx = raw === 0xffff ? symbols.shndx(sym) : raw;
    const isSection = (info & 0xf) === 3 && nameOffset < strings.length && strings[nameOffset] === 0;
    const version = isSection ? null : versions?.lookup(sym, shndx, nameOffset);
    if (!isSection && !version) {
      if (nameOffset >= strings.length || !writeTableName(out, strings, nameOffset, wide ? undefined : 22)) symbols.name(sym);
      return;
    }
    const name = isSection ? sectionSymbolName(elf, shndx) : symbols.name(sym);
    const suffix = version ? (version.kind === 'public' ? `@@${version.name}` : `@${version.name}`) : '';
    const text = (wide ? symbolTextUnpadded(name) : symbolTextUnpadded(name, 22)) + suffix;
    special.set(sym, text);
    out.put(text);
  };
}

/** Known names padded to the column; -W never cuts them, the narrow layout cuts at `width`. */
function fitType(name: string, width: number, wide: boolean): string {
  if (name.length >= width) return wide ? name : name.slice(0, width);
  return name + ' '.repeat(width - name.length);
}

/** SHT_RELR as readelf 2.40 lists it: the count of addresses, then each address. */
function writeRelr(elf: ElfFile, s: SectionHeader, out: TextOut): void {
  const w = elf.is64 ? 8n : 4n;
  const entries = s.entsize !== 0n ? s.size / s.entsize : s.size / w;
  out.put(`\nRelocation section '${symbolTextUnpadded(s.name)}' at offset 0x${s.offset.toString(16)} contains ${entries} ${plural(entries, 'entry', 'entries')}:\n`);
  const addresses = elf.relrAddresses(s.index);
  out.put(`  ${addresses.length} ${plural(addresses.length, 'offset', 'offsets')}\n`);
  const width = elf.is64 ? 16 : 8;
  for (const a of addresses) out.put(`${hex(a, width)}\n`);
}
