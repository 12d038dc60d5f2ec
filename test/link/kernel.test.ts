// Acceptance: `ldplay link` with the kernel's own argument list (fixtures README) reproduces GNU ld
// 2.40's vmlinux.unsorted byte for byte — the 19 MB file, build-id included — from the CLI and from
// the in-process link the playground runs (WebAssembly SHA-1, and its twin). The finer checks below
// (program headers, allocated sections, symbols and --emit-relocs relocations as sets) stay to say
// what differs should the whole-file check ever fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readElf, SHF_ALLOC, SHT_RELA, SHT_SYMTAB, STT_SECTION, type ElfFile } from '../../src/elf/index.ts';
import { link } from '../../src/link/link.ts';
import { setHotImplementation } from '../../src/hot/sort.ts';
import { load, repoRoot, tiny } from '../helpers.ts';

const ARGS = ['-m', 'elf_x86_64', '-z', 'noexecstack', '--no-warn-rwx-segments', '--emit-relocs', '--discard-none', '-z', 'max-page-size=0x200000', '--build-id=sha1', '--orphan-handling=warn', '--script=vmlinux.lds'];
const INPUTS = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o'];

let dir: string;
let mine: ElfFile;
let expected: ElfFile;
let stderr = '';
let mineBytes: Uint8Array;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldplay-link-'));
  const out = join(dir, 'vmlinux.unsorted');
  try {
    execFileSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'link', ...ARGS, '-o', out, ...INPUTS], { cwd: tiny('inputs'), stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    stderr = String((e as { stderr?: Buffer }).stderr ?? e);
    throw e;
  }
  const bytes = readFileSync(out);
  mineBytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  mine = readElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'ldplay vmlinux.unsorted');
  expected = readElf(load(tiny('expected', 'vmlinux.unsorted')), 'ld vmlinux.unsorted');
}, 120_000);

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const hex = (v: bigint) => '0x' + v.toString(16);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('ldplay link of the x86_64-tiny kernel fixture equals GNU ld 2.40', () => {
  it('links without errors', () => {
    expect(stderr).toBe('');
    expect(mine.header.type).toBe(expected.header.type);
    expect(hex(mine.header.entry)).toBe(hex(expected.header.entry));
  });

  it('writes GNU ld\'s vmlinux.unsorted byte for byte, build-id included', () => {
    const want = load(tiny('expected', 'vmlinux.unsorted'));
    expect(mineBytes.length).toBe(want.length);
    expect(sha256(mineBytes)).toBe(sha256(want));
  });

  it('the in-process link (the playground\'s, SHA-1 in WebAssembly or its twin) writes the same bytes', () => {
    const inputs = [...INPUTS, 'vmlinux.lds'].map((name) => ({ name, bytes: load(tiny('inputs', name)) }));
    const want = sha256(load(tiny('expected', 'vmlinux.unsorted')));
    for (const implementation of ['wasm', 'ts'] as const) {
      setHotImplementation(implementation);
      try {
        const r = link(inputs, [...ARGS, '-o', 'vmlinux.unsorted', ...INPUTS]);
        expect(sha256(r.outputs['vmlinux.unsorted']), implementation).toBe(want);
      } finally {
        setHotImplementation('wasm');
      }
    }
  });

  it('--perf (mold\'s spelling) prints every pass with its time, in pass order', () => {
    const out = join(dir, 'perf.out');
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'link', '--perf', ...ARGS, '-o', out, ...INPUTS], { cwd: tiny('inputs'), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const names = r.stderr.trim().split('\n').map((l) => /^\s*\d+ ms {2}(\w+)$/.exec(l)?.[1]);
    expect(names).toEqual(['readInputs', 'resolveSymbols', 'scanRelocations', 'readScript', 'placeSections', 'mergeNoteProperties', 'editEhFrames', 'mergeSections', 'assignAddresses', 'applyRelocations', 'buildSymbolTable', 'emitRelocations', 'writeOutput', 'verify']);
  });

  it('has the same program headers', () => {
    const rows = (e: ElfFile) => e.segments.map((p) => [p.type, p.flags, hex(p.offset), hex(p.vaddr), hex(p.paddr), hex(p.filesz), hex(p.memsz), hex(p.align)].join(' '));
    expect(rows(mine)).toEqual(rows(expected));
  });

  it('has the same allocated sections: name, address, size, flags, alignment and bytes', () => {
    const alloc = (e: ElfFile) => e.sections.filter((s) => (s.flags & BigInt(SHF_ALLOC)) !== 0n);
    const rows = (e: ElfFile) => alloc(e).map((s) => [s.name, s.type, hex(s.addr), hex(s.size), hex(s.flags), hex(s.addralign), hex(s.entsize)].join(' '));
    expect(rows(mine)).toEqual(rows(expected));
    const differing: string[] = [];
    const notes = expected.sectionByName('.notes')!;
    const buildIdDesc = buildIdRange(expected, notes.index);
    for (const s of alloc(expected)) {
      if (s.type === 8) continue;
      const a = expected.sectionData(s.index);
      const b = mine.sectionData(mine.sectionByName(s.name)!.index);
      let first = -1;
      let count = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        if (s.index === notes.index && i >= buildIdDesc[0] && i < buildIdDesc[1]) continue; // build-id value (named exception)
        if (first < 0) first = i;
        count++;
      }
      if (count) differing.push(`${s.name}: ${count} bytes differ, first at +0x${first.toString(16)}`);
    }
    expect(differing).toEqual([]);
  });

  it('has the same non-allocated sections apart from string-table layout', () => {
    const rows = (e: ElfFile) => e.sections.filter((s) => (s.flags & BigInt(SHF_ALLOC)) === 0n && s.type !== 3 && s.type !== SHT_SYMTAB)
      .map((s) => [s.name, s.type, hex(s.flags), hex(s.addralign), hex(s.entsize), s.type === SHT_RELA ? e.sections[s.info].name : '', hex(s.size)].join(' '));
    expect(rows(mine).sort()).toEqual(rows(expected).sort());
    expect(mine.sectionData(mine.sectionByName('.comment')!.index)).toEqual(expected.sectionData(expected.sectionByName('.comment')!.index));
  });

  it('has the same symbols (name, value, size, type, binding, visibility, section)', () => {
    const a = symbolRows(mine);
    const b = symbolRows(expected);
    expect(a.length).toBe(b.length);
    expect(difference(a, b)).toEqual([]);
    expect(difference(b, a)).toEqual([]);
    const t = (e: ElfFile) => e.symbolTable(e.sections.find((s) => s.type === SHT_SYMTAB)!.index).firstGlobal;
    expect(t(mine)).toBe(t(expected));
  });

  it('has the same relocation sections as sets of (offset, type, target, addend)', () => {
    const a = relocationRows(mine);
    const b = relocationRows(expected);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    const report: string[] = [];
    for (const [name, rows] of b) {
      const ours = a.get(name) ?? [];
      const missing = difference(rows, ours);
      const extra = difference(ours, rows);
      if (missing.length || extra.length) report.push(`${name}: ${missing.length} missing (e.g. ${missing.slice(0, 2).join('; ')}), ${extra.length} extra (e.g. ${extra.slice(0, 2).join('; ')})`);
    }
    expect(report).toEqual([]);
  });
});

function buildIdRange(e: ElfFile, index: number): [number, number] {
  const s = e.sections[index];
  for (const n of e.notes(Number(s.offset), Number(s.size), 4)) {
    if (n.name === 'GNU' && n.type === 3) { const start = n.offset - Number(s.offset) + 16; return [start, start + n.desc.length]; }
  }
  return [0, 0];
}

function symbolRows(e: ElfFile): string[] {
  const h = e.sections.find((s) => s.type === SHT_SYMTAB)!;
  const t = e.symbolTable(h.index);
  const rows: string[] = [];
  for (let i = 0; i < t.count; i++) {
    const s = t.get(i);
    const section = s.shndx > 0 && s.shndx < 0xff00 ? e.sections[s.shndx].name : String(s.shndx);
    rows.push([s.type === STT_SECTION ? section : s.name, hex(s.value), s.size, s.type, s.bind, s.visibility, section].join(' '));
  }
  return rows;
}

function relocationRows(e: ElfFile): Map<string, string[]> {
  const symtab = e.symbolTable(e.sections.find((s) => s.type === SHT_SYMTAB)!.index);
  const out = new Map<string, string[]>();
  for (const h of e.sections) {
    if (h.type !== SHT_RELA) continue;
    const r = e.relocationTable(h.index);
    const rows: string[] = [];
    for (let i = 0; i < r.count; i++) {
      const sym = r.sym(i);
      const target = (symtab.info(sym) & 0xf) === STT_SECTION ? `section ${e.sections[symtab.shndx(sym)].name}` : symtab.name(sym);
      rows.push(`${hex(r.offset(i))} ${r.type(i)} ${target} ${r.addend(i)}`);
    }
    out.set(h.name, rows);
  }
  return out;
}

/** Multiset difference a − b. */
function difference(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}
