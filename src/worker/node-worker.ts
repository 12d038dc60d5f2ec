// Node worker_threads entry: the same WorkerApi session as elf-worker.ts, exposed through
// comlink's Node adapter on parentPort, so tests and the CLI can drive the worker exactly as the page does.
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { IcedModule } from './disassemble.ts';
import { createSession } from './session.ts';

if (!parentPort) throw new Error('node-worker.ts must run inside a worker_thread');
// Bundled copies of this file run from elsewhere: iced-x86 (and the wasm beside it) is found from the working directory.
const loadIced = async () => createRequire(`${process.cwd()}/`)('iced-x86') as IcedModule;
expose(createSession({ loadIced }), nodeEndpoint(parentPort));
