import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precacheManifest } from './scripts/precache-manifest.mjs';

// base './' makes the built site work from any static host under any path.
export default defineConfig({
  base: './',
  plugins: [svelte(), precacheManifest()],
  worker: { format: 'es' },
  // Samples stay files (never data: URLs) so the CSP's connect-src 'self' lets the app fetch them.
  build: { outDir: 'dist', target: 'es2022', assetsInlineLimit: (file) => (file.includes('/samples/') ? false : undefined) },
});
