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
  /** name → defining file, for every global symbol. */
  symbolSources: { name: string; file: string; binding: string }[];
  placements: PlacementRecord[];
  discarded: PlacementRecord[];
  merged: { output: string; inputBytes: number; outputBytes: number }[];
  relocations: RelocationStep[];
  relocationCount: number;
  /** Count by relocation type name. */
  relocationTypes: Record<string, number>;
  relaxations: number;
  emittedRelocations: number;
  verified: { checked: number; mismatches: string[] };
}

export function emptyRecord(): LinkRecord {
  return {
    passes: [], symbolSources: [], placements: [], discarded: [], merged: [], relocations: [],
    relocationCount: 0, relocationTypes: {}, relaxations: 0, emittedRelocations: 0,
    verified: { checked: 0, mismatches: [] },
  };
}
