// WorkerPool over Node worker_threads: sysmap, relocs and strip of the tiny kernel's vmlinux.unstripped
// run on two workers sharing one SharedArrayBuffer give the bytes the in-process stages give (and the
// kernel tools' files); a stage's StageError comes back with its message; a crashed worker fails only
// its own task and is replaced.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolTaskError, WorkerPool, type PoolWorker } from '../../src/hot/pool.ts';
import { relocs } from '../../src/kernel/relocs/relocs.ts';
import { strip } from '../../src/kernel/strip.ts';
import { sysmap } from '../../src/kernel/sysmap.ts';
import { load, repoRoot, tiny } from '../helpers.ts';

function nodeWorker(script: string): PoolWorker {
  const w = new Worker(script);
  return {
    send: (m) => w.postMessage(m),
    onReply: (l) => w.on('message', l),
    onCrash: (l) => {
      w.on('error', l);
      w.on('exit', (code) => { if (code !== 0) l(new Error(`worker exited with code ${code}`)); });
    },
    terminate: () => void w.terminate(),
  };
}

const input = load(tiny('expected', 'vmlinux.unstripped'));
const shared = new SharedArrayBuffer(input.length);
new Uint8Array(shared).set(input);
let pool: WorkerPool;

beforeAll(async () => {
  const script = join(mkdtempSync(join(tmpdir(), 'ldplay-pool-')), 'pool-worker.mjs');
  await build({ entryPoints: [join(repoRoot, 'test/hot/pool-worker.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  pool = new WorkerPool(() => nodeWorker(script), 2);
});
afterAll(() => pool?.close());

describe('WorkerPool (worker_threads)', () => {
  it('runs independent stages in parallel with the same outputs as in-process runs', async () => {
    const [map, list, stripped] = await Promise.all(['sysmap', 'relocs', 'strip'].map((stage) => pool.run<Uint8Array>({ stage, shared })));
    expect(Buffer.from(map).equals(Buffer.from(sysmap(input).outputs['System.map']))).toBe(true);
    expect(Buffer.from(list).equals(Buffer.from(load(tiny('expected', 'vmlinux.relocs'))))).toBe(true);
    expect(Buffer.from(list).equals(Buffer.from(relocs(input).outputs['vmlinux.relocs']))).toBe(true);
    expect(Buffer.from(stripped).equals(Buffer.from(Object.values(strip(input).outputs)[0]))).toBe(true);
    expect(Buffer.from(map).equals(Buffer.from(load(tiny('expected', 'System.map'))))).toBe(true);
  }, 60_000);

  it("returns a stage's typed error with its message", async () => {
    const truncated = new SharedArrayBuffer(100);
    new Uint8Array(truncated).set(input.subarray(0, 100));
    const failure = (await pool.run({ stage: 'relocs', shared: truncated }).catch((e: unknown) => e)) as PoolTaskError;
    let local: Error | undefined;
    try {
      relocs(input.subarray(0, 100));
    } catch (e) {
      local = e as Error;
    }
    expect(failure).toBeInstanceOf(PoolTaskError);
    expect(failure.errorName).toBe(local!.name);
    expect(failure.message).toBe(local!.message);
    expect(failure.message.length).toBeGreaterThan(0);
  });

  it('fails only the task whose worker crashed, and keeps serving', async () => {
    const [crash, ok] = await Promise.allSettled([pool.run({ stage: 'crash', shared }), pool.run<Uint8Array>({ stage: 'sysmap', shared })]);
    expect(crash.status).toBe('rejected');
    expect((crash as PromiseRejectedResult).reason.message).toMatch(/exited with code 3/);
    expect(ok.status).toBe('fulfilled');
    const again = await pool.run<Uint8Array>({ stage: 'relocs', shared });
    expect(again.length).toBeGreaterThan(0);
  }, 60_000);
});
