// Which byte ranges of a file sortTablesInPlace reads beyond the ELF header, its header tables and
// the section names, so the CLI can hold a 632 MB vmlinux as a sparse buffer (a few MB read).
// Two phases because two ranges depend on symbol values: the mcount table under 6.14+ rules
// (__start/__stop_mcount_loc) and the main_extable_sort_needed word.
// Pure: computes ranges; any malformed structure is left for the stage itself to report.

import { EM_AARCH64, SHT_RELA, type ElfFile, type SectionHeader } from '../../elf/index.ts';
import { sorttableFeatures, type SorttableOptions } from './options.ts';
import { locateSections, mcountBounds, sortNeededLocation, type SorttableRange } from './sorttable.ts';

const sectionBytes = (s: SectionHeader | undefined): SorttableRange[] => (s && s.size > 0n ? [[clamp(s.offset), clamp(s.size)]] : []);
const clamp = (v: bigint) => Number(v > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : v);

/** Phase 1: the tables the stage sorts or searches, found from section headers alone. */
export function sorttableSectionRanges(elf: ElfFile, options: SorttableOptions = {}): SorttableRange[] {
  const features = sorttableFeatures(options.kernel);
  const found = locateSections(elf);
  const ranges = [found.symtab, found.strtab, found.symtabShndx, found.extable, found.orcIp, found.orc].flatMap(sectionBytes);
  // arm64 6.15+ keeps mcount addresses in the addends of R_AARCH64_RELATIVE entries of any SHT_RELA.
  if (options.mcount && features.mcountBounds === 'nm-file' && elf.header.machine === EM_AARCH64) {
    for (const s of elf.sections) if (s.type === SHT_RELA) ranges.push(...sectionBytes(s));
  }
  // 6.1–6.13 take the mcount bounds from System.map, known before any symbol is read.
  if (options.mcount && features.mcountBounds === 'system-map') ranges.push(...mcountRange(elf, options));
  return ranges;
}

/** Phase 2, once phase 1's ranges are loaded: ranges located through symbol values. */
export function sorttableSymbolRanges(elf: ElfFile, options: SorttableOptions = {}): SorttableRange[] {
  const features = sorttableFeatures(options.kernel);
  const found = locateSections(elf);
  const ranges: SorttableRange[] = [];
  if (options.mcount && features.mcountBounds !== 'system-map') ranges.push(...mcountRange(elf, options));
  if (found.symtab && found.strtab) {
    try {
      ranges.push([sortNeededLocation(elf, found, features, elf.fileName).fileOffset, 4]);
    } catch {
      // The stage raises the same error with the tool's wording when it gets there.
    }
  }
  return ranges;
}

/** The mcount words: [__start_mcount_loc, __stop_mcount_loc) placed through .init.data. */
function mcountRange(elf: ElfFile, options: SorttableOptions): SorttableRange[] {
  const found = locateSections(elf);
  const init = found.initData;
  let bounds;
  try {
    bounds = mcountBounds(elf, found, sorttableFeatures(options.kernel), options);
  } catch {
    return [];
  }
  const { start, stop } = bounds;
  if (!init || start === 0n || stop <= start) return [];
  const offset = start - init.addr + init.offset;
  return offset < 0n ? [] : [[clamp(offset), clamp(stop - start)]];
}
