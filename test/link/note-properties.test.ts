// GNU property notes (.note.gnu.property) merged over a link as GNU ld 2.40 merges them: every rule
// (x86 AND / OR / OR-AND, generic AND / OR, stack size, no-copy-on-protected, an unsupported type's
// warning), a property some object lacks, zero results, several properties sorted by type, the note
// held by the first object that has one; whole output files and stderr equal ld's. Also a corrupt
// note is a located error, not a crash.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link } from '../../src/link/link.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { repoRoot } from '../helpers.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ldplay-notes-')); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** type:datasz:value — one property (datasz 0, 4 or 8). */
type Spec = string;

/** Assembles an object named `name` with a function and (when `props` is not empty) one property note. */
function object(name: string, props: Spec[], descsz?: number): string {
  let s = '\t.section .note.GNU-stack,"",@progbits\n\t.text\n';
  s += name === 'a' ? '\t.globl _start\n_start: ret\n' : `\t.globl f_${name}\nf_${name}: ret\n`;
  if (props.length) {
    s += `\t.section .note.gnu.property,"a",@note\n\t.p2align 3\n\t.long 4\n\t.long ${descsz ?? '2f-1f'}\n\t.long 5\n\t.asciz "GNU"\n1:\n`;
    for (const p of props) {
      const [type, size, value] = p.split(':');
      s += `\t.long ${type}\n\t.long ${size}\n`;
      if (size === '4') s += `\t.long ${value}\n\t.p2align 3\n`;
      if (size === '8') s += `\t.quad ${value}\n`;
    }
    s += '2:\n';
  }
  writeFileSync(join(dir, `${name}.s`), s);
  execFileSync('as', ['--64', '-o', `${name}.o`, `${name}.s`], { cwd: dir });
  return `${name}.o`;
}

function linkBoth(objects: string[]) {
  const ld = spawnSync('ld', ['-o', 'out.ld', ...objects], { cwd: dir, encoding: 'utf8' });
  const ours = spawnSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'link', '-o', 'out.lp', ...objects], { cwd: dir, encoding: 'utf8' });
  return {
    ld: { status: ld.status, stderr: ld.stderr, file: readFileSync(join(dir, 'out.ld')) },
    ours: { status: ours.status, stderr: ours.stderr, file: readFileSync(join(dir, 'out.lp')) },
  };
}

describe('GNU property notes are merged as ld does', () => {
  it.each<[string, Spec[], Spec[]]>([
    ['x86 FEATURE_1_AND in both: AND', ['0xc0000002:4:3'], ['0xc0000002:4:1']],
    ['x86 FEATURE_1_AND missing in one: dropped (no note, no PT_GNU_PROPERTY)', ['0xc0000002:4:3'], []],
    ['x86 FEATURE_1_AND ANDed to 0: dropped', ['0xc0000002:4:1'], ['0xc0000002:4:2']],
    ['x86 ISA_1_NEEDED: OR, kept when one lacks it', ['0xc0008002:4:1'], ['0xc0008002:4:2']],
    ['x86 ISA_1_NEEDED of 0: dropped', ['0xc0008002:4:0'], []],
    ['x86 ISA_1_USED missing in one: dropped', ['0xc0010002:4:1'], []],
    ['x86 ISA_1_USED in both: OR, kept at 0', ['0xc0010002:4:0'], ['0xc0010002:4:0']],
    ['stack size: the largest', ['1:8:0x1000'], ['1:8:0x2000']],
    ['no copy on protected: kept from one', ['2:0:0'], []],
    ['generic UINT32_AND: AND, dropped when one lacks it', ['0xb0000001:4:5'], ['0xb0000001:4:6']],
    ['generic UINT32_OR: OR', ['0xb0008000:4:1'], []],
    ['an unsupported type: warned about, kept', ['0xe0000000:4:1'], []],
    ['several properties: sorted by type', ['2:0:0', '0xc0008002:4:1', '1:8:0x10'], ['0xc0008002:4:1']],
    ['the note in the first object that has one', [], ['0xc0008002:4:1', '0xc0000002:4:3']],
  ])('%s', (_label, a, b) => {
    const { ld, ours } = linkBoth([object('a', a), object('b', b)]);
    expect(ours.status).toBe(ld.status);
    expect(ours.stderr.replaceAll('out.lp', 'OUT')).toBe(ld.stderr.replaceAll('out.ld', 'OUT'));
    expect(Buffer.compare(ours.file, ld.file)).toBe(0);
  });

  it('a property note whose size runs past its section is an error naming the file and offset', () => {
    const bytes = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
    object('a', []);
    object('bad', ['0xc0008002:4:1'], 0x40);
    const attempt = () => link([{ name: 'a.o', bytes: bytes('a.o') }, { name: 'bad.o', bytes: bytes('bad.o') }], ['-o', 'out', 'a.o', 'bad.o']);
    expect(attempt).toThrow(StageError);
    expect(attempt).toThrow(/^ld: bad\.o: corrupt GNU_PROPERTY_TYPE \(5\) size: 0x40 in section `\.note\.gnu\.property' at offset 0x0$/);
  });
});
