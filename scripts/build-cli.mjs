// Bundles the Node CLI (src/cli/main.ts and the shared core) into dist-cli/ldplay.mjs with esbuild,
// so `npx ldplay` starts fast without a TypeScript loader.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outfile: new URL('../dist-cli/ldplay.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
