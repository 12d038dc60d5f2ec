// Pages of one relocation section as display rows: type name, symbol, addend, the file bytes the
// relocation patches and, for linked files, the value its psABI formula gives (S + A, or S + A - P).
// In ET_REL files r_offset is section-relative; in linked files it is a virtual address (gABI).
// `before` bytes and rewrites come from the link's history of the field (field-history.ts).

import { ET_REL, SHT_NOBITS, STT_SECTION, type ElfFile } from '../elf/index.ts';
import type { RelocationPage, RelocationRow } from './api.ts';
import type { FieldHistory } from './field-history.ts';
import { relocationFormula, relocationTypeName } from './names.ts';

export function relocationPage(elf: ElfFile, section: number, start: number, count: number, history?: FieldHistory): RelocationPage {
  const rel = elf.relocationTable(section);
  const target = rel.targetSection < elf.sections.length ? elf.sections[rel.targetSection] : undefined;
  const symtab = rel.symbolTableIndex !== 0 && rel.symbolTableIndex < elf.sections.length
    ? elf.symbolTable(rel.symbolTableIndex) : undefined;
  const linked = elf.header.type !== ET_REL;
  const machine = elf.header.machine;
  const first = Math.max(0, Math.min(start, rel.count));
  const end = Math.min(rel.count, first + Math.max(0, count));
  const rows: RelocationRow[] = [];
  for (let i = first; i < end; i++) {
    const offset = rel.offset(i);
    const type = rel.type(i);
    const sym = rel.sym(i);
    const addend = rel.addend(i);
    const formula = relocationFormula(machine, type);
    const width = formula?.width ?? 0;
    let symbolName = '';
    let symbolValue = 0n;
    if (symtab && sym > 0 && sym < symtab.count) {
      symbolValue = symtab.value(sym);
      symbolName = symtab.name(sym);
      if (symbolName === '' && (symtab.info(sym) & 0xf) === STT_SECTION) {
        symbolName = elf.sections[symtab.shndx(sym)]?.name ?? '';
      }
    }
    const place = target ? placeInFile(elf, target.index, offset, width, linked) : -1;
    const bytes = place >= 0 ? Array.from(elf.bytes.subarray(place, place + width)) : [];
    const row: RelocationRow = { index: i, offset, type, typeName: relocationTypeName(machine, type), sym, symbolName, symbolValue, addend, place, width, bytes };
    if (linked && formula && width > 0) {
      row.value = BigInt.asUintN(64, symbolValue + addend - (formula.pcRelative ? offset : 0n));
    }
    // The history keeps a window ending at the field (up to 3 bytes of opcode first): keep the field.
    const step = linked && width > 0 && target ? history?.({ section: target.name, within: Number(offset - target.addr), address: offset, width }) : undefined;
    if (step && step.before.length >= width) row.before = step.before.slice(step.before.length - width);
    if (step?.relaxed) row.relaxed = step.relaxed;
    rows.push(row);
  }
  return { section, target: rel.targetSection, targetName: target?.name ?? '', total: rel.count, start: first, rows };
}

/** File offset of the field at r_offset in section `target`, or -1 when it has no file bytes. */
function placeInFile(elf: ElfFile, target: number, rOffset: bigint, width: number, linked: boolean): number {
  const s = elf.sections[target];
  if (s.type === SHT_NOBITS) return -1;
  const within = linked ? rOffset - s.addr : rOffset;
  if (within < 0n || within + BigInt(width) > s.size) return -1;
  const at = s.offset + within;
  return at + BigInt(width) <= BigInt(elf.bytes.length) ? Number(at) : -1;
}

