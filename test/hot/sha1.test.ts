// wasm/sha1.wat and its TypeScript twin (src/hot/sha1.ts) against node:crypto's SHA-1: random messages
// around every padding boundary, data already in the HotMemory (hashed in place) and data outside it
// (through the 64 KiB window, in many chunks), and the real 19 MB kernel image the linker hashes.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HotMemory } from '../../src/hot/memory.ts';
import { createWasmSha1, sha1Hasher, sha1Twin } from '../../src/hot/sha1.ts';
import { setHotImplementation } from '../../src/hot/sort.ts';
import { load, tiny } from '../helpers.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const native = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');
const wasm = createWasmSha1();

afterEach(() => setHotImplementation('wasm'));

describe('SHA-1: wasm and twin equal node:crypto', () => {
  it('the FIPS 180-4 examples', () => {
    const abc = new TextEncoder().encode('abc');
    const two = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    for (const h of [wasm, sha1Twin]) {
      expect(hex(h.digest(abc))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
      expect(hex(h.digest(two))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
      expect(hex(h.digest(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    }
  });

  it('random messages of every length near the padding boundaries', () => {
    const lengths = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(55, 56, 63, 64, 119, 120, 127, 128), fc.integer({ min: 0, max: 5000 }));
    fc.assert(fc.property(lengths, fc.integer(), (n, seed) => {
      const data = new Uint8Array(n);
      let x = seed | 1;
      for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; data[i] = x; }
      const want = native(data);
      expect(hex(wasm.digest(data))).toBe(want);
      expect(hex(sha1Twin.digest(data))).toBe(want);
    }), { numRuns: 400 });
  });

  it('data in the HotMemory is hashed in place, at any offset, and the memory is released', () => {
    const memory = new HotMemory();
    const h = createWasmSha1(memory);
    for (const [offset, length] of [[0, 1000], [3, 64], [17, 3 << 20], [5, 55]]) {
      const at = memory.alloc(offset + length) + offset;
      const data = memory.bytes(at, length);
      for (let i = 0; i < length; i++) data[i] = (i * 31 + offset) & 0xff;
      const mark = memory.mark();
      expect(hex(h.digest(data))).toBe(native(data));
      expect(memory.mark()).toBe(mark);
    }
  });

  it("the tiny kernel's 19 MB vmlinux.unsorted (many 64 KiB windows), and the switch", () => {
    const image = load(tiny('expected', 'vmlinux.unsorted'));
    const want = native(image);
    expect(hex(wasm.digest(image))).toBe(want);
    expect(hex(sha1Twin.digest(image))).toBe(want);
    expect(sha1Hasher().implementation).toBe('wasm');
    setHotImplementation('ts');
    expect(sha1Hasher().implementation).toBe('ts');
  });
});
