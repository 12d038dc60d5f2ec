// Downloads and shareable links in the built site (Debian's chromium). Downloads: the mini-kernel
// sample linked and run through the 6.1 graph in the page; every artifact's download has the same
// SHA-256 as the file `node bin/ldplay.mjs link` / `pipeline` writes. Links: a state per sample, an
// edited-script session and a user-files session each reopen in a fresh browser context with the
// same steps, view, search, row and artifact bytes; hostile links open the default sample and say why.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { decodeState, encodeState, toBase64Url } from '../../src/ui/url/codec.ts';
import { defaultState, type PlaygroundState } from '../../src/ui/url/state.ts';
import { ldMapInternal, readLdMap, repoRoot, tiny } from '../helpers.ts';
import { cspViolations, serveSharedSite, watchedPage, type ServedSite, type StaticServer } from './static-site.ts';

let root: string;
let browser: Browser;
let server: StaticServer;
let site: ServedSite | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ldplay-share-'));
  site = await serveSharedSite();
  ({ server, browser } = site);
}, 180_000);
afterAll(async () => {
  await site?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cli = (args: string[], cwd = repoRoot) => execFileSync('node', [join(repoRoot, 'bin', 'ldplay.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** Opens the page on the default mini-kernel sample and runs its whole 6.1 graph. */
async function runMiniKernelGraph(page: Page): Promise<void> {
  await page.goto(`${server.origin}/`);
  await page.getByRole('table', { name: /^Sections of / }).waitFor();
  const steps = page.getByRole('region', { name: 'Pipeline steps' });
  await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
  await steps.getByRole('button', { name: 'Run all' }).click();
  await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor({ timeout: 60_000 });
}

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
    await runMiniKernelGraph(page);
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

interface Shown {
  sample: string;
  steps: string[];
  artifact: string;
  tab: string;
  filter: string | null;
  row: string | null;
  open: string;
}

/** What the page shows: sample, each step's status (and the current one), artifact, view, search, row. */
async function shown(page: Page): Promise<Shown> {
  const search = page.getByRole('searchbox', { name: 'Search symbols' });
  return {
    sample: (await page.getByRole('button', { name: /^Sample:/ }).textContent())!.trim(),
    steps: await page.locator('.stepper li.step').evaluateAll((lis) => lis.map((li) => `${li.querySelector('.title')!.textContent}|${[...li.classList].filter((c) => c !== 'step' && !c.startsWith('svelte-')).sort().join(' ')}`)),
    artifact: (await page.locator('.artifact .name').textContent())!.trim(),
    tab: (await page.getByRole('tab', { selected: true }).textContent())!.trim(),
    filter: (await search.count()) ? await search.inputValue() : null,
    row: (await page.locator('[role=grid] [aria-selected=true]').count()) ? await page.locator('[role=grid] [aria-selected=true]').first().getAttribute('aria-rowindex') : null,
    open: (await page.locator('.status').textContent())!.trim(),
  };
}

/** Waits until the page has settled on a view (no task running, a view rendered). */
async function settled(page: Page): Promise<void> {
  await page.locator('.artifact .name').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('.status .dim').count(), { timeout: 60_000 }).toBe(1);
}

/** Opens `link` in a fresh context and checks it shows what `want` showed, with the same bytes. */
async function reopen(link: string, want: Shown, wantSha: string): Promise<Page> {
  const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
  await page.goto(link);
  await settled(page);
  if (want.row !== null) await page.locator(`[role=grid] [aria-selected=true][aria-rowindex="${want.row}"]`).waitFor();
  expect(await shown(page)).toEqual(want);
  expect(await downloadShown(page, want.artifact)).toBe(wantSha);
  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  return page;
}

const samplesIndex = JSON.parse(readFileSync(join(repoRoot, 'samples', 'index.json'), 'utf8')) as { samples: { id: string }[] };
const sampleIds = samplesIndex.samples.map((x) => x.id);

describe('shareable links', () => {
  it('every sample: a linked step, view and row reopen identically in a fresh context', async () => {
    for (const id of sampleIds) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'samples', id, 'sample.json'), 'utf8')) as { inputs: string[] };
      const state: PlaygroundState = { ...defaultState(id), options: { kernel: '6.15' }, step: 1, view: { artifact: manifest.inputs.at(-1)!, pane: 'symbols', row: '1' } };
      const link = `${server.origin}/#${encodeState(state)}`;
      expect(link.length, id).toBeLessThan(2048);
      const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
      await page.goto(link);
      await settled(page);
      await page.locator('[role=grid] [aria-selected=true][aria-rowindex="3"]').waitFor();
      const seen = await shown(page);
      expect(seen.sample, id).toContain(id);
      expect(seen.artifact, id).toBe(state.view.artifact);
      expect(seen.tab, id).toMatch(/^Symbols/);
      expect(seen.steps[0], id).toMatch(/\|(current )?(up-to-date|failed)( current)?$/);
      expect(seen.steps[0], id).toContain('current');
      // The page keeps the address bar a link to exactly the state it opened.
      expect(decodeState(new URL(page.url()).hash), id).toEqual(state);
      const sha = await downloadShown(page, seen.artifact);
      expect(sha, id).toBe(sha256(readFileSync(join(repoRoot, 'samples', id, seen.artifact))));
      expect(problems, id).toEqual([]);
      await page.context().close();
      await (await reopen(link, seen, sha)).context().close();
    }
  });

  it('an edited script, the 6.1 graph run to the end, a symbol search and a selected row travel in "Copy link"', async () => {
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    await page.getByRole('tab', { name: 'Script editor' }).click();
    const editor = page.locator('.monaco-editor');
    await editor.locator('.view-lines').waitFor({ timeout: 30_000 });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nldplay_shared_mark = 0x1234;\n');
    await page.getByRole('button', { name: 'Relink' }).click();
    await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux', exact: true }).click();
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('ldplay_shared');
    const grid = page.getByRole('grid', { name: 'Symbols of vmlinux' });
    // Sorted by value, descending (two clicks on the header), then the mark selected.
    await grid.getByRole('columnheader', { name: /^Value/ }).getByRole('button').click();
    await grid.getByRole('columnheader', { name: /^Value/ }).getByRole('button').click();
    await expect.poll(() => grid.getByRole('columnheader', { name: /^Value/ }).getAttribute('aria-sort')).toBe('descending');
    // Until the sorted rows are in, a click lands on the old order (and the new rows reset it).
    await expect.poll(() => grid.getAttribute('aria-busy')).toBe('false');
    await grid.getByRole('gridcell', { name: 'ldplay_shared_mark', exact: true }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    const state = decodeState(new URL(link).hash);
    expect(state.script).toContain('ldplay_shared_mark = 0x1234;');
    expect(state.view).toEqual({ artifact: 'vmlinux', pane: 'symbols', filter: 'ldplay_shared', row: '0', sort: { column: 'value', descending: true } });
    const seen = await shown(page);
    expect(seen.row).toBe('2');
    const sha = await downloadShown(page, 'vmlinux');
    expect(problems).toEqual([]);
    const again = await reopen(link, seen, sha);
    expect(await again.getByRole('columnheader', { name: /^Value/ }).getAttribute('aria-sort')).toBe('descending');
    // The edited script itself came along.
    await again.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    const edited = await downloadShown(again, 'kernel.lds');
    await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    expect(edited).toBe(await downloadShown(page, 'kernel.lds'));
    await again.context().close();
    await page.context().close();
  });

  it('a selected relocation travels in "Copy link": the same section, row, bytes and disassembly reopen', async () => {
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await runMiniKernelGraph(page);
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.unsorted', exact: true }).click();
    await page.getByRole('tab', { name: /^Relocations/ }).click();
    const sectionPicker = page.getByRole('combobox', { name: 'Relocation section' });
    const rela = await sectionPicker.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent! })));
    const text = rela.find((o) => o.text.startsWith('.rela.text '))!;
    expect(text, JSON.stringify(rela)).toBeDefined();
    await sectionPicker.selectOption(text.value);
    const grid = page.getByRole('grid', { name: 'Relocations in .rela.text' });
    await grid.locator('[role=row][aria-rowindex="6"]').click();
    await grid.locator('[role=row][aria-selected=true][aria-rowindex="6"]').waitFor();
    const caption = (await page.locator('.caption').textContent())!.trim();
    expect(caption).toMatch(/^R_X86_64_\w+ at /);
    const region = page.getByRole('region', { name: /^Disassembly/ });
    await expect.poll(async () => (await region.count()) && !/Decoding/.test((await region.textContent())!)).toBeTruthy();
    const disassembly = (await region.textContent())!;
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    expect(decodeState(new URL(link).hash).view).toEqual({ artifact: 'vmlinux.unsorted', pane: 'relocations', row: `${text.value}:4` });
    expect(problems).toEqual([]);

    const { page: again, problems: againProblems } = await watchedPage(browser, { acceptDownloads: true });
    await again.goto(link);
    const againGrid = again.getByRole('grid', { name: 'Relocations in .rela.text' });
    await againGrid.locator('[role=row][aria-selected=true][aria-rowindex="6"]').waitFor({ timeout: 60_000 });
    expect(await again.getByRole('combobox', { name: 'Relocation section' }).inputValue()).toBe(text.value);
    await expect.poll(async () => (await again.locator('.caption').textContent())!.trim()).toBe(caption);
    await expect.poll(() => again.getByRole('region', { name: /^Disassembly/ }).textContent()).toBe(disassembly);
    await again.screenshot({ path: join(repoRoot, 'test-results', 'screenshots', 'share-relocation.png') });
    // A link to a relocation past the section's end says so instead of selecting another one.
    const far = decodeState(new URL(link).hash);
    far.view.row = `${text.value}:999999`;
    await again.goto(`${server.origin}/#${encodeState(far)}`);
    await again.getByRole('alert').filter({ hasText: /relocation #999999 is past the end of this section/ }).waitFor({ timeout: 60_000 });
    expect(againProblems).toEqual([]);
    await again.context().close();
    await page.context().close();
  });

  it('the link map shows where GNU ld\'s map puts each input section, and a searched, selected row travels in "Copy link"', async () => {
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await runMiniKernelGraph(page);
    // The link's pass list leads to the views of what each pass did: placeSections to the link map.
    const passes = page.getByRole('list', { name: 'Passes of link' });
    await passes.getByRole('button', { name: 'placeSections' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Link map' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.artifact .name').textContent()).toBe('vmlinux.unsorted');
    // GNU ld's -Map of the same link: each placed input section's output section and address.
    const sample = join(repoRoot, 'samples', 'mini-kernel');
    const { ld } = JSON.parse(readFileSync(join(sample, 'sample.json'), 'utf8')) as { ld: string[] };
    execFileSync('ld', [...ld.map((a, i) => (ld[i - 1] === '-o' ? join(root, 'mk.out') : a)), '-Map', join(root, 'mk.map')], { cwd: sample });
    const { placed, discarded } = readLdMap(join(root, 'mk.map'));
    const map = { placed: placed.filter((p) => !ldMapInternal(p)), discarded };
    const grid = page.getByRole('grid', { name: 'Input sections of vmlinux.unsorted' });
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe(String(map.placed.length + map.discarded.length + 1));
    const cells = await grid.locator('[role=row][aria-rowindex]').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent!.trim())));
    const shown = cells.filter((c) => c.length === 6 && c[2] !== '—').map(([, output, address, , section, file]) => `${file} ${section} ${output} ${address}`);
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.sort()).toEqual(map.placed.map((p) => `${p.file} ${p.section} ${p.output} ${p.address.toString(16).padStart(16, '0')}`).sort());
    // Search main.o's, pick the third, copy the link.
    await page.getByRole('searchbox', { name: 'Search the link map' }).fill('main.o');
    await page.getByRole('status').filter({ hasText: /matching/ }).waitFor();
    await grid.locator('[role=row][aria-rowindex="4"]').click();
    await grid.locator('[role=row][aria-selected=true][aria-rowindex="4"]').waitFor();
    const caption = (await page.locator('.caption').textContent())!.trim();
    expect(caption).toMatch(/^main\.o's \S+ went to \S+ at [0-9a-f]{16}/);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    // resolveSymbols leads to the symbol sources, applyRelocations to the relocation table.
    await passes.getByRole('button', { name: 'resolveSymbols' }).click();
    await page.getByRole('grid', { name: 'Symbol sources of vmlinux.unsorted' }).waitFor();
    await passes.getByRole('button', { name: 'applyRelocations' }).click();
    await page.getByRole('combobox', { name: 'Relocation section' }).waitFor();
    expect(decodeState(new URL(link).hash).view).toEqual({ artifact: 'vmlinux.unsorted', pane: 'linkmap', filter: 'main.o', row: 'sections:2' });
    const { page: again, problems: againProblems } = await watchedPage(browser, { acceptDownloads: true });
    await again.goto(link);
    await again.getByRole('grid', { name: 'Input sections of vmlinux.unsorted' }).locator('[role=row][aria-selected=true][aria-rowindex="4"]').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await again.locator('.caption').textContent())!.trim()).toBe(caption);
    expect(await again.getByRole('searchbox', { name: 'Search the link map' }).inputValue()).toBe('main.o');
    // The symbol sources list: the script's own symbols say so.
    await again.getByRole('button', { name: /^Symbol sources/ }).click();
    await again.getByRole('searchbox', { name: 'Search the link map' }).fill('__start___ex_table');
    const symbols = again.getByRole('grid', { name: 'Symbol sources of vmlinux.unsorted' });
    await expect.poll(() => symbols.locator('[role=row][aria-rowindex="2"]').textContent()).toMatch(/__start___ex_table\s*global\s*\(linker script\)\s*__ex_table/);
    await symbols.locator('[role=row][aria-rowindex="2"]').click();
    await again.screenshot({ path: join(repoRoot, 'test-results', 'screenshots', 'share-link-map.png') });
    await again.getByRole('button', { name: 'show it in Symbols' }).click();
    await expect.poll(() => again.getByRole('searchbox', { name: 'Search symbols' }).inputValue()).toBe('__start___ex_table');
    await expect.poll(() => again.getByRole('grid', { name: /^Symbols of vmlinux\.unsorted/ }).locator('[role=row][aria-rowindex="2"]').textContent()).toMatch(/__start___ex_table/);
    expect(problems).toEqual([]);
    expect(againProblems).toEqual([]);
    await again.context().close();
    await page.context().close();
  });

  it('find in System.map goes from match to match as grep lists them, and the line travels in "Copy link"', async () => {
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await runMiniKernelGraph(page);
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'System.map', exact: true }).click();
    // The map as the page has it (downloaded), searched the way grep -i -F does.
    await page.locator('.artifact .name', { hasText: /^System\.map$/ }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download System.map', exact: true }).click()]);
    await download.saveAs(join(root, 'System.map.find'));
    const text = readFileSync(join(root, 'System.map.find'), 'latin1');
    const want = text.split('\n').map((l, i) => [l, i] as const).filter(([l]) => l.toLowerCase().includes('_ex_table')).map(([, i]) => i);
    expect(want.length).toBeGreaterThan(1);
    const find = page.getByRole('searchbox', { name: 'Find in System.map' });
    await find.fill('_EX_TABLE');
    const current = page.locator('.line[aria-current=true] .no');
    for (const i of [...want, want[0]]) {
      await find.press('Enter');
      await expect.poll(() => current.textContent()).toBe(String(i + 1));
    }
    await find.press('Shift+Enter');
    await expect.poll(() => current.textContent()).toBe(String(want[want.length - 1] + 1));
    await page.getByRole('status').filter({ hasText: `match ${want.length} of ${want.length} lines` }).waitFor();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    expect(decodeState(new URL(link).hash).view).toEqual({ artifact: 'System.map', pane: 'text', filter: '_EX_TABLE', row: String(want[want.length - 1]) });
    const { page: again, problems: againProblems } = await watchedPage(browser, { acceptDownloads: true });
    await again.goto(link);
    await expect.poll(() => again.locator('.line[aria-current=true] .no').textContent(), { timeout: 60_000 }).toBe(String(want[want.length - 1] + 1));
    expect(await again.getByRole('searchbox', { name: 'Find in System.map' }).inputValue()).toBe('_EX_TABLE');
    await again.screenshot({ path: join(repoRoot, 'test-results', 'screenshots', 'share-text-find.png') });
    expect(problems).toEqual([]);
    expect(againProblems).toEqual([]);
    await again.context().close();
    await page.context().close();
  });

  it('a kernel table entry travels in "Copy link": the same table and entry reopen', async () => {
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await runMiniKernelGraph(page);
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux', exact: true }).click();
    await page.getByRole('tab', { name: 'Kernel tables' }).click();
    await page.getByRole('button', { name: /^ORC/ }).click();
    const grid = page.getByRole('grid', { name: 'ORC table of vmlinux' });
    await grid.locator('[role=row][aria-rowindex="4"]').click();
    await grid.locator('[role=row][aria-selected=true][aria-rowindex="4"]').waitFor();
    const caption = (await page.locator('.caption').textContent())!.trim();
    expect(caption).toMatch(/^Entry #2: at [0-9a-f]{16} /);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    expect(decodeState(new URL(link).hash).view).toEqual({ artifact: 'vmlinux', pane: 'tables', row: 'orc:2' });
    const { page: again, problems: againProblems } = await watchedPage(browser, { acceptDownloads: true });
    await again.goto(link);
    await again.getByRole('grid', { name: 'ORC table of vmlinux' }).locator('[role=row][aria-selected=true][aria-rowindex="4"]').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await again.locator('.caption').textContent())!.trim()).toBe(caption);
    expect(problems).toEqual([]);
    expect(againProblems).toEqual([]);
    await again.context().close();
    await page.context().close();
  });

  it('links the user\'s own objects with a typed ld command, like the CLI, and the command travels in the link', async () => {
    const dir = join(repoRoot, 'samples', 'two-files');
    const cliOut = join(root, 'two-files.cli');
    cli(['link', '-o', cliOut, 'start.o', 'main.o', 'greet.o'], dir);
    const want = sha256(readFileSync(cliOut));
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles(['start.o', 'main.o', 'greet.o'].map((n) => join(dir, n)));
    await page.locator('.artifact .name', { hasText: 'greet.o' }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    const command = steps.getByRole('textbox', { name: 'Link command (ld arguments)' });
    // A broken command says what is wrong and changes nothing.
    await command.fill(`-o two-files "start.o`);
    await steps.getByRole('button', { name: 'Set link command' }).click();
    await page.getByRole('alert').filter({ hasText: /unterminated " quote at column 14/ }).waitFor();
    await command.fill('ld -o two-files start.o main.o greet.o');
    await steps.getByRole('button', { name: 'Set link command' }).click();
    await steps.getByRole('button', { name: /^Link \(ld\)/ }).waitFor();
    // The kernel graph's link step is there before the command is set: wait for the new one.
    await expect.poll(() => steps.locator('.io').first().textContent()).toBe('start.o + main.o + greet.o → two-files');
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'two-files', exact: true }).click();
    expect(await downloadShown(page, 'two-files')).toBe(want);
    await page.screenshot({ path: join(repoRoot, 'test-results', 'screenshots', 'own-link-command.png') });
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    expect(decodeState(new URL(link).hash).options.ld).toBe('ld -o two-files start.o main.o greet.o');
    expect(problems.filter((p) => !/unterminated/.test(p))).toEqual([]);

    const { page: again, problems: againProblems } = await watchedPage(browser, { acceptDownloads: true });
    await again.goto(link);
    const againSteps = again.getByRole('region', { name: 'Pipeline steps' });
    await againSteps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor({ timeout: 60_000 });
    expect(await againSteps.getByRole('textbox', { name: 'Link command (ld arguments)' }).inputValue()).toBe('ld -o two-files start.o main.o greet.o');
    await again.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'two-files', exact: true }).click();
    expect(await downloadShown(again, 'two-files')).toBe(want);
    expect(againProblems).toEqual([]);
    await again.context().close();
    await page.context().close();
  });

  it('a static library the user drops is linked by need through the typed command; a damaged one is refused with its offset', async () => {
    const dir = join(repoRoot, 'samples', 'two-files');
    const lib = join(root, 'libgreet.a');
    execFileSync('ar', ['rcs', lib, join(dir, 'greet.o')]);
    const cliOut = join(root, 'with-lib.cli');
    cli(['link', '-o', cliOut, 'start.o', 'main.o', lib], dir);
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles([join(dir, 'start.o'), join(dir, 'main.o'), lib]);
    await page.locator('.banner.notice', { hasText: /libgreet\.a is a static library \(ar archive\) of 1 member \(greet\.o\) with 2 symbols in its index/ }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('textbox', { name: 'Link command (ld arguments)' }).fill('-o prog start.o main.o libgreet.a');
    await steps.getByRole('button', { name: 'Set link command' }).click();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'prog', exact: true }).click();
    expect(await downloadShown(page, 'prog')).toBe(sha256(readFileSync(cliOut)));
    // A truncated member header: the reader's ElfFormatError names the file and offset.
    const cut = join(root, 'libcut.a');
    writeFileSync(cut, readFileSync(lib).subarray(0, 8 + 30));
    await page.locator('input[type=file]').setInputFiles(cut);
    await page.getByRole('alert').filter({ hasText: /libcut\.a/ }).filter({ hasText: /offset 0x8/ }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a link to the user's own files embeds small ones and asks for large ones again, checking their SHA-256", async () => {
    const { page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const names = ['vmlinux.o', 'version-timestamp.o', 'vmlinux.lds'];
    await page.locator('input[type=file]').setInputFiles(names.map((n) => tiny('inputs', n)));
    await page.locator('.artifact .name', { hasText: 'vmlinux.lds' }).waitFor();
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.o', exact: true }).click();
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('start_kernel');
    await page.getByRole('grid', { name: 'Symbols of vmlinux.o' }).getByRole('gridcell', { name: 'start_kernel', exact: true }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: /Link copied|The link is in the address bar/ }).waitFor();
    const link = page.url();
    const state = decodeState(new URL(link).hash);
    expect(state.input.kind).toBe('files');
    const files = state.input.kind === 'files' ? state.input.files : [];
    expect(files.map((f) => [f.name, 'bytes' in f ? 'embedded' : 'referenced'])).toEqual([['head.o', 'embedded'], ['main.o', 'embedded'], ['kernel.lds', 'embedded'], ['vmlinux.o', 'referenced'], ['version-timestamp.o', 'embedded'], ['vmlinux.lds', 'embedded']]);
    expect(files[3]).toMatchObject({ size: readFileSync(tiny('inputs', 'vmlinux.o')).length, sha256: sha256(readFileSync(tiny('inputs', 'vmlinux.o'))) });
    const seen = await shown(page);
    const sha = await downloadShown(page, 'vmlinux.o');
    expect(problems).toEqual([]);

    const { page: again, problems: againProblems } = await watchedPage(browser, { acceptDownloads: true });
    await again.goto(link);
    const request = again.getByRole('status', { name: 'Files this link needs' });
    await request.waitFor();
    expect(await request.textContent()).toContain('vmlinux.o');
    // A different file of another size is refused with the reason.
    await again.locator('input[type=file]').setInputFiles(tiny('inputs', 'kallsyms.o'));
    await expect.poll(() => request.getByRole('alert').textContent()).toMatch(/kallsyms\.o is \d+ bytes; the link's vmlinux\.o is \d+ bytes/);
    await again.locator('input[type=file]').setInputFiles(tiny('inputs', 'vmlinux.o'));
    await request.waitFor({ state: 'detached' });
    await settled(again);
    await again.locator(`[role=grid] [aria-selected=true][aria-rowindex="${seen.row}"]`).waitFor();
    expect(await shown(again)).toEqual(seen);
    expect(await downloadShown(again, 'vmlinux.o')).toBe(sha);
    // A link changed in the address bar reopens; a row far down the unfiltered table is scrolled to.
    const far = decodeState(new URL(link).hash);
    far.view = { artifact: 'vmlinux.o', pane: 'symbols', row: '3000' };
    await again.evaluate((hash) => { location.hash = hash; }, encodeState(far));
    await request.waitFor();
    await again.locator('input[type=file]').setInputFiles(tiny('inputs', 'vmlinux.o'));
    await again.locator('[role=grid] [aria-selected=true][aria-rowindex="3002"]').waitFor();
    expect(await again.getByRole('searchbox', { name: 'Search symbols' }).inputValue()).toBe('');
    expect(againProblems).toEqual([]);
    await again.context().close();
    await page.context().close();
  });
});

/** A state container (u32 JSON length + JSON) deflated into a version-1 fragment, valid or not. */
function rawFragment(json: string, version = 1, pad = 0): string {
  const body = new TextEncoder().encode(json);
  const container = new Uint8Array(4 + body.length + pad);
  new DataView(container.buffer).setUint32(0, body.length, true);
  container.set(body, 4);
  return `#s=${version}.${toBase64Url(deflateSync(container))}`;
}

/** Seeded xorshift bytes, so a failure names a reproducible input. */
function seededBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe('hostile links', () => {
  it('random, truncated, wrong-version, huge and ill-typed links open the default sample and say what was wrong', async () => {
    const valid = encodeState({ ...defaultState('two-files'), step: 1, view: { artifact: 'greet.o', pane: 'symbols', filter: 'greet', row: '0' } });
    const [, body] = /^s=1\.(.*)$/.exec(valid)!;
    const state = (patch: Record<string, unknown>) => JSON.stringify({ ...defaultState('two-files'), ...patch });
    const cases: [string, string, RegExp][] = [
      ['not a state', '#hello', /no "s=" state parameter/],
      ['empty state', '#s=', /not "<version>\.<base64url>"/],
      ['empty body', '#s=1.', /truncated/],
      ...[1, 2, 3].map((seed): [string, string, RegExp] => [`random bytes #${seed}`, `#s=1.${toBase64Url(seededBytes(seed, 64 * seed))}`, /corrupt|truncated|malformed|JSON/]),
      ...[0.1, 0.5, 0.9].map((f): [string, string, RegExp] => [`truncated at ${f * 100}%`, `#s=1.${body.slice(0, Math.floor(body.length * f))}`, /truncated|corrupt|impossible length/]),
      ['newer version', `#s=99.${body}`, /newer ldplay \(state version 99/],
      ['version 0', `#s=0.${body}`, /version 0 does not exist/],
      ['huge link', `#s=1.${'A'.repeat(1_500_000)}`, /corrupt|truncated/],
      ['decompression bomb', rawFragment('{}', 1, 20 << 20), /inflates past/],
      ['JSON not an object', rawFragment('[1,2,3]'), /not an object/],
      ['inner version differs', rawFragment(JSON.stringify({ ...defaultState('two-files'), version: 7 })), /version inside \(7\) differs/],
      ['input of the wrong type', rawFragment(state({ input: { kind: 'sample', id: { __proto__: { polluted: 1 } } } })), /input\.id is not a string/],
      ['negative step', rawFragment(state({ step: -1 })), /step must be an integer/],
      ['unknown sample with markup', rawFragment(state({ input: { kind: 'sample', id: '<img src=x onerror=alert(1)>' } })), /no sample named "<img src=x onerror=alert\(1\)>"/],
      ['unknown kernel', rawFragment(state({ options: { kernel: 'banana' } })), /kernel version "banana"/],
      ['bad file hash', rawFragment(state({ input: { kind: 'files', files: [{ name: 'vmlinux', size: 5, sha256: 'zz' }] } })), /sha256 is not 64 hex digits/],
    ];
    const { context, problems } = await watchedPage(browser);
    for (const [what, fragment, reason] of cases) {
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`${what}: console: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`${what}: page error: ${e.message}`));
      await page.goto(`${server.origin}/${fragment}`);
      const banner = page.locator('.banner.problem', { hasText: 'This link could not be opened' });
      await banner.waitFor({ timeout: 15_000 }).catch(async (e: Error) => { throw new Error(`${what}: ${e.message}\nshown: ${await page.locator('main').textContent()}`); });
      expect(await banner.locator('.msg').textContent(), what).toMatch(reason);
      await page.getByRole('table', { name: /^Sections of / }).waitFor();
      expect(await page.getByRole('button', { name: /^Sample:/ }).textContent(), what).toContain('mini-kernel');
      expect(await page.locator('main img').count(), what).toBe(0);
      expect(await cspViolations(page), what).toEqual([]);
      // Dismissible; the page keeps working.
      await banner.getByRole('button', { name: 'Dismiss' }).click();
      await banner.waitFor({ state: 'detached' });
      await page.close();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
