// The section-mismatch check against goldens written by the real modpost (Linux 6.1.192): small
// gcc-compiled objects with each kind of bad reference, the 153 Debian modules, and vmlinux.o.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, repoRoot, runTool, tiny } from '../helpers.ts';
import { checkSectionMismatches, formatMismatches } from '../../src/kernel/mismatch.ts';
import { ElfFormatError } from '../../src/elf/index.ts';

const golden = (...p: string[]) => join(repoRoot, 'test', 'golden', 'mismatch', ...p);
const modulesDir = '/var/cache/ldplay/modules';

/** Compiles test/golden/mismatch/NAME.c the way the goldens were made; returns the object's bytes. */
function compile(name: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-mismatch-'));
  const out = join(dir, `${name}.o`);
  execFileSync('gcc', ['-O2', '-fno-pic', '-fno-pie', '-mcmodel=kernel', '-fno-asynchronous-unwind-tables', '-c', '-o', out, golden(`${name}.c`)]);
  return load(out);
}

describe('section mismatch check', () => {
  it('finds exactly the one reference from .text into .init.text', () => {
    const r = checkSectionMismatches(compile('minimal'), { fileName: 'minimal.o' });
    expect(r.record.findings.map((f) => f.message)).toEqual([
      'WARNING: modpost: minimal.o: section mismatch in reference: late_caller (section: .text) -> early_setup (section: .init.text)',
    ]);
    expect(r.record.findings[0]).toMatchObject({ kind: 'TEXT_TO_ANY_INIT', relocationSection: '.rela.text' });
  });

  it('finds nothing when init code calls ordinary code', () => {
    const r = checkSectionMismatches(compile('good'), { fileName: 'good.o' });
    expect(r.record.findings).toEqual([]);
    expect(r.record.relocations).toBeGreaterThan(0);
    expect(formatMismatches(r.record)).toBe(readFileSync(golden('good.modpost.txt'), 'latin1'));
  });

  it("prints modpost's own lines for every kind of mismatch", () => {
    const r = checkSectionMismatches(compile('bad'), { fileName: 'bad.o' });
    expect(formatMismatches(r.record)).toBe(readFileSync(golden('bad.modpost.txt'), 'latin1'));
    expect(new Set(r.record.findings.map((f) => f.kind))).toEqual(new Set([
      'TEXT_TO_ANY_INIT', 'DATA_TO_ANY_INIT', 'DATA_TO_ANY_EXIT', 'EXTABLE_TO_NON_TEXT', 'ANY_EXIT_TO_ANY_INIT',
      'XXXINIT_TO_SOME_INIT', 'EXPORT_TO_INIT_EXIT',
    ]));
  });

  it('finds no mismatch in the fixture vmlinux.o, as modpost 6.1.192 (which prints nothing there)', () => {
    const r = checkSectionMismatches(load(tiny('inputs', 'vmlinux.o')));
    expect(r.record.findings.length).toBe(0);
    // readelf -r prints one header line per relocation section with its entry count.
    const counts = [...runTool('readelf', ['-r', '-W', tiny('inputs', 'vmlinux.o')]).matchAll(/contains (\d+) entr/g)].map((m) => Number(m[1]));
    expect(r.record.relocationSections).toBe(counts.length);
    // Whitelisted targets (.debug*, .note*, ...) are skipped, so at most all of them are read.
    expect(r.record.relocations).toBeGreaterThan(100_000);
    expect(r.record.relocations).toBeLessThanOrEqual(counts.reduce((a, b) => a + b, 0));
  });

  it('raises only ElfFormatError on corrupted objects', () => {
    const base = compile('bad');
    let seed = 5;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let round = 0; round < 300; round++) {
      const b = base.slice();
      for (let k = 0, n = 1 + random(8); k < n; k++) b[random(b.length)] = random(256);
      try {
        checkSectionMismatches(random(4) === 0 ? b.subarray(0, random(b.length)) : b);
      } catch (e) {
        if (!(e instanceof ElfFormatError)) throw e;
      }
    }
  });

  it.runIf(existsSync(modulesDir))("matches modpost's section checks on 153 Debian modules", () => {
    const names = readdirSync(modulesDir).filter((f) => f.endsWith('.ko')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(names.length).toBe(153);
    let text = '';
    for (const f of names) {
      text += formatMismatches(checkSectionMismatches(load(join(modulesDir, f)), { fileName: f.replace(/\.ko$/, '.o') }).record);
    }
    expect(text).toBe(readFileSync(golden('modules.modpost.txt'), 'latin1'));
  });
});
