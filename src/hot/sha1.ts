// SHA-1 (FIPS 180-4) for the linker's --build-id=sha1, which hashes the whole finished image (19 MB
// for the tiny kernel) inside a synchronous link, where WebCrypto's async digest cannot serve.
// One padding driver (§5.1.1, §6.1.2) over a block function: wasm/sha1.wat's `sha1_blocks`, or its
// TypeScript twin `compressBlocks` below; `sha1Hasher()` picks one like the other hot routines.
import sha1Wasm from './generated/sha1.ts';
import { instantiateRoutine } from './instantiate.ts';
import { HotMemory } from './memory.ts';
import { hotImplementation } from './sort.ts';

export interface Sha1 {
  implementation: 'wasm' | 'ts';
  /** SHA-1 of `data`, or of the parts one after another (GNU ld's build-id hashes a stream of
   *  headers and section contents, not the file). */
  digest(data: Uint8Array | readonly Uint8Array[]): Uint8Array;
}

const INITIAL_STATE = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];

/** The message's last partial block (`rest`, under 64 bytes), the 0x80 marker and the 64-bit
 *  big-endian bit length of all `total` bytes, as one or two blocks (§5.1.1). */
function paddedTail(rest: Uint8Array, total: number): Uint8Array {
  const tail = new Uint8Array(rest.length < 56 ? 64 : 128);
  tail.set(rest);
  tail[rest.length] = 0x80;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(total / 2 ** 29)); // bits = bytes * 8, high word
  view.setUint32(tail.length - 4, (total * 8) >>> 0);
  return tail;
}

/**
 * Feeds `parts` through `window` (a multiple of 64 bytes) to `compress(bytes)`, a whole number of
 * blocks at a time; returns the padded last block(s) still to compress.
 */
function streamParts(parts: readonly Uint8Array[], window: Uint8Array, compress: (bytes: number) => void): Uint8Array {
  let filled = 0;
  let total = 0;
  for (const part of parts) {
    total += part.length;
    for (let at = 0; at < part.length;) {
      const n = Math.min(window.length - filled, part.length - at);
      window.set(part.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === window.length) { compress(filled); filled = 0; }
    }
  }
  const whole = filled & ~63;
  if (whole) compress(whole);
  return paddedTail(window.slice(whole, filled), total);
}

function stateBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(20);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 5; i++) view.setUint32(4 * i, h[i] >>> 0);
  return out;
}

/** The 80-round compression of `blocks` 64-byte blocks from `at` into the state `h` (W in `w`). */
function compressBlocks(h: Int32Array, w: Int32Array, b: Uint8Array, at: number, blocks: number): void {
  for (; blocks > 0; blocks--) {
    for (let i = 0; i < 16; i++, at += 4) w[i] = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    for (let i = 16; i < 80; i++) { const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]; w[i] = (x << 1) | (x >>> 31); }
    let a = h[0], b1 = h[1], c = h[2], d = h[3], e = h[4], t = 0, i = 0;
    for (; i < 20; i++) { t = (((a << 5) | (a >>> 27)) + ((b1 & c) | (~b1 & d)) + e + w[i] + 0x5a827999) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
    for (; i < 40; i++) { t = (((a << 5) | (a >>> 27)) + (b1 ^ c ^ d) + e + w[i] + 0x6ed9eba1) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
    for (; i < 60; i++) { t = (((a << 5) | (a >>> 27)) + ((b1 & c) | (b1 & d) | (c & d)) + e + w[i] - 0x70e44324) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
    for (; i < 80; i++) { t = (((a << 5) | (a >>> 27)) + (b1 ^ c ^ d) + e + w[i] - 0x359d3e2a) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b1) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
  }
}

export const sha1Twin: Sha1 = {
  implementation: 'ts',
  digest(data) {
    const h = Int32Array.from(INITIAL_STATE);
    const w = new Int32Array(80);
    let tail: Uint8Array;
    if (data instanceof Uint8Array) {
      const full = data.length & ~63;
      compressBlocks(h, w, data, 0, full >>> 6);
      tail = paddedTail(data.subarray(full), data.length);
    } else {
      const window = new Uint8Array(64 << 10);
      tail = streamParts(data, window, (bytes) => compressBlocks(h, w, window, 0, bytes >>> 6));
    }
    compressBlocks(h, w, tail, 0, tail.length >>> 6);
    return stateBytes(h);
  },
};

/** Bytes per call (copied into the memory first when the data lives outside it). Short calls let a
 *  single digest move to the optimized code as soon as V8 has compiled it in the background: wasm
 *  has no on-stack replacement, so a call that started in the baseline tier stays there. */
const CHUNK_BYTES = 64 << 10;

/** The WebAssembly SHA-1 over `memory` (its own by default). One array already in that memory is
 *  hashed in place; anything else streams through a 64 KiB window, never a whole second copy. */
export function createWasmSha1(memory = new HotMemory()): Sha1 {
  const exports = instantiateRoutine('sha1', sha1Wasm, memory) as {
    sha1_blocks(state: number, schedule: number, data: number, blocks: number): void;
  };
  return {
    implementation: 'wasm',
    digest(data) {
      const mark = memory.mark();
      // Taken before reserving: growing the memory detaches views of it (their offsets stay true).
      const inPlace = data instanceof Uint8Array && data.buffer === memory.memory.buffer ? { offset: data.byteOffset, length: data.length } : undefined;
      // Data in place needs a window for its last blocks only (less to grow by: a caller that left
      // a page of headroom keeps its views).
      const windowBytes = inPlace ? 128 : CHUNK_BYTES;
      memory.reserve(20 + 320 + windowBytes + 24);
      try {
        const state = memory.alloc(20);
        const schedule = memory.alloc(320);
        const at = memory.alloc(windowBytes);
        const buffer = memory.memory.buffer;
        const window = new Uint8Array(buffer, at, windowBytes);
        new Int32Array(buffer, state, 5).set(INITIAL_STATE);
        let tail: Uint8Array;
        if (inPlace) {
          // Already in the memory: hashed where it lies, in short calls.
          const { offset, length } = inPlace;
          const full = length & ~63;
          for (let done = 0; done < full; done += CHUNK_BYTES) exports.sha1_blocks(state, schedule, offset + done, (Math.min(full, done + CHUNK_BYTES) - done) >>> 6);
          tail = paddedTail(new Uint8Array(buffer, offset + full, length - full), length);
        } else {
          tail = streamParts(data instanceof Uint8Array ? [data] : (data as readonly Uint8Array[]), window, (bytes) => exports.sha1_blocks(state, schedule, at, bytes >>> 6));
        }
        window.set(tail);
        exports.sha1_blocks(state, schedule, at, tail.length >>> 6);
        return stateBytes(new Int32Array(buffer, state, 5));
      } finally {
        memory.release(mark);
      }
    },
  };
}

let wasmSha1: Sha1 | null = null;

/** The SHA-1 the linker uses: WebAssembly unless LDPLAY_HOT=ts or setHotImplementation('ts'). */
export function sha1Hasher(): Sha1 {
  if (hotImplementation() === 'ts') return sha1Twin;
  wasmSha1 ??= createWasmSha1();
  return wasmSha1;
}
