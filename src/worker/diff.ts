// Section-level diff of two ELF artifacts: sections matched by name (the n-th of a repeated name with
// the n-th), each reported as added, removed, changed (which of type/flags/address/offset/size/bytes)
// or unchanged, with a SHA-256 of its bytes. This is what strip removed (.rela*) and what sorttable
// moved (__ex_table, .orc_unwind*). Does not diff symbols or segments byte by byte.

import { SHT_NOBITS, type ElfFile } from '../elf/index.ts';
import { sha256Hex } from '../pipeline/artifact.ts';

export type SectionChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface SectionDiffRow {
  name: string;
  change: SectionChange;
  /** What differs for a changed section: 'type', 'flags', 'addr', 'offset', 'size', 'bytes'. */
  fields: string[];
  a?: { index: number; addr: bigint; offset: bigint; size: bigint; hash: string };
  b?: { index: number; addr: bigint; offset: bigint; size: bigint; hash: string };
}

export interface ArtifactDiff {
  a: string;
  b: string;
  sizes: [number, number];
  counts: Record<SectionChange, number>;
  rows: SectionDiffRow[];
}

/** Sections keyed `name#k` (k-th section of that name), so repeated names pair in order. */
function keyed(elf: ElfFile): Map<string, number> {
  const seen = new Map<string, number>();
  const out = new Map<string, number>();
  for (const s of elf.sections) {
    if (s.index === 0) continue;
    const k = seen.get(s.name) ?? 0;
    seen.set(s.name, k + 1);
    out.set(`${s.name}#${k}`, s.index);
  }
  return out;
}

async function sideOf(elf: ElfFile, index: number): Promise<NonNullable<SectionDiffRow['a']>> {
  const s = elf.sections[index];
  const bytes = s.type === SHT_NOBITS ? new Uint8Array(0) : elf.sectionData(index);
  return { index, addr: s.addr, offset: s.offset, size: s.size, hash: await sha256Hex(bytes) };
}

/** Compares the sections of `a` and `b` (names `aName`, `bName`). Rows follow b's order, removed ones at a's place. */
export async function diffSections(aName: string, a: ElfFile, bName: string, b: ElfFile): Promise<ArtifactDiff> {
  const ka = keyed(a);
  const kb = keyed(b);
  const rows: SectionDiffRow[] = [];
  const order = [...ka.keys(), ...[...kb.keys()].filter((k) => !ka.has(k))];
  for (const key of order) {
    const ia = ka.get(key);
    const ib = kb.get(key);
    const name = key.slice(0, key.lastIndexOf('#'));
    const sa = ia === undefined ? undefined : await sideOf(a, ia);
    const sb = ib === undefined ? undefined : await sideOf(b, ib);
    if (!sa || !sb) {
      rows.push({ name, change: sa ? 'removed' : 'added', fields: [], a: sa, b: sb });
      continue;
    }
    const ha = a.sections[ia!];
    const hb = b.sections[ib!];
    const fields: string[] = [];
    if (ha.type !== hb.type) fields.push('type');
    if (ha.flags !== hb.flags) fields.push('flags');
    if (sa.addr !== sb.addr) fields.push('addr');
    if (sa.offset !== sb.offset) fields.push('offset');
    if (sa.size !== sb.size) fields.push('size');
    if (sa.hash !== sb.hash) fields.push('bytes');
    rows.push({ name, change: fields.length ? 'changed' : 'unchanged', fields, a: sa, b: sb });
  }
  const counts: Record<SectionChange, number> = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const r of rows) counts[r.change]++;
  return { a: aName, b: bName, sizes: [a.data.bytes.length, b.data.bytes.length], counts, rows };
}
