// Wildcards against GNU ld: an object with oddly named sections is linked once per pattern with
// `.out : { *(PATTERN) }`; the sections ld put in .out must be exactly those compileWildcard
// accepts. File patterns (`file`, `archive:member`, `archive:`, `:file`, EXCLUDE_FILE) likewise
// against a link of two objects and an archive member.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElf, SHT_SYMTAB } from '../../../src/elf/index.ts';
import { compileFilePattern, compileWildcard, parseLinkerScript } from '../../../src/link/script/index.ts';

const SECTION_NAMES = ['.t.a', '.t.b', '.t.ab', '.t.x1', '.t.X', '.t.[', '.t.*', '.t.-', '.t.!q', '.t.^', '.tail', '.t.a/b', '.t.]', '.T.a', '.t.', '.t.5'];
const PATTERNS = ['.t.?', '.t.*', '.t.[ab]', '.t.[!a]*', '.t.[^a]', '.t.[a-c]*', '.t.[]x]*', '.t.\\*', '*b', '.t.[[:upper:]]',
  '.t.[', '?t*', '.t.[[:digit:]]', '.t.a', '.[tT].a', '.t.[!]]', '.t.[a-]*', '*.*.*', '.t.[-a]',
  '.t\\.a*', '*\\b', '*.\\a', '.t.[\\]]', '*a*b', '.t.*a'];

/** Labels of the input sections ld placed in output section `.out` (label s_N marks section N). */
function placedInOut(output: string): string[] {
  const bytes = readFileSync(output);
  const elf = readElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), output);
  const out = elf.sections.findIndex((s) => s.name === '.out');
  const table = elf.symbolTable(elf.sections.findIndex((s) => s.type === SHT_SYMTAB));
  const labels: string[] = [];
  for (let i = 1; i < table.count; i++) if (out > 0 && table.shndx(i) === out) labels.push(table.name(i));
  return labels.sort();
}

function ld(dir: string, script: string, inputs: string[]): string {
  writeFileSync(join(dir, 'w.lds'), script);
  execFileSync('ld', ['-o', 'w.out', '-T', 'w.lds', ...inputs], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return join(dir, 'w.out');
}

describe('wildcards match as GNU ld matches them', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ldplay-wild-'));
    const asm = SECTION_NAMES.map((name, i) => `.section "${name}","a"\ns_${i}: .byte ${i}\n`).join('');
    writeFileSync(join(dir, 's.s'), asm);
    execFileSync('as', ['-o', join(dir, 's.o'), join(dir, 's.s')]);
    for (const f of ['t', 'u', 'm']) {
      writeFileSync(join(dir, `${f}.s`), `.section ".f${f}","a"\nl_${f}: .byte 1\n`);
      execFileSync('as', ['-o', join(dir, `${f}.o`), join(dir, `${f}.s`)]);
    }
    execFileSync('ar', ['rcs', join(dir, 'lib.a'), join(dir, 'm.o')], { cwd: dir });
  });

  it(`section-name patterns (${PATTERNS.length} patterns x ${SECTION_NAMES.length} names)`, () => {
    for (const pattern of PATTERNS) {
      // the pattern goes through our parser, as the linker core will receive it
      const script = `SECTIONS { .out : { *(${pattern}) } .rest : { *(*) } }`;
      const parsed = parseLinkerScript(script, 'w.lds').commands[0];
      const out = parsed.kind === 'sections' ? parsed.commands[0] : undefined;
      const input = out?.kind === 'outputSection' ? out.commands[0] : undefined;
      expect(input?.kind === 'input' && input.sections?.map((p) => p.pattern)).toEqual([pattern]);
      const matches = compileWildcard(pattern);
      const ours = SECTION_NAMES.flatMap((name, i) => (matches(name) ? [`s_${i}`] : [])).sort();
      expect(ours, pattern).toEqual(placedInOut(ld(dir, script, ['s.o'])));
    }
  });

  it('file patterns, archive members and EXCLUDE_FILE', () => {
    const files = [{ name: 't.o' }, { name: 'u.o' }, { name: 'm.o', archive: 'lib.a' }];
    const labels = ['l_t', 'l_u', 'l_m'];
    const filePatterns = ['t.o', '*.o', 'u*', 'lib.a:m.o', 'lib.a:', ':t.o', '*:m.o', ':m.o', '*.a:', 'm.o', '*', '[tu].o'];
    for (const pattern of filePatterns) {
      const matches = compileFilePattern(pattern);
      const ours = files.flatMap((f, i) => (matches(f) ? [labels[i]] : [])).sort();
      const output = ld(dir, `SECTIONS { .out : { ${pattern}(.f*) } .rest : { *(*) } }`, ['t.o', 'u.o', '--whole-archive', 'lib.a']);
      expect(ours, pattern).toEqual(placedInOut(output));
    }
    const excluding = ld(dir, 'SECTIONS { .out : { EXCLUDE_FILE(t.o lib.a:) *(.f*) } .rest : { *(*) } }', ['t.o', 'u.o', '--whole-archive', 'lib.a']);
    const excluded = [compileFilePattern('t.o'), compileFilePattern('lib.a:')];
    expect(files.flatMap((f, i) => (excluded.some((m) => m(f)) ? [] : [labels[i]]))).toEqual(placedInOut(excluding));
  });
});
