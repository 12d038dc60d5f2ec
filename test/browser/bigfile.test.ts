// Debian's 632 MB vmlinux (6.1, with static relocations) picked through the file input of the
// built site: the section table appears (time measured), a symbol search finds do_sys_open, the
// file is used as the 6.1 graph's `vmlinux` and the relocs stage's download is byte-identical to
// `node bin/ldplay.mjs relocs --format=6.1` output. Main-thread long tasks are measured throughout.
// Files that are not ELF (Debian's real vmlinuz, compressed or foreign files) are refused with what they
// are; AArch64 and RISC-V objects open with a notice naming the machine as readelf does.
import { execFileSync, execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigVmlinux, hasBigVmlinux, repoRoot, runTool } from '../helpers.ts';
import { cspViolations, serveSharedSite, watchedPage, type ServedSite, type StaticServer } from './static-site.ts';

let root: string;
let browser: Browser;
let server: StaticServer;
let site: ServedSite | undefined;

beforeAll(async () => {
  if (!hasBigVmlinux) return;
  root = mkdtempSync(join(tmpdir(), 'ldplay-bigfile-'));
  site = await serveSharedSite();
  ({ server, browser } = site);
}, 180_000);
afterAll(async () => {
  await site?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('a 632 MB vmlinux in the browser', () => {
  it.runIf(hasBigVmlinux)('sections, symbol search, and the relocs stage downloading what the CLI writes', async () => {
    const cliOut = join(root, 'vmlinux.relocs');
    execFileSync('node', [join(repoRoot, 'bin', 'ldplay.mjs'), 'relocs', '--format=6.1', bigVmlinux, '-o', cliOut], { stdio: 'ignore' });
    const want = sha256(readFileSync(cliOut));

    const { context, page, problems } = await watchedPage(browser, { acceptDownloads: true });
    await context.addInitScript(() => {
      const w = window as unknown as { __longTasks: [number, number][] };
      w.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    const steps = page.getByRole('region', { name: 'Pipeline steps' });
    await steps.getByRole('combobox', { name: 'Kernel version' }).selectOption('6.1');
    // Phase boundaries on the page's clock, to say where main-thread long tasks happened.
    const phases: [string, number][] = [];
    const mark = async (phase: string) => { phases.push([phase, await page.evaluate(() => performance.now())]); };
    await mark('open');

    const name = basename(bigVmlinux);
    const t0 = Date.now();
    await page.locator('input[type=file]').setInputFiles(bigVmlinux);
    const sections = page.getByRole('table', { name: `Sections of ${name}` });
    await sections.waitFor({ timeout: 120_000 });
    const toSections = Date.now() - t0;
    await mark('search');
    const want6 = runTool('readelf', ['-SW', bigVmlinux]).split('\n').filter((l) => /^\s*\[\s*\d+\]/.test(l)).length;
    expect(await sections.locator('tbody tr').count()).toBe(want6);

    await page.getByRole('tab', { name: /^Symbols/ }).click();
    const t1 = Date.now();
    await page.getByRole('searchbox', { name: 'Search symbols' }).fill('do_sys_open');
    await page.getByRole('grid', { name: `Symbols of ${name}` }).getByRole('gridcell', { name: 'do_sys_open', exact: true }).waitFor({ timeout: 60_000 });
    const toSymbol = Date.now() - t1;
    const nmValue = runTool('nm', [bigVmlinux]).split('\n').find((l) => l.endsWith(' T do_sys_open'))!.split(' ')[0];
    const row = page.getByRole('row').filter({ has: page.getByRole('gridcell', { name: 'do_sys_open', exact: true }) });
    expect(await row.getByRole('gridcell').nth(1).textContent()).toBe(nmValue);

    await mark('use as + relocs');
    await page.getByRole('combobox', { name: `Use ${name} as` }).selectOption('vmlinux');
    await page.locator('.artifact .name', { hasText: /^vmlinux$/ }).waitFor({ timeout: 60_000 });
    const t2 = Date.now();
    await steps.getByRole('button', { name: 'Run all' }).click();
    await steps.getByRole('button', { name: /^Collect KASLR relocations .*\(done\)/ }).waitFor({ timeout: 120_000 });
    const toRelocs = Date.now() - t2;
    // Run all goes on to the stages after relocs; let it finish before picking the artifact.
    await expect.poll(() => page.locator('.status .dim').count(), { timeout: 120_000 }).toBe(1);
    await mark('download');
    await page.getByRole('group', { name: 'Artifact graph' }).getByRole('button', { name: 'vmlinux.relocs', exact: true }).click();
    await page.locator('.artifact .name', { hasText: /^vmlinux\.relocs$/ }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download vmlinux.relocs', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('vmlinux.relocs');
    expect(sha256(readFileSync((await download.path())!))).toBe(want);
    // Its Entries view: one row per u32 but the three stop words, the first placed where nm says.
    await mark('entries');
    await page.getByRole('tab', { name: 'Entries' }).click();
    const entries = page.getByRole('grid', { name: 'Entries of vmlinux.relocs' });
    await expect.poll(() => entries.getAttribute('aria-rowcount'), { timeout: 60_000 }).toBe(String(readFileSync(cliOut).length / 4 - 3 + 1));
    const first = await entries.getByRole('row').nth(1).getByRole('gridcell').allTextContents();
    const [, symbol, off] = /^(\S+?)(?:\+0x([0-9a-f]+))?$/.exec(first[3])!;
    const nmLine = runTool('nm', [bigVmlinux]).split('\n').find((l) => l.endsWith(` ${symbol}`))!;
    expect(BigInt('0x' + nmLine.split(' ')[0]) + BigInt('0x' + (off ?? '0'))).toBe(BigInt('0x' + first[2]));

    const long = await page.evaluate(() => (window as unknown as { __longTasks: [number, number][] }).__longTasks);
    const byPhase = phases.map(([phase, start], i) => {
      const inPhase = long.filter(([t]) => t >= start && (i + 1 === phases.length || t < phases[i + 1][1])).map(([, d]) => d);
      return `${phase}: ${inPhase.length}, longest ${Math.round(Math.max(0, ...inPhase))} ms`;
    });
    console.log(`632 MB vmlinux: section table after ${toSections} ms; do_sys_open found ${toSymbol} ms after typing; relocs stage ${toRelocs} ms; ` +
      `main-thread long tasks (>50 ms) by phase — ${byPhase.join('; ')}`);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

const imageDeb = '/var/cache/ldplay/linux-image-6.1.0-53-amd64_6.1.187-1_amd64.deb';

describe('files that are not ELF', () => {
  it.runIf(hasBigVmlinux)('say what they are: a real vmlinuz (bzImage), gzip, PNG, unknown bytes; AArch64/RISC-V objects get a notice', async () => {
    const files: [string, RegExp][] = [];
    if (existsSync(imageDeb)) {
      execSync(`dpkg-deb --fsys-tarfile ${imageDeb} | tar -x -C ${root} ./boot/vmlinuz-6.1.0-53-amd64`);
      files.push([join(root, 'boot', 'vmlinuz-6.1.0-53-amd64'), /starts with 4d 5a 00 00 00 00 00 00, not ELF's 7f 45 4c 46 \("\\x7fELF"\): an x86 bzImage \(boot protocol 2\.15\), a compressed kernel such as vmlinuz/]);
    }
    writeFileSync(join(root, 'System.map.gz'), gzipSync(Buffer.from('ffffffff81000000 T _text\n')));
    files.push([join(root, 'System.map.gz'), /starts with 1f 8b 08 .*: gzip-compressed$/]);
    writeFileSync(join(root, 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff]));
    files.push([join(root, 'photo.png'), /starts with 89 50 4e 47 0d 0a 1a 0a.*: a PNG image$/]);
    writeFileSync(join(root, 'blob.bin'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff, 0xfe, 0x00, 0x01, 0x80]));
    files.push([join(root, 'blob.bin'), /starts with de ad be ef ff fe 00 01, not ELF's 7f 45 4c 46 \("\\x7fELF"\)$/]);
    const { context, page, problems } = await watchedPage(browser);
    await page.goto(`${server.origin}/`);
    await page.getByRole('table', { name: /^Sections of / }).waitFor();
    for (const [path, reason] of files) {
      await page.locator('input[type=file]').setInputFiles(path);
      const alert = page.locator('.banner.problem', { hasText: `Could not open ${basename(path)}` });
      await alert.waitFor();
      const text = (await alert.locator('.msg').textContent())!;
      expect(text).toMatch(new RegExp(`^${basename(path).replace(/\./g, '\\.')}: ELF header at offset 0x0: (not an ELF file \\(bad magic\\)|file is \\d+ bytes, too short for e_ident); `));
      expect(text).toMatch(reason);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
    }
    expect(files.length).toBe(existsSync(imageDeb) ? 4 : 3);
    // ELF for another machine opens (its views work) with a notice naming the machine as readelf does.
    writeFileSync(join(root, 'f.c'), 'int f(void) { return 1; }\n');
    for (const [gcc, object] of [['aarch64-linux-gnu-gcc', 'arm64.o'], ['riscv64-linux-gnu-gcc', 'riscv.o']]) {
      execFileSync(gcc, ['-c', join(root, 'f.c'), '-o', join(root, object)]);
      const machine = /Machine:\s+(.*)/.exec(runTool('readelf', ['-h', join(root, object)]))![1].trim();
      await page.locator('input[type=file]').setInputFiles(join(root, object));
      await page.getByRole('table', { name: `Sections of ${object}` }).waitFor();
      const notice = page.locator('.banner.notice');
      await expect.poll(() => notice.textContent()).toContain(`${object} is an ELF64 file for ${machine} (e_machine `);
      await notice.getByRole('button', { name: 'Dismiss' }).click();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
