// What a relocated field of a linked image held before the link patched it, for every relocation,
// not only the steps the link record keeps in full (its first 4096): the record's placements say
// which input file bytes each range of an output section began as (link/record.ts `input`: whole
// sections, and the kept entries of an edited .eh_frame), so the
// field's old bytes are read from that input file; the record's rewrites name every instruction
// the link rewrote.

/** A field's bytes before the link patched it: a window ending at the field (up to 3 opcode bytes
 *  first), and the rewrite applied to its instruction, if any. */
export interface FieldBefore {
  before: number[];
  relaxed?: string;
}

/** A relocated field of a linked image: at `address`, `within` bytes into output section
 *  `section`, `width` bytes wide. */
export interface LinkedField { section: string; within: number; address: bigint; width: number }

export type FieldHistory = (field: LinkedField) => FieldBefore | undefined;

/** Per link record, its steps, rewrites and placements, indexed once. */
export type FieldHistoryCache = WeakMap<object, Indexed>;

/** Opcode bytes kept before a field, as the link record keeps them. */
const OPCODE_WINDOW = 3;

interface Placement { offset: number; size: number; file: string; at: number }
interface Indexed {
  steps: Map<bigint, number[]>;
  rewrites: Map<bigint, string>;
  placements: Map<string, { starts: Float64Array; list: Placement[] }>;
}

/** The history of fields in the image a link `record` describes; `inputBytes` gives the link's
 *  input files by the names the record uses. Undefined when `record` is not a link record. */
export function fieldHistoryOf(record: unknown, inputBytes: (file: string) => Uint8Array | undefined, cache: FieldHistoryCache): FieldHistory | undefined {
  if (typeof record !== 'object' || record === null || !Array.isArray((record as { placements?: unknown }).placements)) return undefined;
  let indexed = cache.get(record);
  if (!indexed) {
    indexed = index(record as { relocations?: unknown; rewrites?: unknown; placements: unknown[] });
    cache.set(record, indexed);
  }
  const { steps, rewrites, placements } = indexed;
  return (field) => {
    const before = steps.get(field.address) ?? fromInput(placements.get(field.section), field, inputBytes);
    if (!before) return undefined;
    const relaxed = rewrites.get(field.address);
    return relaxed ? { before, relaxed } : { before };
  };
}

/** The field's window in the input file its output range began as. */
function fromInput(ranges: { starts: Float64Array; list: Placement[] } | undefined, field: LinkedField, inputBytes: (file: string) => Uint8Array | undefined): number[] | undefined {
  if (!ranges) return undefined;
  const p = ranges.list[lastAtOrBefore(ranges.starts, field.within)];
  if (!p || field.within + field.width > p.offset + p.size) return undefined;
  const bytes = inputBytes(p.file);
  const into = field.within - p.offset;
  const to = p.at + into + field.width;
  if (!bytes || to > bytes.length) return undefined;
  return Array.from(bytes.subarray(p.at + Math.max(0, into - OPCODE_WINDOW), to));
}

function index(record: { relocations?: unknown; rewrites?: unknown; placements: unknown[] }): Indexed {
  const steps = new Map<bigint, number[]>();
  if (Array.isArray(record.relocations)) {
    for (const s of record.relocations as { address?: unknown; before?: unknown }[]) {
      if (typeof s.address !== 'string' || typeof s.before !== 'string') continue;
      const digits = s.before.replace(/[^0-9a-f]/gi, '');
      steps.set(BigInt(s.address), Array.from({ length: digits.length >> 1 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16)));
    }
  }
  const rewrites = new Map<bigint, string>();
  if (Array.isArray(record.rewrites)) {
    for (const r of record.rewrites as { address?: unknown; relaxed?: unknown }[]) {
      if (typeof r.address === 'string' && typeof r.relaxed === 'string') rewrites.set(BigInt(r.address), r.relaxed);
    }
  }
  const byOutput = new Map<string, Placement[]>();
  for (const p of record.placements as { output?: unknown; offset?: unknown; input?: { file?: unknown; pieces?: unknown } }[]) {
    if (typeof p.output !== 'string' || typeof p.offset !== 'number' || !p.input) continue;
    const { file, pieces } = p.input;
    if (typeof file !== 'string' || !Array.isArray(pieces)) continue;
    let list = byOutput.get(p.output);
    if (!list) byOutput.set(p.output, (list = []));
    for (let k = 0; k + 2 < pieces.length; k += 3) list.push({ offset: p.offset + pieces[k], at: pieces[k + 1], size: pieces[k + 2], file });
  }
  const placements = new Map<string, { starts: Float64Array; list: Placement[] }>();
  for (const [name, list] of byOutput) {
    list.sort((a, b) => a.offset - b.offset);
    placements.set(name, { starts: Float64Array.from(list, (p) => p.offset), list });
  }
  return { steps, rewrites, placements };
}

/** Index of the last start ≤ `value`, or -1. */
function lastAtOrBefore(starts: Float64Array, value: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
