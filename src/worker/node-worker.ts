// Node worker_threads entry: the same WorkerApi session as elf-worker.ts, exposed through
// comlink's Node adapter on parentPort, so tests and the CLI can drive the worker exactly as the page does.
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { createSession } from './session.ts';

if (!parentPort) throw new Error('node-worker.ts must run inside a worker_thread');
expose(createSession(), nodeEndpoint(parentPort));
