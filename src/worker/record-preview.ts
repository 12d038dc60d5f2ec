// Bounded, structured-cloneable previews of stage records for the timeline: long arrays are cut to
// their first entries with a count, byte arrays become hex, deep nesting is elided. The UI renders
// these as text; it never recomputes a record.

export type PreviewValue = string | number | boolean | null | PreviewValue[] | { [key: string]: PreviewValue };

const MAX_ITEMS = 24;
const MAX_DEPTH = 4;

export function previewRecord(value: unknown, depth = 0): PreviewValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return `0x${value.toString(16)}`;
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (value instanceof Uint8Array) {
    const head = Array.from(value.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return value.length > 16 ? `${head} … (${value.length} bytes)` : head;
  }
  if (ArrayBuffer.isView(value)) return `(${(value as unknown as { length: number }).length} values)`;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `(${value.length} entries)` : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => previewRecord(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  if (typeof value === 'object') {
    const out: { [key: string]: PreviewValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v !== 'function') out[k] = previewRecord(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/** A few lines saying what a record holds: its counts and the sizes of its lists. */
export function summarizeRecord(record: unknown): string[] {
  if (record === null || typeof record !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    if (typeof value === 'number' || typeof value === 'bigint') out.push(`${key}: ${value.toLocaleString('en-US')}`);
    else if (typeof value === 'string' && value.length <= 80) out.push(`${key}: ${value}`);
    else if (Array.isArray(value)) out.push(`${key}: ${value.length.toLocaleString('en-US')} entries`);
    if (out.length >= 12) break;
  }
  return out;
}

/** What a link record's relocation step says of one field: the bytes it found before patching (a
 *  window ending at the field) and the instruction rewrite applied there, if any. */
export interface RecordedStep {
  before: number[];
  relaxed?: string;
}

/** From a link record's relocation steps (`address`, `before` as hex text, `relaxed`): each step by
 *  the address it patched. Undefined when the record has no such steps. */
export function recordedStepsOf(record: unknown, stepMaps: WeakMap<object, Map<bigint, RecordedStep>>): ((address: bigint) => RecordedStep | undefined) | undefined {
  const steps = (record as { relocations?: unknown } | undefined)?.relocations;
  if (!Array.isArray(steps) || typeof record !== 'object' || record === null) return undefined;
  let map = stepMaps.get(record);
  if (!map) {
    map = new Map();
    for (const s of steps as { address?: unknown; before?: unknown; relaxed?: unknown }[]) {
      if (typeof s.address !== 'string' || typeof s.before !== 'string') continue;
      const digits = s.before.replace(/[^0-9a-f]/gi, '');
      const before = Array.from({ length: digits.length >> 1 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
      map.set(BigInt(s.address), typeof s.relaxed === 'string' && s.relaxed ? { before, relaxed: s.relaxed } : { before });
    }
    stepMaps.set(record, map);
  }
  const found = map;
  return (address) => found.get(address);
}
