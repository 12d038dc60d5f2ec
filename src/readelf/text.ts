// Text assembly for readelf output: a chunked writer and the printf-style number formats readelf
// uses (%lx zero-padded, %#lx, %5ld, print_vma's LONG_HEX/FULL_HEX). Knows nothing of ELF.
// Strings are Latin-1 (one char per file byte) so names print as the raw bytes readelf prints.

/** Receives output in large chunks (≈1 MB) so huge listings never live in memory at once. */
export type TextSink = (chunk: string) => void;

const CHUNK = 1 << 20;

/** Collects small strings and hands them to a sink in large chunks. */
export class TextOut {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly sink: TextSink) {}

  put(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.length >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(this.parts.join(''));
    this.parts = [];
    this.length = 0;
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

/** print_vma(DEC_5): right-aligned decimal up to 99999, hex with 0x beyond. */
export function dec5(v: bigint): string {
  return v <= 99999n ? v.toString().padStart(5, ' ') : `0x${v.toString(16)}`;
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

/** readelf's print_symbol: control bytes shown as ^X; when `width` is given and the name is
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
    else if (c === 0x7f) out += '^?';
    else out += name[i];
  }
  return out;
}

/** English plural the way readelf's ngettext picks it (n === 1 is singular). */
export function plural(n: number | bigint, one: string, many: string): string {
  return n === 1 || n === 1n ? one : many;
}
