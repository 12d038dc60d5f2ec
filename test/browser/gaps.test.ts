// The playground's issue-5 features in a real browser on the x86_64-tiny fixture: kaslr and mismatch
// in the timeline, the old postlink toggle (vmlinux deleted on a failing relocs), disassembly of a
// selected relocation (iced-x86 in the worker, compared with objdump -d) and the section diff
// (strip's removed .rela sections, as readelf lists them). No console errors; screenshots saved.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, tiny } from '../helpers.ts';
import { openPage, openRelocationsOf, screenshotDir, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 180_000);
afterAll(async () => { await h?.close(); });

const shot = (name: string) => join(screenshotDir, `${name}.png`);
const sectionNames = (file: string) => [...runTool('readelf', ['-SW', file]).matchAll(/^\s*\[\s*\d+\]\s+(\S+)/gm)].map((m) => m[1]).filter((n) => n !== 'NULL');

describe('playground gaps', () => {
  it('6.1 timeline: kaslr applies vmlinux.relocs and mismatch checks vmlinux.o', async () => {
    const { page, problems } = await openPage(h, { height: 1100 });
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles([tiny('expected', 'vmlinux.unsorted'), tiny('inputs', 'vmlinux.o')]);
    await page.locator('.artifact .name', { hasText: 'vmlinux.o' }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    await steps.getByRole('button', { name: /^Apply vmlinux\.relocs at a KASLR offset/ }).waitFor();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Apply vmlinux\.relocs at a KASLR offset.*\(done\)/ }).waitFor({ timeout: 60_000 });
    await steps.getByRole('button', { name: /^Section mismatch check.*\(done\)/ }).waitFor();
    await steps.getByRole('button', { name: /^Apply vmlinux\.relocs at a KASLR offset/ }).click();
    await expect.poll(() => steps.locator('.detail').textContent()).toMatch(/0x1000000/);
    // A new offset: only kaslr has work again.
    await steps.getByRole('textbox', { name: 'KASLR offset' }).fill('0x2000000');
    await steps.getByRole('button', { name: 'Apply', exact: true }).click();
    await steps.getByRole('button', { name: /^Apply vmlinux\.relocs at a KASLR offset.*\(ready to run\)/ }).waitFor();
    expect(await steps.getByRole('button', { name: /\(ready to run\)/ }).count()).toBe(1);
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Apply vmlinux\.relocs at a KASLR offset.*\(done\)/ }).waitFor({ timeout: 60_000 });
    await expect.poll(() => steps.locator('.detail').textContent()).toMatch(/0x2000000/);
    await steps.getByRole('textbox', { name: 'KASLR offset' }).fill('sixteen');
    await steps.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => steps.getByRole('alert').textContent()).toMatch(/'sixteen' is not a number/);
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.kaslr', exact: true }).waitFor();
    await page.screenshot({ path: shot('gaps-kaslr-timeline') });
    expect(problems).toEqual([]);
  });

  it('the old postlink toggle: relocs under 6.15 rules fails and vmlinux disappears, with the reason', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles(tiny('expected', 'vmlinux.unsorted'));
    await page.locator('.artifact .name', { hasText: 'vmlinux.unsorted' }).waitFor();
    await page.getByRole('checkbox', { name: /old postlink way/ }).check();
    const region = page.getByRole('region', { name: 'Postlink replay' });
    await region.getByRole('button', { name: 'make' }).click();
    await region.getByRole('listitem', { name: 'vmlinux', exact: true }).waitFor({ timeout: 60_000 });
    await region.getByLabel('vmlinux.relocs (fresh)', { exact: true }).waitFor();
    await region.getByRole('combobox', { name: 'Fail at' }).selectOption('relocs615');
    await region.getByRole('button', { name: 'make' }).click();
    await region.getByRole('listitem', { name: 'vmlinux (deleted)' }).waitFor({ timeout: 60_000 });
    expect(await region.getByRole('listitem', { name: 'vmlinux', exact: true }).count()).toBe(0);
    expect(await region.getByRole('alert').textContent()).toMatch(/Invalid absolute R_X86_64_64 relocation: init_per_cpu__.*Deleting file 'vmlinux'/s);
    await region.getByLabel('vmlinux.relocs (lost)', { exact: true }).waitFor();
    await region.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('gaps-postlink-failed') });
    await page.getByRole('checkbox', { name: /old postlink way/ }).uncheck();
    await page.getByRole('group', { name: 'Artifact graph' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('disassembles the code around a selected relocation like objdump -d', async () => {
    const { page, problems } = await openPage(h);
    const grid = await openRelocationsOf(page, tiny('expected', 'vmlinux.unstripped'), 'vmlinux.unstripped', '.rela.text');
    await grid.getByRole('row').nth(5).click();
    const dis = page.getByRole('region', { name: 'Disassembly around the relocation' });
    const hit = dis.locator('tr[aria-current="true"]');
    await hit.waitFor({ timeout: 30_000 });
    const address = BigInt(`0x${(await hit.locator('td.addr').textContent())!.trim()}`);
    const text = (await hit.locator('td.text').textContent())!;
    const line = runTool('objdump', ['-d', '-w', `--start-address=0x${address.toString(16)}`, `--stop-address=0x${(address + 16n).toString(16)}`, tiny('expected', 'vmlinux.unstripped')])
      .split('\n').find((l) => l.trimStart().startsWith(`${address.toString(16)}:`))!;
    const mnemonic = line.split('\t')[2].split(/\s+/)[0];
    const ours = text.split(/\s+/)[0];
    // objdump's AT&T mnemonics may carry a size suffix iced's do not (movq / mov).
    expect(ours === mnemonic || mnemonic === `${ours}b` || mnemonic === `${ours}w` || mnemonic === `${ours}l` || mnemonic === `${ours}q`, `${mnemonic} vs ${text}`).toBe(true);
    expect(text).toMatch(/← relocated (displacement|immediate)/);
    expect(await hit.locator('.field').count()).toBe(4);
    expect(await dis.locator('tbody tr').count()).toBeGreaterThan(3);
    await page.screenshot({ path: shot('gaps-disassembly') });
    expect(problems).toEqual([]);
  });

  it('diffs vmlinux.unstripped against vmlinux: the removed sections are the .rela ones readelf no longer lists', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles([tiny('expected', 'vmlinux.unstripped'), tiny('expected', 'vmlinux')]);
    await page.locator('.artifact .name', { hasText: /^vmlinux$/ }).waitFor();
    const diff = page.getByRole('region', { name: 'Artifact diff' });
    await diff.getByRole('combobox', { name: 'Compare from' }).selectOption('vmlinux.unstripped');
    await diff.getByRole('combobox', { name: 'Compare to' }).selectOption('vmlinux');
    await diff.getByRole('button', { name: 'Diff' }).click();
    const table = diff.getByRole('table', { name: 'Section differences' });
    await table.waitFor();
    const removed = await table.locator('tr.removed td.name').allTextContents();
    const after = new Set(sectionNames(tiny('expected', 'vmlinux')));
    const want = sectionNames(tiny('expected', 'vmlinux.unstripped')).filter((n) => !after.has(n));
    expect(removed).toEqual(want);
    expect(removed.some((n) => n === '.rela.text')).toBe(true);
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('gaps-diff') });
    expect(problems).toEqual([]);
  });
});
