// Line access to text artifacts (System.map, relocs --text): line starts are indexed once into a
// Uint32Array so any page of lines is a slice, even for multi-megabyte maps.
// Text that is valid UTF-8 (a linker script with a "—" in a comment) is shown as UTF-8; anything
// else as Latin-1, byte for byte, the way the kernel tools and ld read it (a byte is a character).

import { latin1 } from '../elf/index.ts';

/** How a text artifact's bytes are turned into characters. */
export type TextEncodingName = 'utf-8' | 'latin1';

/** 'utf-8' when the bytes have a non-ASCII byte and all of them decode as UTF-8; else 'latin1'
 *  (pure ASCII reads the same either way, and Latin-1 takes the faster path). */
export function textEncodingOf(bytes: Uint8Array): TextEncodingName {
  let i = 0;
  while (i < bytes.length && bytes[i] < 0x80) i++;
  if (i === bytes.length) return 'latin1';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i));
    return 'utf-8';
  } catch {
    return 'latin1';
  }
}

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

/** The whole text, decoded as `readLines` decodes each line. */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  return encoding === 'utf-8' ? new TextDecoder('utf-8').decode(bytes) : latin1(bytes, 0, bytes.length);
}

/** Lines [start, start+count) without their newlines; `starts` has one extra entry: the end. */
export function readLines(bytes: Uint8Array, starts: Uint32Array, start: number, count: number, encoding: TextEncodingName = 'latin1'): string[] {
  const utf8 = encoding === 'utf-8' ? new TextDecoder('utf-8') : undefined;
  const total = starts.length - 1;
  const first = Math.max(0, Math.min(start, total));
  const end = Math.min(total, first + Math.max(0, count));
  const out: string[] = [];
  for (let i = first; i < end; i++) {
    let e = starts[i + 1];
    if (e > starts[i] && bytes[e - 1] === 10) e--;
    out.push(utf8 ? utf8.decode(bytes.subarray(starts[i], e)) : latin1(bytes, starts[i], e));
  }
  return out;
}
