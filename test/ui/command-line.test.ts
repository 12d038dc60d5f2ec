// The playground's link-command box: words split like a POSIX shell splits them (checked against
// bash itself), the program name dropped, and joinCommandLine's output read back as the same words.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CommandLineError, joinCommandLine, splitCommandLine } from '../../src/ui/state/command-line.ts';

/** The words bash makes of `text` (printf one per line, NUL-free inputs only). */
const bashWords = (text: string) => {
  const out = execFileSync('bash', ['-c', `for w in ${text}; do printf '%s\\0' "$w"; done`, '_'], { encoding: 'utf8' });
  return out ? out.slice(0, -1).split('\0') : [];
};
// bash's `for w in` word-splits but also globs; these inputs have no glob characters.
const cases = [
  '-o a.out start.o main.o',
  '  -T   kernel.lds\t-o vmlinux  head.o ',
  `-T 'my script.ld' "a b.o" c\\ d.o`,
  `-Map "out \\"quoted\\".map" x.o`,
  `--script='it'\\''s.ld' y.o`,
  `a""b '' ""`,
];

describe('link command splitting', () => {
  it.each(cases)('splits %j as bash does', (text) => {
    expect(splitCommandLine(text)).toEqual(bashWords(text));
  });

  // (`for w in ''` drops empty words, so empty quoted words are checked here, not against bash.)
  it('keeps empty quoted words and drops a leading program name', () => {
    expect(splitCommandLine(`a""b '' ""`)).toEqual(['ab', '', '']);
    expect(splitCommandLine('ld -o x a.o')).toEqual(['-o', 'x', 'a.o']);
    expect(splitCommandLine('ld.lld -o x a.o')).toEqual(['-o', 'x', 'a.o']);
    expect(splitCommandLine('ldplay link -o x a.o')).toEqual(['-o', 'x', 'a.o']);
    expect(splitCommandLine('')).toEqual([]);
  });

  it('names an unterminated quote and its column', () => {
    expect(() => splitCommandLine(`-T "kernel.lds`)).toThrow(new CommandLineError('unterminated " quote at column 4'));
    expect(() => splitCommandLine(`-o 'x`)).toThrow(new CommandLineError("unterminated ' quote at column 4"));
  });

  it('joinCommandLine round-trips through the splitter', () => {
    for (const argv of [['-o', 'a.out', 'x.o'], ['-T', 'my script.ld', "it's.o", ''], ['--build-id=sha1', '-z', 'max-page-size=0x200000']]) {
      expect(splitCommandLine(joinCommandLine(argv))).toEqual(argv);
    }
  });
});
