// Syntax errors: for each broken script GNU ld is run on the same text, and our LinkerScriptError
// must name the same line (ld says line 0 at end of file; we name the last line and say so), start
// its message the way ld's does, and add the column of the offending token.
import { beforeAll, describe, expect, it } from 'vitest';
import { LinkerScriptError, parseLinkerScript } from '../../../src/link/script/index.ts';
import { StageError } from '../../../src/pipeline/stage.ts';
import { buildObject, linkWithLd } from './ld-oracle.ts';

/** Broken scripts, each with the text of the token our error should point at. */
const BROKEN: { script: string; at: string; occurrence?: number; problem?: string }[] = [
  { script: 'SECTIONS\n{\n  . = 0x1000\n  .text : { *(.text) }\n}\n', at: '.text' },
  { script: 'SECTIONS\n{\n  .text : { *(.text) }\n', at: '' },
  { script: 'FOO BAR\n', at: 'BAR' },
  { script: 'x = 1 +;\n', at: ';' },
  { script: 'SECTIONS {\n  .text : {\n    *(.text }\n}\n', at: '}' },
  { script: 'x = 1 ^ 2;\n', at: '^' },
  { script: '/* a\n comment\n */ SECTIONS {\n  .data : {\n    *(.data)\n    x = ;\n  }\n}\n', at: ';' },
  { script: 'SECTIONS {\n .text : AT( { *(.text) }\n}\n', at: '{', occurrence: 2 },
  { script: 'PHDRS {\n  text PT_FOO;\n}\n', at: 'PT_FOO', problem: "unknown phdr type `PT_FOO' (try integer literal)" },
  { script: 'SECTIONS {\n .text : { *(.text) } :\n', at: '' },
  { script: 'SECTIONS {\n .text : { *(.text) }\n .data : { *(.data) } >\n}\n', at: '}', occurrence: 3 },
  { script: 'ENTRY(\n', at: '' },
  { script: 'SECTIONS {\n .text : { KEEP(*(.text) }\n}\n', at: '}' },
  { script: 'x = ALIGN(1, 2, 3);\n', at: ')' },
  { script: 'SECTIONS { .text : { *(SORT_BY_INIT_PRIORITY(SORT_BY_NAME(.text))) } }\n', at: 'SORT_BY_NAME' },
  { script: 'SECTIONS { .text : { *(.text) } }\nx = 3 $ 4;\n', at: '$' },
  { script: 'MEMORY { ram (rwx) : ORIGIN = 0, LEN = 4K }\n', at: 'LEN' },
];

function parseError(text: string): LinkerScriptError {
  try {
    parseLinkerScript(text, 'e.lds');
  } catch (error) {
    if (error instanceof LinkerScriptError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

/** Line and column of the `occurrence`-th `at` in `text` ('' means end of file). */
function expectedPosition(text: string, at: string, occurrence = 1): { line: number; column: number } {
  let offset = at === '' ? text.length : -1;
  for (let n = 0; at !== '' && n < occurrence; n++) offset = text.indexOf(at, offset + 1);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe('syntax errors', () => {
  let dir: string;
  beforeAll(() => { dir = buildObject(); });

  it(`name the line GNU ld names, for ${BROKEN.length} broken scripts`, () => {
    for (const { script, at, occurrence, problem } of BROKEN) {
      const ld = linkWithLd(dir, script, 'e.lds').stderr;
      const ldLine = Number(/e\.lds:(\d+): /.exec(ld)?.[1]);
      expect(ld, script).toMatch(/e\.lds:\d+: /);
      const error = parseError(script);
      const position = expectedPosition(script, at, occurrence);
      expect({ line: error.line, column: error.column }, script).toEqual(position);
      if (ldLine === 0) expect(error.message, script).toContain('found end of file');
      else expect(error.line, script).toBe(ldLine);
      expect(error.problem).toBe(problem ?? 'syntax error');
      expect(ld).toContain(`e.lds:${ldLine}: ${error.problem}`);
      expect(error.message.startsWith(`e.lds:${error.line}: ${error.problem} (column ${error.column}`)).toBe(true);
    }
  });

  it('are StageErrors carrying a diagnostic with file, line and column', () => {
    const error = parseError('SECTIONS {\n  .text : { *(.text) \n');
    expect(error).toBeInstanceOf(StageError);
    expect(error.diagnostics).toEqual([{ severity: 'error', message: error.message, file: 'e.lds', line: 3, column: 1 }]);
    expect(error.message).toBe("e.lds:3: syntax error (column 1: expected '}', found end of file)");
  });

  it('report INCLUDE without a reader, a missing file and self-inclusion', () => {
    expect(parseError('INCLUDE other.lds\n').message).toBe('e.lds:1: cannot open linker script file other.lds (column 1: INCLUDE is not available here)');
    const read = (files: Record<string, string>) => ({ readFile: (name: string) => files[name] });
    expect(() => parseLinkerScript('INCLUDE nope.lds', 'e.lds', read({}))).toThrow('e.lds:1: cannot open linker script file nope.lds');
    expect(() => parseLinkerScript('INCLUDE a.lds', 'e.lds', read({ 'a.lds': 'INCLUDE a.lds' }))).toThrow('a.lds:1: INCLUDE of a.lds includes itself');
    // An error inside an included file names that file and its line.
    expect(() => parseLinkerScript('SECTIONS {\n INCLUDE a.lds\n}', 'e.lds', read({ 'a.lds': '.text : {\n *(.text\n}' })))
      .toThrow("a.lds:3: syntax error (column 1: expected a section name pattern, found '}')");
  });
});
