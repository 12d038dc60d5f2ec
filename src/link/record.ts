// The serialisable record of a link, appended to by each pass, so the playground can step through
// what happened without recomputing it. Bulky parts are typed arrays or bounded lists plus counts
// (the kernel link has ~150 k relocations); nothing here holds ELF views or functions.

/** Relocations kept in full (with bytes before/after) per link; the rest are counted. */
export const RECORDED_RELOCATION_LIMIT = 4096;

export interface PlacementRecord {
  file: string;
  section: string;
  output: string;
  /** Offset inside the output section. */
  offset: number;
  size: number;
  /** Which bytes of an input file (named as the link was given it) the placed bytes began as, before
   *  relocation: `pieces` are (offset in this placement, offset in the file, length) triples — one
   *  for a section copied whole, one per kept entry of an edited .eh_frame; none for merged strings
   *  or notes and linker-made sections. Lets the playground show any field's bytes before the link. */
  input?: { file: string; pieces: number[] };
  /** A merge input every string of which an earlier input already held: it adds no bytes; `size` is
   *  its input size and `offset` where it would have started (as ld's -Map shows it). */
  merged?: boolean;
}

export interface RelocationStep {
  file: string;
  section: string;
  offset: number;
  type: string;
  symbol: string;
  addend: string;
  /** Patched address (hex) and the bytes before/after as hex text. */
  address: string;
  before: string;
  after: string;
  /** Relaxation applied, if any (e.g. "GOTPCRELX mov → mov $imm"). */
  relaxed?: string;
}

export interface LinkRecord {
  passes: { name: string; milliseconds: number; note: string }[];
  /** For every global symbol: its defining file ('(linker script)', '(linker)' or '(undefined)'
   *  when none) and section (input section, the script symbol's output section, or '*ABS*'). */
  symbolSources: { name: string; file: string; section: string; binding: string }[];
  placements: PlacementRecord[];
  discarded: PlacementRecord[];
  merged: { output: string; inputBytes: number; outputBytes: number }[];
  relocations: RelocationStep[];
  relocationCount: number;
  /** Count by relocation type name. */
  relocationTypes: Record<string, number>;
  relaxations: number;
  /** Every instruction rewrite (relaxation) by the address of its field: few in any link (none in
   *  the kernel's), so all are kept, beyond the relocations kept in full. */
  rewrites: { address: string; relaxed: string }[];
  emittedRelocations: number;
  verified: { checked: number; mismatches: string[] };
}

export function emptyRecord(): LinkRecord {
  return {
    passes: [], symbolSources: [], placements: [], discarded: [], merged: [], relocations: [],
    relocationCount: 0, relocationTypes: {}, relaxations: 0, rewrites: [], emittedRelocations: 0,
    verified: { checked: 0, mismatches: [] },
  };
}
