// GNU ld's own built-in scripts (`ld --verbose`) for x86-64, aarch64 and riscv64, in the default,
// -pie, -shared and -r variants: they parse, print, re-parse to the same tree, and ld links a
// program under our printed script to the same bytes as under its built-in script.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLinkerScript, printLinkerScript, type LinkerScript } from '../../../src/link/script/index.ts';

const TARGETS = [
  { ld: 'ld', gcc: 'gcc' },
  { ld: 'aarch64-linux-gnu-ld', gcc: 'aarch64-linux-gnu-gcc' },
  { ld: 'riscv64-linux-gnu-ld', gcc: 'riscv64-linux-gnu-gcc' },
];
const VARIANTS: string[][] = [[], ['-pie'], ['-shared'], ['-r']];

const withoutLocations = (script: LinkerScript) =>
  JSON.stringify(script.commands, (key, value) => (key === 'loc' ? undefined : typeof value === 'bigint' ? `${value}n` : value));

/** The script between the ===== lines of `ld --verbose`. */
function builtInScript(ld: string, flags: string[]): string {
  const text = execFileSync(ld, [...flags, '--verbose'], { encoding: 'utf8' });
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.startsWith('======='));
  const last = lines.findIndex((l, i) => i > first && l.startsWith('======='));
  return lines.slice(first + 1, last).join('\n');
}

describe("ld's built-in scripts", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ldplay-default-'));
    writeFileSync(join(dir, 't.c'), 'int counter = 1;\nint bump(void) { return ++counter; }\nvoid _start(void) { bump(); }\n');
    for (const { gcc } of TARGETS) execFileSync(gcc, ['-c', '-O2', '-fPIC', '-o', join(dir, `${gcc}.o`), join(dir, 't.c')]);
  });

  for (const { ld, gcc } of TARGETS) {
    it(`${ld}: ${VARIANTS.length} variants parse, round-trip, and link identically from our print`, () => {
      for (const flags of VARIANTS) {
        const text = builtInScript(ld, flags);
        expect(text).toContain('SECTIONS');
        const script = parseLinkerScript(text, `${ld}.lds`);
        const printed = printLinkerScript(script);
        expect(withoutLocations(parseLinkerScript(printed, 'printed.lds')), flags.join(' ')).toBe(withoutLocations(script));
        writeFileSync(join(dir, 'printed.lds'), printed);
        const link = (extra: string[], out: string) => {
          execFileSync(ld, [...flags, ...extra, '-o', join(dir, out), join(dir, `${gcc}.o`)], { stdio: ['ignore', 'pipe', 'pipe'] });
          return readFileSync(join(dir, out));
        };
        expect(link(['-T', join(dir, 'printed.lds')], 'ours').equals(link([], 'builtin')), `${ld} ${flags.join(' ')}`).toBe(true);
      }
    });
  }
});
