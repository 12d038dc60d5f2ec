// Browser worker entry: exposes one WorkerApi session over comlink on the worker's global scope.
// All ELF parsing and stage work happens here, never on the page's main thread.
import { expose } from 'comlink';
import { loadIcedInBrowser } from './iced-browser.ts';
import { createSession } from './session.ts';

expose(createSession({ loadIced: loadIcedInBrowser }));
