// The acceptance input: the kernel's preprocessed vmlinux.lds. Structure is checked against facts
// read from the script text independently (regular expressions), and meaning against the
// vmlinux GNU ld produced from it (program headers, section-to-segment mapping, every AT() load
// address, symbols defined outside output sections, ASSERT conditions).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElf, SHT_SYMTAB, SHN_ABS, type ElfFile } from '../../../src/elf/index.ts';
import {
  evaluate, parseLinkerScript, printLinkerScript, resolveSymbolValue,
  type EvaluationEnvironment, type LinkerScript, type OutputSectionDescription, type SectionsCommand,
  type OutputSectionCommand, type Expression,
} from '../../../src/link/script/index.ts';
import { load, tiny } from '../../helpers.ts';

const TEXT = readFileSync(tiny('inputs', 'vmlinux.lds'), 'utf8');

function sectionsOf(script: LinkerScript): SectionsCommand[] {
  const sections = script.commands.find((c) => c.kind === 'sections');
  if (!sections || sections.kind !== 'sections') throw new Error('no SECTIONS');
  return sections.commands;
}
const outputSections = (script: LinkerScript) =>
  sectionsOf(script).filter((c): c is OutputSectionDescription => c.kind === 'outputSection');

/** The tree without source locations, for comparing parses of different texts. */
const withoutLocations = (script: LinkerScript) =>
  JSON.stringify(script.commands, (key, value) => (key === 'loc' ? undefined : typeof value === 'bigint' ? `${value}n` : value));

/** True when `.` (or ALIGN(n), which reads it) occurs in `e`. */
function usesLocationCounter(e: Expression): boolean {
  switch (e.kind) {
    case 'dot': return true;
    case 'unary': return usesLocationCounter(e.operand);
    case 'binary': return usesLocationCounter(e.left) || usesLocationCounter(e.right);
    case 'conditional': return [e.condition, e.whenTrue, e.whenFalse].some(usesLocationCounter);
    case 'call': return e.args.length === 1 && (e.fn === 'ALIGN' || e.fn === 'NEXT') || e.args.some(usesLocationCounter);
    default: return false;
  }
}

function allCommands(script: LinkerScript): OutputSectionCommand[] {
  return outputSections(script).flatMap((s) => s.commands);
}

describe('the kernel vmlinux.lds', () => {
  const script = parseLinkerScript(TEXT, 'vmlinux.lds');

  it('has the output sections the text declares, in order', () => {
    // `name [0] [(INFO)] : AT(` or `... : {` in the text.
    const declared = [...TEXT.matchAll(/(?:^|[\s;}])([^\s;{}()]+)(?: 0)?(?: \((?:INFO|NOLOAD)\))? :\s*(?:AT\(|\{)/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(80);
    expect(outputSections(script).map((s) => s.name)).toEqual(declared);
  });

  it('has the KEEP, ASSERT, SORT and CONSTRUCTORS constructs of the text', () => {
    const inputs = allCommands(script).filter((c) => c.kind === 'input');
    expect(inputs.filter((c) => c.kind === 'input' && c.keep).length).toBe(TEXT.match(/KEEP\(/g)!.length);
    const sorted = inputs.flatMap((c) => (c.kind === 'input' ? c.sections ?? [] : [])).filter((p) => p.sort === 'name');
    expect(sorted.map((p) => p.pattern)).toEqual([...TEXT.matchAll(/SORT\(([^)]+)\)/g)].map((m) => m[1]));
    const asserts = sectionsOf(script).filter((c) => c.kind === 'assert').length +
      script.commands.filter((c) => c.kind === 'assignment' && c.value.kind === 'assert').length;
    expect(asserts).toBe(TEXT.match(/ASSERT\(/g)!.length);
    expect(allCommands(script).filter((c) => c.kind === 'constructors').length).toBe(TEXT.match(/CONSTRUCTORS/g)!.length);
  });

  it('has both /DISCARD/ sections with the patterns of the text', () => {
    const discards = outputSections(script).filter((s) => s.name === '/DISCARD/');
    const fromText = [...TEXT.matchAll(/\/DISCARD\/ : \{([^}]*)\}/g)].map((m) => [...m[1].matchAll(/\*\(([^)]*)\)/g)].flatMap((p) => p[1].trim().split(/\s+/)));
    expect(discards.map((d) => d.commands.flatMap((c) => (c.kind === 'input' ? c.sections!.map((p) => p.pattern) : []))))
      .toEqual(fromText);
    expect(fromText.flat()).toContain('.discard.*');
  });

  it('places .data..percpu at address 0 with an AT() load address and the percpu header', () => {
    const percpu = outputSections(script).find((s) => s.name === '.data..percpu')!;
    expect(percpu.address).toMatchObject({ kind: 'number', value: 0n });
    expect(percpu.lma).toMatchObject({ kind: 'binary', op: '-', left: { kind: 'symbol', name: '__per_cpu_load' } });
    expect(percpu.phdrs).toEqual(['percpu']);
    const text = outputSections(script).find((s) => s.name === '.text')!;
    expect(text.fill).toMatchObject({ kind: 'number', value: 0xccccn });
    expect(outputSections(script).find((s) => s.name === '.notes')!.phdrs).toEqual(['text', 'note']);
    expect(outputSections(script).find((s) => s.name === '.got.plt')!.type).toBe('INFO');
  });

  it('prints to text that parses back to the same tree, and printing is stable', () => {
    const printed = printLinkerScript(script);
    const reparsed = parseLinkerScript(printed, 'printed.lds');
    expect(withoutLocations(reparsed)).toBe(withoutLocations(script));
    expect(printLinkerScript(reparsed)).toBe(printed);
  });
});

describe('the kernel vmlinux.lds against the vmlinux ld linked with it', () => {
  const script = parseLinkerScript(TEXT, 'vmlinux.lds');
  let elf: ElfFile;
  let symbols: Map<string, { value: bigint; section?: string }>;
  beforeAll(() => {
    elf = readElf(load(tiny('expected', 'vmlinux.unsorted')), 'vmlinux.unsorted');
    symbols = new Map();
    const table = elf.symbolTable(elf.sections.findIndex((s) => s.type === SHT_SYMTAB));
    for (let i = 1; i < table.count; i++) {
      const shndx = table.shndx(i);
      if (shndx === 0) continue;
      symbols.set(table.name(i), { value: table.value(i), section: shndx === SHN_ABS ? undefined : elf.sections[shndx].name });
    }
  });

  /** Answers from the linked file; sections the script declares but ld dropped have size 0. */
  function environment(): EvaluationEnvironment {
    const declared = new Set(outputSections(script).map((s) => s.name));
    const section = (name: string) => elf.sections.find((s) => s.name === name && s.index !== 0);
    return {
      symbol(name) {
        const s = symbols.get(name);
        if (!s || s.section === undefined) return s;
        return { value: s.value - section(s.section)!.addr, section: s.section };
      },
      isDefined: (name) => symbols.has(name),
      sectionAddress: (name) => section(name)?.addr ?? (declared.has(name) ? 0n : undefined),
      sectionLoadAddress: (name) => section(name)?.addr,
      sectionSize: (name) => section(name)?.size ?? (declared.has(name) ? 0n : undefined),
      sectionAlignment: (name) => section(name)?.addralign,
      maxPageSize: 0x200000n,
      commonPageSize: 0x1000n,
      sizeofHeaders: BigInt(elf.header.ehsize + elf.header.phnum * elf.header.phentsize),
    };
  }

  it('declares the program headers ld emitted: names in order, types and flags', () => {
    const phdrs = script.commands.find((c) => c.kind === 'phdrs');
    if (phdrs?.kind !== 'phdrs') throw new Error('no PHDRS');
    const env = environment();
    expect(phdrs.headers.map((h) => [evaluate(h.type, env).value, evaluate(h.flags!, env).value]))
      .toEqual(elf.segments.map((p) => [BigInt(p.type), BigInt(p.flags)]));
  });

  it('assigns every allocated section to the segments its :phdr list names (inherited when absent)', () => {
    const phdrs = script.commands.find((c) => c.kind === 'phdrs');
    if (phdrs?.kind !== 'phdrs') throw new Error('no PHDRS');
    const indexOf = new Map(phdrs.headers.map((h, i) => [h.name, i]));
    let current: string[] = [];
    let checked = 0;
    for (const description of outputSections(script)) {
      if (description.phdrs.length) current = description.phdrs;
      const section = elf.sections.find((s) => s.name === description.name && s.index !== 0);
      if (!section || !(section.flags & 2n) || section.size === 0n) continue;
      const inSegments = elf.segments.flatMap((p, i) => (section.addr >= p.vaddr && section.addr < p.vaddr + p.memsz ? [i] : []));
      expect(inSegments, description.name).toEqual(current.map((name) => indexOf.get(name)));
      checked++;
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('evaluates every AT() to the load address ld gave the section', () => {
    const env = environment();
    let checked = 0;
    for (const description of outputSections(script)) {
      const section = elf.sections.find((s) => s.name === description.name && s.index !== 0);
      if (!description.lma || !section || !(section.flags & 2n)) continue;
      const segment = elf.segments.find((p) => p.type === 1 && section.addr >= p.vaddr && section.addr < p.vaddr + p.memsz);
      const lma = section.addr - segment!.vaddr + segment!.paddr;
      expect(resolveSymbolValue(evaluate(description.lma, env), env).value, description.name).toBe(lma);
      checked++;
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('evaluates the symbols assigned outside output sections without `.` to ld\'s values and sections', () => {
    const env = environment();
    const candidates = [...script.commands, ...sectionsOf(script)]
      .filter((c) => c.kind === 'assignment' && c.target !== '.' && !usesLocationCounter(c.value));
    const names: string[] = [];
    for (const command of candidates) {
      if (command.kind !== 'assignment') continue;
      expect(resolveSymbolValue(evaluate(command.value, env), env), command.target).toEqual(symbols.get(command.target));
      names.push(command.target);
    }
    expect(names).toEqual(expect.arrayContaining(['jiffies', 'phys_startup_64', 'text_size', 'init_per_cpu__gdt_page']));
  });

  it('has every ASSERT condition true for the linked vmlinux', () => {
    const env = { ...environment(), dot: 0n };
    const conditions = [
      ...sectionsOf(script).flatMap((c) => (c.kind === 'assert' ? [c.condition] : [])),
      ...script.commands.flatMap((c) => (c.kind === 'assignment' && c.value.kind === 'assert' ? [c.value.condition] : [])),
    ];
    expect(conditions.length).toBe(8);
    for (const condition of conditions) expect(evaluate(condition, env).value).toBe(1n);
  });

  it('defines in the output every symbol the script assigns', () => {
    const targets = new Set<string>();
    for (const command of [...script.commands, ...sectionsOf(script), ...allCommands(script)]) {
      if (command.kind === 'assignment' && command.target !== '.') targets.add(command.target);
    }
    expect(targets.size).toBeGreaterThan(140);
    expect([...targets].filter((name) => !symbols.has(name))).toEqual([]);
  });
});
