// Expression evaluation against GNU ld: each expression is assigned to a symbol outside and inside
// an output section in a real ld link; the evaluator, given ld's final layout, must produce the same
// symbol value and the same section (or SHN_ABS) for every one.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate, parseLinkerExpression, parseLinkerScript, resolveSymbolValue, resolveLocationCounter,
  assignmentExpression, LinkerScriptError, type Assignment,
} from '../../../src/link/script/index.ts';
import { buildObject, environmentFrom, linkWithLd, symbolsOf } from './ld-oracle.ts';

/** Expressions over numbers, the input symbols a, b, c, big, zero_init, _start (in .data, .bss,
 *  .text), the absolute symbol abs_sym, `.` and the builtins. */
const EXPRESSIONS = [
  // precedence, associativity and every operator
  '1 + 2 * 3', '(1 + 2) * 3', '10 - 4 - 3', '2 * 3 % 4', '100 / 7', '100 % 7', '-7 / 2', '-7 % 2',
  '1 << 4 >> 2', '1 << 64', '1 << 65', '-1 >> 60', '0xf0 & 0x3c', '0xf0 | 0x0f',
  '1 | 2 & 6 | 8', '~0', '-1', '- -5', '!0', '!5', '3 < 5', '5 <= 5', '6 > 7', '7 >= 8', '-1 > 1',
  '2 == 2', '2 != 2', '1 && 0', '1 || 0', '0 && 1 || 1', '1 ? 2 : 3', '0 ? 2 : 3', '0 ? 1 : 0 ? 2 : 3',
  '1 + 2 == 3 && 4 > 3', '1 - 2', '0xffffffffffffffff + 2', '3 * -1 < 0',
  // number formats
  '4K', '2M', '0x10k', '$ff', '0ffh', '17o', '101b', '99d', '010', '09', '0X1F', 'abh', '1k + 1m',
  // builtins
  'ALIGN(0x1000)', 'ALIGN(0x1234, 0x100)', 'ALIGN(7, 0)', 'MAX(3, 9)', 'MIN(3, 9)', 'MAX(-1, 1)',
  'LOG2CEIL(0)', 'LOG2CEIL(1)', 'LOG2CEIL(4096)', 'LOG2CEIL(4097)', 'NEXT(0x100)', 'BLOCK(0x100)',
  'CONSTANT(MAXPAGESIZE)', 'CONSTANT(COMMONPAGESIZE)', 'SIZEOF_HEADERS', 'DEFINED(a)', 'DEFINED(nosuch)',
  'DEFINED(a) ? a : 0', 'SEGMENT_START("text-segment", 0x400000)', 'ADDR(.data)', 'ADDR(.data) + 8',
  'LOADADDR(.data)', 'SIZEOF(.data)', 'SIZEOF(.text)', 'ALIGNOF(.data)', 'ADDR(.text) - ADDR(.data)',
  'ADDR(.bss) - ADDR(.data)', 'SIZEOF(.data) + SIZEOF(.bss)',
  // section-relative and absolute terms
  'a', 'a + 4', '4 + a', 'a - b', 'a + b', 'a * 2', 'a / 2', '-a', '~a', '!a', 'a > b', 'a & 0xff',
  'ABSOLUTE(a)', 'ABSOLUTE(a) + 4', 'ABSOLUTE(a) - b', 'a - 0x600000', '_start', '_start - a', 'big - a',
  'zero_init', 'zero_init - a', 'abs_sym', 'abs_sym + a', 'abs_sym + 1', 'abs_sym * 2', 'MAX(a, b)',
  'MIN(a, 0x10)', 'ALIGN(a, 64)', 'ALIGN(abs_sym, 0x100)', 'a ? b : c', '0 ? a : abs_sym',
  '.', '. + 0x10', 'ABSOLUTE(.)', '. - a', 'ALIGN(., 0x40)', 'ALIGN(0x40) - .',
  // which kinds stay numbers, and ld's order-dependent "relative from absolute" flag
  'ADDR(.data) + SIZEOF(.data)', 'a + DEFINED(a)', 'a + (1 == 1)', 'a + ALIGNOF(.data)',
  'a + (DEFINED(a) && DEFINED(b))', 'a + (DEFINED(a) + DEFINED(b))', 'a + LOG2CEIL(2)',
  'a + MAX(DEFINED(a), 0)', 'a + CONSTANT(MAXPAGESIZE)', 'a + SIZEOF_HEADERS',
  'a - .', '. + ABSOLUTE(a)', 'ABSOLUTE(a) + .', 'ABSOLUTE(.) + .', 'abs_sym + .', '. + a', 'ALIGN(8) + a',
  '. - .', 'MAX(., 0)', '-.', '. * 1', 'a - a + .', '. + a - a', 'NEXT(8) + .', '. + NEXT(8)', '. > 0 ? . : 0',
  'ABSOLUTE(5)', 'ABSOLUTE(5) + a', 'LOG2CEIL(a)', 'a + (1 < 2)', 'a + (abs_sym != 0)', 'a + (1 ? 2 : 3)',
  'a + (DEFINED(a) ? 1 : 0)', 'a + MAX(1, 2)', 'a + ALIGN(3, 4)', 'a + -(1)', 'a + ~DEFINED(a)',
];

const DATA_AT = 0x600000n;

function script(expressions: string[]): string {
  const outside = expressions.map((e, i) => `  out_${i} = ${e};`).join('\n');
  const inside = expressions.map((e, i) => `    in_${i} = ${e};`).join('\n');
  return `SECTIONS
{
  . = 0x400000;
  .text : { *(.text .text.*) }
  . = 0x${DATA_AT.toString(16)};
  abs_sym = 0x1234;
${outside}
  .data :
  {
${inside}
    *(.data .data.*)
  }
  .bss : { *(.bss .bss.*) }
  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }
}
`;
}

describe('expression evaluation matches GNU ld', () => {
  let dir: string;
  beforeAll(() => { dir = buildObject(); });

  it(`gives ld's value and section for ${EXPRESSIONS.length} expressions, outside and inside an output section`, () => {
    const text = script(EXPRESSIONS);
    const { elf, stderr } = linkWithLd(dir, text);
    expect(stderr).toBe('');
    const symbols = symbolsOf(elf!);
    // Check the parse too: the script's own assignments are evaluated from its AST.
    const parsed = parseLinkerScript(text, 's.lds');
    const sections = parsed.commands.find((c) => c.kind === 'sections')!;
    if (sections.kind !== 'sections') throw new Error('no SECTIONS');
    const outsideEnv = environmentFrom(elf!, { dot: DATA_AT, sectionForDot: '.data' });
    const dataAddress = elf!.sections.find((s) => s.name === '.data')!.addr;
    const insideEnv = environmentFrom(elf!, { dot: dataAddress, currentSection: '.data' });
    const mismatches: string[] = [];
    const compare = (assignment: Assignment, env: typeof outsideEnv, source: string) => {
      const actual = symbols.get(assignment.target)!;
      const got = resolveSymbolValue(evaluate(assignment.value, env), env);
      if (got.value !== actual.value || got.section !== actual.section) {
        mismatches.push(`${assignment.target} = ${source}: ld 0x${actual.value.toString(16)} ${actual.section ?? 'ABS'}, ` +
          `ours 0x${got.value.toString(16)} ${got.section ?? 'ABS'}`);
      }
    };
    let checked = 0;
    for (const command of sections.commands) {
      if (command.kind === 'assignment' && command.target.startsWith('out_')) {
        compare(command, outsideEnv, EXPRESSIONS[Number(command.target.slice(4))]);
        checked++;
      }
      if (command.kind === 'outputSection' && command.name === '.data') {
        for (const inner of command.commands) {
          if (inner.kind === 'assignment') {
            compare(inner, insideEnv, EXPRESSIONS[Number(inner.target.slice(3))]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(2 * EXPRESSIONS.length);
    expect(mismatches).toEqual([]);
  });

  it('moves the location counter as ld does for `. = number` and `. += n` inside a section', () => {
    const text = `SECTIONS { . = 0x400000; .text : { *(.text) } . = 0x600000;
  .data : { *(.data) . = 0x100; at_100 = .; . += 0x20; at_120 = .; . = ALIGN(0x40); at_140 = .; }
  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) } }`;
    const { elf, stderr } = linkWithLd(dir, text);
    expect(stderr).toBe('');
    const symbols = symbolsOf(elf!);
    const data = elf!.sections.find((s) => s.name === '.data')!;
    const parsed = parseLinkerScript(text, 's.lds');
    const body = parsed.commands[0].kind === 'sections' ? parsed.commands[0].commands.find((c) => c.kind === 'outputSection' && c.name === '.data') : undefined;
    if (!body || body.kind !== 'outputSection') throw new Error('no .data');
    // Walk the body's assignments; the first sets `.` to an offset, so its start value is moot.
    let dot = data.addr;
    for (const command of body.commands) {
      if (command.kind !== 'assignment') continue;
      const env = { ...environmentFrom(elf!, { dot, currentSection: '.data' }) };
      const result = evaluate(assignmentExpression(command), env);
      if (command.target === '.') dot = resolveLocationCounter(result, env);
      else expect(resolveSymbolValue(result, env)).toEqual(symbols.get(command.target));
    }
    expect(symbols.get('at_140')!.value).toBe(data.addr + 0x140n);
  });

  it('evaluates DATA_SEGMENT_ALIGN, DATA_SEGMENT_RELRO_END and DATA_SEGMENT_END as ld does without -z relro', () => {
    const text = `SECTIONS { . = 0x400000; .text : { *(.text) } . = 0x600123;
  x = DATA_SEGMENT_ALIGN(0x200000, 0x1000) + 0; .data : { *(.data) }
  z = DATA_SEGMENT_RELRO_END(0, .); w = DATA_SEGMENT_END(.); /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) } }`;
    const { elf, stderr } = linkWithLd(dir, text, 'ds.lds', ['-z', 'norelro']);
    expect(stderr).toBe('');
    const symbols = symbolsOf(elf!);
    const data = elf!.sections.find((s) => s.name === '.data')!;
    const sections = parseLinkerScript(text, 'ds.lds').commands[0];
    if (sections.kind !== 'sections') throw new Error('no SECTIONS');
    const at: Record<string, bigint> = { x: 0x600123n, z: data.addr + data.size, w: data.addr + data.size };
    const checked: string[] = [];
    for (const command of sections.commands) {
      if (command.kind !== 'assignment' || !(command.target in at)) continue;
      const env = environmentFrom(elf!, { dot: at[command.target], sectionForDot: '.data' });
      expect(resolveSymbolValue(evaluate(command.value, env), env), command.target).toEqual(symbols.get(command.target));
      checked.push(command.target);
    }
    expect(checked).toEqual(['x', 'z', 'w']);
  });

  it('reports undefined symbols, undefined sections and division by zero with ld\'s wording', () => {
    const env = environmentFrom(linkWithLd(dir, script(['1'])).elf!, { dot: DATA_AT });
    const failures: [string, string][] = [
      ['nosuch + 1', "undefined symbol `nosuch' referenced in expression"],
      ['SIZEOF(.nosuch)', "undefined section `.nosuch' referenced in expression"],
      ['1 / 0', '/ by zero'],
      ['1 % (2 - 2)', '% by zero'],
    ];
    for (const [text, problem] of failures) {
      const error = (() => { try { evaluate(parseLinkerExpression(text, 'e.lds'), env); } catch (e) { return e; } })();
      expect(error).toBeInstanceOf(LinkerScriptError);
      expect((error as LinkerScriptError).problem).toBe(problem);
      expect((error as LinkerScriptError).message).toMatch(/^e\.lds:1: /);
      // ld says the same for the same expression.
      const ld = linkWithLd(dir, script([text]));
      expect(ld.stderr).toContain(problem);
    }
  });
});
