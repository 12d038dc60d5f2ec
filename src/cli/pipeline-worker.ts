// Worker-thread entry for `ldplay pipeline --jobs N` (bundled to dist-cli/pipeline-worker.mjs): runs
// one declarative rule, named by id, on inputs shared through SharedArrayBuffers, and posts back its
// outputs in SharedArrayBuffers (copied once here, then never again) with their SHA-256, the record
// and the diagnostics.
// A stage failure is a value, not a crash, so the pool keeps the worker (src/hot/pool.ts).
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { declarativeRules } from '../pipeline/rules.ts';
import { StageError } from '../pipeline/stage.ts';
import { sharedBytes, type RuleTask, type RuleTaskResult } from './pipeline-pool.ts';

async function runTask(task: RuleTask): Promise<RuleTaskResult> {
  try {
    const rule = declarativeRules(task.options).find((r) => r.id === task.rule);
    if (!rule) throw new Error(`no rule '${task.rule}' in the kernel ${task.options.kernel} graph`);
    const result = await rule.run(task.inputs, task.options);
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([name, bytes]) => [name, sharedBytes(bytes)]));
    // Hashed here, on this worker's core, instead of one after another on the main thread.
    const hashes = Object.fromEntries(Object.entries(outputs).map(([name, bytes]) => [name, createHash('sha256').update(bytes).digest('hex')]));
    return { outputs, hashes, record: result.record, diagnostics: result.diagnostics };
  } catch (e) {
    const err = e as Error & { file?: string; offset?: number };
    return {
      failure: {
        name: err.name ?? 'Error', message: err.message ?? String(e), file: err.file, offset: err.offset,
        stage: e instanceof StageError ? { diagnostics: e.diagnostics, exitCode: e.exitCode } : undefined,
      },
    };
  }
}

parentPort!.on('message', (task: RuleTask) => {
  void runTask(task).then((value) => parentPort!.postMessage({ ok: true, value }));
});
