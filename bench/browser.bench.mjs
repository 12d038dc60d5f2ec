// Bench row: the playground in headless Chromium (Debian's /usr/bin/chromium via playwright-core, the
// production build served by `vite preview`, as test/browser/harness.ts does) opening Debian's 632 MB
// vmlinux: file drop → section table shown, then (6.1 graph, the file used as `vmlinux`) Run all →
// relocs done; and the longest main-thread long task (PerformanceObserver 'longtask') over that span.
// Run all → relocs is compared with the same work in Node: the worker's session code (bundled by
// esbuild) on the already-read file, from its first step() until the relocs step returns. The browser
// interval also holds the page's round trips and rendering. Both sides run cold (a fresh page, so a
// fresh worker, per browser run; a fresh Node process per Node run: a second run in one process would
// compare a JIT-warm Node with a cold worker), in alternating pairs, five of them by default
// (LDPLAY_BENCH_BROWSER_RUNS): this machine's speed drifts by half over minutes, which three browser
// runs followed by three Node runs measured as a ratio. Medians are reported, with each pair's ratio.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { bigVmlinux, median, requireFile, root } from './harness.mjs';

const row = 'browser: 632 MB vmlinux';
const chromiumPath = '/usr/bin/chromium';

/** Records every long task's start and duration from page load on. */
function observeLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
}

const pairs = Number(process.env.LDPLAY_BENCH_BROWSER_RUNS ?? 5);

/** `pairs` cold browser runs, each followed by one cold Node run of the same steps. */
async function measure() {
  const node = await prepareNodeRun();
  const { build, preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  const outDir = mkdtempSync(join(tmpdir(), 'ldplay-bench-dist-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const runs = [];
    const nodeRuns = [];
    for (let rep = 0; rep < pairs; rep++) {
      runs.push(await measureOnce(browser, `http://127.0.0.1:${server.httpServer.address().port}/`));
      nodeRuns.push(node.runOnce());
    }
    const of = (key) => median(runs.map((r) => r[key]));
    const worst = runs.reduce((w, r) => (r.longest > w.longest ? r : w));
    return {
      sectionsMs: of('sectionsMs'), relocsMs: of('relocsMs'), stageMs: of('stageMs'), longest: worst.longest, count: worst.count, phases: worst.phases,
      node: { stepsMs: median(nodeRuns.map((r) => r.steps)), stageMs: median(nodeRuns.map((r) => r.stage)) },
      stageRatios: runs.map((r, i) => r.stageMs / nodeRuns[i].stage),
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    node.dispose();
  }
}

/** One cold run in a fresh page: drop, use as vmlinux, Run all to relocs. */
async function measureOnce(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(observeLongTasks);
    await page.goto(url);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    const name = basename(bigVmlinux);
    // Intervals are taken on the page's clock: from the input's change event (the drop) or the Run
    // all click event to the DOM mutation that shows the result, so Playwright's polling is not in them.
    await page.evaluate((name) => {
      const w = window;
      w.__at = {};
      document.addEventListener('change', () => { w.__at.drop ??= performance.now(); }, true);
      document.addEventListener('click', (e) => { if (e.target?.closest?.('button')?.textContent.trim() === 'Run all') w.__at.runAll ??= performance.now(); }, true);
      new MutationObserver(() => {
        if (w.__at.drop && !w.__at.table && document.querySelector(`table[aria-label="Sections of ${name}"] tbody tr`)) w.__at.table = performance.now();
        if (w.__at.runAll && !w.__at.relocs && [...document.querySelectorAll('.side button')].some((b) => /Collect KASLR relocations[\s\S]*\(done\)/.test(b.textContent))) w.__at.relocs = performance.now();
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    }, name);
    const at = () => page.evaluate(() => window.__at);
    const now = () => page.evaluate(() => performance.now());
    const start = await now();
    await page.locator('input[type=file]').setInputFiles(bigVmlinux);
    await page.getByRole('table', { name: `Sections of ${name}` }).waitFor({ timeout: 180_000 });
    // The rest of the file is still being read here; wait for it before "use as".
    await page.locator('.status', { hasText: /artifacts? in the worker/ }).waitFor({ timeout: 180_000 });
    const useAsAt = await now();
    await page.getByRole('combobox', { name: `Use ${name} as` }).selectOption('vmlinux');
    await page.locator('.artifact .name', { hasText: /^vmlinux$/ }).waitFor({ timeout: 60_000 });
    const runAllAt = await now();
    await page.getByRole('region', { name: 'Pipeline steps' }).getByRole('button', { name: 'Run all' }).click();
    await page.getByRole('button', { name: /Collect KASLR relocations.*\(done\)/ }).waitFor({ timeout: 300_000 });
    const relocsAt = await now();
    // The worker's own time for the relocs stage, as the timeline shows it.
    const stageText = await page.getByRole('button', { name: /Collect KASLR relocations.*\(done\)/ }).locator('..').textContent();
    const stageMs = parseStageMs(stageText);
    // The rest of Run all (kaslr) still counts for long tasks.
    await page.locator('.status', { hasText: /artifacts? in the worker/ }).waitFor({ timeout: 300_000 });
    const t = await at();
    const sectionsMs = t.table - t.drop;
    const relocsMs = t.relocs - t.runAll;
    const tasks = await page.evaluate((from) => window.__longTasks.filter(([at]) => at >= from), start);
    const longest = tasks.reduce((m, [, d]) => Math.max(m, d), 0);
    const phase = (from, to) => tasks.filter(([at]) => at >= from && at < to).reduce((m, [, d]) => Math.max(m, d), 0).toFixed(0);
    const phases = `open ${phase(start, useAsAt)}, use as ${phase(useAsAt, runAllAt)}, run all to relocs ${phase(runAllAt, relocsAt)}, rest of run all ${phase(relocsAt, Infinity)}`;
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { sectionsMs, relocsMs, stageMs, longest, count: tasks.length, phases };
  } finally {
    await context.close();
  }
}

/** "83 ms" or "1.50 s" in a timeline entry → ms. */
function parseStageMs(text) {
  const m = /(\d+(?:\.\d+)?)\s*(ms|s)\b/.exec(text.replace(/^.*\(done\)/s, ''));
  return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
}

/** Node's time for the steps Run all makes up to relocs, on bytes already in memory, and the relocs
 *  stage's own time as the pipeline records it: `runOnce()` runs them in a fresh process (cold). */
async function prepareNodeRun() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-bench-session-'));
  const outfile = join(dir, 'session.mjs');
  await build({ entryPoints: [join(root, 'src/worker/session.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  const script = join(dir, 'one-run.mjs');
  writeFileSync(script, `
    import { readFileSync } from 'node:fs';
    import { createSession } from ${JSON.stringify(outfile)};
    const file = readFileSync(${JSON.stringify(bigVmlinux)});
    const session = createSession();
    const opened = await session.open('vmlinux', file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
    if (!opened.ok) throw new Error(opened.error.message);
    await session.setKernel('6.1');
    const t0 = process.hrtime.bigint();
    for (;;) {
      const r = await session.step();
      if (!r.ok) throw new Error(r.error.message);
      if (!r.value) throw new Error('the relocs stage never ran');
      if (r.value.stage === 'relocs') break;
    }
    const steps = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ steps, stage: (await session.stages()).find((x) => x.id === 'relocs').ms }));
  `);
  // Without NODE_EXTRA_CA_CERTS, as bin/ldplay.mjs runs (Node would parse that bundle at start).
  const { NODE_EXTRA_CA_CERTS: _certs, ...env } = process.env;
  return {
    runOnce: () => JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8', env })),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

if (!existsSync(chromiumPath)) {
  console.log(`${row.padEnd(34)} skipped: ${chromiumPath} is missing (apt-get install chromium)`);
} else if (requireFile(bigVmlinux, row)) {
  try {
    const m = await measure();
    const node = m.node;
    const ratio = (a, b) => (a / b).toFixed(2);
    const pairRatios = m.stageRatios.map((r) => r.toFixed(2)).join(', ');
    console.log(`${row.padEnd(34)} drop → section table ${(m.sectionsMs / 1000).toFixed(2)} s | ` +
      `Run all click → relocs shown done ${(m.relocsMs / 1000).toFixed(2)} s vs Node session.step() calls up to relocs on loaded bytes ${(node.stepsMs / 1000).toFixed(2)} s (${ratio(m.relocsMs, node.stepsMs)}x) | ` +
      `relocs stage in the worker ${m.stageMs.toFixed(0)} ms vs in Node ${node.stageMs.toFixed(0)} ms (${ratio(m.stageMs, node.stageMs)}x; medians of ${pairs} alternating cold runs; per pair ${pairRatios}, median ${median(m.stageRatios).toFixed(2)}x) | ` +
      `longest main-thread task ${m.longest.toFixed(0)} ms (${m.count} long tasks; longest per phase: ${m.phases} ms)`);
  } catch (e) {
    console.log(`${row.padEnd(34)} failed: ${e.message.split('\n')[0]}`);
  }
}
