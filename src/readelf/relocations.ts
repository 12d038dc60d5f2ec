// readelf -r: every SHT_REL, SHT_RELA and SHT_RELR section in section order, with type names from
// src/elf/reloc-types, symbol value/name (section symbols show their section's name, dynamic ones
// their version) and signed addends. Streams rows through TextOut; no per-entry objects.

import { SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_RELR, SHT_SYMTAB, type ElfFile, type SectionHeader, type SymbolTable } from '../elf/index.ts';
import { relocationTypeName } from '../elf/reloc-types/index.ts';
import { hex, plural, symbolTextUnpadded, type TextOut } from './text.ts';
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
  const offsetWidth = is64 ? (wide ? 16 : 12) : 8;
  const typeWidth = wide ? 22 : 17;
  const valueWidth = is64 ? 16 : 8;
  const typeNames = new Map<number, string>();
  for (let i = 0; i < table.count; i++) {
    const type = table.type(i);
    let typeText = typeNames.get(type);
    if (typeText === undefined) {
      const name = relocationTypeName(machine, type);
      typeText = name === undefined ? `unrecognized: ${type.toString(16).padEnd(7, ' ')}` : fitType(name, typeWidth, wide);
      typeNames.set(type, typeText);
    }
    let row = `${hex(table.offset(i), offsetWidth)}  ${hex(table.info(i), offsetWidth)} ${typeText}`;
    const sym = table.sym(i);
    const addend = rela ? table.addend(i) : 0n;
    if (sym === 0) {
      if (rela) row += `${' '.repeat(is64 ? (wide ? 20 : 20) : 12)}${signedHex(addend, false)}`;
    } else if (symbols === null || sym >= symbols.count) {
      row += ` <corrupt symbol index: ${sym}>`;
    } else {
      row += ` ${hex(symbols.value(sym), valueWidth)}${is64 ? ' ' : '   '}${symbolName(elf, symbols, sym, versions, wide)}`;
      if (rela) row += signedHex(addend, true);
    }
    out.put(`${row}\n`);
  }
}

/** Known names padded to the column; -W never cuts them, the narrow layout cuts at `width`. */
function fitType(name: string, width: number, wide: boolean): string {
  if (name.length >= width) return wide ? name : name.slice(0, width);
  return name + ' '.repeat(width - name.length);
}

/** " + 1a" / " - 4" after a symbol; "1a" / "-4" in the symbol-less column. */
function signedHex(v: bigint, spaced: boolean): string {
  const negative = v < 0n;
  const magnitude = (negative ? -v : v).toString(16);
  if (spaced) return negative ? ` - ${magnitude}` : ` + ${magnitude}`;
  return negative ? `-${magnitude}` : magnitude;
}

function symbolName(elf: ElfFile, symbols: SymbolTable, sym: number, versions: SymbolVersions | null, wide: boolean): string {
  const info = symbols.info(sym);
  let name = symbols.name(sym);
  const sectionSymbol = name === '' && (info & 0xf) === 3;
  if (sectionSymbol) {
    const raw = symbols.rawShndx(sym);
    name = sectionSymbolName(elf, raw === 0xffff ? symbols.shndx(sym) : raw);
  }
  let suffix = '';
  if (versions && !sectionSymbol) {
    const raw = symbols.rawShndx(sym);
    const version = versions.lookup(sym, raw === 0xffff ? symbols.shndx(sym) : raw, symbols.nameOffset(sym));
    if (version) suffix = version.kind === 'public' ? `@@${version.name}` : `@${version.name}`;
  }
  return (wide ? symbolTextUnpadded(name) : symbolTextUnpadded(name, 22)) + suffix;
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
