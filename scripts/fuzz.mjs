// `npm run fuzz -- --minutes N [--target NAME] [--seed S]`: runs every fuzz target for N minutes
// (default 1) through vitest (test/fuzz/fuzz.test.ts) and prints the cases run per target.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const env = { ...process.env, LDPLAY_FUZZ_MINUTES: opt('minutes', '1') };
if (opt('target')) env.LDPLAY_FUZZ_TARGET = opt('target');
if (opt('seed')) env.LDPLAY_FUZZ_SEED = opt('seed');
const r = spawnSync('npx', ['vitest', 'run', 'test/fuzz/fuzz.test.ts', '--reporter=verbose'], { env, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
