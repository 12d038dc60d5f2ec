// Where things ended up: the output address of an input offset (through string merging), of a local
// or global symbol, and the section a symbol belongs to in the output. Pure lookups over the
// context once assignAddresses has run; no layout decisions here.
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, STT_SECTION } from '../../elf/index.ts';
import type { GlobalSymbol, InputSection, ObjectFile, OutputSection } from '../context.ts';
import { mergedOffset } from '../passes/merge-sections.ts';

const WORD = (1n << 64n) - 1n;

/** Output address of byte `offset` of input section `s` (offset before merging). */
export function inputAddress(s: InputSection, offset: bigint): bigint {
  if (s.merge) {
    const m = mergedOffset(s, Number(offset));
    return (m.holder.output!.address + BigInt(m.holder.offset + m.offset)) & WORD;
  }
  return (s.output!.address + BigInt(s.offset) + offset) & WORD;
}

export function globalAddress(g: GlobalSymbol): bigint {
  if (!g.defined) return 0n;
  if (g.scriptDefined) return g.address;
  if (g.section) return g.section.output && !g.section.discarded ? inputAddress(g.section, g.value) : 0n;
  return g.value;
}

/** The output section a global lives in (undefined: absolute or undefined). */
export function globalOutputSection(g: GlobalSymbol): OutputSection | undefined {
  if (g.scriptDefined) return g.outputSection;
  const s = g.section;
  if (!s || s.discarded) return undefined;
  return keptSection(s.merge ? mergedOffset(s, Number(g.value)).holder.output : s.output);
}

/** An output section, or for one removed as empty the kept section its symbols moved to. */
export function keptSection(os: OutputSection | undefined): OutputSection | undefined {
  return os?.removed ? os.replacement : os;
}

/** Value of local symbol `i` of `obj` in the output (section symbols: the input section's start). */
export function localAddress(obj: ObjectFile, i: number): bigint {
  const t = obj.symtab!;
  const shndx = t.shndx(i);
  if (shndx === SHN_ABS || shndx === SHN_UNDEF || shndx === SHN_COMMON) return t.value(i);
  const s = obj.sections[shndx];
  if (!s || !s.output || s.discarded) return 0n;
  if ((t.info(i) & 0xf) === STT_SECTION) return (s.output.address + BigInt(s.offset)) & WORD;
  return inputAddress(s, t.value(i));
}
