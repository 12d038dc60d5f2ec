// Every relocation of a linked image shows the bytes its field held before the link, not only the
// 4096 the link record keeps in full. The truth comes from the real tools: GNU ld's -Map says where
// each input section went, readelf -rW and -SW of the inputs say which input bytes each relocation
// patched; the relocation rows of ldplay's image must show exactly those bytes as "before".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf, SHT_RELA } from '../../src/elf/index.ts';
import { link } from '../../src/link/link.ts';
import { RECORDED_RELOCATION_LIMIT, type LinkRecord } from '../../src/link/record.ts';
import { fieldHistoryOf } from '../../src/worker/field-history.ts';
import { relocationPage } from '../../src/worker/relocation-rows.ts';
import type { RelocationRow } from '../../src/worker/api.ts';
import { readLdMap, readelfPatches, repoRoot, runTool, tiny } from '../helpers.ts';

/** GNU ld's map (helpers.ts) as "file section" → output section and address; a name one file
 *  placed twice cannot say which is which, so it is left out. */
function ldMap(path: string): Map<string, { output: string; address: bigint }> {
  const out = new Map<string, { output: string; address: bigint }>();
  const dup = new Set<string>();
  for (const p of readLdMap(path).placed) {
    const key = `${p.file} ${p.section}`;
    if (out.has(key)) dup.add(key);
    out.set(key, { output: p.output, address: p.address });
  }
  for (const k of dup) out.delete(k);
  return out;
}

/** readelf's section table of an input: name → file offset. */
function sectionOffsets(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of runTool('readelf', ['-SW', path]).split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]{16}\s+([0-9a-f]+)\s/.exec(l);
    if (m) out.set(m[1], out.has(m[1]) ? -1 : parseInt(m[2], 16));
  }
  return out;
}

/** Links `inputs` (files in `dir`) with ldplay, and with GNU ld writing a map; every relocation row
 *  of ldplay's image by "output section@address". */
function linkBoth(dir: string, argv: string[], inputs: string[], others: string[] = []) {
  const files = new Map([...inputs, ...others].map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))]));
  const result = link([...files].map(([name, bytes]) => ({ name, bytes })), [...argv, '-o', 'out', ...inputs]);
  const image = result.outputs.out;
  const tmp = mkdtempSync(join(tmpdir(), 'ldplay-history-'));
  execFileSync('ld', [...argv, '-Map', join(tmp, 'map'), '-o', join(tmp, 'out'), ...inputs], { cwd: dir, stdio: 'ignore' });
  return { files, record: result.record, image, map: ldMap(join(tmp, 'map')), ldPath: join(tmp, 'out'), ldImage: new Uint8Array(readFileSync(join(tmp, 'out'))) };
}

function rowsOf(image: Uint8Array, record: unknown, files: Map<string, Uint8Array>): Map<string, RelocationRow> {
  const elf = readElf(image, 'out');
  const history = fieldHistoryOf(record, (f) => files.get(f), new WeakMap());
  const rows = new Map<string, RelocationRow>();
  for (const s of elf.sections) {
    if (s.type !== SHT_RELA) continue;
    const page = relocationPage(elf, s.index, 0, 1e9, history);
    for (const r of page.rows) rows.set(`${page.targetName}@${r.offset.toString(16)}`, r);
  }
  return rows;
}

describe('bytes before relocation, for every relocation', () => {
  it('the tiny kernel: each of its ~140 k relocations shows the input bytes ld\'s map and readelf say it patched', () => {
    const dir = tiny('inputs');
    const argv = ['-m', 'elf_x86_64', '-z', 'noexecstack', '--no-warn-rwx-segments', '--emit-relocs', '--discard-none', '-z', 'max-page-size=0x200000', '--build-id=sha1', '--orphan-handling=warn', '--script=vmlinux.lds'];
    const inputs = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o'];
    const { files, record, image, map } = linkBoth(dir, argv, inputs, ['vmlinux.lds']);
    const rows = rowsOf(image, record, files);
    let checked = 0;
    for (const file of inputs) {
      const offsets = sectionOffsets(join(dir, file));
      for (const r of readelfPatches(join(dir, file))) {
        const placed = map.get(`${file} ${r.section}`);
        const at = offsets.get(r.section);
        if (!placed || at === undefined || at < 0 || r.type === 'R_X86_64_NONE') continue; // discarded, or a name used twice
        const row = rows.get(`${placed.output}@${(placed.address + r.offset).toString(16)}`);
        expect(row, `${file} ${r.section}+0x${r.offset.toString(16)}`).toBeDefined();
        const start = at + Number(r.offset);
        expect(row!.before, `${file} ${r.section}+0x${r.offset.toString(16)} ${r.type}`).toEqual(Array.from(files.get(file)!.subarray(start, start + row!.width)));
        checked++;
      }
    }
    // Far more than the record keeps in full, so most came from the inputs.
    expect(checked).toBeGreaterThan(100_000);
    expect(checked).toBeGreaterThan(10 * RECORDED_RELOCATION_LIMIT);
  }, 120_000);

  it('a GOT-relaxing program: before-bytes everywhere, and a rewrite named exactly where ld rewrote the instruction', () => {
    const dir = join(repoRoot, 'samples', 'got-relax');
    const { ld } = JSON.parse(readFileSync(join(dir, 'sample.json'), 'utf8')) as { ld: string[] };
    const o = ld.indexOf('-o');
    const inputs = ld.filter((a, i) => a.endsWith('.o') && ld[i - 1] !== '-o');
    const argv = [...ld.slice(0, o), ...ld.slice(o + 2)].filter((a) => !inputs.includes(a));
    const { files, record, image, map, ldImage } = linkBoth(dir, [...argv, '--emit-relocs'], inputs);
    // Without the record's own steps: everything below is read from the inputs.
    const rows = rowsOf(image, { ...(record as LinkRecord), relocations: [] }, files);
    const ldElf = readElf(ldImage, 'ld out');
    let rewritten = 0;
    let checked = 0;
    for (const file of inputs) {
      const offsets = sectionOffsets(join(dir, file));
      for (const r of readelfPatches(join(dir, file))) {
        const placed = map.get(`${file} ${r.section}`);
        const at = offsets.get(r.section);
        if (!placed || at === undefined || at < 0 || /eh_frame/.test(r.section)) continue;
        const row = rows.get(`${placed.output}@${(placed.address + r.offset).toString(16)}`)!;
        const start = at + Number(r.offset);
        const input = files.get(file)!;
        expect(row.before, `${file} ${r.section}+0x${r.offset.toString(16)}`).toEqual(Array.from(input.subarray(start, start + row.width)));
        // ld rewrote the instruction when its opcode bytes (the 2 before a GOTPCRELX field) changed.
        const out = ldElf.sections.find((s) => s.name === placed.output)!;
        const ldAt = Number(out.offset + placed.address + r.offset - out.addr);
        const changed = [1, 2].some((k) => ldImage[ldAt - k] !== input[start - k]);
        if (/GOTPCRELX/.test(r.type)) expect(row.relaxed !== undefined, `${r.type} at ${file} ${r.section}+0x${r.offset.toString(16)}`).toBe(changed);
        else expect(row.relaxed).toBeUndefined();
        if (changed && /GOTPCRELX/.test(r.type)) rewritten++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(rewritten).toBeGreaterThan(0);
  });

  it('archive members (regular and thin) and edited .eh_frame entries read their bytes from the right file and entry', () => {
    const sample = join(repoRoot, 'samples', 'two-files');
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-history-ar-'));
    for (const f of ['start.o', 'main.o', 'greet.o']) execFileSync('cp', [join(sample, f), dir]);
    execFileSync('ar', ['rcs', 'libgreet.a', 'greet.o'], { cwd: dir });
    execFileSync('ar', ['rcsT', 'libthin.a', 'main.o'], { cwd: dir });
    const inputs = ['start.o', 'libthin.a', 'libgreet.a'];
    const { files, record, image, map, ldImage, ldPath } = linkBoth(dir, ['--emit-relocs'], inputs, ['main.o']); // main.o: the thin archive's member
    const rows = rowsOf(image, { ...(record as LinkRecord), relocations: [] }, files);
    // ld's map names a thin archive's member by its path alone.
    const objects = [['start.o', 'start.o'], ['main.o', 'main.o'], ['libgreet.a(greet.o)', 'greet.o']];
    let checked = 0;
    for (const [named, file] of objects) {
      const offsets = sectionOffsets(join(dir, file));
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      for (const r of readelfPatches(join(dir, file))) {
        if (r.section === '.eh_frame') continue; // below: its entries move
        const placed = map.get(`${named} ${r.section}`);
        expect(placed, `${named} ${r.section}`).toBeDefined();
        const row = rows.get(`${placed!.output}@${(placed!.address + r.offset).toString(16)}`)!;
        const start = offsets.get(r.section)! + Number(r.offset);
        expect(row.before, `${named} ${r.section}+0x${r.offset.toString(16)}`).toEqual(Array.from(bytes.subarray(start, start + row.width)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
    // .eh_frame: ld keeps one CIE of the identical ones, so FDEs move. Pair each FDE of the inputs (in
    // link order) with ld's output's, as readelf --debug-dump=frames lists them; the relocated
    // pc_begin field (8 bytes into an FDE) must show the input FDE's own bytes.
    const fdes = (path: string) => runTool('readelf', ['--debug-dump=frames', path]).split('\n').flatMap((l) => {
      const m = /^([0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ FDE/.exec(l);
      return m ? [parseInt(m[1], 16)] : [];
    });
    const inputFdes = objects.flatMap(([, file]) => fdes(join(dir, file)).map((offset) => ({ file, offset })));
    const outputFdes = fdes(ldPath);
    expect(outputFdes.length).toBe(inputFdes.length);
    expect(inputFdes.length).toBeGreaterThanOrEqual(2);
    const ldElf = readElf(ldImage, 'ld out');
    const eh = ldElf.sections.find((x) => x.name === '.eh_frame')!;
    inputFdes.forEach(({ file, offset }, k) => {
      const row = rows.get(`.eh_frame@${(eh.addr + BigInt(outputFdes[k] + 8)).toString(16)}`);
      expect(row, `FDE ${k}`).toBeDefined();
      const start = sectionOffsets(join(dir, file)).get('.eh_frame')! + offset + 8;
      expect(row!.before, `FDE ${k} of ${file}`).toEqual(Array.from(readFileSync(join(dir, file)).subarray(start, start + row!.width)));
    });
  });
});
