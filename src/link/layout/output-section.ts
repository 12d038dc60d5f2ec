// Output-section bookkeeping shared by the layout passes: creation, and the header fields ld derives
// from its members (type, flags, alignment, entsize — SHF_MERGE kept only when every member agrees).
// No addresses here; assignAddresses sets those.
import { SHF_ALLOC, SHF_TLS, SHF_GNU_RETAIN, SHF_GROUP, SHF_INFO_LINK, SHF_WRITE, SHF_MERGE, SHF_STRINGS, SHT_NOBITS, SHT_PROGBITS, SHT_RELA } from '../../elf/index.ts';
import type { InputSection, OutputSection } from '../context.ts';

export function newOutputSection(name: string, statement: number): OutputSection {
  return {
    name, index: 0, type: SHT_PROGBITS, flags: 0n, entsize: 0, align: 1, address: 0n, loadAddress: 0n, size: 0,
    members: [], phdrs: [], fill: undefined, keep: false, statement, data: undefined, dataWords: [], removed: false,
    replacement: undefined, // every field from the start: one object shape
  };
}

const MERGE_FLAGS = BigInt(SHF_MERGE | SHF_STRINGS);
/** Input-only flags an output section never carries (group membership, retain, link order). */
const NOT_INHERITED = BigInt(SHF_GROUP | SHF_GNU_RETAIN | SHF_INFO_LINK);

/** Derives type/flags/alignment/entsize from the members, as ld's output section takes them. */
export function deriveSectionHeader(os: OutputSection): void {
  const members = os.members;
  let flags = 0n;
  let type = -1;
  let align = os.align;
  let mergeAgree = members.length > 0;
  let entsize = members.length ? members[0].entsize : 0;
  // An orphan's own output section keeps SHF_GNU_RETAIN; one a script statement made does not (ld 2.40).
  const dropped = os.statement < 0 ? NOT_INHERITED & ~BigInt(SHF_GNU_RETAIN) : NOT_INHERITED;
  for (const s of members) {
    flags |= s.flags & ~MERGE_FLAGS & ~dropped & 0x0fffffffn;
    if (s.type !== SHT_NOBITS && type === -1) type = s.type;
    if (s.align > align) align = s.align;
    if ((s.flags & MERGE_FLAGS) !== (members[0].flags & MERGE_FLAGS) || (s.flags & BigInt(SHF_MERGE)) === 0n || s.entsize !== entsize) mergeAgree = false;
  }
  if (mergeAgree) flags |= members[0].flags & MERGE_FLAGS;
  // Otherwise sh_entsize is the first input's, as its sh_type is (ld copies both from the first
  // section it adds: .init_array keeps 8), except for merge inputs that did not agree.
  else if (members.length && (members[0].flags & BigInt(SHF_MERGE)) !== 0n) entsize = 0;
  if (members.length === 0) flags |= BigInt(SHF_WRITE); // no SEC_READONLY: ld writes SHF_WRITE
  os.flags |= flags;
  os.type = type === -1 ? (members.length || (os.flags & BigInt(SHF_ALLOC)) ? SHT_NOBITS : SHT_PROGBITS) : type;
  os.align = align;
  os.entsize = os.type === SHT_RELA ? 24 : entsize;
}

/** True when the section occupies file space. */
export const hasContents = (os: OutputSection) => os.type !== SHT_NOBITS;

const ALLOC = BigInt(SHF_ALLOC);
const TLS = BigInt(SHF_TLS);
export const isAlloc = (s: { flags: bigint }) => (s.flags & ALLOC) !== 0n;

/** .tbss-like: thread-local and without file contents. Its size is the TLS block's; it takes no
 *  room in the address space (ld neither advances `.` over it nor ends segments with it). */
export const isTbss = (s: { flags: bigint; type: number }) => (s.flags & TLS) !== 0n && s.type === SHT_NOBITS;

export function memberAdded(os: OutputSection, s: InputSection): void {
  os.members.push(s);
}
