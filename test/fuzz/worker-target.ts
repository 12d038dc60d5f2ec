// The worker API as a fuzz target: mutated ELF files opened and queried (symbols sorted and filtered,
// relocation rows, bytes) through the page's ElfClient over Node worker_threads, as test/worker does.
// A case passes when every call resolves to an Outcome whose failures carry a message; a crashed or
// stopped worker, a rejected call or an error without a message fails it.
import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfClient } from '../../src/worker/client.ts';
import { startNodeWorker } from '../../src/worker/node.ts';
import type { Outcome } from '../../src/worker/api.ts';
import { repoRoot } from '../helpers.ts';
import { elfCorpus, miniVmlinuxCorpus } from './corpora.ts';
import type { FuzzTarget } from './run.ts';

function bundleWorker(): string {
  const script = join(mkdtempSync(join(tmpdir(), 'ldplay-fuzz-worker-')), 'node-worker.mjs');
  buildSync({
    entryPoints: [join(repoRoot, 'src/worker/node-worker.ts')], outfile: script, bundle: true,
    platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
  });
  return script;
}

function expectMessage<T>(o: Outcome<T>, call: string): T | null {
  if (o.ok) return o.value;
  if (!o.error.message) throw new Error(`${call}: failure without a message (${o.error.name})`);
  return null;
}

export function workerTarget(): FuzzTarget {
  const state: { client: ElfClient | null } = { client: null };
  const client = () => {
    if (!state.client) {
      const script = bundleWorker();
      state.client = new ElfClient(() => startNodeWorker(script));
    }
    return state.client;
  };
  return {
    name: 'worker',
    cases: 150,
    corpus: () => [...elfCorpus(), ...miniVmlinuxCorpus()],
    async run(input) {
      if (input.kind !== 'elf') return;
      const c = client();
      const { bytes } = input;
      const file = 'fuzz.elf';
      const opened = expectMessage(await c.open({ name: file, load: async () => bytes.slice().buffer as ArrayBuffer }), 'open');
      try {
        if (!opened) return;
        for (const table of opened.symbolTables.slice(0, 2)) {
          expectMessage(await c.querySymbols({ file, table, filter: 'i', sort: { column: 'value', descending: true }, start: 0, count: 40 }), 'querySymbols');
          expectMessage(await c.querySymbols({ file, table, filter: '^[a-z_]+$', regex: true, sort: { column: 'section', descending: false }, start: 5, count: 40 }), 'querySymbols');
        }
        for (const section of opened.relocationSections.slice(0, 3)) {
          expectMessage(await c.queryRelocations({ file, section, start: 0, count: 60 }), 'queryRelocations');
        }
        expectMessage(await c.readBytes(file, Math.max(0, bytes.length - 100), 400), 'readBytes');
      } finally {
        await c.close(file);
      }
    },
    dispose: () => state.client?.dispose(),
  };
}
