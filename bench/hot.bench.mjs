// Bench row: each WebAssembly routine against its TypeScript twin, same inputs, in-process.
// Inputs are sized like the 632 MB vmlinux's: ~1.1 M relocation offsets, ~400 k ORC addresses.
import { build } from 'esbuild';

const bundle = await build({
  entryPoints: [new URL('../src/hot/sort.ts', import.meta.url).pathname],
  bundle: true, write: false, format: 'esm', platform: 'node',
});
const { createWasmSorter, sortTwin } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
const wasm = createWasmSorter();

function time(fn, reps = 7) {
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

// Kernel-like offsets: 0xffffffff81000000-based low 32 bits spread over ~40 MB, shuffled.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const offsets = Uint32Array.from({ length: 1_100_000 }, () => (0x81000000 + Math.floor(rand() * 40e6)) >>> 0);
const addrs = BigUint64Array.from({ length: 400_000 }, () => 0xffffffff81000000n + BigInt(Math.floor(rand() * 20e6)));

const row = (name, w, t) => console.log(`${name.padEnd(34)} wasm ${w.toFixed(1)} ms | ts twin ${t.toFixed(1)} ms | speed-up ${(t / w).toFixed(2)}x`);
row('hot: sortUint32 (1.1 M)', time(() => wasm.sortUint32(offsets.slice())), time(() => sortTwin.sortUint32(offsets.slice())));
row('hot: sortPairsByKey (400 k)', time(() => wasm.sortPairsByKey(addrs)), time(() => sortTwin.sortPairsByKey(addrs), 3));
