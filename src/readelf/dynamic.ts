// The few dynamic-section facts readelf's other listings depend on: DT_FLAGS_1's PIE bit (file
// type) and whether DT_VERSYM/DT_VERNEED/DT_VERDEF are present (symbol versions). Not a -d dump.

import { PT_DYNAMIC, type ElfFile } from '../elf/index.ts';

const DT_NULL = 0n;
const DT_FLAGS_1 = 0x6ffffffbn;
const DF_1_PIE = 0x08000000n;

/** Tags of the PT_DYNAMIC segment, in order up to DT_NULL (empty when there is none or it is cut). */
export function dynamicTags(elf: ElfFile): Map<bigint, bigint> {
  const tags = new Map<bigint, bigint>();
  const seg = elf.segments.find((p) => p.type === PT_DYNAMIC);
  if (!seg) return tags;
  const w = elf.is64 ? 8 : 4;
  const start = seg.offset;
  const end = seg.offset + seg.filesz;
  if (end > BigInt(elf.bytes.length)) return tags;
  for (let at = Number(start); at + 2 * w <= Number(end); at += 2 * w) {
    const tag = elf.data.word(at, elf.is64);
    if (tag === DT_NULL) break;
    if (!tags.has(tag)) tags.set(tag, elf.data.word(at + w, elf.is64));
  }
  return tags;
}

/** readelf calls an ET_DYN file a Position-Independent Executable when DT_FLAGS_1 has DF_1_PIE. */
export function isPositionIndependent(elf: ElfFile): boolean {
  const flags = dynamicTags(elf).get(DT_FLAGS_1);
  return flags !== undefined && (flags & DF_1_PIE) !== 0n;
}
