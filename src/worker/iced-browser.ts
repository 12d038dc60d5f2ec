// Loads iced-x86 inside the browser worker: the build rewrites the package's Node glue to export
// `__init` (scripts/iced-x86-vite.mjs); this fetches the .wasm asset it ships, compiles it and calls
// __init once per session. Node code never imports this file (it requires the package directly).
import wasmUrl from 'iced-x86/iced_x86_bg.wasm?url';
import type { IcedModule } from './disassemble.ts';

type IcedGlue = IcedModule & { __wasm?: unknown; __init?: (m: WebAssembly.Module) => void; default?: IcedGlue };

export async function loadIcedInBrowser(): Promise<IcedModule> {
  const ns = (await import('iced-x86')) as IcedGlue;
  const glue = ns.default ?? ns;
  if (!glue.__wasm) {
    if (!glue.__init) throw new Error('iced-x86 was not prepared for the browser (missing build plugin)');
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`iced-x86: fetching ${wasmUrl} failed with HTTP ${response.status}`);
    glue.__init(await WebAssembly.compile(await response.arrayBuffer()));
  }
  return glue;
}
