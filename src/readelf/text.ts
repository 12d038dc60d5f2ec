// Text assembly for readelf output: a chunked byte writer and the printf-style number formats readelf
// uses (%lx zero-padded, %#lx, %5ld, print_vma's LONG_HEX/FULL_HEX). Knows nothing of ELF.
// Strings are Latin-1 (one char per file byte) so names print as the raw bytes readelf prints.

import { latin1 } from '../elf/bytes.ts';

/** Receives output in large chunks (≈1 MB) of Latin-1 bytes. The chunk is a view of a buffer
 *  that is reused after the call returns: consume or copy it synchronously. */
export type TextSink = (chunk: Uint8Array) => void;

const CHUNK = 1 << 20;
const HEX = '0123456789abcdef';
const HEX_BYTES = Uint8Array.from(HEX, (c) => c.charCodeAt(0));

/** Writes text straight into a byte buffer, flushed to a sink whenever it fills. Hot loops use
 *  the numeric and raw-byte writers so that millions of rows allocate no strings. */
export class TextOut {
  /** The pending bytes; hot loops may write at `pos` directly after `room(n)` guarantees n bytes. */
  readonly buf = new Uint8Array(CHUNK);
  pos = 0;
  constructor(private readonly sink: TextSink) {}

  room(n: number): void {
    if (this.pos + n > CHUNK) this.flush();
  }

  put(s: string): void {
    const n = s.length;
    if (n > CHUNK) {
      for (let i = 0; i < n; i += CHUNK) this.put(s.slice(i, i + CHUNK));
      return;
    }
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  spaces(n: number): void {
    if (n <= 0) return;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = 0x20;
    this.pos = pos;
  }

  /** A 32-bit unsigned value in hex, zero-padded to `width` digits (0: no padding). */
  hex32(v: number, width: number): void {
    let digits = 1;
    while (digits < 8 && v >>> (digits * 4) !== 0) digits++;
    this.hexDigits(v, digits < width ? width : digits);
  }

  /** Exactly `n` hex digits of `v` (n ≤ 8 prints the low nibbles; more pads with zeros). */
  hexDigits(v: number, n: number): void {
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (; n > 8; n--) buf[pos++] = 0x30;
    for (let shift = (n - 1) * 4; shift >= 0; shift -= 4) buf[pos++] = HEX_BYTES[(v >>> shift) & 15];
    this.pos = pos;
  }

  /** A 64-bit unsigned value given as two 32-bit halves, zero-padded to `width` digits. */
  hex64(hi: number, lo: number, width: number): void {
    if (hi === 0) {
      this.hex32(lo, width);
      return;
    }
    this.hex32(hi, width > 8 ? width - 8 : 0);
    this.hexDigits(lo, 8);
  }

  /** Pre-encoded Latin-1 bytes (column texts built once and reused per row). */
  ascii(text: Uint8Array): void {
    const n = text.length;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = text[i];
    this.pos = pos;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Copies the NUL-terminated name at `start` if it is plain printable text no longer than
   *  `limit`; returns its length, or -1 (having written nothing) when it is not. */
  copyName(table: Uint8Array, start: number, limit: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let i = start;
    const end = table.length;
    while (i < end) {
      const c = table[i];
      if (c === 0) {
        if (i - start > limit) return -1;
        this.pos = pos;
        return i - start;
      }
      if (c < 0x20 || c === 0x7f || pos >= CHUNK) return -1;
      buf[pos++] = c;
      i++;
    }
    return -1;
  }

  flush(): void {
    if (this.pos === 0) return;
    this.sink(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}

/** Zero-padded lower-case hex of at least `width` digits (`%0*lx`). */
export function hex(v: bigint | number, width: number): string {
  return v.toString(16).padStart(width, '0');
}

/** `%#lx`: "0" for zero, else 0x-prefixed hex. */
export function altHex(v: bigint | number): string {
  return v === 0n || v === 0 ? '0' : `0x${v.toString(16)}`;
}

export function padEnd(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

export function padStart(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** `%-N.Ns`: left-aligned, cut to exactly N. */
export function fixed(s: string, width: number): string {
  return s.length > width ? s.slice(0, width) : padEnd(s, width);
}

/** readelf's print_symbol: control bytes shown as '^' and the byte plus 0x40; when `width` is given and the name is
 *  longer, it keeps width-5 characters and appends "[...]"; padded to `width` when shorter. */
export function symbolText(name: string, width?: number): string {
  const shown = escapeControls(name);
  if (width === undefined) return shown;
  if (shown.length > width) return `${shown.slice(0, width - 5)}[...]`;
  return padEnd(shown, width);
}

/** Like symbolText but never pads: the name cut to `width` with "[...]" when longer. */
export function symbolTextUnpadded(name: string, width?: number): string {
  const shown = escapeControls(name);
  if (width !== undefined && shown.length > width) return `${shown.slice(0, width - 5)}[...]`;
  return shown;
}

function escapeControls(name: string): string {
  // Fast path: most names are plain printable ASCII.
  let plain = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20) out += `^${String.fromCharCode(c + 0x40)}`;
    else if (c === 0x7f) out += '^\xbf'; // readelf prints c + 0x40, a raw 0xbf byte
    else out += name[i];
  }
  return out;
}

/** English plural the way readelf's ngettext picks it (n === 1 is singular). */
export function plural(n: number | bigint, one: string, many: string): string {
  return n === 1 || n === 1n ? one : many;
}

/** Writes the NUL-terminated name at `start` in `table` as raw bytes (print_symbol's rules when
 *  `width` is given or control bytes need ^X). Returns false when no NUL ends it in the table. */
export function writeTableName(out: TextOut, table: Uint8Array, start: number, width?: number): boolean {
  // Copy while scanning: plain names (the common case) go straight into the output.
  const copied = out.copyName(table, start, width ?? Infinity);
  if (copied >= 0) return true;
  let end = start;
  while (end < table.length && table[end] !== 0) end++;
  if (end >= table.length) return false;
  out.put(symbolTextUnpadded(latin1(table, start, end), width));
  return true;
}

/** Latin-1 bytes of a string, for TextOut.ascii. */
export function encodeLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Writes `v` (< 2^53) in decimal right-aligned in `width` columns at buf[pos]; returns the new pos. */
export function putDecimal(buf: Uint8Array, pos: number, v: number, width: number): number {
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = digits; i < width; i++) buf[pos++] = 0x20;
  pos += digits;
  for (let t = v, i = 1; i <= digits; i++, t = Math.floor(t / 10)) buf[pos - i] = 0x30 + (t % 10);
  return pos;
}

/** Writes exactly `n` (≤ 8) hex digits of `v` at buf[pos]; returns the new pos. */
export function putHexDigits(buf: Uint8Array, pos: number, v: number, n: number): number {
  for (let shift = (n - 1) * 4; shift >= 0; shift -= 4) buf[pos++] = HEX_BYTES[(v >>> shift) & 15];
  return pos;
}

/** Copies `text` to buf[pos]; returns the new pos. */
export function putBytes(buf: Uint8Array, pos: number, text: Uint8Array): number {
  for (let i = 0; i < text.length; i++) buf[pos++] = text[i];
  return pos;
}
