// Bundles the Node CLI (src/cli/main.ts and the shared core) into dist-cli/ldplay.mjs with esbuild,
// so `npx ldplay` starts fast without a TypeScript loader; and the worker-thread entry of
// `ldplay pipeline --jobs` (src/cli/pipeline-worker.ts) beside it, as pipeline-worker.mjs.
import { build } from 'esbuild';

for (const [entry, out] of [['main.ts', 'ldplay.mjs'], ['pipeline-worker.ts', 'pipeline-worker.mjs']]) await build({
  entryPoints: [new URL(`../src/cli/${entry}`, import.meta.url).pathname],
  outfile: new URL(`../dist-cli/${out}`, import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
