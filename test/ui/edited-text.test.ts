// An edited linker script goes to the linker as UTF-8 bytes, and the linker's error columns (bytes,
// as ld reads a script: one byte per character) land on the same token in the editor's text.
import { describe, expect, it } from 'vitest';
import { latin1 } from '../../src/elf/index.ts';
import { parseLinkerScript } from '../../src/link/script/parser.ts';
import { LinkerScriptError } from '../../src/link/script/errors.ts';
import { editedTextBytes, utf16Column } from '../../src/ui/state/edited-text.ts';

/** The linker's error for `text` saved from the editor: [line, byte column, problem]. */
function scriptError(text: string): LinkerScriptError {
  const bytes = editedTextBytes(text);
  try {
    parseLinkerScript(latin1(bytes, 0, bytes.length), 'kernel.lds');
  } catch (e) {
    if (e instanceof LinkerScriptError) return e;
    throw e;
  }
  throw new Error('the script parsed');
}

describe('edited script text', () => {
  it('is saved as UTF-8, the bytes an editor writes', () => {
    expect([...editedTextBytes('/* → é */')]).toEqual([...Buffer.from('/* → é */', 'utf8')]);
  });

  for (const line of ['/* → */ this is { not a script', 'x = 1; /* ünïcode — 😀 */ SECTIONS { .text : { *(.text) } } }', 'plain = 1; oops oops']) {
    it(`maps the linker's byte column to the editor's column: ${line}`, () => {
      const e = scriptError(`SECTIONS { }\n${line}\n`);
      expect(e.line).toBe(2);
      const bytesLine = latin1(editedTextBytes(line), 0, editedTextBytes(line).length);
      const token = bytesLine.slice(e.column - 1);
      // Past the non-ASCII comment the rest of the line is ASCII: the same text in both readings.
      expect(/^[\x20-\x7e]*$/.test(token)).toBe(true);
      expect(line.slice(utf16Column(line, e.column) - 1)).toBe(token);
    });
  }

  it('keeps ASCII columns and clamps a column past the line end', () => {
    expect(utf16Column('abc', 2)).toBe(2);
    expect(utf16Column('→b', 4)).toBe(2);
    expect(utf16Column('ab', 5)).toBe(5);
  });
});
