// constructs.lds uses every command the parser knows (MEMORY, REGION_ALIAS, PHDRS, INCLUDE at two
// levels, PROVIDE*, every assignment operator, SORT_*, EXCLUDE_FILE, data statements, FILL,
// OVERLAY, (NOLOAD)/(INFO), ONLY_IF_*, regions, phdrs, fill). GNU ld links it; ld must link our
// printed form to the identical file, and region and symbol values must match ld's.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assignmentExpression, evaluate, evaluateMemoryRegions, parseLinkerScript, printLinkerScript,
  resolveSymbolValue, type LinkerScript, type OutputSectionDescription,
} from '../../../src/link/script/index.ts';
import { buildObject, environmentFrom, linkWithLd, symbolsOf } from './ld-oracle.ts';

const INCLUDES: Record<string, string> = { 'inc.lds': 'included_symbol = 0x77;\n', 'inc2.lds': 'inner_symbol = .;\n' };
const TEXT = readFileSync(join(import.meta.dirname, 'constructs.lds'), 'utf8');
const parse = (text: string, name: string) => parseLinkerScript(text, name, { readFile: (file) => INCLUDES[file] });
const withoutLocations = (script: LinkerScript) =>
  JSON.stringify(script.commands, (key, value) => (key === 'loc' ? undefined : typeof value === 'bigint' ? `${value}n` : value));

function outputSection(script: LinkerScript, name: string): OutputSectionDescription {
  for (const command of script.commands) {
    if (command.kind !== 'sections') continue;
    for (const inner of command.commands) if (inner.kind === 'outputSection' && inner.name === name) return inner;
  }
  throw new Error(`no ${name}`);
}

describe('every construct, against GNU ld', () => {
  let dir: string;
  beforeAll(() => {
    dir = buildObject();
    for (const [name, text] of Object.entries(INCLUDES)) writeFileSync(join(dir, name), text);
    execFileSync('ar', ['rcs', join(dir, 'empty.a')]);
    copyFileSync(join(import.meta.dirname, 'constructs.lds'), join(dir, 'constructs.lds'));
  });

  it('prints a script that ld links to the byte-identical output, and that parses to the same tree', () => {
    const script = parse(TEXT, 'constructs.lds');
    const printed = printLinkerScript(script);
    expect(withoutLocations(parse(printed, 'printed.lds'))).toBe(withoutLocations(script));
    const original = linkWithLd(dir, TEXT, 'constructs.lds');
    const again = linkWithLd(dir, printed, 'printed.lds');
    expect(original.stderr).toBe('');
    expect(again.stderr).toBe('');
    expect(Buffer.from(readFileSync(join(dir, 'printed.lds.out'))).equals(readFileSync(join(dir, 'constructs.lds.out')))).toBe(true);
  });

  it('parses the constructs into the tree the text describes', () => {
    const script = parse(TEXT, 'constructs.lds');
    const text = outputSection(script, '.text');
    expect(text).toMatchObject({ region: 'rom', phdrs: ['text'], fill: { value: 0x90n }, align: { value: 16n }, subalign: { value: 4n } });
    expect(text.address).toMatchObject({ kind: 'binary', op: '+', left: { kind: 'sizeofHeaders' } });
    const inputs = text.commands.flatMap((c) => (c.kind === 'input' ? [c] : []));
    expect(inputs.map((c) => [c.keep, c.fileSort, c.excludeFiles, c.sections?.map((p) => [p.pattern, p.sort, p.excludeFiles])])).toEqual([
      [true, 'unsorted', [], [['.text.boot', 'unsorted', []]]],
      [false, 'unsorted', [], [['.text', 'unsorted', ['nosuch.o']], ['.text.*', 'unsorted', []]]],
      [false, 'unsorted', ['other.o', '*b.o'], [['.text.unlikely', 'unsorted', []]]],
      [false, 'unsorted', [], [['.text.sorted.*', 'name', []]]],
      [false, 'unsorted', [], [['.text.a.*', 'alignment', []]]],
      [false, 'unsorted', [], [['.text.b.*', 'name-alignment', []]]],
      [false, 'unsorted', [], [['.init_array.*', 'init-priority', []]]],
      [false, 'unsorted', [], [['.text.n', 'none', []]]],
      [true, 'unsorted', [], [['.ctors.*', 'name', []]]],
      [false, 'name', [], [['.text.s', 'unsorted', []]]],
    ]);
    expect(text.commands.flatMap((c) => (c.kind === 'data' ? [`${c.size}`] : []))).toEqual(['BYTE', 'SHORT', 'LONG', 'QUAD', 'SQUAD']);
    expect(text.commands.flatMap((c) => (c.kind === 'assignment' && c.target === 'counter' ? [c.op] : [])))
      .toEqual(['=', '+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|=']);
    expect(text.commands.find((c) => c.kind === 'include')).toMatchObject({ file: 'inc2.lds', commands: [{ kind: 'assignment', target: 'inner_symbol' }] });
    expect(outputSection(script, '.rodata')).toMatchObject({ region: 'rom', lmaRegion: 'rom' });
    expect(outputSection(script, '.bss')).toMatchObject({ type: 'NOLOAD', region: 'ram' });
    expect(outputSection(script, '.comment').type).toBe('INFO');
    expect(outputSection(script, '.stab').phdrs).toEqual(['NONE']);
    expect(outputSection(script, '.ro_only').constraint).toBe('ONLY_IF_RO');
    const phdrs = script.commands.find((c) => c.kind === 'phdrs');
    expect(phdrs?.kind === 'phdrs' && phdrs.headers.map((h) => [h.name, h.fileHeader, h.programHeaders])).toEqual([
      ['headers', false, true], ['text', true, true], ['data', false, false], ['stack', false, false],
    ]);
    const overlay = script.commands.flatMap((c) => (c.kind === 'sections' ? c.commands : [])).find((c) => c.kind === 'overlay');
    expect(overlay).toMatchObject({ noCrossRefs: true, address: { value: 0x700000n }, lma: { value: 0x710000n } });
    expect(overlay?.kind === 'overlay' && overlay.sections.map((s) => [s.name, s.phdrs])).toEqual([['.ov1', []], ['.ov2', ['data']]]);
    const group = script.commands.find((c) => c.kind === 'group');
    expect(group).toMatchObject({ files: [{ name: 'empty.a', asNeeded: false }, { name: 'empty.a', asNeeded: true }] });
  });

  it('evaluates MEMORY regions and REGION_ALIAS to the values ld used', () => {
    const script = parse(TEXT, 'constructs.lds');
    const regions = evaluateMemoryRegions(script);
    const { elf } = linkWithLd(dir, TEXT, 'constructs.lds');
    const symbols = symbolsOf(elf!);
    expect(regions.get('rom')).toMatchObject({ origin: symbols.get('rom_origin')!.value, length: symbols.get('rom_length')!.value, allow: 'RX', deny: '' });
    expect(regions.get('ram')).toMatchObject({ origin: symbols.get('ram_origin')!.value, length: symbols.get('ram_length')!.value, allow: 'RW', deny: 'X' });
    expect(regions.get('data_region')).toBe(regions.get('ram'));
  });

  it('follows a symbol through every compound assignment operator as ld does', () => {
    const script = parse(TEXT, 'constructs.lds');
    const { elf } = linkWithLd(dir, TEXT, 'constructs.lds');
    const expected = symbolsOf(elf!).get('counter')!;
    const base = environmentFrom(elf!, { currentSection: '.text', dot: 0n });
    const textAddress = base.sectionAddress('.text')!;
    // `counter` as the evaluator sees it: relative to .text once defined there.
    let counter: { value: bigint; section?: string } | undefined;
    const env = { ...base, symbol: (name: string) => (name === 'counter' ? counter : base.symbol(name)) };
    let steps = 0;
    for (const command of outputSection(script, '.text').commands) {
      if (command.kind !== 'assignment' || command.target !== 'counter') continue;
      const defined = resolveSymbolValue(evaluate(assignmentExpression(command), env), env);
      expect(defined.section).toBe('.text');
      counter = { value: defined.value - textAddress, section: defined.section };
      steps++;
    }
    expect(steps).toBe(9);
    expect({ value: counter!.value + textAddress, section: counter!.section }).toEqual(expected);
  });
});
