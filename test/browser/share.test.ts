// Downloads and shareable links in the built site (Debian's chromium). Downloads: the mini-kernel
// sample linked and run through the 6.1 graph in the page; every artifact's download has the same
// SHA-256 as the file `node bin/ldplay.mjs link` / `pipeline` writes. Links: see the second block.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.ts';
import { buildSite, cspViolations, launchChromium, serveStatic, watchedPage, type StaticServer } from './static-site.ts';

let root: string;
let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ldplay-share-'));
  await buildSite(join(root, 'site'));
  server = await serveStatic(join(root, 'site'));
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cli = (args: string[], cwd = repoRoot) => execFileSync('node', [join(repoRoot, 'bin', 'ldplay.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** Clicks the shown artifact's Download button and returns the saved file's SHA-256. */
export async function downloadShown(page: Page, name: string, timeout = 30_000): Promise<string> {
  await page.locator('.artifact .name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), page.getByRole('button', { name: `Download ${name}`, exact: true }).click()]);
  expect(download.suggestedFilename()).toBe(name);
  return sha256(readFileSync((await download.path())!));
}

describe('downloads', () => {
  it("every artifact of the mini-kernel's 6.1 graph downloads byte-identical to the CLI's files", async () => {
    // The CLI: the sample's ld command, then the post-link graph on its output.
    const sample = JSON.parse(readFileSync(join(repoRoot, 'samples', 'mini-kernel', 'sample.json'), 'utf8')) as { ld: string[] };
    const cliDir = join(root, 'cli');
    mkdirSync(join(cliDir, 'out'), { recursive: true });
    const ld = sample.ld.map((a, i) => (sample.ld[i - 1] === '-o' ? join(cliDir, 'vmlinux.unsorted') : a));
    cli(['link', ...ld], join(repoRoot, 'samples', 'mini-kernel'));
    cli(['pipeline', cliDir, '--kernel=6.1', '-o', join(cliDir, 'out')]);
    const want: Record<string, string> = { 'vmlinux.unsorted': sha256(readFileSync(join(cliDir, 'vmlinux.unsorted'))) };
    for (const n of ['vmlinux', 'System.map', 'vmlinux.relocs']) want[n] = sha256(readFileSync(join(cliDir, 'out', n)));

    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor({ timeout: 60_000 });
    const graph = page.getByRole('group', { name: 'Artifact graph' });
    const got: Record<string, string> = {};
    for (const name of Object.keys(want)) {
      await graph.getByRole('button', { name, exact: true }).click();
      got[name] = await downloadShown(page, name);
    }
    expect(got).toEqual(want);
    // An input downloads as the bytes it was opened from.
    await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    expect(await downloadShown(page, 'kernel.lds')).toBe(sha256(readFileSync(join(repoRoot, 'samples', 'mini-kernel', 'kernel.lds'))));
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
