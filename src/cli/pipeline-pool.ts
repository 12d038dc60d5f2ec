// The CLI's RuleRunner for `ldplay pipeline --jobs N`: a WorkerPool (src/hot/pool.ts) of Node
// worker_threads running dist-cli/pipeline-worker.mjs, so rules the graph finds independent (sysmap
// beside sorttable, relocs beside strip) use more than one core. Artifacts travel as
// SharedArrayBuffer-backed bytes: a 632 MB vmlinux is shared, not copied, with every worker.
import { Worker } from 'node:worker_threads';
import { WorkerPool, type PoolWorker } from '../hot/pool.ts';
import type { RuleRunner } from '../pipeline/graph.ts';
import type { PipelineOptions } from '../pipeline/rule.ts';
import { StageError, type Diagnostic } from '../pipeline/stage.ts';

export interface RuleTask {
  rule: string;
  options: PipelineOptions;
  inputs: Record<string, Uint8Array>;
}

export type RuleTaskResult =
  | { outputs: Record<string, Uint8Array>; hashes: Record<string, string>; record: unknown; diagnostics: Diagnostic[]; failure?: undefined }
  | { failure: { name: string; message: string; file?: string; offset?: number; stage?: { diagnostics: Diagnostic[]; exitCode: number } } };

/** Bytes in a SharedArrayBuffer (copied once if they are not), so posting them to a worker shares them. */
export function sharedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

export function createPoolRunner(workerScript: URL, size: number): { run: RuleRunner; close(): void } {
  const spawn = (): PoolWorker => {
    const w = new Worker(workerScript);
    return {
      send: (m) => w.postMessage(m),
      onReply: (l) => w.on('message', l),
      onCrash: (l) => { w.on('error', l); w.on('exit', (code) => { if (code !== 0) l(new Error(`worker exited with code ${code}`)); }); },
      terminate: () => void w.terminate(),
    };
  };
  const pool = new WorkerPool(spawn, size);
  const run: RuleRunner = async (rule, inputs, options) => {
    const shared = Object.fromEntries(Object.entries(inputs).map(([name, bytes]) => [name, sharedBytes(bytes)]));
    const result = await pool.run<RuleTaskResult>({ rule: rule.id, options, inputs: shared } satisfies RuleTask);
    if (result.failure) {
      const f = result.failure;
      if (f.stage) throw new StageError(f.message, f.stage.diagnostics, f.stage.exitCode);
      throw Object.assign(new Error(f.message), { name: f.name, file: f.file, offset: f.offset });
    }
    return { outputs: result.outputs, hashes: result.hashes, record: result.record, diagnostics: result.diagnostics };
  };
  return { run, close: () => pool.close() };
}
