// The worker API under Node worker_threads, driven through the same ElfClient the page uses:
// summaries, symbol search and sort, relocation rows and bytes checked against GNU readelf and
// the fixture files; non-ELF errors; cancellation and crash recovery with inputs reopened.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfClient, WorkerStoppedError, type Source } from '../../src/worker/client.ts';
import { startNodeWorker } from '../../src/worker/node.ts';
import { repoRoot, runTool, tiny } from '../helpers.ts';

const unstripped = tiny('expected', 'vmlinux.unstripped');
const fileSource = (path: string, name: string): Source => ({
  name,
  load: async () => {
    const b = readFileSync(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  },
});

let script = '';
let client: ElfClient;
let lastWorker: ReturnType<typeof startNodeWorker>;

beforeAll(async () => {
  script = join(mkdtempSync(join(tmpdir(), 'ldplay-worker-')), 'node-worker.mjs');
  await build({
    entryPoints: [join(repoRoot, 'src/worker/node-worker.ts')], outfile: script, bundle: true,
    platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
  });
  client = new ElfClient(() => (lastWorker = startNodeWorker(script)));
  const r = await client.open(fileSource(unstripped, 'vmlinux.unstripped'));
  expect(r.ok).toBe(true);
});
afterAll(() => client?.dispose());

/** readelf -sW rows: [index, value, size, type, bind, vis, ndx, name]. */
function readelfSymbols(path: string): string[][] {
  return runTool('readelf', ['-sW', path]).split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+:$/.test(f[0]))
    .map((f) => [f[0].slice(0, -1), ...f.slice(1, 7), f.slice(7).join(' ')]);
}

describe('worker API over worker_threads', () => {
  it('summarises sections and segments like readelf', async () => {
    const [summary] = await client.list();
    const lines = runTool('readelf', ['-SW', unstripped]).split('\n').filter((l) => /^\s*\[\s*\d+\]/.test(l));
    expect(summary.sections.length).toBe(lines.length);
    for (const line of lines) {
      const m = /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line)!;
      const s = summary.sections[Number(m[1])];
      expect(s.name).toBe(m[2] === 'NULL' && m[1] === '0' ? '' : m[2]);
      expect(s.addr).toBe(BigInt('0x' + m[4]));
      expect(s.offset).toBe(BigInt('0x' + m[5]));
      expect(s.size).toBe(BigInt('0x' + m[6]));
    }
    const loads = runTool('readelf', ['-lW', unstripped]).split('\n').filter((l) => /^\s+LOAD\s/.test(l));
    expect(summary.segments.filter((p) => p.typeName === 'LOAD').length).toBe(loads.length);
  });

  it('searches symbols by substring and regex, matching readelf -s', async () => {
    const ref = readelfSymbols(unstripped);
    const wantSub = ref.filter((r) => r[7].toLowerCase().includes('start_kernel')).map((r) => Number(r[0]));
    const page = await client.querySymbols({ file: 'vmlinux.unstripped', filter: 'START_kernel', start: 0, count: 1000 });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.tableCount).toBe(ref.length);
    expect(page.value.rows.map((r) => r.index)).toEqual(wantSub);
    const start = ref.find((r) => r[7] === 'start_kernel')!;
    const row = page.value.rows.find((r) => r.name === 'start_kernel')!;
    expect(row.value).toBe(BigInt('0x' + start[1]));
    expect([row.type, row.bind]).toEqual([start[3], start[4]]);

    const re = await client.querySymbols({ file: 'vmlinux.unstripped', filter: '^__(start|stop)___ex_table$', regex: true, start: 0, count: 10 });
    if (!re.ok) throw new Error(re.error.message);
    expect(re.value.rows.map((r) => r.name).sort()).toEqual(['__start___ex_table', '__stop___ex_table']);

    const bad = await client.querySymbols({ file: 'vmlinux.unstripped', filter: '(', regex: true, start: 0, count: 10 });
    expect(bad.ok).toBe(false);
  });

  it('sorts symbols by value and pages through the whole table', async () => {
    const ref = readelfSymbols(unstripped);
    const values = ref.map((r) => BigInt('0x' + r[1])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const got: bigint[] = [];
    for (let start = 0; start < ref.length; start += 5000) {
      const page = await client.querySymbols({ file: 'vmlinux.unstripped', sort: { column: 'value', descending: false }, start, count: 5000 });
      if (!page.ok) throw new Error(page.error.message);
      got.push(...page.value.rows.map((r) => r.value));
    }
    expect(got).toEqual(values);
    const desc = await client.querySymbols({ file: 'vmlinux.unstripped', sort: { column: 'size', descending: true }, start: 0, count: 1 });
    if (!desc.ok) throw new Error(desc.error.message);
    expect(desc.value.rows[0].size).toBe(ref.map((r) => BigInt(r[2].startsWith('0x') ? r[2] : r[2])).reduce((a, b) => (a > b ? a : b)));
  });

  it('gives relocation rows whose patched bytes equal the psABI formula', async () => {
    const [summary] = await client.list();
    const rela = summary.sections.find((s) => s.name === '.rela.text')!;
    const page = await client.queryRelocations({ file: 'vmlinux.unstripped', section: rela.index, start: 0, count: 200_000 });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.total).toBe(rela.entries);
    expect(page.value.targetName).toBe('.text');
    const refLines = runTool('readelf', ['-rW', unstripped]);
    const section = refLines.split("Relocation section '").find((b) => b.startsWith(".rela.text'"))!;
    const refRows = section.split('\n').filter((l) => /^[0-9a-f]{16}\s/.test(l)).map((l) => l.split(/\s+/));
    expect(refRows.length).toBe(page.value.total);
    let checked = 0;
    let equal = 0;
    page.value.rows.forEach((r, i) => {
      expect(r.offset).toBe(BigInt('0x' + refRows[i][0]));
      expect(r.typeName).toBe(refRows[i][2]);
      if (r.value === undefined) return;
      const field = r.bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
      checked++;
      if (field === BigInt.asUintN(r.width * 8, r.value)) equal++;
    });
    // Relaxed GOT loads and alternatives patched later by the kernel are the only mismatches.
    expect(checked).toBeGreaterThan(10_000);
    expect(equal / checked).toBeGreaterThan(0.99);
  });

  it('reads file bytes and refuses non-ELF binaries with the file and offset', async () => {
    const bytes = await client.readBytes('vmlinux.unstripped', 0x1000, 64);
    if (!bytes.ok) throw new Error(bytes.error.message);
    expect([...bytes.value]).toEqual([...readFileSync(unstripped).subarray(0x1000, 0x1040)]);
    const junk = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = await client.open({ name: 'photo.png', load: async () => junk.slice().buffer });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.name).toBe('ElfFormatError');
      expect(r.error.message).toBe('photo.png: ELF header at offset 0x0: not an ELF file (bad magic)');
      expect(r.error.offset).toBe(0);
    }
    // A truncated vmlinux: the header parses, the section header table is past the end.
    const cut = readFileSync(unstripped).subarray(0, 4096);
    const truncated = await client.open({ name: 'cut.elf', load: async () => cut.buffer.slice(cut.byteOffset, cut.byteOffset + cut.length) as ArrayBuffer });
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) {
      expect(truncated.error.name).toBe('ElfFormatError');
      expect(truncated.error.file).toBe('cut.elf');
      expect(truncated.error.message).toMatch(/^cut\.elf: .* at offset 0x[0-9a-f]+: .*past the end of the file \(4096 bytes\)/);
    }
    const map = await client.open(fileSource(tiny('expected', 'System.map'), 'System.map'));
    if (!map.ok) throw new Error(map.error.message);
    const lines = readFileSync(tiny('expected', 'System.map'), 'latin1').split('\n');
    expect(map.value.lines).toBe(lines.length - 1);
    const text = await client.readLines('System.map', 100, 3);
    if (!text.ok) throw new Error(text.error.message);
    expect(text.value.lines).toEqual(lines.slice(100, 103));
  });

  it("reads a UTF-8 text file as UTF-8 and any other bytes as Latin-1, one byte per character", async () => {
    // The mini-kernel's script has an em dash in its second line (UTF-8 e2 80 94).
    const scriptPath = join(repoRoot, 'samples', 'mini-kernel', 'kernel.lds');
    const script = readFileSync(scriptPath);
    expect(script.includes(Buffer.from('\u2014'))).toBe(true);
    expect((await client.open(fileSource(scriptPath, 'kernel.lds'))).ok).toBe(true);
    const page = await client.readLines('kernel.lds', 0, 1e6);
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.encoding).toBe('utf-8');
    expect(page.value.lines.join('\n') + '\n').toBe(script.toString('utf8'));
    // Not valid UTF-8 (a lone 0xe9): each byte is its Latin-1 character, as ld reads it.
    const latin = Buffer.concat([Buffer.from('/* caf'), Buffer.from([0xe9]), Buffer.from(' */\nSECTIONS { }\n')]);
    const opened = await client.open({ name: 'latin1.lds', load: async () => latin.buffer.slice(latin.byteOffset, latin.byteOffset + latin.length) as ArrayBuffer });
    expect(opened.ok).toBe(true);
    const other = await client.readLines('latin1.lds', 0, 10);
    if (!other.ok) throw new Error(other.error.message);
    expect(other.value).toMatchObject({ encoding: 'latin1', lines: ['/* caf\u00e9 */', 'SECTIONS { }'] });
  });

  it('cancels a runaway query by restarting the worker and reopening the inputs', async () => {
    const restarts: [string, string[]][] = [];
    client.onRestart = (reason, reopened) => restarts.push([reason, reopened]);
    // Catastrophic backtracking: never finishes on names of 20+ characters.
    const runaway = client.querySymbols({ file: 'vmlinux.unstripped', filter: '^(_|[a-z_]+)*X$', regex: true, start: 0, count: 10 });
    const settled = runaway.then(() => 'finished', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    await client.cancel();
    expect(await settled).toBeInstanceOf(WorkerStoppedError);
    expect(restarts[0][0]).toBe('cancelled');
    expect(restarts[0][1]).toContain('vmlinux.unstripped');
    const again = await client.querySymbols({ file: 'vmlinux.unstripped', filter: 'start_kernel', start: 0, count: 5 });
    expect(again.ok && again.value.rows.some((r) => r.name === 'start_kernel')).toBe(true);
  });

  it('restarts a crashed worker and says what happened', async () => {
    const restarted = new Promise<[string, string[]]>((resolve) => { client.onRestart = (reason, reopened) => resolve([reason, reopened]); });
    void lastWorker.worker.terminate(); // the worker dies underneath the client
    const [reason, reopened] = await restarted;
    expect(reason).toMatch(/^the worker crashed \(exited with code \d+\)$/);
    expect(reopened).toContain('vmlinux.unstripped');
    const list = await client.list();
    expect(list.map((a) => a.name)).toContain('vmlinux.unstripped');
  });
});

/** A whole artifact back from the worker, in the 1 MiB pieces readBytes allows. */
async function readAll(c: ElfClient, name: string, size: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < size; at += 1 << 20) {
    const r = await c.readBytes(name, at, 1 << 20);
    if (!r.ok) throw new Error(r.error.message);
    parts.push(r.value);
  }
  return Buffer.concat(parts);
}

/** Steps the graph to the end; returns what ran and which steps failed (with their diagnostics). */
async function stepAll(c: ElfClient, progress: string[]): Promise<{ ran: string[]; failed: string[] }> {
  const ran: string[] = [];
  const failed: string[] = [];
  for (;;) {
    const r = await c.step((p) => progress.push(p.message));
    if (!r.ok) throw new Error(r.error.message);
    if (!r.value) return { ran, failed };
    (r.value.action === 'failed' ? failed : ran).push(r.value.stage);
  }
}

/** Every artifact the graph produced (and the imported ones) equals the fixture of the same content. */
async function expectFixtures(c: ElfClient, fixtureOf: Record<string, string>): Promise<number> {
  let compared = 0;
  // vmlinux.kaslr has no kernel-tool file (test/pipeline/extra-rules.test.ts checks it).
  for (const a of (await c.list()).filter((x) => x.name !== 'vmlinux.unsorted' && x.name !== 'vmlinux.kaslr')) {
    const want = readFileSync(tiny('expected', fixtureOf[a.name] ?? a.name));
    expect(a.size, a.name).toBe(want.length);
    expect((await readAll(c, a.name, a.size)).equals(want), a.name).toBe(true);
    compared++;
  }
  return compared;
}

describe('the build graph through the worker', () => {
  it('steps the 6.15 graph from an imported vmlinux.unstripped: strip and sysmap byte-identical', async () => {
    const c = new ElfClient(() => startNodeWorker(script));
    try {
      const before = await c.stages();
      // The link is listed first; without vmlinux.o it cannot run (or is not in this build at all).
      expect(before[0].id).toBe('link');
      expect(['blocked', 'unavailable']).toContain(before[0].status);
      const strip = before.find((s) => s.id === 'strip')!;
      expect(strip.status).toBe('blocked');
      expect(strip.explanation.length).toBeGreaterThan(40);
      expect(await c.step()).toEqual({ ok: true, value: null });
      expect((await c.open(fileSource(tiny('expected', 'vmlinux.unstripped'), 'vmlinux.unstripped'))).ok).toBe(true);
      const progress: string[] = [];
      const { ran, failed } = await stepAll(c, progress);
      expect(ran).toEqual(expect.arrayContaining(['sysmap', 'strip']));
      expect(progress.length).toBe(ran.length + failed.length);
      const after = await c.stages();
      expect(after.find((s) => s.id === 'sorttable')!.status).toBe('superseded');
      for (const id of failed) {
        // 6.15's relocs refuses this 6.1-built file's per-CPU references; it must say where.
        expect(after.find((s) => s.id === id)!.diagnostics[0].file).toBe('vmlinux.unstripped');
      }
      expect(await expectFixtures(c, {})).toBe(3);
      expect((await c.list()).find((a) => a.name === 'vmlinux')!.sections.some((s) => s.name.startsWith('.rel'))).toBe(false);
      const stripped = after.find((s) => s.id === 'strip')!;
      expect(stripped.status).toBe('up-to-date');
      expect(stripped.summary.length).toBeGreaterThan(0);
      expect(stripped.record).toBeTypeOf('object');
    } finally {
      c.dispose();
    }
  });

  it('follows the 6.1 graph (sorted vmlinux keeps its relocations) after setKernel', async () => {
    const c = new ElfClient(() => startNodeWorker(script));
    try {
      expect((await c.open(fileSource(tiny('expected', 'vmlinux.unsorted'), 'vmlinux.unsorted'))).ok).toBe(true);
      const stages = await c.setKernel('6.1');
      if (!stages.ok) throw new Error(stages.error.message);
      expect(stages.value.some((s) => s.id === 'strip')).toBe(false);
      const { ran, failed } = await stepAll(c, []);
      expect(failed).toEqual([]);
      expect(ran).toEqual(expect.arrayContaining(['sysmap', 'sorttable']));
      // 6.1's sorted vmlinux is the fixture's vmlinux.unstripped (the fixture stripped it later).
      expect(await expectFixtures(c, { vmlinux: 'vmlinux.unstripped' })).toBe(ran.filter((s) => s !== 'kaslr').length);
      expect(ran.length).toBeGreaterThanOrEqual(2);
    } finally {
      c.dispose();
    }
  });
});

describe('sample links through the worker', () => {
  const sampleDir = (id: string) => join(repoRoot, 'samples', id);
  const manifest = (id: string) => JSON.parse(readFileSync(join(sampleDir(id), 'sample.json'), 'utf8')) as { inputs: string[]; script?: string; ld: string[] };

  async function openSample(c: ElfClient, id: string): Promise<void> {
    const m = manifest(id);
    for (const name of [...m.inputs, ...(m.script ? [m.script] : [])]) {
      const r = await c.open(fileSource(join(sampleDir(id), name), name));
      if (!r.ok) throw new Error(r.error.message);
    }
    const build = await c.setBuild({ ld: m.ld });
    if (!build.ok) throw new Error(build.error.message);
  }

  it('links the mini kernel and continues through the kernel graph; sections match GNU ld', async () => {
    const c = new ElfClient(() => startNodeWorker(script));
    try {
      await openSample(c, 'mini-kernel');
      const stages = await c.stages();
      expect(stages.map((s) => s.id)[0]).toBe('link');
      expect(stages[0]).toMatchObject({ available: true, status: 'pending', outputs: ['vmlinux.unsorted'] });
      const { ran } = await stepAll(c, []);
      expect(ran).toEqual(expect.arrayContaining(['link', 'sorttable', 'strip', 'sysmap']));
      const unsorted = (await c.list()).find((a) => a.name === 'vmlinux.unsorted')!;
      // GNU ld with the sample's own command line, in a scratch copy of the sample directory.
      const dir = mkdtempSync(join(tmpdir(), 'ldplay-sample-'));
      const m = manifest('mini-kernel');
      for (const name of [...m.inputs, m.script!]) writeFileSync(join(dir, name), readFileSync(join(sampleDir('mini-kernel'), name)));
      execFileSync('ld', m.ld, { cwd: dir });
      // Allocated sections (the loaded image) by name, address and size; string tables may differ.
      const ref = runTool('readelf', ['-SW', join(dir, 'vmlinux')]).split('\n')
        .map((l) => /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*A\S*)\s/.exec(l)).filter((x) => x !== null)
        .map((x) => `${x[1]} ${BigInt('0x' + x[2])} ${BigInt('0x' + x[3])}`);
      expect(ref.length).toBeGreaterThan(5);
      expect(unsorted.sections.filter((s) => s.flagLetters.includes('A')).map((s) => `${s.name} ${s.addr} ${s.size}`)).toEqual(ref);
      // Relocation rows of the linked file carry the bytes the link found before patching them.
      const rela = unsorted.sections.find((s) => s.name === '.rela.text')!;
      const rows = await c.queryRelocations({ file: 'vmlinux.unsorted', section: rela.index, start: 0, count: rela.entries });
      if (!rows.ok) throw new Error(rows.error.message);
      const withBefore = rows.value.rows.filter((r) => r.before);
      expect(withBefore.length).toBe(rows.value.total);
      expect(withBefore.filter((r) => r.before!.length !== r.width).map((r) => [r.typeName, r.width, r.before!.length])).toEqual([]);
      expect(withBefore.some((r) => r.before!.join() !== r.bytes.join())).toBe(true);
      const link = (await c.stages()).find((s) => s.id === 'link')!;
      expect(link.status).toBe('up-to-date');
      expect(link.summary.some((l) => l.startsWith('relocationCount'))).toBe(true);
    } finally {
      c.dispose();
    }
  });

  it('links got-relax with --emit-relocs to GNU ld\'s file; its relocation rows name each rewrite and keep the bytes before', async () => {
    const c = new ElfClient(() => startNodeWorker(script));
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-sample-'));
    try {
      await openSample(c, 'got-relax');
      const m = manifest('got-relax');
      const ld = ['--emit-relocs', ...m.ld];
      expect((await c.setBuild({ ld })).ok).toBe(true);
      const { ran, failed } = await stepAll(c, []);
      expect([ran[0], failed]).toEqual(['link', []]);
      for (const name of m.inputs) writeFileSync(join(dir, name), readFileSync(join(sampleDir('got-relax'), name)));
      execFileSync('ld', ld, { cwd: dir });
      const output = ld[ld.indexOf('-o') + 1];
      const want = readFileSync(join(dir, output));
      const got = await c.readBytes(output, 0, want.length + 1);
      if (!got.ok) throw new Error(got.error.message);
      expect(Buffer.compare(Buffer.from(got.value), want)).toBe(0);
      const summary = (await c.list()).find((a) => a.name === output)!;
      const rela = summary.sections.find((s) => s.name === '.rela.text')!;
      const page = await c.queryRelocations({ file: output, section: rela.index, start: 0, count: rela.entries });
      if (!page.ok) throw new Error(page.error.message);
      const rewrites = page.value.rows.filter((r) => r.relaxed).map((r) => `${r.typeName} ${r.symbolName}: ${r.relaxed}`);
      expect(rewrites).toEqual(expect.arrayContaining([
        'R_X86_64_32S answer: GOTPCRELX mov → mov $imm', 'R_X86_64_PC32 scale: GOTPCRELX call * → addr32 call',
      ]));
      // before: the GOT-relative field as the object had it (0 + -4 written by the assembler as 0)
      expect(page.value.rows.filter((r) => r.relaxed).every((r) => r.before && r.before.length === r.width)).toBe(true);
    } finally {
      c.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the undefined-reference sample as a failed link with ld\'s message', async () => {
    const c = new ElfClient(() => startNodeWorker(script));
    try {
      await openSample(c, 'undefined-reference');
      const { ran, failed } = await stepAll(c, []);
      expect([ran, failed]).toEqual([[], ['link']]);
      const link = (await c.stages()).find((s) => s.id === 'link')!;
      expect(link.status).toBe('failed');
      expect(link.diagnostics.map((d) => d.message).join('\n')).toMatch(/undefined reference to `greeting'/);
    } finally {
      c.dispose();
    }
  });
});

describe('a long session', () => {
  it('keeps nothing of a finished call: 1,500 queries leave the page-side heap where it was', async () => {
    // A call once raced its promise against a never-settling "worker stopped" promise; every race left
    // a reaction on it holding the call's result, ~19 KB a query here (the fuzz run hit 4 GB).
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const query = () => client.querySymbols({ file: 'vmlinux.unstripped', filter: 'a', sort: { column: 'name', descending: false }, start: 0, count: 100 });
    for (let i = 0; i < 100; i++) await query(); // warm up lazily built indexes and code
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1500; i++) expect((await query()).ok).toBe(true);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown, `heap grew ${(grown / 1e6).toFixed(1)} MB`).toBeLessThan(4e6);
  });
});
