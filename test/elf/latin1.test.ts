// latin1() decodes one char per byte at every length: short names, chunked long runs, and long runs
// through TextDecoder (windows-1252 in browsers: 0x80-0x9F must still come out as U+0080-U+009F).
import { describe, expect, it } from 'vitest';
import { latin1 } from '../../src/elf/bytes.ts';

const expected = (b: Uint8Array) => Array.from(b, (x) => String.fromCharCode(x)).join('');

describe('latin1', () => {
  it('maps every byte value to the same code point, short and long, plain or shared memory', () => {
    for (const length of [1, 63, 64, 4095, 4096, 20000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + 0x80) & 0xff);
      expect(latin1(bytes, 0, length)).toBe(expected(bytes));
      const ascii = bytes.map((x) => x & 0x7f);
      expect(latin1(ascii, 0, length)).toBe(expected(ascii));
      const shared = new Uint8Array(new SharedArrayBuffer(length));
      shared.set(bytes);
      expect(latin1(shared, 0, length)).toBe(expected(bytes));
    }
  });

  it('decodes a window of a larger buffer', () => {
    const bytes = Uint8Array.from({ length: 10000 }, (_, i) => 0x20 + (i % 90));
    expect(latin1(bytes, 1234, 9000)).toBe(expected(bytes.subarray(1234, 9000)));
  });
});
