// Which `scripts/sorttable` to behave as: the tool changed between kernel versions (mcount bounds,
// the ORC "weak" test, zeroing of .rela__ex_table, LoongArch's table layout), and the same source
// behaves differently per config (UNWINDER_ORC, BUILDTIME_MCOUNT_SORT). Pure data; no ELF here.
// Version landmarks follow docs/kernel-pipeline.md §2 (6.1 read + checked; later ones from sources).

export interface SorttableOptions {
  /** Kernel version whose sorttable to follow, 'MAJOR.MINOR' (default '6.1'). */
  kernel?: string;
  /** Built with -DUNWINDER_ORC_ENABLED (CONFIG_UNWINDER_ORC). Default: true for x86_64 files. */
  orc?: boolean;
  /** Built with -DMCOUNT_SORT_ENABLED (CONFIG_BUILDTIME_MCOUNT_SORT). Default: false. */
  mcount?: boolean;
  /** 6.1–6.13 mcount: the text of ./System.map, which the tool greps for the table bounds. */
  systemMap?: string;
  /** 6.15+ mcount: the text of `nm -S vmlinux` (the `-s nm-file` argument), when given. */
  nmSymbols?: string;
  /** Name used in messages (the tool prints the path it was given). */
  fileName?: string;
  /** How many moves per table the record keeps (default 64). */
  sampleLimit?: number;
}

export interface SorttableFeatures {
  version: [number, number];
  /** 6.1–6.13 zero the relocation section of __ex_table after sorting. */
  zeroExtableRelocs: boolean;
  /** 6.4+ objtool: a "weak" ORC terminator is type UNDEFINED; before, sp_reg UNDEFINED and !end. */
  orcWeakByType: boolean;
  /** Where the mcount table bounds come from. */
  mcountBounds: 'system-map' | 'symtab' | 'nm-file';
  /** ≈6.14+: the symbol loop stops one entry early, so the last symbol is never examined. */
  skipLastSymbol: boolean;
  /** ≈6.14+: LoongArch uses relative-with-data entries instead of absolute ones. */
  loongarchRelative: boolean;
}

export function parseKernelVersion(text: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(text);
  if (!m) throw new Error(`kernel version '${text}' is not MAJOR.MINOR (e.g. 6.1)`);
  return [Number(m[1]), Number(m[2])];
}

export function sorttableFeatures(kernel = '6.1'): SorttableFeatures {
  const version = parseKernelVersion(kernel);
  const atLeast = (major: number, minor: number) => version[0] > major || (version[0] === major && version[1] >= minor);
  return {
    version,
    zeroExtableRelocs: !atLeast(6, 14),
    orcWeakByType: atLeast(6, 4),
    mcountBounds: atLeast(6, 15) ? 'nm-file' : atLeast(6, 14) ? 'symtab' : 'system-map',
    skipLastSymbol: atLeast(6, 14),
    loongarchRelative: atLeast(6, 14),
  };
}
