// The `sysmap` stage: System.map as `scripts/mksysmap` writes it — the `nm -n` listing (nm.ts) with
// the lines the kernel drops filtered out by the same line patterns the script gives grep/sed.
// Not here: how nm letters are derived (nm.ts) or kallsyms. Filters follow docs/kernel-pipeline.md
// §4.3: 6.1 (grep -v list) and 6.8+ (sed list; 6.18 adds __UNIQUE_ID_modinfo).

import { readElf } from '../elf/index.ts';
import type { StageDescription, StageResult } from '../pipeline/stage.ts';
import { formatNmLine, nmListing, numericOrder } from './nm.ts';

export const sysmapDescription: StageDescription = {
  id: 'sysmap',
  title: 'System.map (scripts/mksysmap)',
  explanation:
    'System.map lists every kernel symbol with its address and nm type letter, sorted by address. ' +
    'Debuggers and tools read it; the kallsyms passes compare it with their own listing to prove the ' +
    'symbol table converged.',
  follows: 'scripts/mksysmap and GNU nm 2.40 (`nm -n`)',
};

export interface SysmapOptions {
  /** Kernel version whose mksysmap filter to apply, 'MAJOR.MINOR' (default '6.1'). */
  kernel?: string;
  /** Output file name (default 'System.map'). */
  outputName?: string;
}

export interface SysmapRecord {
  kernel: string;
  /** Lines nm printed and lines kept. */
  symbols: number;
  kept: number;
  /** Dropped lines per filter pattern (the first pattern that matched). */
  dropped: { pattern: string; lines: number }[];
}

/** The line patterns mksysmap drops (regular expressions over the whole `nm -n` line). */
export function mksysmapPatterns(kernel = '6.1'): RegExp[] {
  const m = /^(\d+)\.(\d+)/.exec(kernel);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [6, 1];
  const atLeast = (a: number, b: number) => major > a || (major === a && minor >= b);
  if (!atLeast(6, 8)) {
    return [/ [aNUw] /, / \$/, / \.L/, / __crc_/, / __kstrtab_/, / __kstrtabns_/, / L0$/];
  }
  const list = [
    / [aNUw] /,
    / \$/, / \.L/, / __efistub_/, / __pi_\$/, / __pi_\.L/, / __kvm_nvhe_\$/, / __kvm_nvhe_\.L/,
    / __[A-Za-z0-9]*Thunk_/, / __kcfi_typeid_/, / __kvm_nvhe___kcfi_typeid_/, / __pi___kcfi_typeid_/,
    / __crc_/, / __kstrtab_/, / __kstrtabns_/,
    /_from_arm$/, /_from_thumb$/, /_veneer$/,
    / L0$/, / _SDA_BASE_$/, / _SDA2_BASE_$/,
    /\.long_branch\./, /\.plt_branch\./,
  ];
  if (atLeast(6, 18)) list.push(/ __UNIQUE_ID_modinfo[0-9]*$/);
  return list;
}

/** Builds System.map text from an executable's bytes. */
export function sysmap(input: Uint8Array, options: SysmapOptions & { fileName?: string } = {}): StageResult<SysmapRecord> {
  const elf = readElf(input, options.fileName ?? 'vmlinux');
  const listing = nmListing(elf);
  const order = numericOrder(listing);
  const patterns = mksysmapPatterns(options.kernel);
  const droppedBy = new Array<number>(patterns.length).fill(0);
  const kept: string[] = [];
  for (let k = 0; k < order.length; k++) {
    const line = formatNmLine(listing, order[k]);
    const hit = patterns.findIndex((p) => p.test(line));
    if (hit < 0) kept.push(line);
    else droppedBy[hit]++;
  }
  const text = kept.length ? `${kept.join('\n')}\n` : '';
  return {
    outputs: { [options.outputName ?? 'System.map']: latin1Bytes(text) },
    record: {
      kernel: options.kernel ?? '6.1',
      symbols: order.length,
      kept: kept.length,
      dropped: patterns.map((p, i) => ({ pattern: p.source, lines: droppedBy[i] })).filter((d) => d.lines > 0),
    },
    diagnostics: [],
  };
}

/** Text whose chars are bytes (names are decoded as Latin-1) back to bytes. */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
