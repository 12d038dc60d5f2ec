// Hostile and damaged scripts: seeded mutations of the kernel script and of constructs.lds either
// parse (and then print and re-parse to the same tree) or raise LinkerScriptError with a line and
// column inside the text; never another exception, never a hang. Deep nesting is refused cleanly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkerScriptError, parseLinkerScript, printLinkerScript, type LinkerScript } from '../../../src/link/script/index.ts';
import { tiny } from '../../helpers.ts';

const SOURCES = [
  readFileSync(tiny('inputs', 'vmlinux.lds'), 'utf8'),
  readFileSync(join(import.meta.dirname, 'constructs.lds'), 'utf8'),
];
const INCLUDES: Record<string, string> = { 'inc.lds': 'included_symbol = 0x77;\n', 'inc2.lds': 'inner_symbol = .;\n' };
const parse = (text: string) => parseLinkerScript(text, 'm.lds', { readFile: (name) => INCLUDES[name] });
const withoutLocations = (script: LinkerScript) =>
  JSON.stringify(script.commands, (key, value) => (key === 'loc' ? undefined : typeof value === 'bigint' ? `${value}n` : value));

/** One edit: delete a span, duplicate a span, or insert a character ld scripts care about. */
const mutation = fc.tuple(
  fc.constantFrom('delete', 'duplicate', 'insert'),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.integer({ min: 1, max: 40 }),
  fc.constantFrom(...'(){};:=,"*/.!?-+<>&|~[]$\\\n 0x9K'.split('')),
);

function mutate(text: string, edits: [string, number, number, string][]): string {
  let out = text;
  for (const [kind, where, length, char] of edits) {
    const at = Math.floor(where * out.length);
    if (kind === 'delete') out = out.slice(0, at) + out.slice(at + length);
    else if (kind === 'duplicate') out = out.slice(0, at + length) + out.slice(at, at + length) + out.slice(at + length);
    else out = out.slice(0, at) + char + out.slice(at);
  }
  return out;
}

describe('damaged scripts', () => {
  it('parse and round-trip, or fail with a LinkerScriptError inside the text (400 seeded mutants)', () => {
    let parsed = 0;
    let refused = 0;
    fc.assert(fc.property(fc.constantFrom(0, 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (source, edits) => {
      const text = mutate(SOURCES[source], edits);
      let script: LinkerScript;
      try {
        script = parse(text);
      } catch (error) {
        if (!(error instanceof LinkerScriptError)) throw error;
        refused++;
        if (error.file === 'm.lds') {
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.line).toBeLessThanOrEqual(text.split('\n').length);
        }
        return;
      }
      parsed++;
      expect(withoutLocations(parse(printLinkerScript(script)))).toBe(withoutLocations(script));
    }), { seed: 7, numRuns: 400 });
    expect(parsed).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('refuses nesting deeper than the limit with a LinkerScriptError, not a stack overflow', () => {
    const deep = [
      `x = ${'('.repeat(20000)}1${')'.repeat(20000)};`,
      `x = ${'-'.repeat(20000)}1;`,
      `x = ${'1 ? '.repeat(20000)}1${' : 0'.repeat(20000)};`,
      `SECTIONS { .t : { KEEP(KEEP(*(.text))) } }`,
      `SECTIONS { .t : { *(SORT(SORT(SORT(.text)))) } }`,
    ];
    for (const text of deep) expect(() => parse(text)).toThrow(LinkerScriptError);
    // within the limit is fine
    expect(() => parse(`x = ${'('.repeat(100)}1${')'.repeat(100)};`)).not.toThrow();
  });
});
