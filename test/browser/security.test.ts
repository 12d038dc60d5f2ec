// The built site keeps everything in the tab: its Content-Security-Policy forbids remote scripts
// and connections, a full session (sample link, Monaco, symbol search, a user's file) triggers no
// CSP violation and requests nothing but the site's own built files, and no UI code renders
// file-derived text as HTML.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tiny } from '../helpers.ts';
import { cspViolations, serveSharedSite, watchedPage, type ServedSite, type StaticServer } from './static-site.ts';

let files: string[];
let browser: Browser;
let server: StaticServer;
let site: ServedSite | undefined;

beforeAll(async () => {
  site = await serveSharedSite();
  ({ server, browser, files } = site);
}, 180_000);
afterAll(async () => { await site?.close(); });

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(svelte|ts|js)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

describe('security', () => {
  it('no UI or worker code renders text as HTML', () => {
    const files = [...sourceFiles(join(repoRoot, 'src', 'ui')), ...sourceFiles(join(repoRoot, 'src', 'worker'))];
    expect(files.length).toBeGreaterThan(20);
    const hits = files.flatMap((f) => readFileSync(f, 'utf8').split('\n')
      .map((line, i) => (/\{@html\b|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write\b/.test(line) ? `${f}:${i + 1}: ${line.trim()}` : ''))
      .filter(Boolean));
    expect(hits).toEqual([]);
  });

  it('the policy blocks remote scripts and connections (and the listener sees it)', async () => {
    const { context, page } = await watchedPage(browser);
    await context.route((u) => !u.href.startsWith(server.origin), (r) => r.abort());
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    expect(csp).not.toMatch(/https?:|\*/);
    // A string, so the test runner's module transform leaves the dynamic import alone.
    const outcome = await page.evaluate(`(async () => ({
      fetched: await fetch('https://example.org/leak').then(() => 'sent', () => 'blocked'),
      imported: await import('https://example.org/x.js').then(() => 'ran', () => 'blocked'),
    }))()`);
    expect(outcome).toEqual({ fetched: 'blocked', imported: 'blocked' });
    await expect.poll(async () => (await cspViolations(page)).map((v) => v.split(' ')[0]).sort()).toEqual(['connect-src', 'script-src-elem']);
    await context.close();
  });

  it('a whole session makes no CSP violation and requests only the site\'s own files', async () => {
    const { context, page, problems, requests } = await watchedPage(browser);
    const base = `${server.origin}/`;
    await page.goto(base);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor({ timeout: 60_000 });
    // Monaco (its chunk, CSS, fonts and editor worker) on the sample's linker script.
    await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    await page.getByRole('tab', { name: 'Script editor' }).click();
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.type('/* typed */');
    // A user's file, searched.
    await page.locator('input[type=file]').setInputFiles(tiny('expected', 'vmlinux.unstripped'));
    await page.getByRole('table', { name: 'Sections of vmlinux.unstripped' }).waitFor();
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('start_kernel');
    await page.getByRole('gridcell', { name: 'start_kernel', exact: true }).waitFor();

    expect(await cspViolations(page)).toEqual([]);
    const known = new Set(['', 'sw.js', 'precache.json', ...files]);
    const foreign = requests.filter((r) => !(r.method === 'GET' && r.url.startsWith(base) && known.has(r.url.slice(base.length).replace(/[?#].*$/, ''))));
    expect(foreign).toEqual([]);
    expect(requests.some((r) => /editor\.worker-[\w-]+\.js$/.test(r.url))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
