// Differential test: a fixed-seed sample of random expression trees (numbers in every ld form,
// section-relative and absolute symbols, `.`, section builtins, every operator and MAX/MIN/ALIGN/
// ABSOLUTE/?:) is printed, assigned outside and inside an output section, linked by GNU ld, and
// each symbol ld defined must equal what the evaluator computes from the printed text.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate, LinkerScriptError, parseLinkerExpression, parseLinkerScript, printExpression, resolveSymbolValue,
  type EvaluationEnvironment, type Expression,
} from '../../../src/link/script/index.ts';
import { buildObject, environmentFrom, linkWithLd, symbolsOf } from './ld-oracle.ts';

const SAMPLES = 300;
const DATA_AT = 0x600000n;
const loc = { file: 'random', line: 1, column: 1 };

/** A literal spelled in one of ld's number forms. */
const numberLiteral: fc.Arbitrary<Expression> = fc.oneof(
  fc.bigInt({ min: 0n, max: 0xffffn }).map((v) => ({ kind: 'number' as const, value: v, text: v.toString(), loc })),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => ({ kind: 'number' as const, value: v, text: `0x${v.toString(16)}`, loc })),
  fc.bigInt({ min: 0n, max: 64n }).map((v) => ({ kind: 'number' as const, value: v * 1024n, text: `${v}K`, loc })),
  fc.bigInt({ min: 0n, max: 0xfffn }).map((v) => ({ kind: 'number' as const, value: v, text: `0${v.toString(16)}h`, loc })),
  fc.bigInt({ min: 1n, max: 0o777n }).map((v) => ({ kind: 'number' as const, value: v, text: `0${v.toString(8)}`, loc })),
);

const leaf: fc.Arbitrary<Expression> = fc.oneof(
  { weight: 4, arbitrary: numberLiteral },
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'big', 'zero_init', '_start', 'abs_sym').map((name) => ({ kind: 'symbol' as const, name, loc })) },
  { weight: 1, arbitrary: fc.constant<Expression>({ kind: 'dot', loc }) },
  { weight: 1, arbitrary: fc.constantFrom<Expression>(
    { kind: 'section', fn: 'ADDR', section: '.data', loc }, { kind: 'section', fn: 'SIZEOF', section: '.data', loc },
    { kind: 'section', fn: 'ADDR', section: '.bss', loc }, { kind: 'section', fn: 'ALIGNOF', section: '.data', loc },
    { kind: 'defined', symbol: 'a', loc }, { kind: 'constant', name: 'MAXPAGESIZE', loc },
  ) },
);

const OPERATORS = ['+', '-', '*', '<<', '>>', '&', '|', '==', '!=', '<', '>', '<=', '>=', '&&', '||'] as const;

const expression: fc.Arbitrary<Expression> = fc.letrec<{ e: Expression }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom(...OPERATORS), tie('e'), tie('e'))
      .map(([op, left, right]) => ({ kind: 'binary' as const, op, left, right, loc })),
    // division only by positive literals: ld traps on INT64_MIN / -1 and stops on / 0
    fc.tuple(fc.constantFrom('/' as const, '%' as const), tie('e'), fc.bigInt({ min: 1n, max: 1000n }))
      .map(([op, left, d]) => ({ kind: 'binary' as const, op, left, right: { kind: 'number' as const, value: d, text: `${d}`, loc }, loc })),
    fc.tuple(fc.constantFrom('-' as const, '!' as const, '~' as const), tie('e')).map(([op, operand]) => ({ kind: 'unary' as const, op, operand, loc })),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([condition, whenTrue, whenFalse]) => ({ kind: 'conditional' as const, condition, whenTrue, whenFalse, loc })),
    fc.tuple(fc.constantFrom('MAX' as const, 'MIN' as const), tie('e'), tie('e')).map(([fn, x, y]) => ({ kind: 'call' as const, fn, args: [x, y], loc })),
    fc.tuple(tie('e'), fc.constantFrom(1n, 8n, 64n, 0x1000n)).map(([x, a]) => ({ kind: 'call' as const, fn: 'ALIGN' as const, args: [x, { kind: 'number' as const, value: a, text: `${a}`, loc }], loc })),
    tie('e').map((x) => ({ kind: 'call' as const, fn: 'ABSOLUTE' as const, args: [x], loc })),
  ),
})).e;

function script(texts: string[]): string {
  return `SECTIONS
{
  . = 0x400000;
  .text : { *(.text .text.*) }
  . = 0x${DATA_AT.toString(16)};
  abs_sym = 0x1234;
${texts.map((t, i) => `  out_${i} = ${t};`).join('\n')}
  .data :
  {
${texts.map((t, i) => `    in_${i} = ${t};`).join('\n')}
    *(.data .data.*)
  }
  .bss : { *(.bss .bss.*) }
  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }
}
`;
}

describe('random expressions against GNU ld', () => {
  let dir: string;
  beforeAll(() => { dir = buildObject(); });

  it(`agree on ${SAMPLES} seeded random expressions in both contexts`, () => {
    const texts = fc.sample(expression, { seed: 20261121, numRuns: SAMPLES }).map((e) => printExpression(e));
    const { elf, stderr } = linkWithLd(dir, script(texts));
    expect(stderr).toBe('');
    const symbols = symbolsOf(elf!);
    const data = elf!.sections.find((s) => s.name === '.data')!;
    const contexts: [string, EvaluationEnvironment][] = [
      ['out_', environmentFrom(elf!, { dot: DATA_AT, sectionForDot: '.data' })],
      ['in_', environmentFrom(elf!, { dot: data.addr, currentSection: '.data' })],
    ];
    const mismatches: string[] = [];
    let compared = 0;
    texts.forEach((text, i) => {
      const parsed = parseLinkerExpression(text);
      for (const [prefix, env] of contexts) {
        const actual = symbols.get(`${prefix}${i}`)!;
        let ours: { value: bigint; section?: string };
        try {
          ours = resolveSymbolValue(evaluate(parsed, env), env);
        } catch (error) {
          if (!(error instanceof LinkerScriptError)) throw error;
          mismatches.push(`${prefix}${i} = ${text}: ours threw ${error.message}`);
          continue;
        }
        compared++;
        if (ours.value !== actual.value || ours.section !== actual.section) {
          mismatches.push(`${prefix}${i} = ${text}: ld 0x${actual.value.toString(16)} ${actual.section ?? 'ABS'}, ours 0x${ours.value.toString(16)} ${ours.section ?? 'ABS'}`);
        }
      }
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBe(2 * SAMPLES);
    // the script's own text parses to the same expressions
    expect(parseLinkerScript(script(texts), 's.lds').commands.length).toBe(1);
  });
});
