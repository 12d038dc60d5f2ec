// Bench row: `ldplay strip` against GNU objcopy --remove-section='.rel*' on Debian's 632 MB vmlinux
// (13.8 M static relocations), alternating, 5 repetitions: median wall, peak RSS, ratio.
// Run: `node scripts/build-cli.mjs && node bench/strip.bench.mjs` (outputs go to a temp dir, removed after).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigVmlinux, compare, ldplay, requireFile, tinyDir } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'ldplay-bench-strip-'));
try {
  const rows = [
    ['strip: tiny vmlinux (19 MB)', `${tinyDir}expected/vmlinux.unstripped`],
    ['strip: Debian vmlinux (632 MB)', bigVmlinux],
  ];
  for (const [row, input] of rows) {
    if (!requireFile(input, row)) continue;
    compare(
      row,
      [...ldplay, 'strip', input, '-o', join(dir, 'ldplay.out'), "--remove-section=.rel*"],
      [{ name: 'objcopy', argv: ['objcopy', "--remove-section=.rel*", input, join(dir, 'objcopy.out')] }],
      { reps: 5 },
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
