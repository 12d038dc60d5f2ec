// Pass 2, resolveSymbols: binds every global/weak/common name to one definition, with ld's rules —
// strong beats weak and common, the largest common wins, two strong definitions are an error naming
// both places ("multiple definition of `x'; a.o:(.data+0x0): first defined here"). Undefined
// references are reported later, at the relocation that uses them (ld's "undefined reference").
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_LOCAL, STB_WEAK, SHT_NOBITS, SHF_ALLOC, SHF_WRITE } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import { newGlobal, type GlobalSymbol, type InputSection, type LinkContext, type ObjectFile } from '../context.ts';
import { describeLocation } from '../diagnostics.ts';

export function addObjectSymbols(ctx: LinkContext, obj: ObjectFile): void {
  const t = obj.symtab;
  if (!t) return;
  for (let i = t.firstGlobal; i < t.count; i++) {
    const name = t.name(i);
    const info = t.info(i);
    const bind = info >> 4;
    if (bind === STB_LOCAL) throw new StageError(`ld: ${obj.name}: local symbol \`${name}' at index ${i} is in the global part of .symtab`, [{ severity: 'error', message: 'local symbol in global part', file: obj.name }]);
    let g = ctx.symbols.get(name);
    if (!g) { g = newGlobal(name); ctx.symbols.set(name, g); }
    obj.globals[i] = g;
    const shndx = t.shndx(i);
    const visibility = t.other(i) & 3;
    if (visibility && (!g.visibility || visibility < g.visibility)) g.visibility = visibility;
    if (shndx === SHN_UNDEF) {
      // An undefined symbol is weak only while every reference to it is weak (gABI "Symbol Table").
      if (!g.defined) g.binding = bind === STB_WEAK && (!g.referenced || g.binding === STB_WEAK) ? STB_WEAK : 1;
      // An undefined symbol takes the type its references give it (ld writes a TLS weak one as TLS).
      if (!g.defined && g.type === 0) g.type = info & 0xf;
      g.referenced = true;
      continue;
    }
    if (shndx !== SHN_ABS && shndx !== SHN_COMMON && shndx < obj.sections.length && !obj.sections[shndx]) {
      continue; // defined in a discarded COMDAT copy: the kept copy's definition stands
    }
    if (shndx === SHN_COMMON) {
      if (g.defined && !g.common) continue;
      const size = t.size(i);
      if (!g.common || size > g.size) {
        g.file = obj; g.fileIndex = i; g.size = size; g.value = t.value(i);
      }
      g.common = true; g.defined = true; g.binding = 1; g.type = 1;
      continue;
    }
    if (g.defined && !g.common) {
      if (bind === STB_WEAK) continue;
      if (g.binding !== STB_WEAK) {
        ctx.errors.push({
          severity: 'error', file: obj.name, symbol: { name, files: [...(g.file ? [g.file.name] : []), obj.name] },
          message: `${describeLocation(obj, shndx, t.value(i))}: multiple definition of \`${name}'; ${g.file ? describeLocation(g.file, g.file.symtab!.shndx(g.fileIndex), g.file.symtab!.value(g.fileIndex), true) : '(linker script)'}: first defined here`,
        });
        continue;
      }
    }
    g.file = obj; g.fileIndex = i; g.binding = bind; g.type = info & 0xf; g.size = t.size(i);
    g.value = t.value(i); g.defined = true; g.common = false; g.scriptDefined = false;
    g.section = shndx === SHN_ABS ? undefined : obj.sections[shndx];
  }
}

/** Finishes resolution: raises collected duplicate-definition errors, allocates commons into a
 *  linker-made COMMON section (placed by the script's `*(COMMON)` or after .bss). */
export function resolveSymbols(ctx: LinkContext): void {
  if (ctx.errors.length) throw new StageError(ctx.errors.map((e) => `ld: ${e.message}`).join('\n'), ctx.errors.splice(0));
  const commons = [...ctx.symbols.values()].filter((g) => g.common);
  if (commons.length) allocateCommons(ctx, commons);
}

/** Records where each global symbol came from, once the script has defined its own (so run after
 *  assignAddresses): the defining file and input section, the script and its output section, or
 *  the linker (__ehdr_start, _GLOBAL_OFFSET_TABLE_, ...); undefined weak symbols stay undefined. */
export function recordSymbolSources(ctx: LinkContext): void {
  for (const g of ctx.symbols.values()) {
    const file = g.file?.name ?? (g.scriptDefined ? '(linker script)' : g.defined ? '(linker)' : '(undefined)');
    const section = g.section?.name ?? g.outputSection?.name ?? (g.defined ? '*ABS*' : '');
    ctx.record.symbolSources.push({ name: g.name, file, section, binding: g.binding === STB_WEAK ? 'weak' : 'global' });
  }
}

function allocateCommons(ctx: LinkContext, commons: GlobalSymbol[]): void {
  const owner = ctx.objects[0];
  let size = 0;
  let align = 1;
  for (const g of commons) {
    const a = Math.max(1, Number(g.value)); // st_value of a common symbol is its alignment
    size = Math.ceil(size / a) * a;
    g.value = BigInt(size);
    size += Number(g.size);
    align = Math.max(align, a);
  }
  const section: InputSection = {
    file: owner, index: -1, name: 'COMMON', type: SHT_NOBITS, flags: BigInt(SHF_ALLOC | SHF_WRITE), entsize: 0, align,
    size, data: new Uint8Array(0), relocationSection: -1, output: undefined, offset: 0, discarded: false, live: true, keep: true, merge: undefined, ehFrame: undefined,
  };
  for (const g of commons) { g.section = section; g.common = false; g.type = 1; }
  ctx.synthetic.common = section;
}
