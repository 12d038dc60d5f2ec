// Loads a hand-written WebAssembly routine (built from wasm/<name>.wat into src/hot/generated/) and
// instantiates it over a HotMemory. Synchronous compile: routines run in workers and in Node.
import type { HotMemory } from './memory.ts';

const modules = new Map<string, WebAssembly.Module>();

export function instantiateRoutine(name: string, base64: string, memory: HotMemory): WebAssembly.Exports {
  let module = modules.get(name);
  if (!module) {
    const binary = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    module = new WebAssembly.Module(binary);
    modules.set(name, module);
  }
  return new WebAssembly.Instance(module, { env: { memory: memory.memory } }).exports;
}
