// Bench row: would a worker pool pay on this machine? The three stages that read vmlinux.unstripped
// independently (sysmap, relocs, strip) on Debian's 632 MB vmlinux, run one after another on the main
// thread, and spread over a pool of one worker_thread per core sharing the file's bytes (one
// SharedArrayBuffer, never copied). Wall time includes starting the workers; outputs are compared.
import { openSync, fstatSync, readSync, closeSync, mkdtempSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { bigVmlinux, compare, ldplay, requireFile } from './harness.mjs';

const row = 'pool: sysmap+relocs+strip (632 MB)';
const src = new URL('../src/', import.meta.url).pathname;

/** Stage runner shared by the main thread and the workers: name → output bytes (byte length). */
const stagesModule = `
import { relocs } from '${src}kernel/relocs/relocs.ts';
import { sysmap } from '${src}kernel/sysmap.ts';
import { strip } from '${src}kernel/strip.ts';
export { WorkerPool } from '${src}hot/pool.ts';
export function runStage(name, bytes) {
  const r = name === 'relocs' ? relocs(bytes) : name === 'sysmap' ? sysmap(bytes) : strip(bytes);
  const out = Object.values(r.outputs)[0];
  let hash = 0;
  for (let i = 0; i < out.length; i += 4093) hash = (hash * 31 + out[i]) >>> 0;
  return { name, length: out.length, hash };
}
`;
const workerMain = `
import { parentPort } from 'node:worker_threads';
import { runStage } from './stages.mjs';
parentPort.on('message', ({ name, shared }) => parentPort.postMessage({ ok: true, value: runStage(name, new Uint8Array(shared)) }));
`;

function readShared(path) {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const shared = new SharedArrayBuffer(size);
    const bytes = new Uint8Array(shared);
    for (let at = 0; at < size;) at += readSync(fd, bytes, at, size - at, at);
    return shared;
  } finally {
    closeSync(fd);
  }
}

/** Runs `names` over `shared` on a WorkerPool (src/hot/pool.ts) of `size` worker_threads. */
async function runPool(WorkerPool, dir, names, shared, size) {
  const spawn = () => {
    const w = new Worker(join(dir, 'worker.mjs'));
    return { send: (m) => w.postMessage(m), onReply: (l) => w.on('message', l), onCrash: (l) => w.on('error', l), terminate: () => void w.terminate() };
  };
  const pool = new WorkerPool(spawn, size);
  try {
    return await Promise.all(names.map((name) => pool.run({ name, shared })));
  } finally {
    pool.close();
  }
}

if (requireFile(bigVmlinux, row)) {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-bench-pool-'));
  try {
    const bundle = await build({ stdin: { contents: stagesModule, resolveDir: src, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'node' });
    writeFileSync(join(dir, 'stages.mjs'), bundle.outputFiles[0].text);
    writeFileSync(join(dir, 'worker.mjs'), workerMain);
    const { runStage, WorkerPool } = await import(join(dir, 'stages.mjs'));
    const shared = readShared(bigVmlinux);
    const names = ['strip', 'sysmap', 'relocs'];
    const cores = availableParallelism();
    const key = (rs) => rs.map((r) => `${r.name}:${r.length}:${r.hash}`).sort().join(' ');
    const serialMs = [];
    const poolMs = [];
    for (let rep = 0; rep < 3; rep++) {
      let t0 = performance.now();
      const serial = names.map((n) => runStage(n, new Uint8Array(shared)));
      serialMs.push(performance.now() - t0);
      t0 = performance.now();
      const pooled = await runPool(WorkerPool, dir, names, shared, Math.min(cores, names.length));
      poolMs.push(performance.now() - t0);
      if (key(serial) !== key(pooled)) throw new Error(`pool outputs differ: ${key(serial)} vs ${key(pooled)}`);
    }
    const median = (xs) => xs.sort((a, b) => a - b)[1];
    const s = median(serialMs);
    const p = median(poolMs);
    console.log(`${row.padEnd(34)} main thread ${(s / 1000).toFixed(2)} s | pool of ${Math.min(cores, names.length)} workers ${(p / 1000).toFixed(2)} s | speed-up ${(s / p).toFixed(2)}x (${cores} cores)`);
  } catch (e) {
    console.log(`${row.padEnd(34)} failed: ${e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The same pool as the CLI uses it: `ldplay pipeline --jobs=2` against `--jobs=1` on a directory
// holding Debian's vmlinux as vmlinux.unsorted (6.1 graph: sysmap beside sorttable, then relocs).
const cliRow = 'pool: ldplay pipeline --jobs=2';
if (requireFile(bigVmlinux, cliRow)) {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-bench-pipeline-'));
  try {
    symlinkSync(bigVmlinux, join(dir, 'vmlinux.unsorted'));
    const run = (jobs) => [...ldplay, 'pipeline', dir, '--kernel=6.1', `--jobs=${jobs}`, '-o', join(dir, `out${jobs}`)];
    compare(cliRow, run(2), [{ name: '--jobs=1', argv: run(1) }], { reps: 3 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
