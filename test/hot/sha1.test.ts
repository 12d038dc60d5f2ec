// wasm/sha1.wat and its TypeScript twin (src/hot/sha1.ts) against node:crypto's SHA-1: random messages
// around every padding boundary, data already in the HotMemory (hashed in place) and data outside it
// (through the 64 KiB window, in many chunks), messages given as parts, and the real 19 MB kernel
// image the linker hashes.
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
      memory.reserve(4096); // the headroom a caller leaves so that hashing never grows the memory
      const data = memory.bytes(at, length);
      for (let i = 0; i < length; i++) data[i] = (i * 31 + offset) & 0xff;
      const want = native(data);
      const mark = memory.mark();
      expect(hex(h.digest(data))).toBe(want);
      expect(data.length).toBe(length); // still a live view: the memory did not grow
      expect(memory.mark()).toBe(mark);
    }
  });

  it('parts hash as one message, split anywhere (the build-id stream)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 12 }), (sizes) => {
      const parts = sizes.map((n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + k) & 0xff));
      const want = native(Buffer.concat(parts));
      expect(hex(wasm.digest(parts))).toBe(want);
      expect(hex(sha1Twin.digest(parts))).toBe(want);
    }), { numRuns: 300 });
    const big = [new Uint8Array(100_000).fill(1), new Uint8Array(70_000).fill(2), new Uint8Array(3)];
    expect(hex(wasm.digest(big))).toBe(native(Buffer.concat(big)));
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
