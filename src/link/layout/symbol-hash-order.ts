// The order GNU ld writes an executable's global symbols in: BFD keeps them in one string hash table
// and writes them by walking it — buckets in index order, each chain from its head — so the order is
// that walk, not the inputs'. This replays the table (ld 2.40 on a 64-bit host):
// - hash: for each byte c, h += c + (c << 17), h ^= h >> 2; then the same with the name's length;
//   unsigned 64-bit arithmetic; the bucket is h mod size;
// - 4051 buckets at first; a new entry goes to the head of its chain; when the entry count passes
//   3/4 of the size, the table moves to the next of a fixed list of primes just below powers of two,
//   re-linking each old chain from its head into the heads of the new chains;
// - entries are made as ld meets names: script assignments when the script's statements are read
//   (before the input files when -T comes first on the command line), every global of each object
//   as it is loaded (undefined references too), linker-made symbols after.
// Checked against GNU ld on the tiny kernel (all 8,012 globals in ld's order) and the samples.

const INITIAL_SIZE = 4051;
const GROWTH = [4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287, 1048573, 2097143, 4194301, 8388593, 16777213];
const TWO_32 = 4294967296;

/** The rank of each name in ld's walk of its symbol hash table, for names entered in `creation` order
 *  (repeats ignored). */
export function symbolHashOrder(creation: Iterable<string>): Map<string, number> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const n of creation) if (!seen.has(n)) { seen.add(n); names.push(n); }
  const hi = new Uint32Array(names.length);
  const lo = new Uint32Array(names.length);
  const next = new Int32Array(names.length);
  names.forEach((n, i) => hashName(n, hi, lo, i));
  let size = INITIAL_SIZE;
  let heads = new Int32Array(size).fill(-1);
  let limit = Math.floor((size * 3) / 4);
  for (let e = 0; e < names.length; e++) {
    const b = bucket(hi[e], lo[e], size);
    next[e] = heads[b];
    heads[b] = e;
    const grown = e + 1 > limit ? GROWTH.find((p) => p > size) : undefined;
    if (grown !== undefined) {
      const moved = new Int32Array(grown).fill(-1);
      for (let old = 0; old < size; old++) {
        for (let x = heads[old]; x >= 0;) {
          const after = next[x];
          const nb = bucket(hi[x], lo[x], grown);
          next[x] = moved[nb];
          moved[nb] = x;
          x = after;
        }
      }
      heads = moved;
      size = grown;
      limit = Math.floor((size * 3) / 4);
    }
  }
  const rank = new Map<string, number>();
  for (let b = 0; b < size; b++) for (let x = heads[b]; x >= 0; x = next[x]) rank.set(names[x], rank.size);
  return rank;
}

/** BFD's string hash of `name` (one byte per char) as 32-bit halves into hi[i], lo[i]. */
function hashName(name: string, hi: Uint32Array, lo: Uint32Array, i: number): void {
  let h = 0;
  let l = 0;
  for (let k = 0; k <= name.length; k++) {
    // Each byte c, then the length: h:l += c + (c << 17); h:l ^= (h:l) >> 2.
    const c = k < name.length ? name.charCodeAt(k) & 0xff : name.length;
    l += c + c * 131072;
    if (l >= TWO_32) { l -= TWO_32; h = (h + 1) >>> 0; }
    l = (l ^ ((l >>> 2) | ((h & 3) << 30))) >>> 0;
    h = (h ^ (h >>> 2)) >>> 0;
  }
  hi[i] = h;
  lo[i] = l;
}

/** (hi * 2^32 + lo) mod size, exact in doubles for the table sizes above (size^2 < 2^53). */
function bucket(hi: number, lo: number, size: number): number {
  return ((hi % size) * (TWO_32 % size) + lo) % size;
}
