import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precacheManifest } from './scripts/precache-manifest.mjs';
import { icedX86Browser } from './scripts/iced-x86-vite.mjs';

// base './' makes the built site work from any static host under any path.
export default defineConfig({
  base: './',
  plugins: [svelte(), precacheManifest()],
  // iced-x86's Node glue is rewritten for the worker (scripts/iced-x86-vite.mjs), also when pre-bundled in dev.
  worker: { format: 'es', plugins: () => [icedX86Browser()] },
  optimizeDeps: { rolldownOptions: { plugins: [icedX86Browser()] } },
  // Samples stay files (never data: URLs) so the CSP's connect-src 'self' lets the app fetch them.
  build: { outDir: 'dist', target: 'es2022', assetsInlineLimit: (file) => (file.includes('/samples/') ? false : undefined) },
});
