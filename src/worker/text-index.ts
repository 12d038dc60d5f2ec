// Line access to text artifacts (System.map, relocs --text): line starts are indexed once into a
// Uint32Array so any page of lines is a slice, even for multi-megabyte maps.
// Text is decoded as Latin-1, byte for byte, like the kernel tools write it.

import { latin1 } from '../elf/index.ts';

/** True when the first 64 KiB look like text: no NUL and mostly printable bytes. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 65536);
  if (n === 0) return false;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return false;
    if (b < 9 || (b > 13 && b < 32)) odd++;
  }
  return odd * 100 < n;
}

export function indexLines(bytes: Uint8Array): Uint32Array {
  let count = bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? 1 : 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) count++;
  const starts = new Uint32Array(count + 1);
  let k = 1;
  for (let i = 0; i < bytes.length && k < count; i++) if (bytes[i] === 10) starts[k++] = i + 1;
  starts[count] = bytes.length;
  return starts;
}

/** Lines [start, start+count) without their newlines; `starts` has one extra entry: the end. */
export function readLines(bytes: Uint8Array, starts: Uint32Array, start: number, count: number): string[] {
  const total = starts.length - 1;
  const first = Math.max(0, Math.min(start, total));
  const end = Math.min(total, first + Math.max(0, count));
  const out: string[] = [];
  for (let i = first; i < end; i++) {
    let e = starts[i + 1];
    if (e > starts[i] && bytes[e - 1] === 10) e--;
    out.push(latin1(bytes, starts[i], e));
  }
  return out;
}
