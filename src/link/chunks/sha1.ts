// SHA-1 (FIPS 180-4 §6.1) over a byte array, for --build-id=sha1. One pass over the buffer with a
// reused 80-word schedule and big-endian words assembled from bytes; no streaming, no other hashes.

export function sha1(data: Uint8Array): Uint8Array {
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const w = new Int32Array(80);
  const full = data.length & ~63;
  const tail = new Uint8Array(((data.length - full + 8) >> 6) * 64 + 64);
  tail.set(data.subarray(full));
  tail[data.length - full] = 0x80;
  const bits = data.length * 8;
  const tv = new DataView(tail.buffer);
  tv.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
  tv.setUint32(tail.length - 4, bits >>> 0);
  for (let at = 0; at < full; at += 64) compressBlock(h, w, data, at);
  for (let at = 0; at < tail.length; at += 64) compressBlock(h, w, tail, at);
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 5; i++) ov.setUint32(4 * i, h[i] >>> 0);
  return out;
}

/** The 80-round compression of one 64-byte block at `at` into the state `h`. */
function compressBlock(h: Int32Array, w: Int32Array, b: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) w[i] = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
  for (let i = 16; i < 80; i++) { const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]; w[i] = (x << 1) | (x >>> 31); }
  let a = h[0], b1 = h[1], c = h[2], d = h[3], e = h[4], t = 0, i = 0;
  for (; i < 20; i++) { t = (((a << 5) | (a >>> 27)) + ((b1 & c) | (~b1 & d)) + e + w[i] + 0x5a827999) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
  for (; i < 40; i++) { t = (((a << 5) | (a >>> 27)) + (b1 ^ c ^ d) + e + w[i] + 0x6ed9eba1) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
  for (; i < 60; i++) { t = (((a << 5) | (a >>> 27)) + ((b1 & c) | (b1 & d) | (c & d)) + e + w[i] - 0x70e44324) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
  for (; i < 80; i++) { t = (((a << 5) | (a >>> 27)) + (b1 ^ c ^ d) + e + w[i] - 0x359d3e2a) | 0; e = d; d = c; c = (b1 << 30) | (b1 >>> 2); b1 = a; a = t; }
  h[0] = (h[0] + a) | 0; h[1] = (h[1] + b1) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
}
