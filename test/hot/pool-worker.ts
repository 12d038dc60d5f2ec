// Test worker for src/hot/pool.ts under Node worker_threads: runs one kernel stage (sysmap, relocs,
// strip) over file bytes shared through a SharedArrayBuffer and posts back the output bytes, or the
// stage's error as a PoolReply; 'crash' exits the thread to exercise the pool's crash handling.
import { parentPort } from 'node:worker_threads';
import { relocs } from '../../src/kernel/relocs/relocs.ts';
import { strip } from '../../src/kernel/strip.ts';
import { sysmap } from '../../src/kernel/sysmap.ts';

export interface StageTask {
  stage: 'sysmap' | 'relocs' | 'strip' | 'crash';
  shared: SharedArrayBuffer;
}

const stages = { relocs, sysmap, strip } as const;

parentPort!.on('message', ({ stage, shared }: StageTask) => {
  if (stage === 'crash') process.exit(3);
  try {
    const out = Object.values(stages[stage](new Uint8Array(shared)).outputs)[0];
    parentPort!.postMessage({ ok: true, value: out });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: { name: (e as Error).name, message: (e as Error).message } });
  }
});
