// SHA-1 (FIPS 180-4 §6.1) over a byte array, for --build-id=sha1. Written for clarity over one
// buffer with a reused 80-word schedule; no streaming, no other hashes.

export function sha1(data: Uint8Array): Uint8Array {
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const w = new Uint32Array(80);
  const total = Math.ceil((data.length + 9) / 64) * 64;
  const tail = new Uint8Array(total - Math.floor(data.length / 64) * 64);
  const tailStart = Math.floor(data.length / 64) * 64;
  tail.set(data.subarray(tailStart));
  tail[data.length - tailStart] = 0x80;
  const bits = data.length * 8;
  const tv = new DataView(tail.buffer);
  tv.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
  tv.setUint32(tail.length - 4, bits >>> 0);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let block = 0; block < total; block += 64) {
    const fromTail = block >= tailStart;
    for (let i = 0; i < 16; i++) w[i] = fromTail ? tv.getUint32(block - tailStart + 4 * i) : dv.getUint32(block + 4 * i);
    for (let i = 16; i < 80; i++) { const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]; w[i] = (x << 1) | (x >>> 31); }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? ((b & c) | (~b & d)) + 0x5a827999 : i < 40 ? (b ^ c ^ d) + 0x6ed9eba1 : i < 60 ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc : (b ^ c ^ d) + 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + w[i]) >>> 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 5; i++) ov.setUint32(4 * i, h[i]);
  return out;
}
