// ld's context-dependent lexing of names: at statement level a name may hold `- + : , = [ ] ~ / $ .`
// and inside an output section also `* ? ^ !`; quoted names hold anything. Every assignment target
// we parse must be a symbol GNU ld defined from the same script, with the same value.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseLinkerScript, resolveSymbolValue, type Assignment } from '../../../src/link/script/index.ts';
import { buildObject, environmentFrom, linkWithLd, symbolsOf } from './ld-oracle.ts';

const SCRIPT = `SECTIONS
{
  q,r = 1; q[r] = 2; q+r = 3; q:r = 4; q~r = 5; q-r = 6; q/r = 7; q.r = 8; q$r = 9; _q = 10; .q = 11; $q = 12;
  "with space" = 13; q=r = 14; \\back = 15;
  .text : { *(.text) }
  .data :
  {
    w+r = 1; w:t = 2; w,v = 3; w-x = 4; w[1] = 5; w?x = 6; w*y = 7; w^z = 8; w!z = 9; "in quotes" = 10;
    *(.data)
  }
  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }
}
`;

describe('names', () => {
  let dir: string;
  beforeAll(() => { dir = buildObject(); });

  it('are split where GNU ld splits them, at statement level and inside output sections', () => {
    const { elf, stderr } = linkWithLd(dir, SCRIPT);
    expect(stderr).toBe('');
    const symbols = symbolsOf(elf!);
    const script = parseLinkerScript(SCRIPT, 's.lds');
    const sections = script.commands[0];
    if (sections.kind !== 'sections') throw new Error('no SECTIONS');
    const outside = sections.commands.filter((c): c is Assignment => c.kind === 'assignment');
    const data = sections.commands.find((c) => c.kind === 'outputSection' && c.name === '.data');
    const inside = data?.kind === 'outputSection' ? data.commands.filter((c): c is Assignment => c.kind === 'assignment') : [];
    expect(outside.length + inside.length).toBe(SCRIPT.match(/ = \d+;/g)!.length);
    const fromInputs = new Set(['a', 'b', 'c', 'big', 'zero_init', '_start']);
    expect([...outside, ...inside].map((a) => a.target).sort()).toEqual([...symbols.keys()].filter((n) => !fromInputs.has(n)).sort());
    const outsideEnv = environmentFrom(elf!, {});
    const insideEnv = environmentFrom(elf!, { currentSection: '.data' });
    for (const a of outside) expect(resolveSymbolValue(evaluate(a.value, outsideEnv), outsideEnv), a.target).toEqual(symbols.get(a.target));
    for (const a of inside) expect(resolveSymbolValue(evaluate(a.value, insideEnv), insideEnv), a.target).toEqual(symbols.get(a.target));
  });
});
