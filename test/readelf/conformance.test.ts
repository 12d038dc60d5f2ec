// ldplay readelf against GNU readelf 2.40 on real files: every corpus file's `-W -h -S -l -s -r`
// listing must match byte for byte, plus narrower option sets on a subset, archives, the 632 MB
// vmlinux (-W -h -S -l -s in full; -r by sha256 of both streams), and the ELF writer round trip.

import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageFromElf, latin1, readElf, writeElf } from '../../src/elf/index.ts';
import { readelfText, writeReadelf, writeReadelfFile, type ReadelfOptions } from '../../src/readelf/index.ts';
import { bigVmlinux, hasBigVmlinux, load, runTool } from '../helpers.ts';
import { crossObjects, libcMembers, systemCorpus, type CorpusFile } from './corpus.ts';

const ALL: ReadelfOptions = { fileHeader: true, sectionHeaders: true, programHeaders: true, symbols: true, relocs: true, wide: true };

/** readelf's stdout, byte-exact as Latin-1 (it may exit 1 on its own warnings; stdout still counts). */
function gnuReadelf(args: string[]): string {
  const r = spawnSync('readelf', args, { encoding: 'latin1', maxBuffer: 1 << 30 });
  return r.stdout;
}

function ours(path: string, options: ReadelfOptions): string {
  return readelfText(readElf(load(path), path), options);
}

let corpus: CorpusFile[] = [];
let archive: string | null = null;
let missingCompilers: string[] = [];

beforeAll(() => {
  const cross = crossObjects();
  const libc = libcMembers();
  corpus = [...systemCorpus(), ...libc.members, ...cross.files];
  archive = libc.archive;
  missingCompilers = cross.missing;
});

describe('readelf conformance with GNU readelf 2.40', () => {
  it('corpus covers every required group', () => {
    const groups = new Set(corpus.map((f) => f.group));
    for (const g of ['fixtures', 'crt', 'shared-libraries', 'executables', 'modules', 'libc.a', 'cross-aarch64', 'cross-riscv64', 'cross-i386', 'cross-crt', 'escaped-names']) {
      expect(groups, `missing corpus group ${g}`).toContain(g);
    }
    expect(missingCompilers).toEqual([]);
    expect(corpus.length).toBeGreaterThan(120);
    console.log(`readelf corpus: ${corpus.length} files (${[...groups].map((g) => `${g} ${corpus.filter((f) => f.group === g).length}`).join(', ')})`);
  });

  it('-W -h -S -l -s -r matches byte for byte on every corpus file', () => {
    const mismatches: string[] = [];
    for (const { path } of corpus) {
      const expected = gnuReadelf(['-W', '-h', '-S', '-l', '-s', '-r', path]);
      const actual = ours(path, ALL);
      if (actual !== expected) mismatches.push(`${path}: ${firstDifference(expected, actual)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('narrow layouts and other option sets match (-S, -h -l, -s, -r, -l, -h -S -l -s -r)', () => {
    const sets: [string[], ReadelfOptions][] = [
      [['-S'], { sectionHeaders: true }],
      [['-h', '-l'], { fileHeader: true, programHeaders: true }],
      [['-s'], { symbols: true }],
      [['-r'], { relocs: true }],
      [['-l'], { programHeaders: true }],
      [['-h', '-S', '-l', '-s', '-r'], { ...ALL, wide: false }],
      [['-W', '-S', '-l'], { sectionHeaders: true, programHeaders: true, wide: true }],
    ];
    // One file of each group keeps this quick while covering every class, machine and layout.
    const picked = [...new Map(corpus.map((f) => [f.group, f])).values()];
    const mismatches: string[] = [];
    for (const { path } of picked) {
      for (const [args, options] of sets) {
        const expected = gnuReadelf([...args, path]);
        const actual = ours(path, options);
        if (actual !== expected) mismatches.push(`${args.join(' ')} ${path}: ${firstDifference(expected, actual)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('archives print each member as "File: lib.a(member.o)"', () => {
    expect(archive).not.toBeNull();
    const expected = gnuReadelf(['-W', '-h', '-S', '-s', '-r', archive!]);
    const parts: string[] = [];
    writeReadelfFile(load(archive!), archive!, { fileHeader: true, sectionHeaders: true, symbols: true, relocs: true, wide: true },
      (c) => parts.push(latin1(c, 0, c.length)), false);
    expect(parts.join('')).toBe(expected);
    expect(expected).toMatch(/\nFile: .*small\.a\(.*\.o\)\n/);
  });

  it('writeElf(imageFromElf(readElf(b))) reproduces every corpus file', () => {
    const mismatches: string[] = [];
    for (const { path } of corpus) {
      const bytes = load(path);
      const again = writeElf(imageFromElf(readElf(bytes, path)));
      if (again.length !== bytes.length || Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0) mismatches.push(path);
    }
    expect(mismatches).toEqual([]);
  });
});

describe.runIf(hasBigVmlinux)('readelf on the 632 MB Debian vmlinux', () => {
  it('-W -h -S -l -s matches in full', () => {
    const expected = runTool('readelf', ['-W', '-h', '-S', '-l', '-s', bigVmlinux]);
    expect(ours(bigVmlinux, { fileHeader: true, sectionHeaders: true, programHeaders: true, symbols: true, wide: true }) === expected).toBe(true);
  });

  // 13.8 M relocations, about 1.5 GB of text per side. GNU readelf runs in a child process while
  // ours renders in this one, so the two cores share the work (measured ≈ 30 s; ≈ 50 s in sequence).
  it('-W -r matches by sha256 of both streams', async () => {
    const started = performance.now();
    const child = spawn('sh', ['-c', 'readelf -W -r "$1" | sha256sum', 'sh', bigVmlinux], { stdio: ['ignore', 'pipe', 'ignore'] });
    const theirsText = new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.setEncoding('latin1');
      child.stdout.on('data', (d: string) => (text += d));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    const hash = createHash('sha256');
    writeReadelf(readElf(load(bigVmlinux), bigVmlinux), { relocs: true, wide: true }, (c) => hash.update(c));
    const oursHash = hash.digest('hex');
    const oursSeconds = (performance.now() - started) / 1000;
    const theirs = (await theirsText).split(' ')[0];
    console.log(`vmlinux -W -r: sha256 ${oursHash}; ours ${oursSeconds.toFixed(1)} s, both ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(oursHash).toBe(theirs);
  }, 300_000);
});

function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: expected ${JSON.stringify(a[i])}, got ${JSON.stringify(b[i])}`;
  }
  return 'same lines, different bytes';
}
