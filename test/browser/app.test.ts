// The playground in a real browser (Debian's chromium), against the production build: it opens
// on a built-in sample, shows sections, finds a symbol in the x86_64-tiny vmlinux uploaded through
// the file input, highlights a relocation's bytes in the hex view, and reports non-ELF files
// clearly. No test may log a console error or fail a request. Screenshots go to test-results/.
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigVmlinux, hasBigVmlinux, linkSampleWithGnuLd, repoRoot, runTool, tiny } from '../helpers.ts';
import { openPage, openRelocationsOf, openScriptEditor, runMiniKernel, screenshotDir, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 180_000);
afterAll(async () => { await h?.close(); });

const shot = (name: string) => join(screenshotDir, `${name}.png`);

describe('playground', () => {
  it('opens on a built-in sample and shows its section table', async () => {
    const { page, problems } = await openPage(h);
    const sections = page.getByRole('table', { name: /^Sections of / });
    await sections.waitFor();
    const name = (await page.locator('.artifact .name').textContent())!.trim();
    expect(name).toMatch(/\.o$/);
    const rows = await sections.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(3);
    await page.screenshot({ path: shot('sample-sections') });
    expect(problems).toEqual([]);
  });

  it('switches samples from the gallery and navigates views by keyboard', async () => {
    const { page, problems } = await openPage(h, { width: 1280, height: 800 });
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.getByRole('button', { name: /^Sample:/ }).click();
    const gallery = page.getByRole('dialog', { name: 'Samples' });
    await gallery.waitFor();
    const index = JSON.parse(readFileSync(join(repoRoot, 'samples', 'index.json'), 'utf8')) as { samples: { id: string; title: string }[] };
    const cards = gallery.getByRole('button').filter({ hasNot: page.getByText('✕') });
    expect(await cards.count()).toBe(index.samples.filter((x) => existsSync(join(repoRoot, 'samples', x.id))).length);
    await page.screenshot({ path: shot('sample-gallery') });
    await gallery.getByRole('button', { name: /two-files/ }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Sample:/ }).textContent()).toContain('two-files');
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'samples', 'two-files', 'sample.json'), 'utf8')) as { inputs: string[] };
    // Every input is open: drawn in the artifact graph (the link's inputs) or listed beside it.
    await expect.poll(() => page.locator('.status').textContent()).toContain(`${manifest.inputs.length} artifacts in the worker`);
    const side = page.getByRole('complementary');
    for (const name of manifest.inputs) expect(await side.getByRole('button', { name: new RegExp(`^${name.replace('.', '\\.')}`) }).count(), name).toBe(1);
    // Alt+3 opens the third view (symbols); arrows move the selected row in the grid.
    await page.keyboard.press('Alt+3');
    const grid = page.getByRole('grid', { name: /^Symbols of / });
    // Arrows move between rows the grid shows: wait for its first rows (they arrive from the worker).
    await grid.locator('[role=row][aria-rowindex="3"]').waitFor();
    await grid.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => grid.locator('[aria-selected=true]').getAttribute('aria-rowindex')).toBe('3');
    expect(problems).toEqual([]);
  });

  it("edits the sample's linker script in Monaco", async () => {
    const { page, problems } = await openPage(h);
    const editor = await openScriptEditor(page);
    const script = readFileSync(join(repoRoot, 'samples', 'mini-kernel', 'kernel.lds'), 'utf8');
    const firstWord = /[A-Z_]{4,}/.exec(script)![0];
    await expect.poll(() => editor.locator('.view-lines').textContent()).toContain(firstWord);
    // The script is UTF-8 (an em dash in its header comment), and the editor shows it as such.
    const dashLine = script.split('\n').find((l) => l.includes('\u2014'))!;
    expect(dashLine).toBeDefined();
    await expect.poll(() => editor.locator('.view-lines').textContent()).toContain(dashLine.trim().replaceAll(' ', '\u00a0'));
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('ldplay_edit_mark = .; /* → ünïcode */');
    await expect.poll(() => editor.locator('.view-lines').textContent()).toContain('ldplay_edit_mark');
    await page.screenshot({ path: shot('script-editor') });
    // The edit, relinked, is saved as UTF-8 like the script itself: the Text view reads back what was typed.
    await page.getByRole('button', { name: 'Relink' }).click();
    await page.getByRole('region', { name: 'Pipeline steps' }).getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
    await page.getByRole('list', { name: 'Other open files' }).getByRole('button', { name: /^kernel\.lds/ }).click();
    await page.getByRole('tab', { name: 'Text', exact: true }).click();
    const text = page.getByRole('document', { name: 'Text of kernel.lds' });
    await expect.poll(() => text.textContent()).toContain(dashLine.trim());
    await text.hover();
    await page.mouse.wheel(0, 1e5); // the edit is the last line
    await expect.poll(() => text.textContent()).toContain('ldplay_edit_mark = .; /* → ünïcode */');
    expect(problems).toEqual([]);
  });

  it('links the mini-kernel sample and steps it to vmlinux; relocations show the bytes before the link', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    // The mini kernel is laid out like 6.1 (zero-based per-CPU data the 6.15 relocs tool rejects), so
    // opening it selects the 6.1 graph by itself: "Run all" on the first page a visitor sees succeeds.
    await expect.poll(() => steps.getByRole('combobox', { name: 'Kernel version' }).inputValue()).toBe('6.1');
    await steps.getByRole('button', { name: 'Step forward' }).click();
    await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
    await page.locator('.artifact .name', { hasText: 'vmlinux.unsorted' }).waitFor();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    const graph = page.getByRole('group', { name: 'Artifact graph' });
    for (const name of ['vmlinux.unsorted', 'vmlinux', 'System.map', 'vmlinux.relocs']) {
      expect(await graph.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    await graph.getByRole('button', { name: 'vmlinux.unsorted', exact: true }).click();
    await page.getByRole('tab', { name: /^Relocations/ }).click();
    const select = page.getByRole('combobox', { name: 'Relocation section' });
    await select.selectOption((await select.locator('option', { hasText: /^\.rela\.text / }).getAttribute('value'))!);
    const grid = page.getByRole('grid', { name: 'Relocations in .rela.text' });
    await grid.getByRole('row').nth(1).click();
    await expect.poll(() => page.locator('.caption').textContent()).toMatch(/before( [0-9a-f]{2}){4}/);
    await page.screenshot({ path: shot('mini-kernel-linked') });
    expect(problems).toEqual([]);
  });

  it('Run all shows its last step\'s output once, when it ends, and no view of each step on the way', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('button', { name: 'Step forward' }).click();
    await page.locator('.artifact .name', { hasText: 'vmlinux.unsorted' }).waitFor();
    // Every artifact name the main view shows from here on, in order.
    await page.evaluate(() => {
      const w = window as unknown as { __shown: string[] };
      w.__shown = [];
      const note = () => {
        const name = document.querySelector('.artifact .name')?.textContent ?? '';
        if (name !== w.__shown.at(-1)) w.__shown.push(name);
      };
      note();
      new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await steps.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => page.locator('.status .dim').count(), { timeout: 60_000 }).toBe(1);
    const ran = await steps.locator('li.up-to-date').count();
    expect(ran).toBeGreaterThan(3);
    // The step Run all ended on (the timeline's current one) and the output it wrote.
    const last = await steps.locator('li[aria-current=step] .io').textContent();
    const output = last!.split('→ ')[1].split(', ')[0];
    expect(output).not.toBe('check');
    const shown = await page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);
    expect(shown).toEqual(['vmlinux.unsorted', output]);
    expect(problems).toEqual([]);
  });

  it('a failed link\'s "undefined reference" leads to the relocation in main.o that readelf lists against the symbol', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.getByRole('button', { name: /^Sample:/ }).click();
    await page.getByRole('dialog', { name: 'Samples' }).getByRole('button', { name: /undefined-reference/ }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Sample:/ }).textContent()).toContain('undefined-reference');
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('button', { name: 'Step forward' }).click();
    await steps.getByRole('button', { name: /^Link .*\(failed\)/ }).waitFor();
    const want = runTool('readelf', ['-rW', join(repoRoot, 'samples', 'undefined-reference', 'main.o')]).split('\n').find((l) => / greeting - 4$/.test(l))!;
    await steps.getByText("undefined reference to `greeting'").first().waitFor();
    await steps.getByRole('button', { name: 'show this relocation in main.o' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Relocations/ }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.artifact .name').textContent()).toBe('main.o');
    const row = page.locator('[role=row][aria-selected=true] [role=gridcell]');
    await expect.poll(async () => (await row.nth(1).textContent())?.trim()).toBe(want.slice(0, 16));
    expect((await row.nth(3).textContent())?.trim()).toBe('greeting');
    await page.screenshot({ path: shot('undefined-reference-relocation') });
    expect(problems).toEqual([]);
  });

  it('kernel tables: __ex_table and ORC out of order in vmlinux.unsorted, sorted in vmlinux, the same entries', async () => {
    const { page, problems } = await openPage(h);
    await runMiniKernel(page, 'all');
    const graph = page.getByRole('group', { name: 'Artifact graph' });
    const out = linkSampleWithGnuLd('mini-kernel');
    const sizes = new Map(runTool('readelf', ['-SW', out]).split('\n').flatMap((l) => {
      const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]{16}\s+[0-9a-f]+\s+([0-9a-f]+)\s/.exec(l);
      return m ? [[m[1], parseInt(m[2], 16)] as const] : [];
    }));
    const read = async (grid: ReturnType<typeof page.getByRole>) => (await grid.locator('[role=row][aria-rowindex]').evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent!.trim()))));
    const shown: Record<string, string[][]> = {};
    for (const name of ['vmlinux.unsorted', 'vmlinux']) {
      await graph.getByRole('button', { name, exact: true }).click();
      await page.getByRole('tab', { name: 'Kernel tables' }).click();
      for (const [button, grid, size, entry] of [[/^__ex_table/, `__ex_table of ${name}`, '__ex_table', 12], [/^ORC/, `ORC table of ${name}`, '.orc_unwind_ip', 4]] as const) {
        await page.getByRole('button', { name: button }).click();
        const g = page.getByRole('grid', { name: grid });
        await expect.poll(() => g.getAttribute('aria-rowcount')).toBe(String(sizes.get(size)! / entry + 1));
        const status = page.getByRole('status').filter({ hasText: /sorted/ });
        if (name === 'vmlinux') await status.filter({ hasText: 'sorted: the kernel can binary-search it' }).waitFor();
        else {
          await status.filter({ hasText: /below the one before: not sorted yet/ }).waitFor();
          await page.getByRole('button', { name: 'first out of order' }).click();
          await expect.poll(() => page.locator('.caption').textContent()).toMatch(/below the entry before it/);
        }
        shown[`${name} ${size}`] = (await read(g)).filter((c) => c.length).map((c) => c.slice(1));
      }
    }
    for (const size of ['__ex_table', '.orc_unwind_ip']) {
      const sorted = shown[`vmlinux ${size}`].map((c) => c[0]);
      expect(sorted, size).toEqual([...sorted].sort());
      expect([...shown[`vmlinux ${size}`]].sort(), size).toEqual([...shown[`vmlinux.unsorted ${size}`]].sort());
    }
    await page.screenshot({ path: shot('kernel-tables') });
    expect(problems).toEqual([]);
  });

  it('a "multiple definition" error leads to the symbol in each file that defines it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-dup-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'd1.c'), 'int shared_counter = 1; int one(void) { return shared_counter; }\n');
    writeFileSync(join(dir, 'd2.c'), 'int shared_counter = 2; int two(void) { return shared_counter; }\n');
    for (const f of ['d1', 'd2']) runTool('gcc', ['-O1', '-g0', '-fno-asynchronous-unwind-tables', '-c', join(dir, `${f}.c`), '-o', join(dir, `${f}.o`)]);
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles([join(repoRoot, 'samples', 'two-files', 'start.o'), join(dir, 'd1.o'), join(dir, 'd2.o')]);
    await page.locator('.artifact .name', { hasText: 'd2.o' }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('textbox', { name: 'Link command (ld arguments)' }).fill('-o dup start.o d1.o d2.o');
    await steps.getByRole('button', { name: 'Set link command' }).click();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Link .*\(failed\)/ }).waitFor({ timeout: 60_000 });
    await steps.getByText("multiple definition of `shared_counter'").first().waitFor();
    for (const file of ['d1.o', 'd2.o']) {
      await steps.getByRole('button', { name: `shared_counter in ${file}` }).click();
      await expect.poll(() => page.locator('.artifact .name').textContent()).toBe(file);
      await expect.poll(() => page.getByRole('searchbox', { name: 'Search symbols' }).inputValue()).toBe('shared_counter');
      // nm of that file: the definition the grid shows.
      const value = runTool('nm', [join(dir, file)]).split('\n').find((l) => / D shared_counter$/.test(l))!.slice(0, 16);
      await expect.poll(() => page.getByRole('grid', { name: `Symbols of ${file}` }).locator('[role=row][aria-rowindex="2"]').textContent()).toContain(value);
    }
    await page.screenshot({ path: shot('multiple-definition') });
    expect(problems).toEqual([]);
  });

  it('"Go to" finds the relocation readelf lists at an address or symbol+offset, switching section as needed', async () => {
    const { page, problems } = await openPage(h);
    await runMiniKernel(page, 'link');
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.unsorted', exact: true }).click();
    await page.getByRole('tab', { name: /^Relocations/ }).click();
    // The same link by GNU ld (byte-identical): readelf's relocations and nm's symbols.
    const out = linkSampleWithGnuLd('mini-kernel');
    let section = '';
    const rows: { section: string; offset: bigint }[] = [];
    for (const line of runTool('readelf', ['-rW', out]).split('\n')) {
      const head = /^Relocation section '([^']+)'/.exec(line);
      if (head) section = head[1];
      const m = /^([0-9a-f]{16})\s+[0-9a-f]+\s+R_X86_64_(PC32|PLT32|32S|32)\s/.exec(line);
      if (m) rows.push({ section, offset: BigInt('0x' + m[1]) });
    }
    const goTo = page.getByRole('searchbox', { name: 'Go to the relocation at' });
    const select = page.getByRole('combobox', { name: 'Relocation section' });
    const selectedOffset = async () => (await page.locator('[role=row][aria-selected=true] [role=gridcell]').nth(1).textContent())?.trim();
    // An address inside an __ex_table field: the section switches to .rela__ex_table.
    const ex = rows.find((r) => r.section === '.rela__ex_table')!;
    await goTo.fill((ex.offset + 2n).toString(16));
    await goTo.press('Enter');
    await expect.poll(async () => (await select.locator('option:checked').textContent())?.startsWith('.rela__ex_table ')).toBe(true);
    await expect.poll(selectedOffset).toBe(ex.offset.toString(16).padStart(16, '0'));
    // symbol+offset inside a function, as an oops names a place.
    const nm = runTool('nm', ['-S', out]).split('\n').flatMap((l) => {
      const m = /^([0-9a-f]+) ([0-9a-f]+) [Tt] (\S+)$/.exec(l);
      return m ? [{ name: m[3], value: BigInt('0x' + m[1]), size: BigInt('0x' + m[2]) }] : [];
    });
    const inFunction = rows.filter((r) => r.section === '.rela.init.text').map((r) => ({ r, f: nm.find((f) => r.offset > f.value && r.offset < f.value + f.size) })).find((x) => x.f)!;
    await goTo.fill(`${inFunction.f!.name}+0x${(inFunction.r.offset - inFunction.f!.value).toString(16)}`);
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect.poll(async () => (await select.locator('option:checked').textContent())?.startsWith('.rela.init.text ')).toBe(true);
    await expect.poll(selectedOffset).toBe(inFunction.r.offset.toString(16).padStart(16, '0'));
    await expect.poll(() => page.locator('.caption').first().textContent()).toMatch(/before( [0-9a-f]{2})+ → now/);
    // A name the file lacks says so, and the selection stays.
    await goTo.fill('no_such_function');
    await goTo.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'no defined symbol named no_such_function' }).waitFor();
    expect(await selectedOffset()).toBe(inFunction.r.offset.toString(16).padStart(16, '0'));
    await page.screenshot({ path: shot('relocation-go-to') });
    expect(problems).toEqual([]);
  });

  it("lists the mini-kernel's vmlinux.relocs entries where they land in vmlinux, as nm names them", async () => {
    const { page, problems } = await openPage(h);
    await runMiniKernel(page, 'all');
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.relocs', exact: true }).click();
    await page.getByRole('tab', { name: 'Entries' }).click();
    const grid = page.getByRole('grid', { name: 'Entries of vmlinux.relocs' });
    // Three stop words and one u32 per entry (the artifact's size is in its header line).
    const size = Number(/binary · (\d+) B/.exec((await page.locator('.artifact').textContent())!)![1]);
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe(String(size / 4 - 3 + 1));
    // The same link by GNU ld (the tiny kernel and every sample are byte-identical to ldplay's): each
    // entry's "symbol+0xN" is a symbol nm lists at address − N.
    const out = linkSampleWithGnuLd('mini-kernel');
    const nm = new Map<string, bigint[]>();
    for (const line of runTool('nm', [out]).split('\n')) {
      const [value, , name] = line.split(' ');
      if (name) nm.set(name, [...(nm.get(name) ?? []), BigInt('0x' + value)]);
    }
    const rows = await grid.getByRole('row').all();
    let named = 0;
    for (const row of rows.slice(1)) {
      const cells = await row.getByRole('gridcell').allTextContents();
      const address = BigInt('0x' + cells[2]);
      const m = /^([A-Za-z_.$][\w.$]*)(?:\+0x([0-9a-f]+))?$/.exec(cells[3]);
      if (!m || !nm.has(m[1])) continue; // "section+0x…" where no symbol precedes the field
      named++;
      const symbolValue = address - BigInt('0x' + (m[2] ?? '0'));
      // A per-CPU symbol is an offset in the area; its field is recorded at __per_cpu_load + offset.
      const perCpu = nm.get('__per_cpu_load')![0];
      expect(nm.get(m[1])!.some((v) => v === symbolValue || v + perCpu === symbolValue), cells.join(' | ')).toBe(true);
    }
    expect(named).toBeGreaterThan((rows.length - 1) / 2);
    // Selecting an entry shows and highlights the bytes of vmlinux it makes the decompressor patch:
    // a per-CPU field at its __per_cpu_load copy (the section itself is at 0),
    const perCpu = grid.getByRole('row').filter({ hasText: 'current_task' }).first();
    const perCpuAddress = (await perCpu.getByRole('gridcell').nth(2).textContent())!;
    await perCpu.click();
    await expect.poll(() => page.locator('.caption').textContent()).toContain(`names ${perCpuAddress} · .data..percpu · file offset`);
    await expect.poll(() => page.getByRole('table', { name: 'Hex of .data..percpu' }).locator('.bytes .lit').count()).toBe(8);
    expect(await page.getByRole('table', { name: 'Hex of .data..percpu' }).getByRole('row').filter({ hasText: perCpuAddress.slice(0, 15) }).count()).toBe(1);
    // and a 32-bit one.
    await page.getByRole('button', { name: /^32-bit/ }).click();
    await expect.poll(() => page.locator('.caption').textContent()).toMatch(/32-bit list\) names ffffffff[0-9a-f]{8} · \.\S+ · file offset 0x[0-9a-f]+ of vmlinux · 4 bytes/);
    // Four bytes lit in the hex column and four in the ASCII one.
    await expect.poll(() => page.getByRole('table', { name: /^Hex of / }).locator('.bytes .lit').count()).toBe(4);
    await page.screenshot({ path: shot('relocs-entries') });
    // A search keeps the entries in or pointing at a symbol; the address bar carries it and the row.
    await page.getByRole('searchbox', { name: 'Search entries' }).fill('start_kernel');
    await expect.poll(async () => Number(await grid.getAttribute('aria-busy') === 'false' ? await grid.getAttribute('aria-rowcount') : -1)).toBeGreaterThan(1);
    const matches = await grid.getByRole('row').all();
    for (const row of matches.slice(1)) {
      const cells = await row.getByRole('gridcell').allTextContents();
      expect(cells[3].includes('start_kernel') || cells[5].includes('start_kernel'), cells.join(' | ')).toBe(true);
    }
    await matches[2].click();
    const caption = (await page.locator('.caption').textContent())!;
    expect(caption).toMatch(/^\s*Entry #\d+ /);
    await expect.poll(() => page.url()).toContain('#s=');
    const again = await openPage(h, { hash: new URL(page.url()).hash });
    await again.page.getByRole('grid', { name: 'Entries of vmlinux.relocs' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => again.page.getByRole('searchbox', { name: 'Search entries' }).inputValue()).toBe('start_kernel');
    await expect.poll(() => again.page.locator('.caption').textContent()).toBe(caption);
    expect(again.problems).toEqual([]);
    // From a relocation of vmlinux to the entry that makes KASLR patch it (and none for a PC-relative one).
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux', exact: true }).click();
    await page.getByRole('tab', { name: /^Relocations/ }).click();
    const select = page.getByRole('combobox', { name: 'Relocation section' });
    await select.selectOption((await select.locator('option', { hasText: /^\.rela\.text / }).getAttribute('value'))!);
    const relocations = page.getByRole('grid', { name: 'Relocations in .rela.text' });
    await relocations.getByRole('row').filter({ hasText: 'R_X86_64_PC32' }).first().click();
    await expect.poll(() => page.locator('.caption').textContent()).toContain('no vmlinux.relocs entry');
    const abs = relocations.getByRole('row').filter({ hasText: 'R_X86_64_32S' }).filter({ hasText: 'kernel_banner' }).first();
    const absAddress = (await abs.getByRole('gridcell').nth(1).textContent())!;
    await abs.click();
    const link = page.locator('.caption').getByRole('button', { name: /^vmlinux\.relocs entry #\d+ \(32-bit\)$/ });
    const entry = /#(\d+)/.exec((await link.textContent())!)![1];
    await link.click();
    await expect.poll(() => page.locator('.caption').textContent()).toMatch(new RegExp(`^\\s*Entry #${entry} \\(word at 0x[0-9a-f]+ of vmlinux\\.relocs, 32-bit list\\) names ${absAddress} `));
    expect(problems).toEqual([]);
  });

  it("lists the relocations that name a symbol, as readelf -r does, and opens one", async () => {
    const { page, problems } = await openPage(h);
    await runMiniKernel(page, 'link');
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.unsorted', exact: true }).click();
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('__start___ex_table');
    const grid = page.getByRole('grid', { name: 'Symbols of vmlinux.unsorted' });
    await expect.poll(() => grid.getAttribute('aria-busy')).toBe('false');
    await grid.getByRole('row').filter({ has: page.getByRole('gridcell', { name: '__start___ex_table', exact: true }) }).click();
    // GNU ld's link of the same sample, listed by readelf -r.
    const out = linkSampleWithGnuLd('mini-kernel');
    const listed = runTool('readelf', ['-rW', out]).split('\n').filter((l) => / __start___ex_table [+-] /.test(l));
    expect(listed.length).toBeGreaterThan(1);
    const refs = page.getByRole('region', { name: 'References to __start___ex_table' });
    await expect.poll(() => refs.locator('.caption').textContent()).toContain(`${listed.length} relocations name __start___ex_table`);
    const shown = await refs.getByRole('button').allTextContents();
    expect(shown.map((t) => /[0-9a-f]{16}/.exec(t)![0]).sort()).toEqual(listed.map((l) => l.slice(0, 16)).sort());
    // One of them, in the relocations view: that relocation selected, its bytes below.
    const first = shown[0];
    await refs.getByRole('button').first().click();
    await expect.poll(() => page.locator('.caption').textContent()).toMatch(new RegExp(`^\\s*R_X86_64_\\w+ at ${/[0-9a-f]{16}/.exec(first)![0]} · file offset`));
    // A static variable main.o updates with `addl $1, x(%rip)`: ld's --emit-relocs names .bss + addend,
    // not the symbol; each listed reference is an instruction objdump shows reaching extable_hits.
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('extable_hits');
    await expect.poll(() => grid.getAttribute('aria-busy')).toBe('false');
    await grid.getByRole('row').filter({ has: page.getByRole('gridcell', { name: 'extable_hits', exact: true }) }).click();
    const hits = page.getByRole('region', { name: 'References to extable_hits' });
    await expect.poll(() => hits.locator('.caption').textContent()).toMatch(/No relocation names extable_hits, \d+ reaches? it through a section symbol|reach it through a section symbol/);
    const reaching = runTool('objdump', ['-d', '--no-show-raw-insn', '-j', '.text', '-j', '.init.text', out]).split('\n').filter((l) => /<extable_hits>/.test(l)).map((l) => BigInt('0x' + l.trim().split(':')[0]));
    const via = (await hits.getByRole('button').allTextContents()).map((t) => ({ at: BigInt('0x' + /[0-9a-f]{16}/.exec(t)![0]), text: t }));
    expect(via.length).toBeGreaterThan(0);
    expect(via.every((v) => /via \.bss\+0x[0-9a-f]+/.test(v.text))).toBe(true);
    expect(via.map((v) => reaching.filter((a) => a < v.at).at(-1)).sort()).toEqual([...reaching].sort());
    await page.screenshot({ path: shot('symbol-references') });
    expect(problems).toEqual([]);
  });

  it('shows a linker-script error inline in Monaco and relinks after the fix', async () => {
    const { page, problems } = await openPage(h);
    const editor = await openScriptEditor(page);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('this is { not a script');
    await page.getByRole('button', { name: 'Relink' }).click();
    await editor.locator('.squiggly-error').first().waitFor();
    const lines = readFileSync(join(repoRoot, 'samples', 'mini-kernel', 'kernel.lds'), 'latin1').split('\n').length;
    await expect.poll(() => page.locator('.banner.problem').textContent()).toMatch(new RegExp(`kernel\\.lds:${lines}:`));
    await page.screenshot({ path: shot('script-error') });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    for (let i = 0; i < 'this is { not a script'.length; i++) await page.keyboard.press('Backspace');
    await page.getByRole('button', { name: 'Relink' }).click();
    await page.getByRole('region', { name: 'Pipeline steps' }).getByRole('button', { name: /^Link .*\(done\)/ }).waitFor();
    await expect.poll(() => editor.locator('.squiggly-error').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('keeps the address bar a link to the view, and reopens it from the link', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.getByRole('button', { name: /^Sample:/ }).click();
    await page.getByRole('dialog', { name: 'Samples' }).getByRole('button', { name: /two-files/ }).click();
    await page.getByRole('complementary').getByRole('button', { name: /^greet\.o/ }).click();
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#s=1\./);
    const hash = await page.evaluate(() => location.hash);
    const { page: again, problems: againProblems } = await openPage(h, { hash });
    await again.getByRole('grid', { name: 'Symbols of greet.o' }).waitFor();
    expect(await again.getByRole('button', { name: /^Sample:/ }).textContent()).toContain('two-files');
    const { page: bad, problems: badProblems } = await openPage(h, { hash: '#s=1.not-a-valid-state' });
    await bad.locator('.banner.problem', { hasText: 'This link could not be opened' }).waitFor();
    await bad.getByRole('table', { name: /^Sections of / }).waitFor();
    expect(problems).toEqual([]);
    expect(badProblems).toEqual([]);
    expect(againProblems).toEqual([]);
  });

  it('lays out for a narrow screen', async () => {
    const { page, problems } = await openPage(h, { width: 420, height: 860, dark: true });
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const main = await page.locator('main').boundingBox();
    const side = await page.locator('aside').boundingBox();
    expect(side!.y).toBeGreaterThanOrEqual(main!.y + main!.height - 1);
    // Dark follows prefers-color-scheme; the toggle switches and is remembered.
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.screenshot({ path: shot('narrow-dark') });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await page.evaluate(() => [document.documentElement.dataset.theme, localStorage.getItem('ldplay-theme')])).toEqual(['light', 'light']);
    expect(problems).toEqual([]);
    // Below the main pane the sidebar is as wide as the screen; the artifact graph keeps its own
    // size there (it grew to fill 800 px, with 30 px labels).
    const wide = await openPage(h, { width: 800, height: 900 });
    const graph = wide.page.getByRole('group', { name: 'Artifact graph' });
    await graph.waitFor();
    const box = (await graph.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(261);
    expect((await wide.page.locator('aside').boundingBox())!.width).toBeGreaterThan(700);
    expect(wide.problems).toEqual([]);
  });

  it('scrolls a grid sideways on a narrow screen, its header following, instead of clipping columns', async () => {
    const { page, problems } = await openPage(h, { width: 760, height: 900 });
    await runMiniKernel(page, 'link');
    await page.getByRole('tab', { name: /^Relocations/ }).click();
    const grid = page.getByRole('grid', { name: /^Relocations in / });
    await grid.getByRole('row').nth(1).waitFor();
    const body = grid.locator('.body');
    const [scrollWidth, clientWidth] = await body.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    expect(clientWidth).toBeLessThanOrEqual(760);
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    // The page itself does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(760);
    await body.evaluate((el) => { el.scrollLeft = el.scrollWidth; });
    await expect.poll(() => grid.locator('.headwrap').evaluate((el) => el.scrollLeft)).toBe(scrollWidth - clientWidth);
    const last = (await grid.getByRole('columnheader', { name: 'Bytes now' }).boundingBox())!;
    expect(last.x + last.width).toBeLessThanOrEqual(760);
    expect(last.x).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: shot('narrow-grid-scrolled') });
    expect(problems).toEqual([]);
  });

  it('finds a symbol in the x86_64-tiny vmlinux uploaded through the file input', async () => {
    const { page, problems } = await openPage(h, { dark: true });
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles(tiny('expected', 'vmlinux.unstripped'));
    await page.locator('.artifact .name', { hasText: 'vmlinux.unstripped' }).waitFor();
    const readelf = runTool('readelf', ['-SW', tiny('expected', 'vmlinux.unstripped')]).split('\n').filter((l) => /^\s*\[\s*\d+\]/.test(l)).length;
    expect(await page.getByRole('table', { name: 'Sections of vmlinux.unstripped' }).locator('tbody tr').count()).toBe(readelf);
    await page.screenshot({ path: shot('vmlinux-sections-dark') });
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('start_kernel');
    const grid = page.getByRole('grid', { name: 'Symbols of vmlinux.unstripped' });
    const cell = grid.getByRole('gridcell', { name: 'start_kernel', exact: true });
    await cell.waitFor();
    const want = runTool('nm', [tiny('expected', 'vmlinux.unstripped')]).split('\n').find((l) => l.endsWith(' start_kernel'))!.split(' ')[0];
    const row = grid.getByRole('row').filter({ has: page.getByRole('gridcell', { name: 'start_kernel', exact: true }) });
    expect(await row.getByRole('gridcell').nth(1).textContent()).toBe(want);
    await page.screenshot({ path: shot('vmlinux-symbols-dark') });
    // A runaway regular expression (catastrophic backtracking) can be cancelled from the task strip.
    await page.getByRole('checkbox', { name: 'regex' }).check();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('^(_|[a-z_]+)*X$');
    await page.getByRole('button', { name: 'Cancel' }).click({ timeout: 10_000 });
    await page.locator('.banner.notice', { hasText: /^Cancelled\. The worker was restarted; 4 input file\(s\) reopened\./ }).waitFor();
    await page.getByRole('checkbox', { name: 'regex' }).uncheck();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('start_kernel');
    await grid.getByRole('gridcell', { name: 'start_kernel', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Memory map' }).click();
    await page.getByRole('region', { name: 'VMA (virtual address)' }).waitFor();
    await page.screenshot({ path: shot('vmlinux-memory-map-dark') });
    expect(problems).toEqual([]);
  });

  it('End in a symbol grid of many pages selects the last symbol once its page arrives, and Home the first', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const file = tiny('expected', 'vmlinux.unstripped');
    await page.locator('input[type=file]').setInputFiles(file);
    await page.locator('.artifact .name', { hasText: 'vmlinux.unstripped' }).waitFor();
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    const grid = page.getByRole('grid', { name: 'Symbols of vmlinux.unstripped' });
    await grid.locator('[role=row][aria-rowindex="2"]').waitFor();
    // readelf's last symbol of .symtab: far past the first page (256 rows) the grid has loaded.
    const entries = runTool('readelf', ['-sW', file]).split('\n').filter((l) => /^\s*\d+:/.test(l));
    expect(entries.length).toBeGreaterThan(10_000);
    const last = entries.at(-1)!.trim().split(/\s+/);
    await grid.focus();
    await page.keyboard.press('End');
    const selected = grid.locator('[role=row][aria-selected=true]');
    await expect.poll(() => selected.getAttribute('aria-rowindex')).toBe(String(Number(last[0].replace(':', '')) + 2));
    expect(await selected.getByRole('gridcell', { name: last[7], exact: true }).count()).toBe(1);
    await page.screenshot({ path: shot('symbols-end-key') });
    await page.keyboard.press('Home');
    await expect.poll(() => selected.getAttribute('aria-rowindex')).toBe('2');
    expect(problems).toEqual([]);
  });

  it('highlights the bytes a selected relocation patches in the hex view', async () => {
    const { page, problems } = await openPage(h);
    const grid = await openRelocationsOf(page, tiny('expected', 'vmlinux.unstripped'), 'vmlinux.unstripped', '.rela.text');
    await grid.getByRole('row').nth(3).click();
    const caption = page.locator('.caption');
    await expect.poll(() => caption.textContent()).toMatch(/file offset 0x[0-9a-f]+ · 4 bytes/);
    const lit = page.locator('.hex .bytes .lit');
    await expect.poll(() => lit.count()).toBe(4);
    const offset = Number.parseInt(/file offset 0x([0-9a-f]+)/.exec((await caption.textContent())!)![1], 16);
    const bytesCell = await grid.getByRole('row').nth(3).getByRole('gridcell').nth(6).textContent();
    expect((await lit.allTextContents()).join(' ')).toBe(bytesCell);
    const file = readFileSync(tiny('expected', 'vmlinux.unstripped')).subarray(offset, offset + 4).toString('hex');
    expect(bytesCell!.replaceAll(' ', '')).toBe(file);
    await page.screenshot({ path: shot('relocation-hex') });
    expect(problems).toEqual([]);
  });

  it('runs the pipeline on a user file used as vmlinux.unstripped: the stripped vmlinux has no .rela sections', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    // vmlinux.unstripped is an artifact of the 6.15+ graph (the mini-kernel sample opens on 6.1's).
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.15');
    const linked = join(mkdtempSync(join(tmpdir(), 'ldplay-ui-')), 'linked.elf');
    symlinkSync(tiny('expected', 'vmlinux.unstripped'), linked);
    await page.locator('input[type=file]').setInputFiles(linked);
    await page.locator('.artifact .name', { hasText: 'linked.elf' }).waitFor();
    await page.getByRole('combobox', { name: 'Use linked.elf as' }).selectOption('vmlinux.unstripped');
    await page.locator('.artifact .name', { hasText: 'vmlinux.unstripped' }).waitFor();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await page.locator('.artifact .name', { hasText: /^vmlinux$/ }).waitFor({ timeout: 60_000 });
    const sections = page.getByRole('table', { name: 'Sections of vmlinux' });
    await sections.waitFor();
    const names = await sections.locator('tbody tr td.name').allTextContents();
    const want = runTool('readelf', ['-SW', tiny('expected', 'vmlinux')]).split('\n').filter((l) => /^\s*\[\s*\d+\]/.test(l)).length;
    expect(names.length).toBe(want);
    expect(names.filter((n) => n.startsWith('.rel'))).toEqual([]);
    await expect.poll(() => page.getByRole('tab', { name: /^Relocations/ }).textContent()).toBe('Relocations (0)');
    await steps.getByRole('button', { name: /^strip .*\(done\)/ }).waitFor();
    // A stage that refuses the file says which file and where.
    if (await page.getByRole('alert').count()) expect(await page.getByRole('alert').textContent()).toMatch(/vmlinux\.unstripped at offset 0x[0-9a-f]+/);
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'System.map', exact: true }).click();
    await page.getByRole('document', { name: 'Text of System.map' }).waitFor();
    await page.screenshot({ path: shot('pipeline-run-all') });
    expect(problems).toEqual([]);
  });

  it.runIf(hasBigVmlinux)("opens Debian's 632 MB vmlinux: sections first, then a symbol search over 100k symbols", async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const name = basename(bigVmlinux);
    const t0 = Date.now();
    await page.locator('input[type=file]').setInputFiles(bigVmlinux);
    const sections = page.getByRole('table', { name: `Sections of ${name}` });
    await sections.waitFor({ timeout: 120_000 });
    const opened = Date.now() - t0;
    const want = runTool('readelf', ['-SW', bigVmlinux]).split('\n').filter((l) => /^\s*\[\s*\d+\]/.test(l)).length;
    expect(await sections.locator('tbody tr').count()).toBe(want);
    await page.getByRole('tab', { name: /^Symbols/ }).click();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('do_sys_open');
    const grid = page.getByRole('grid', { name: `Symbols of ${name}` });
    await grid.getByRole('gridcell', { name: 'do_sys_open', exact: true }).waitFor({ timeout: 60_000 });
    const status = (await page.locator('.toolbar [role=status]').textContent())!;
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/artifacts in the worker/);
    const total = Number(/of ([\d,]+) symbols/.exec(status)![1].replaceAll(',', ''));
    expect(total).toBeGreaterThan(100_000);
    console.log(`632 MB vmlinux: section table after ${opened} ms; ${status.trim()}`);
    await page.screenshot({ path: shot('big-vmlinux-symbols') });
    // 11 M relocations in one section: shown a million rows at a time.
    await page.getByRole('tab', { name: /^Relocations/ }).click();
    const select = page.getByRole('combobox', { name: 'Relocation section' });
    await select.selectOption((await select.locator('option', { hasText: /^\.rela\.debug_info / }).getAttribute('value'))!);
    await page.getByText('rows 0–999,999').waitFor();
    await page.locator('.window button').nth(1).click();
    await page.getByText('rows 1,000,000–1,999,999').waitFor();
    const relocs = page.getByRole('grid', { name: 'Relocations in .rela.debug_info' });
    await expect.poll(() => relocs.getByRole('row').nth(1).getByRole('gridcell').first().textContent()).toBe('1000000');
    expect(problems).toEqual([]);
  });

  it("links the x86_64-tiny kernel's inputs in the browser to the image GNU ld made", async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const inputs = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o', 'vmlinux.lds'];
    await page.locator('input[type=file]').setInputFiles(inputs.map((n) => tiny('inputs', n)));
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('button', { name: /^Link .*\(ready to run\)/ }).waitFor();
    await steps.getByRole('button', { name: 'Step forward' }).click();
    await steps.getByRole('button', { name: /^Link .*\(done\)/ }).waitFor({ timeout: 120_000 });
    const sections = page.getByRole('table', { name: 'Sections of vmlinux.unsorted' });
    await sections.waitFor();
    const got = (await sections.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent!.trim()))))
      .map((c) => `${c[1]} ${c[3]}`);
    const want = runTool('readelf', ['-SW', tiny('expected', 'vmlinux.unsorted')]).split('\n')
      .map((l) => /^\s*\[\s*\d+\]\s+(\S*)\s+\S+\s+([0-9a-f]{16})/.exec(l)).filter((m) => m !== null).map((m) => `${m[1] === 'NULL' ? '' : m[1]} ${m[2]}`);
    expect(got.slice(1)).toEqual(want.slice(1));
    // The link's own passes, from its record, as a sub-timeline.
    const passes = await steps.getByRole('list', { name: 'Passes of link' }).locator('.pname').allTextContents();
    expect(passes).toEqual(expect.arrayContaining(['readInputs', 'resolveSymbols', 'assignAddresses', 'applyRelocations', 'writeOutput']));
    await page.screenshot({ path: shot('tiny-kernel-linked') });
    expect(problems).toEqual([]);
  });

  it('names the file and offset when a non-ELF file is opened, and keeps working', async () => {
    const { page, problems } = await openPage(h);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('notes.bin: ELF header at offset 0x0: not an ELF file (bad magic)');
    await page.screenshot({ path: shot('non-elf-error') });
    expect(await page.getByRole('table', { name: /^Sections of / }).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
