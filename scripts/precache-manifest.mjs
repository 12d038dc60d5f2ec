// Vite build plugin: writes `precache.json` beside the build (every emitted file plus public/ files,
// as paths relative to the site root) with a version derived from their names, which carry content
// hashes. public/sw.js reads it to cache the app for offline use. It changes no emitted file.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';

/** Files the service worker must not cache: itself and the list it reads. */
const uncached = new Set(['sw.js', 'precache.json']);

export function precacheManifest() {
  let publicDir = '';
  return {
    name: 'ldplay-precache-manifest',
    apply: 'build',
    enforce: 'post',
    configResolved(config) { publicDir = config.publicDir; },
    generateBundle(_options, bundle) {
      const fromPublic = publicDir ? readdirSync(publicDir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile()).map((e) => `${e.parentPath.slice(publicDir.length + 1) ? `${e.parentPath.slice(publicDir.length + 1)}/` : ''}${e.name}`) : [];
      const files = [...new Set([...Object.keys(bundle), ...fromPublic])].filter((f) => !uncached.has(f)).sort();
      const version = createHash('sha256');
      for (const f of files) {
        const item = bundle[f];
        version.update(f).update('\0');
        // index.html has no hash in its name: its content decides the version.
        if (f === 'index.html' && item?.type === 'asset') version.update(item.source);
      }
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify({ version: version.digest('hex').slice(0, 16), files }, null, 1) });
    },
  };
}
