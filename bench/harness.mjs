// Benchmark harness shared by every bench/*.bench.mjs row: runs ldplay and a native tool on the same
// input, alternating, several repetitions, and reports median wall time, peak RSS and the ratio.
// Never fails the build: a row whose native tool or input is missing prints why and is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const root = new URL('..', import.meta.url).pathname;
// The command as a user runs it: the bin through its shebang (which drops NODE_EXTRA_CA_CERTS).
export const ldplay = [`${root}bin/ldplay.mjs`];
export const bigVmlinux = process.env.LDPLAY_BIG_VMLINUX ?? '/var/cache/ldplay/usr/lib/debug/boot/vmlinux-6.1.0-53-amd64';
export const tinyDir = new URL('../../shared/fixtures/x86_64-tiny/', import.meta.url).pathname;

const hasGnuTime = existsSync('/usr/bin/time');

/** Runs argv once; returns wall seconds and peak RSS in MB (GNU time -f when available). */
export function runOnce(argv, { cwd, stdout = 'ignore' } = {}) {
  const cmd = hasGnuTime ? ['/usr/bin/time', '-f', '%M', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, stdio: ['ignore', stdout, 'pipe'], maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    const err = r.stderr?.toString().trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${err}`);
  }
  const lines = r.stderr.toString().trim().split('\n');
  const rssKb = hasGnuTime ? Number(lines[lines.length - 1]) : NaN;
  return { wall, rssMb: rssKb / 1024 };
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Compares `ours` with each of `natives` ({name, argv}) alternating `reps` times.
 * Prints one line per native: medians, peak RSS and ours/native ratio.
 */
export function compare(row, ours, natives, { reps = 5, cwd } = {}) {
  const available = natives.filter((n) => n.argv);
  for (const n of natives.filter((n) => !n.argv)) console.log(`${row.padEnd(34)} skipped: ${n.why}`);
  if (!available.length && natives.length) return;
  const samples = new Map([['ldplay', []], ...available.map((n) => [n.name, []])]);
  try {
    for (let i = 0; i < reps; i++) {
      samples.get('ldplay').push(runOnce(ours, { cwd }));
      for (const n of available) samples.get(n.name).push(runOnce(n.argv, { cwd }));
    }
  } catch (e) {
    console.log(`${row.padEnd(34)} failed: ${e.message}`);
    return;
  }
  const summary = (name) => {
    const s = samples.get(name);
    return { wall: median(s.map((x) => x.wall)), rss: Math.max(...s.map((x) => x.rssMb)) };
  };
  const o = summary('ldplay');
  if (!available.length) {
    console.log(`${row.padEnd(34)} ldplay ${o.wall.toFixed(3)} s ${o.rss.toFixed(0)} MB`);
  }
  for (const n of available) {
    const t = summary(n.name);
    console.log(
      `${row.padEnd(34)} ldplay ${o.wall.toFixed(3)} s ${o.rss.toFixed(0).padStart(5)} MB | ` +
        `${n.name} ${t.wall.toFixed(3)} s ${t.rss.toFixed(0).padStart(5)} MB | ratio ${(o.wall / t.wall).toFixed(2)}x`,
    );
  }
}

/**
 * A native tool from an environment variable; when it is unset, a built copy at `fallback` (if
 * present, saying so); otherwise a reason to skip.
 */
export function toolFromEnv(name, variable, args, fallback) {
  const path = process.env[variable];
  if (!path && fallback && existsSync(fallback)) {
    console.log(`${''.padEnd(34)} (${name}: ${variable} unset, using ${fallback})`);
    return { name, argv: [fallback, ...args] };
  }
  if (!path) return { name, why: `set ${variable} to the ${name} binary to measure this row` };
  if (!existsSync(path)) return { name, why: `${variable}=${path} does not exist` };
  return { name, argv: [path, ...args] };
}

/** Median milliseconds of `reps` in-process runs of `fn`. */
export function timeMedian(fn, reps = 7) {
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** One in-process row: a WebAssembly routine's median against its TypeScript twin's. */
export function printTwinRow(row, wasmMs, twinMs) {
  console.log(`${row.padEnd(34)} wasm ${wasmMs.toFixed(1)} ms | ts twin ${twinMs.toFixed(1)} ms | speed-up ${(twinMs / wasmMs).toFixed(2)}x`);
}

/** Where scripts/fetch-corpus.sh and the README's build steps put the kernel's host tools. */
export const kernelToolsDir = '/var/cache/ldplay/tools';

export function requireFile(path, row) {
  if (existsSync(path)) return true;
  console.log(`${row.padEnd(34)} skipped: ${path} is missing (run scripts/fetch-corpus.sh)`);
  return false;
}
