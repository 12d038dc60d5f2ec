// The playground's link map equals what GNU ld's own -Map file says of the same link: every input
// section placed at the same address in the same output section, the same ones discarded; and
// each global symbol's source is the file nm shows defining it (a strong definition over a weak one),
// or the linker script for the symbols it assigns.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.ts';
import { link } from '../../src/link/link.ts';
import { LinkMap, type PlacedSectionRow, type SymbolSourceRow } from '../../src/worker/link-map.ts';
import { ldMapInternal, readLdMap, repoRoot, runTool, tiny, type LdMapSection } from '../helpers.ts';

function linkBoth(dir: string, argv: string[], inputs: string[], others: string[] = []) {
  const files = [...inputs, ...others].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
  const result = link(files, [...argv, '-o', 'out', ...inputs]);
  const map = new LinkMap(result.record, readElf(result.outputs.out, 'out'));
  const tmp = mkdtempSync(join(tmpdir(), 'ldplay-linkmap-'));
  execFileSync('ld', [...argv, '-Map', join(tmp, 'map'), '-o', join(tmp, 'out'), ...inputs], { cwd: dir, stdio: 'ignore' });
  return { map, ld: readLdMap(join(tmp, 'map')) };
}

const KERNEL_ARGS = ['-m', 'elf_x86_64', '-z', 'noexecstack', '--no-warn-rwx-segments', '--emit-relocs', '--discard-none', '-z', 'max-page-size=0x200000', '--build-id=sha1', '--orphan-handling=warn', '--script=vmlinux.lds'];
const KERNEL_INPUTS = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o'];

describe('link map', () => {
  it('the tiny kernel: every input section where ld\'s map puts it, and the ones it discards', () => {
    const { map, ld } = linkBoth(tiny('inputs'), KERNEL_ARGS, KERNEL_INPUTS, ['vmlinux.lds']);
    const page = map.page({ file: 'out', view: 'sections', start: 0, count: 1e9 });
    const rows = page.rows as PlacedSectionRow[];
    const placed = rows.filter((r) => !r.discarded).map((r) => `${r.file} ${r.section} → ${r.output} @${r.address.toString(16)} ${r.size}`);
    // Left out of ld's list: its internal entries (helpers.ts ldMapInternal), named there.
    const left = (p: LdMapSection) => ldMapInternal(p);
    const kept = ld.placed.filter((p) => !left(p));
    expect(ld.placed.length - kept.length).toBeLessThan(60);
    // SHF_MERGE inputs whose every string was already there are listed too, where ld's map puts them.
    expect(rows.filter((r) => r.merged).length).toBeGreaterThan(0);
    const want = kept.map((p) => `${p.file} ${p.section} → ${p.output} @${p.address.toString(16)} ${p.size}`);
    expect(placed.length).toBeGreaterThan(3000);
    expect(placed.sort()).toEqual(want.sort());
    expect(rows.filter((r) => r.discarded).map((r) => `${r.file} ${r.section} ${r.size}`).sort())
      .toEqual(ld.discarded.map((d) => `${d.file} ${d.section} ${d.size}`).sort());
    expect(page.counts).toEqual({ placed: want.length, discarded: ld.discarded.length, symbols: expect.any(Number) });
    // A placed row's bytes are the image's at its file offset (readelf's section offset + the offset in it).
    const sections = new Map(runTool('readelf', ['-SW', tiny('expected', 'vmlinux.unsorted')]).split('\n').flatMap((l) => {
      const m = /^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]{16}\s+([0-9a-f]+)\s/.exec(l);
      return m ? [[m[1], { type: m[2], offset: parseInt(m[3], 16) }] as const] : [];
    }));
    for (const r of rows.filter((x) => !x.discarded && x.size > 0).slice(0, 500)) {
      const s = sections.get(r.output)!;
      expect(r.place, `${r.file} ${r.section}`).toBe(s.type === 'NOBITS' ? -1 : s.offset + r.offset);
    }
    // Search: by file, input or output section, case-insensitive; pages count matches.
    const found = map.page({ file: 'out', view: 'sections', search: 'KALLSYMS.O', start: 0, count: 1e9 });
    expect(found.total).toBe(want.filter((w) => w.startsWith('kallsyms.o ')).length);
    expect(found.rows.map((r) => r.index)).toEqual([...Array(found.total).keys()]);
  }, 120_000);

  it('symbol sources: the strong definition over a weak one, each file as nm shows it, and the script\'s own symbols', () => {
    const dir = join(repoRoot, 'samples', 'weak-strong');
    const inputs = ['start.o', 'main.o', 'board.o'];
    const { map } = linkBoth(dir, [], inputs);
    const rows = map.page({ file: 'out', view: 'symbols', start: 0, count: 1e9 }).rows as SymbolSourceRow[];
    const source = new Map(rows.map((r) => [r.name, r]));
    // nm of each input: global definitions (upper-case letters other than U; W/V are weak).
    const strong = new Map<string, string>();
    const weak = new Map<string, string>();
    for (const f of inputs) {
      for (const line of runTool('nm', [join(dir, f)]).split('\n')) {
        const m = /^[0-9a-f]+ ([A-TV-Z]) (\S+)$/.exec(line);
        if (!m) continue;
        if (m[1] === 'W' || m[1] === 'V') { if (!weak.has(m[2])) weak.set(m[2], f); } else strong.set(m[2], f);
      }
    }
    const both = [...weak.keys()].filter((n) => strong.has(n));
    expect(both.length).toBeGreaterThan(0); // the sample's point
    for (const [name, file] of strong) expect(source.get(name)?.file, name).toBe(file);
    for (const [name, file] of weak) if (!strong.has(name)) expect([source.get(name)?.file, source.get(name)?.binding], name).toEqual([file, 'weak']);

    // The mini kernel's script assigns __start___ex_table and friends.
    const kernel = join(repoRoot, 'samples', 'mini-kernel');
    const { ld } = JSON.parse(readFileSync(join(kernel, 'sample.json'), 'utf8')) as { ld: string[] };
    const o = ld.indexOf('-o');
    const k = linkBoth(kernel, [...ld.slice(0, o), ...ld.slice(o + 2)].filter((a) => !a.endsWith('.o')), ['head.o', 'main.o'], ['kernel.lds']);
    const ks = new Map((k.map.page({ file: 'out', view: 'symbols', start: 0, count: 1e9 }).rows as SymbolSourceRow[]).map((r) => [r.name, r]));
    const script = readFileSync(join(kernel, 'kernel.lds'), 'latin1');
    for (const name of ['__start___ex_table', '__stop___ex_table']) {
      expect(script).toMatch(new RegExp(`\\b${name}\\s*=`));
      expect([ks.get(name)?.file, ks.get(name)?.section], name).toEqual(['(linker script)', '__ex_table']);
    }
  });
});
