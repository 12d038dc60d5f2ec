// Bounded, structured-cloneable previews of stage records for the timeline: long arrays are cut to
// their first entries with a count, byte arrays become hex, deep nesting is elided. The UI renders
// these as text; it never recomputes a record.

import { groupDigits } from './digits.ts';

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
    if (typeof value === 'number' || typeof value === 'bigint') out.push(`${key}: ${groupDigits(value)}`);
    else if (typeof value === 'string' && value.length <= 80) out.push(`${key}: ${value}`);
    else if (Array.isArray(value)) out.push(`${key}: ${groupDigits(value.length)} entries`);
    if (out.length >= 12) break;
  }
  return out;
}
