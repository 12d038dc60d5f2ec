// Opening Debian's 632 MB vmlinux in the built playground: the worker reads the headers first, so
// the section table is on screen while the rest of the file is still being read. Asserted on state
// at the moment the table's rows first appear (a MutationObserver in the page records it), never on
// wall time: the progress strip still says "Reading …" below 100 %, the title says headers only,
// and views that need the whole file wait. Then the load completes (same rows, symbols searchable),
// and a second drop is cancelled from that same moment and leaves nothing half-open. The Symbols tab,
// clicked at that moment, shows that it waits for the whole file, and becomes the table once read.
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigVmlinux, hasBigVmlinux, runTool } from '../helpers.ts';
import { openPage, screenshotDir, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => { if (hasBigVmlinux) h = await startHarness(); }, 180_000);
afterAll(async () => { await h?.close(); });

if (!hasBigVmlinux) console.log(`open-headers-first: skipped, ${bigVmlinux} is absent (scripts/fetch-corpus.sh fetches it)`);

interface FirstSight {
  rows: number;
  progressLabel: string | null;
  progressNow: number | null;
  headersOnly: boolean;
  download: boolean;
  cancelled: boolean;
  /** After the Symbols tab is clicked at first sight: its waiting text, while the read still runs. */
  symbolsWhileLoading?: { text: string; progress: boolean; grid: boolean };
}

/** Records the page's state when the section table of `name` first has rows; then clicks the task
 *  strip's Cancel right away (`cancel`) or the Symbols tab, recording what that view shows. */
function watchFirstSight(page: Page, name: string, cancel: boolean): Promise<void> {
  return page.evaluate(({ name, cancel }) => {
    const w = window as unknown as { __firstSight?: FirstSight };
    delete w.__firstSight;
    const look = () => {
      if (w.__firstSight) {
        const waiting = document.querySelector('#view .waiting');
        if (!waiting) return;
        w.__firstSight.symbolsWhileLoading = {
          text: waiting.textContent ?? '',
          progress: !!document.querySelector('[role=progressbar]'),
          grid: !!document.querySelector(`[role=grid][aria-label="Symbols of ${name}"]`),
        };
        observer.disconnect();
        return;
      }
      const rows = document.querySelectorAll(`table[aria-label="Sections of ${name}"] tbody tr`).length;
      if (!rows) return;
      const bar = document.querySelector('[role=progressbar]');
      w.__firstSight = {
        rows,
        progressLabel: bar?.getAttribute('aria-label') ?? null,
        progressNow: bar?.hasAttribute('aria-valuenow') ? Number(bar.getAttribute('aria-valuenow')) : null,
        headersOnly: /headers only/.test(document.querySelector('.artifact .title')?.textContent ?? ''),
        download: !!document.querySelector('.artifact button.download'),
        cancelled: false,
      };
      if (cancel) {
        const button = [...document.querySelectorAll<HTMLButtonElement>('.status button')].find((b) => b.textContent === 'Cancel');
        button?.click();
        w.__firstSight.cancelled = !!button;
        observer.disconnect();
      } else document.querySelector<HTMLButtonElement>('#tab-symbols')?.click();
    };
    const observer = new MutationObserver(look);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
  }, { name, cancel });
}

const firstSight = async (page: Page) => {
  await page.waitForFunction(() => !!(window as unknown as { __firstSight?: unknown }).__firstSight, null, { timeout: 120_000 });
  return page.evaluate(() => (window as unknown as { __firstSight: FirstSight }).__firstSight);
};

describe('headers-first open of a 632 MB vmlinux', () => {
  it.runIf(hasBigVmlinux)('shows the section table while the file is still loading, then completes', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const name = basename(bigVmlinux);
    const want = runTool('readelf', ['-SW', bigVmlinux]).split('\n').filter((l) => /^\s*\[\s*\d+\]/.test(l)).length;

    await watchFirstSight(page, name, false);
    await page.locator('input[type=file]').setInputFiles(bigVmlinux);
    const seen = await firstSight(page);
    await page.screenshot({ path: join(screenshotDir, 'open-headers-first.png') });
    expect(seen.rows).toBe(want);
    expect(seen.progressLabel).toBe(`Reading ${name}`);
    expect(seen.progressNow).not.toBeNull();
    expect(seen.progressNow!).toBeLessThan(100);
    expect(seen.headersOnly).toBe(true);
    expect(seen.download).toBe(false);
    // The symbols view, asked for while the rest is read, says it waits instead of showing a table.
    await expect.poll(() => page.evaluate(() => (window as unknown as { __firstSight: FirstSight }).__firstSight.symbolsWhileLoading), { timeout: 60_000 }).toBeDefined();
    const symbols = (await page.evaluate(() => (window as unknown as { __firstSight: FirstSight }).__firstSight.symbolsWhileLoading))!;
    expect(symbols.text).toMatch(/^Loading .*needs the whole file/);
    expect(symbols.progress).toBe(true);
    expect(symbols.grid).toBe(false);

    // Once read: no progress strip, no "headers only", the Symbols tab (still chosen) searchable, and
    // the same section rows.
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 120_000 }).toMatch(/artifacts? in the worker/);
    await expect.poll(() => page.locator('.artifact .title').textContent()).not.toMatch(/headers only/);
    expect(await page.getByRole('tab', { name: /^Symbols/ }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('do_sys_open');
    await page.getByRole('grid', { name: `Symbols of ${name}` }).getByRole('gridcell', { name: 'do_sys_open', exact: true }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(screenshotDir, 'open-headers-first-loaded.png') });
    await page.getByRole('tab', { name: /^Sections/ }).click();
    expect(await page.getByRole('table', { name: `Sections of ${name}` }).locator('tbody tr').count()).toBe(want);
    expect(problems).toEqual([]);
  });

  it.runIf(hasBigVmlinux)('Cancel while the rest is loading takes the headers-only entry back', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const before = await page.locator('.artifact .name').textContent();
    const name = basename(bigVmlinux);
    await watchFirstSight(page, name, true);
    await page.locator('input[type=file]').setInputFiles(bigVmlinux);
    const seen = await firstSight(page);
    expect(seen.progressLabel).toBe(`Reading ${name}`);
    expect(seen.cancelled).toBe(true);
    await page.locator('.banner.notice', { hasText: /^Cancelled\.(?! The worker)/ }).waitFor();
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/artifacts? in the worker/);
    expect(await page.getByRole('table', { name: `Sections of ${name}` }).count()).toBe(0);
    expect(await page.locator('.artifact .name').textContent()).toBe(before);
    await page.screenshot({ path: join(screenshotDir, 'open-headers-first-cancelled.png') });
    expect(problems).toEqual([]);
  });
});
