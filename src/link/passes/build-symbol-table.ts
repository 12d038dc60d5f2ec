// Pass, buildSymbolTable: fixes section header indices (each .rela<name> right after its section, then
// .symtab, .strtab, .shstrtab, as ld orders them) and writes .symtab/.strtab as ld does: section symbols,
// each file's locals (no section symbols; compiler-local .L names dropped unless --discard-none;
// none from discarded sections), then globals (hidden ones stay global in a static link, as in ld).
import {
  SHF_TLS, SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FILE, STT_SECTION, STT_TLS,
} from '../../elf/index.ts';
import { StringTableBuilder } from '../chunks/string-table.ts';
import type { GlobalSymbol, LinkContext, OutputSection } from '../context.ts';
import { globalAddress, globalOutputSection, keptSection, localAddress } from '../layout/addresses.ts';
import { mergedOffset } from './merge-sections.ts';

export interface SymbolTableOutput {
  symtab: Uint8Array;
  strtab: Uint8Array;
  firstGlobal: number;
  symtabIndex: number;
  /** Output section → index of its .rela section (emit-relocs). */
  relaIndex: Map<OutputSection, number>;
  /** Output section → index of its section symbol. */
  sectionSymbol: Map<OutputSection, number>;
  shnum: number;
}

export function buildSymbolTable(ctx: LinkContext): void {
  const relaIndex = new Map<OutputSection, number>();
  const withRelocations = new Set(ctx.options.emitRelocs ? ctx.plan?.sections.map((s) => s.output!) ?? [] : []);
  let index = 1;
  for (const os of ctx.outputSections) {
    os.index = index++;
    if (withRelocations.has(os)) relaIndex.set(os, index++);
  }
  const symtabIndex = index;
  // Entries are written as they come, into a table sized for the most there can be: section
  // symbols, every input local plus one STT_FILE per file, every global.
  let most = 1 + ctx.outputSections.length + ctx.symbols.size;
  for (const obj of ctx.objects) most += obj.symtab?.firstGlobal ?? 0;
  const table = new Uint8Array(most * 24);
  const view = new DataView(table.buffer);
  let count = 0;
  const strings = new StringTableBuilder();
  // In an executable a TLS symbol's value is its offset in the TLS template (gABI "Thread-Local Storage").
  const tlsStart = ctx.outputSections.find((o) => (o.flags & BigInt(SHF_TLS)) !== 0n)?.address ?? 0n;
  const write = (nameOffset: number, value: bigint, size: bigint, info: number, other: number, shndx: number) => {
    const at = count * 24;
    view.setUint32(at, nameOffset, true);
    table[at + 4] = info;
    table[at + 5] = other;
    view.setUint16(at + 6, shndx, true);
    view.setBigUint64(at + 8, BigInt.asUintN(64, (info & 0xf) === STT_TLS ? value - tlsStart : value), true);
    view.setBigUint64(at + 16, BigInt.asUintN(64, size), true);
    return count++;
  };
  const push = (name: string, value: bigint, size: bigint, info: number, other: number, shndx: number) =>
    write(strings.add(name), value, size, info, other, shndx);
  push('', 0n, 0n, 0, 0, 0);
  const sectionSymbol = new Map<OutputSection, number>();
  // ld writes section symbols into an executable only when relocations refer to them (--emit-relocs).
  if (ctx.options.emitRelocs) for (const os of ctx.outputSections) sectionSymbol.set(os, push('', os.address, 0n, STT_SECTION, 0, os.index));
  for (const obj of ctx.objects) {
    const t = obj.symtab;
    if (!t) continue;
    // Local names are copied from the input's string table as bytes (no JS string per name).
    const names = obj.elf.stringTable(obj.elf.sections[t.index].link).data;
    // ld names a file that has locals but no STT_FILE symbol with an STT_FILE of its own name.
    let fileNamed = false;
    for (let i = 1; i < t.firstGlobal; i++) {
      const info = t.info(i);
      const type = info & 0xf;
      if (type === STT_SECTION) continue;
      const shndx = t.shndx(i);
      let outShndx = shndx;
      if (shndx !== SHN_ABS && shndx !== SHN_UNDEF && shndx !== SHN_COMMON) {
        const s = obj.sections[shndx];
        if (!s || s.discarded || !s.output || s.output.removed) continue; // ld drops locals of removed sections
        outShndx = keptSection(s.merge ? mergedOffset(s, Number(t.value(i))).holder.output! : s.output)!.index;
      }
      const start = t.nameOffset(i);
      let end = names.indexOf(0, start);
      if (end < 0) { t.name(i); end = start; } // raises the reader's error (an empty table reads as '')
      if (!ctx.options.discardNone && names[start] === 0x2e && names[start + 1] === 0x4c) continue; // ".L"
      if (type === STT_FILE) fileNamed = true;
      else if (!fileNamed) { push(obj.fileName, 0n, 0n, STT_FILE, 0, SHN_ABS); fileNamed = true; }
      obj.localOutputIndex[i] = write(strings.addBytes(names, start, end), localAddress(obj, i), t.size(i), info, t.other(i), outShndx);
    }
  }
  // Symbols whose section was discarded (/DISCARD/, --gc-sections) are not written, as in ld.
  // A static executable lists defined symbols only: undefined weak ones resolve to 0 and are not
  // written (as ld), and symbols of discarded sections go with them.
  const globals = [...ctx.symbols.values()].filter((g) => g.defined && !g.section?.discarded);
  // Hidden symbols the linker or script defines (__ehdr_start, PROVIDE_HIDDEN) are written as locals;
  // hidden symbols from objects stay global in a static link (both as ld 2.40 does).
  const linkerLocal = (g: GlobalSymbol) => g.scriptDefined === true && g.linkerHidden === true;
  for (const g of globals) if (linkerLocal(g)) g.outputIndex = pushGlobal(g, STB_LOCAL);
  const firstGlobal = count;
  for (const g of globals) if (!linkerLocal(g)) g.outputIndex = pushGlobal(g, g.binding === STB_WEAK ? STB_WEAK : STB_GLOBAL);

  function pushGlobal(g: GlobalSymbol, bind: number): number {
    const os = globalOutputSection(g);
    const shndx = !g.defined ? SHN_UNDEF : os ? os.index : SHN_ABS;
    return push(g.name, globalAddress(g), g.size, (bind << 4) | g.type, g.visibility, shndx);
  }

  const symtab = table.slice(0, count * 24);
  ctx.symbolTable = { symtab, strtab: strings.bytes(), firstGlobal, symtabIndex, relaIndex, sectionSymbol, shnum: symtabIndex + 3 };
}
