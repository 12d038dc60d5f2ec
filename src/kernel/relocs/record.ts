// The record the relocs stage returns for the playground: list sizes, per-type counts and a bounded
// sample of entries with their relocation, symbol and section names. Built after the scan; it decides
// nothing and never holds per-entry data beyond the sample.

import type { ElfFile } from '../../elf/index.ts';
import { symbolName } from './classify.ts';
import type { RelocationLists } from './lists.ts';
import { relocationTypeName, TYPE_OTHER_LABEL } from './names.ts';

export interface RelocsSample {
  /** The u32 stored in vmlinux.relocs, hex. */
  value: string;
  relocationSection: string;
  entry: number;
  /** The section the relocation patches, its type, and the symbol it refers to. */
  target: string;
  type: string;
  symbol: string;
}

export interface RelocsListRecord {
  name: 'relocs64' | 'relocs32neg' | 'relocs32' | 'relocs16';
  title: string;
  count: number;
  /** The first entries found (walk order, before sorting). */
  sample: RelocsSample[];
}

export interface RelocsRecord {
  kernel: string;
  mode: string;
  wordSize: 32 | 64;
  realMode: boolean;
  /** The zero-based .data..percpu handling (6.1–6.14), when the image has one. */
  perCpu: { section: string; loadAddress: string } | null;
  relocationSections: number;
  relocationSectionsSkipped: number;
  relocationsWalked: number;
  /** Walked relocations per type name. */
  types: { type: string; count: number }[];
  lists: RelocsListRecord[];
  outputBytes: number;
}

/** Per-type counts from the scan's histogram. */
export function typeCounts(histogram: Uint32Array, is64: boolean, knowsRex: boolean): RelocsRecord['types'] {
  const out: RelocsRecord['types'] = [];
  histogram.forEach((count, type) => {
    if (count === 0) return;
    const name = type === histogram.length - 1 ? TYPE_OTHER_LABEL : relocationTypeName(type, is64, knowsRex);
    out.push({ type: name === 'unknown type rel type name' ? `type ${type}` : name, count });
  });
  return out;
}

/** The first entries of list `k`, named (a handful of symbol lookups, not per entry of the list).
 *  Call before sorting: samples pair the first values with the entries they came from. */
export function listRecord(elf: ElfFile, name: RelocsListRecord['name'], title: string, lists: RelocationLists, k: number, knowsRex: boolean): RelocsListRecord {
  const names = elf.sections.map((s) => s.name);
  const sample: RelocsSample[] = [];
  const count = lists.lengths[k];
  for (let i = 0; i < Math.min(count, lists.sampleLimit); i++) {
    const rel = elf.sections[lists.sampleSection[k * lists.sampleLimit + i]];
    const j = lists.sampleEntry[k * lists.sampleLimit + i];
    const at = Number(rel.offset) + j * (elf.is64 ? 24 : 8);
    const type = elf.is64 ? elf.data.u32(at + 8) : elf.data.u32(at + 4) & 0xff;
    const sym = elf.is64 ? elf.data.u32(at + 12) : elf.data.u32(at + 4) >>> 8;
    sample.push({
      value: `0x${lists.values[k][i].toString(16).padStart(8, '0')}`,
      relocationSection: rel.name,
      entry: j,
      target: names[rel.info] ?? '',
      type: relocationTypeName(type, elf.is64, knowsRex),
      symbol: symbolName(elf.symbolTable(rel.link), sym, names),
    });
  }
  return { name, title, count, sample };
}
