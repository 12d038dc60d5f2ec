// Bench row: `ldplay readelf -W -S -s` against GNU `readelf -W -S -s` on Debian's 632 MB vmlinux
// (101 k symbols, 82 sections), alternating, 5 repetitions: median wall time, peak RSS, ratio.
// Runnable alone (`node bench/readelf.bench.mjs`, after `node scripts/build-cli.mjs`); never fails.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { bigVmlinux, compare, ldplay } from './harness.mjs';

const row = 'readelf -W -S -s (632 MB vmlinux)';
const hasReadelf = spawnSync('readelf', ['--version'], { stdio: 'ignore' }).status === 0;
if (!existsSync(bigVmlinux)) {
  console.log(`${row.padEnd(34)} skipped: ${bigVmlinux} not present (scripts/fetch-corpus.sh)`);
} else {
  compare(row, [...ldplay, 'readelf', '-W', '-S', '-s', bigVmlinux], [
    hasReadelf ? { name: 'readelf', argv: ['readelf', '-W', '-S', '-s', bigVmlinux] } : { name: 'readelf', why: 'GNU readelf not installed' },
  ]);
}
