// The production build on a plain static host under a sub-path: dist/ copied to <tmp>/a/b/ and
// served by `python3 -m http.server` from <tmp>. The page loads (workers, wasm, samples relative
// to the base), links a sample and opens Monaco; a redeploy (new precache version) replaces the
// service worker's cache on the next online visit; then with the server stopped a reload restores
// the session and a new tab links again, served by public/sw.js from its precache.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, launchChromium, serveStatic, sharedSite, watchedPage, type StaticServer } from './static-site.ts';

let root: string;
let files: string[];
let browser: Browser;
let server: StaticServer | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ldplay-deploy-'));
  const built = await sharedSite();
  files = built.files;
  mkdirSync(join(root, 'site', 'a'), { recursive: true });
  cpSync(built.dir, join(root, 'site', 'a', 'b'), { recursive: true });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function linkMiniKernel(page: Page): Promise<void> {
  await page.getByRole('table', { name: /^Sections of / }).waitFor();
  const steps = page.getByRole('region', { name: 'Pipeline steps' });
  await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
  await steps.getByRole('button', { name: 'Step forward' }).click();
  await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
  await page.getByRole('table', { name: 'Sections of vmlinux.unsorted' }).waitFor();
}

describe('static deploy', () => {
  it('runs from a sub-path of a plain static server, then offline from the service worker', async () => {
    server = await serveStatic(join(root, 'site'));
    const url = `${server.origin}/a/b/`;
    const { page, problems, requests } = await watchedPage(browser);
    await page.goto(url);
    await linkMiniKernel(page);
    // Monaco and its editor worker load from the sub-path too.
    await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    await page.getByRole('tab', { name: 'Script editor' }).click();
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    await expect.poll(() => requests.some((r) => /\/a\/b\/assets\/editor\.worker-[\w-]+\.js$/.test(r.url))).toBe(true);
    // Every request stayed under /a/b/ (relative base) and named a built file.
    const outside = requests.filter((r) => !r.url.startsWith(url));
    expect(outside).toEqual([]);
    const known = new Set(['', 'sw.js', 'precache.json', ...files]);
    expect(requests.map((r) => r.url.slice(url.length).replace(/[?#].*$/, '')).filter((p) => !known.has(p))).toEqual([]);
    // The worker bundle and a sample object were among them (relative URLs resolved under /a/b/).
    expect(requests.some((r) => /\/a\/b\/assets\/elf-worker-[\w-]+\.js$/.test(r.url))).toBe(true);
    expect(requests.some((r) => /\/a\/b\/assets\/[\w-]+\.o$/.test(r.url))).toBe(true);

    // The service worker installed and holds every built file.
    const cached = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const keys = (await caches.keys()).filter((k) => /^ldplay-[0-9a-f]+$/.test(k));
      const urls = keys.length === 1 ? (await (await caches.open(keys[0])).keys()).map((r) => r.url) : [];
      return { keys, urls, scope: (await navigator.serviceWorker.getRegistration())?.scope };
    });
    expect(cached.keys.length).toBe(1);
    expect(cached.scope).toBe(url);
    expect(new Set(cached.urls)).toEqual(new Set([url, ...files.map((f) => url + f)]));

    // A new deploy (new index.html and precache version): an online visit replaces the old cache.
    const site = join(root, 'site', 'a', 'b');
    const manifest = JSON.parse(readFileSync(join(site, 'precache.json'), 'utf8')) as { version: string; files: string[] };
    writeFileSync(join(site, 'index.html'), readFileSync(join(site, 'index.html'), 'utf8').replace('</body>', '<!-- redeployed --></body>'));
    writeFileSync(join(site, 'precache.json'), JSON.stringify({ ...manifest, version: 'feedface' }));
    await page.reload();
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.evaluate(() => caches.keys()), { timeout: 30_000 }).toEqual(['ldplay-feedface']);
    expect(await page.evaluate(async (u) => (await (await caches.match(u))!.text()).includes('<!-- redeployed -->'), url)).toBe(true);

    await server.stop();
    server = undefined;
    await expect(fetch(url)).rejects.toThrow();
    // The address bar's link restores the same session offline: the link re-run, the script in Monaco.
    await page.reload();
    await page.getByRole('region', { name: 'Pipeline steps' }).getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    expect(await page.locator('.artifact .name').textContent()).toBe('kernel.lds');
    // A fresh tab in the same browser profile opens offline too, and links there.
    const again = await page.context().newPage();
    await again.goto(url);
    await linkMiniKernel(again);
    expect(await cspViolations(page)).toEqual([]);
    // Pages are network-first: the worker tried the (stopped) server once per navigation, then used its cache.
    const offlineTry = `request failed: ${url} net::ERR_CONNECTION_REFUSED`;
    expect(problems.filter((p) => p === offlineTry).length).toBe(2);
    expect(problems.filter((p) => p !== offlineTry)).toEqual([]);
  });
});
