// Bench row: the playground in headless Chromium (Debian's /usr/bin/chromium via playwright-core, the
// production build served by `vite preview`, as test/browser/harness.ts does) opening Debian's 632 MB
// vmlinux: file drop → section table shown, then (6.1 graph, the file used as `vmlinux`) Run all →
// relocs done; and the longest main-thread long task (PerformanceObserver 'longtask') over that span.
// Run all → relocs is compared with the same work in Node: the worker's session code (bundled by
// esbuild, run in this process) on the already-read file, from its first step() until the relocs
// step returns. The browser interval also holds the page's round trips and rendering.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { bigVmlinux, requireFile, root } from './harness.mjs';

const row = 'browser: 632 MB vmlinux';
const chromiumPath = '/usr/bin/chromium';

/** Records every long task's start and duration from page load on. */
function observeLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
}

async function measure() {
  const { build, preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  const outDir = mkdtempSync(join(tmpdir(), 'ldplay-bench-dist-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(observeLongTasks);
    await page.goto(`http://127.0.0.1:${server.httpServer.address().port}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    const name = basename(bigVmlinux);
    const start = await page.evaluate(() => performance.now());
    const t0 = Date.now();
    const now = () => page.evaluate(() => performance.now());
    await page.locator('input[type=file]').setInputFiles(bigVmlinux);
    await page.getByRole('table', { name: `Sections of ${name}` }).waitFor({ timeout: 180_000 });
    const sectionsMs = Date.now() - t0;
    // The rest of the file is still being read here; wait for it before "use as".
    await page.locator('.status', { hasText: /artifacts? in the worker/ }).waitFor({ timeout: 180_000 });
    const useAsAt = await now();
    await page.getByRole('combobox', { name: `Use ${name} as` }).selectOption('vmlinux');
    await page.locator('.artifact .name', { hasText: /^vmlinux$/ }).waitFor({ timeout: 60_000 });
    const runAllAt = await now();
    const t1 = Date.now();
    await page.getByRole('region', { name: 'Pipeline steps' }).getByRole('button', { name: 'Run all' }).click();
    await page.getByRole('button', { name: /Collect KASLR relocations.*\(done\)/ }).waitFor({ timeout: 300_000 });
    const relocsMs = Date.now() - t1;
    const tasks = await page.evaluate((from) => window.__longTasks.filter(([at]) => at >= from), start);
    const longest = tasks.reduce((m, [, d]) => Math.max(m, d), 0);
    const phase = (from, to) => tasks.filter(([at]) => at >= from && at < to).reduce((m, [, d]) => Math.max(m, d), 0).toFixed(0);
    const phases = `open ${phase(start, useAsAt)}, use as ${phase(useAsAt, runAllAt)}, run all ${phase(runAllAt, Infinity)}`;
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { sectionsMs, relocsMs, longest, count: tasks.length, phases };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Node's time for the steps Run all makes up to relocs, on bytes already in memory (median of 3). */
async function nodeStepsToRelocs() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-bench-session-'));
  try {
    const outfile = join(dir, 'session.mjs');
    await build({ entryPoints: [join(root, 'src/worker/session.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
    const { createSession } = await import(outfile);
    const file = readFileSync(bigVmlinux);
    const times = [];
    for (let rep = 0; rep < 3; rep++) {
      const session = createSession();
      const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
      const opened = await session.open('vmlinux', buffer);
      if (!opened.ok) throw new Error(opened.error.message);
      await session.setKernel('6.1');
      const t0 = process.hrtime.bigint();
      for (;;) {
        const r = await session.step();
        if (!r.ok) throw new Error(r.error.message);
        if (!r.value) throw new Error('the relocs stage never ran');
        if (r.value.stage === 'relocs') break;
      }
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return times.sort((a, b) => a - b)[1];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(chromiumPath)) {
  console.log(`${row.padEnd(34)} skipped: ${chromiumPath} is missing (apt-get install chromium)`);
} else if (requireFile(bigVmlinux, row)) {
  try {
    const m = await measure();
    const nodeMs = await nodeStepsToRelocs();
    console.log(`${row.padEnd(34)} drop → section table ${(m.sectionsMs / 1000).toFixed(2)} s | Run all → relocs done ${(m.relocsMs / 1000).toFixed(2)} s ` +
      `vs Node session steps → relocs on loaded bytes ${(nodeMs / 1000).toFixed(2)} s (ratio ${(m.relocsMs / nodeMs).toFixed(2)}) | ` +
      `longest main-thread task ${m.longest.toFixed(0)} ms (${m.count} long tasks; longest per phase: ${m.phases} ms)`);
  } catch (e) {
    console.log(`${row.padEnd(34)} failed: ${e.message.split('\n')[0]}`);
  }
}
