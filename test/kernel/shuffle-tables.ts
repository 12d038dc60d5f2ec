// Test helper: a seeded shuffle of a sorted kernel image's __ex_table and ORC tables that keeps each
// entry's meaning (self-relative words rebased to the entry's new position), so sorting must give the
// original bytes back. Shared by the sorttable stage and CLI tests.
import { readElf } from '../../src/elf/index.ts';

/** __ex_table has 12-byte entries (two self-relative words); .orc_unwind_ip 4-byte self-relative
 *  words moved together with their 6-byte .orc_unwind companions. */
export function shuffleTables(sorted: Uint8Array, seed: number): Uint8Array {
  const elf = readElf(sorted);
  const out = sorted.slice();
  const view = new DataView(out.buffer);
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const shuffle = (name: string, size: number, relativeWords: number[], companion?: { name: string; size: number }) => {
    const s = elf.sectionByName(name)!;
    const n = Number(s.size) / size;
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = random(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const at = Number(s.offset);
    const c = companion && elf.sectionByName(companion.name)!;
    for (let i = 0; i < n; i++) {
      const j = perm[i];
      out.set(sorted.subarray(at + j * size, at + (j + 1) * size), at + i * size);
      for (const w of relativeWords) view.setInt32(at + i * size + w, (elf.data.i32(at + j * size + w) + (j - i) * size) | 0, true);
      if (c && companion) {
        const co = Number(c.offset);
        out.set(sorted.subarray(co + j * companion.size, co + (j + 1) * companion.size), co + i * companion.size);
      }
    }
  };
  shuffle('__ex_table', 12, [0, 4]);
  shuffle('.orc_unwind_ip', 4, [0], { name: '.orc_unwind', size: 6 });
  return out;
}
