// Endian-aware field access over one byte buffer: a single DataView per file, never one per read.
// Does no bounds policy of its own: callers check ranges first (errors.ts) and then read freely.

export class ByteView {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly le: boolean;

  constructor(bytes: Uint8Array, littleEndian: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = littleEndian;
  }

  u8(offset: number): number {
    return this.bytes[offset];
  }
  u16(offset: number): number {
    return this.view.getUint16(offset, this.le);
  }
  u32(offset: number): number {
    return this.view.getUint32(offset, this.le);
  }
  i32(offset: number): number {
    return this.view.getInt32(offset, this.le);
  }
  u64(offset: number): bigint {
    return this.view.getBigUint64(offset, this.le);
  }
  i64(offset: number): bigint {
    return this.view.getBigInt64(offset, this.le);
  }
  /** An unsigned word of the file's class: 4 or 8 bytes. */
  word(offset: number, is64: boolean): bigint {
    return is64 ? this.view.getBigUint64(offset, this.le) : BigInt(this.view.getUint32(offset, this.le));
  }
  /** A signed word of the file's class (addends). */
  sword(offset: number, is64: boolean): bigint {
    return is64 ? this.view.getBigInt64(offset, this.le) : BigInt(this.view.getInt32(offset, this.le));
  }

  setU8(offset: number, v: number): void {
    this.bytes[offset] = v;
  }
  setU16(offset: number, v: number): void {
    this.view.setUint16(offset, v, this.le);
  }
  setU32(offset: number, v: number): void {
    this.view.setUint32(offset, v >>> 0, this.le);
  }
  setU64(offset: number, v: bigint): void {
    this.view.setBigUint64(offset, BigInt.asUintN(64, v), this.le);
  }
  setWord(offset: number, v: bigint, is64: boolean): void {
    if (is64) this.view.setBigUint64(offset, BigInt.asUintN(64, v), this.le);
    else this.view.setUint32(offset, Number(BigInt.asUintN(32, v)), this.le);
  }
}

/** Decodes a NUL-terminated byte string as Latin-1 (one char per byte), so text round-trips to
 *  the same bytes when printed. Returns -1 as `end` when no NUL is found before `limit`. */
export function readCString(bytes: Uint8Array, start: number, limit: number): { text: string; end: number } {
  let end = start;
  while (end < limit && bytes[end] !== 0) end++;
  if (end >= limit) return { text: '', end: -1 };
  return { text: latin1(bytes, start, end), end };
}

const windows1252 = new TextDecoder('latin1');

export function latin1(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n < 64) {
    // One call over a view: no intermediate string per character (symbol names are hot).
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  if (n >= 4096 && bytes.buffer instanceof ArrayBuffer) { // TextDecoder refuses shared memory
    // Long runs (whole string tables): the WHATWG "latin1" decoder is windows-1252, which differs from
    // Latin-1 only where it maps 0x80-0x9F above U+00FF, so its text is right unless such a char shows.
    const text = windows1252.decode(bytes.subarray(start, end));
    if (!/[^\x00-\xff]/.test(text)) return text;
  }
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  }
  return s;
}
