// Vite plugin: makes the iced-x86 package (wasm-bindgen's Node build, which reads its .wasm with fs at
// load time) loadable in the browser worker. Its glue is rewritten to export `__init(WebAssembly.Module)`
// instead of reading the file; src/worker/iced-browser.ts fetches the .wasm asset and calls it.
// Node (tests, CLI, worker_threads) uses the package unchanged.

const GLUE = /iced-x86[\\/]iced_x86\.js$/;
const UTIL = 'const { TextDecoder, TextEncoder } = require(`util`);';
const TAIL = /const path = require\('path'\)\.join\(__dirname, 'iced_x86_bg\.wasm'\);[\s\S]*$/;

export function rewriteIcedGlue(code) {
  if (!code.includes(UTIL) || !TAIL.test(code)) throw new Error('iced-x86: unexpected glue layout (package version changed?)');
  return code.replace(UTIL, 'const { TextDecoder, TextEncoder } = globalThis;').replace(TAIL, [
    'module.exports.__init = function (wasmModule) {',
    '  wasm = new WebAssembly.Instance(wasmModule, imports).exports;',
    '  module.exports.__wasm = wasm;',
    '};',
    '',
  ].join('\n'));
}

export function icedX86Browser() {
  return {
    name: 'ldplay-iced-x86-browser',
    transform(code, id) {
      if (GLUE.test(id.split('?')[0])) return { code: rewriteIcedGlue(code), map: null };
      return undefined;
    },
  };
}
