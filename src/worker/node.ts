// Starts the ELF worker under Node's worker_threads (for tests and Node tools): same WorkerApi,
// same client, with comlink's Node adapter. `script` is node-worker.ts bundled to JavaScript.
// An unexpected exit counts as a crash, so the client restarts the worker and says why.

import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'node:worker_threads';
import type { WorkerHandle } from './client.ts';

export function startNodeWorker(script: string): WorkerHandle & { worker: Worker } {
  const worker = new Worker(script);
  let terminating = false;
  return {
    worker,
    endpoint: nodeEndpoint(worker),
    terminate() {
      terminating = true;
      void worker.terminate();
    },
    onFailure(listener) {
      worker.on('error', (e: Error) => listener(e.message));
      worker.on('exit', (code) => { if (!terminating) listener(`exited with code ${code}`); });
    },
  };
}
