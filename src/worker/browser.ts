// Starts the ELF worker in a browser: a module Web Worker bundled by Vite from elf-worker.ts.
// Reports uncaught worker errors and unreadable messages as failures so the client restarts it.
import type { WorkerHandle } from './client.ts';

export function startBrowserWorker(): WorkerHandle {
  const worker = new Worker(new URL('./elf-worker.ts', import.meta.url), { type: 'module', name: 'ldplay-elf' });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    onFailure(listener) {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        listener(e.message || 'uncaught error');
      });
      worker.addEventListener('messageerror', () => listener('a message could not be read'));
    },
  };
}
