// End-to-end harness: takes the run's one production build (static-site.ts sharedSite), serves it
// with `vite preview` on a free localhost port, and drives Debian's chromium through playwright-core.
// Collects console errors and failed requests per page so every test can assert there were none.
import type { Browser, Locator, Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { launchChromium, sharedSite } from './static-site.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';

export interface Harness {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export async function startHarness(): Promise<Harness> {
  const { dir: outDir } = await sharedSite();
  const server: PreviewServer = await preview({ root: repoRoot, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  const browser = await launchChromium();
  mkdirSync(screenshotDir, { recursive: true });
  return {
    url: `http://127.0.0.1:${address.port}/`,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A page that records console errors, uncaught exceptions and failed or non-2xx requests. */
export async function openPage(h: Harness, options: { dark?: boolean; width?: number; height?: number; hash?: string } = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await h.browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    colorScheme: options.dark ? 'dark' : 'light',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(h.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) problems.push(`off-origin request: ${r.url()}`); });
  await page.goto(h.url + (options.hash ?? ''));
  return { page, problems };
}

/** Opens `path` through the file input (shown as `name`) and its relocations in `section`
 *  (e.g. '.rela.text'); returns that section's grid. */
export async function openRelocationsOf(page: Page, path: string, name: string, section: string): Promise<Locator> {
  await page.getByRole('table', { name: /^Sections of / }).waitFor();
  await page.locator('input[type=file]').setInputFiles(path);
  await page.locator('.artifact .name', { hasText: name }).waitFor();
  await page.getByRole('tab', { name: /^Relocations/ }).click();
  const select = page.getByRole('combobox', { name: 'Relocation section' });
  const escaped = section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await select.selectOption((await select.locator('option', { hasText: new RegExp(`^${escaped} `) }).getAttribute('value'))!);
  return page.getByRole('grid', { name: `Relocations in ${section}` });
}

/** Opens the sample's kernel.lds in the Monaco script editor; returns the editor. */
export async function openScriptEditor(page: Page): Promise<Locator> {
  await page.getByRole('table', { name: /^Sections of / }).waitFor();
  await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
  await page.getByRole('tab', { name: 'Script editor' }).click();
  const editor = page.locator('.monaco-editor');
  await editor.waitFor({ timeout: 30_000 });
  return editor;
}

/** On the first page (the mini-kernel sample), runs its link ('link') or every step ('all') and waits
 *  until that is done. */
export async function runMiniKernel(page: Page, until: 'link' | 'all'): Promise<void> {
  await page.getByRole('table', { name: /^Sections of / }).waitFor();
  const steps = page.getByRole('region', { name: 'Pipeline steps' });
  if (until === 'link') {
    await steps.getByRole('button', { name: 'Step forward' }).click();
    await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
  } else {
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor();
  }
}
