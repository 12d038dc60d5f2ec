// strip against the real tools: the kernel fixture's objcopy output, GNU objcopy 2.40 run on small
// programs with each kernel rule set and with single-section patterns, bash's fnmatch for the
// pattern matcher, and the typed errors for inputs strip does not handle.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfFormatError, readElf } from '../../src/elf/index.ts';
import { strip, stripRuleSets, type StripRuleSet } from '../../src/kernel/strip.ts';
import { fnmatch, RemovePatterns } from '../../src/kernel/strip/patterns.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { load, tiny } from '../helpers.ts';
import { buildCross, buildStripPrograms, crossTargets, objcopy, type StripPrograms } from './strip-programs.ts';

const ruleSets = Object.keys(stripRuleSets) as StripRuleSet[];

describe('strip on the x86_64-tiny fixture', () => {
  const unstripped = load(tiny('expected', 'vmlinux.unstripped'));
  const expected = load(tiny('expected', 'vmlinux'));

  it.each(ruleSets)('rule set %s gives objcopy\'s vmlinux byte for byte', (set) => {
    const { outputs } = strip(unstripped, stripRuleSets[set]);
    expect(outputs.vmlinux.length).toBe(expected.length);
    expect(Buffer.compare(outputs.vmlinux, expected)).toBe(0);
  });

  it('records every .rel* section removed and the bytes saved, and leaves its input untouched', () => {
    const before = Buffer.from(unstripped.subarray(0, 1 << 16));
    const { record } = strip(unstripped);
    const input = readElf(unstripped);
    const relNames = input.sections.filter((s) => s.name.startsWith('.rel')).map((s) => s.name);
    expect(record.removed.map((r) => r.name)).toEqual(relNames);
    expect(record.removed.every((r) => r.kind === 'relocations')).toBe(true);
    expect(record.bytesSaved).toBe(unstripped.length - expected.length);
    expect(record.sectionsOut).toBe(readElf(expected).sections.length);
    const out = readElf(expected);
    expect(record.sections.map((s) => [s.name, s.toIndex, s.toOffset])).toEqual(out.sections.slice(1).map((s) => [s.name, s.index, Number(s.offset)]));
    const symbolsIn = input.symbolTable(input.sections.findIndex((s) => s.name === '.symtab'));
    const symbolsOut = out.symbolTable(out.sections.findIndex((s) => s.name === '.symtab'));
    let changed = 0;
    for (let i = 0; i < symbolsIn.count; i++) if (symbolsIn.rawShndx(i) !== symbolsOut.rawShndx(i)) changed++;
    expect(record.renumberedSymbols).toBe(changed);
    expect(Buffer.compare(before, unstripped.subarray(0, 1 << 16))).toBe(0);
  });
});

describe('strip against GNU objcopy on small programs', () => {
  let programs: StripPrograms;
  beforeAll(() => {
    programs = buildStripPrograms();
  });
  afterAll(() => rmSync(programs.dir, { recursive: true, force: true }));

  const compare = (input: string, ours: Uint8Array, objcopyArgs: string[][]) => {
    let current = input;
    objcopyArgs.forEach((args, i) => {
      const next = join(programs.dir, `ref-${i}.out`);
      objcopy(args, current, next);
      current = next;
    });
    const reference = readFileSync(current);
    expect(ours.length).toBe(reference.length);
    expect(Buffer.compare(ours, reference)).toBe(0);
  };

  const onePass = (patterns: readonly string[]) => [patterns.map((p) => `--remove-section=${p}`)];

  it.each(['6.2', '6.14', '6.15'] as const)('rule set %s on a freestanding --emit-relocs program', (set) => {
    const { outputs } = strip(load(programs.freestanding), stripRuleSets[set]);
    compare(programs.freestanding, outputs.vmlinux, onePass(stripRuleSets[set].removeSections));
  });

  it('6.18: noload pass then remove, dropping .modinfo and unneeded __mod_device_table__ symbols', () => {
    const set = stripRuleSets['6.18'];
    const { outputs, record } = strip(load(programs.freestanding), set);
    compare(programs.freestanding, outputs.vmlinux, [
      set.removeSections.flatMap((p) => ['--set-section-flags', `${p}=noload`]),
      [...set.removeSections.map((p) => `--remove-section=${p}`), '-w', `--strip-unneeded-symbol=${set.stripUnneededSymbols[0]}`],
    ]);
    expect(record.removed.find((r) => r.name === '.modinfo')?.zeroedInSegment).toBe(true);
    expect(record.droppedSymbolNames).toContain('__UNIQUE_ID_modinfo1');
  });

  it.each([
    ['.rela.text'], ['.relfoo*'], ['.rela.text', '.rela.debug_*'], ['.comment'], ['.debug_*', '.rel*'],
  ])('pattern %s keeps the other relocation lists and renumbers them like objcopy', (...patterns) => {
    const { outputs } = strip(load(programs.freestanding), { removeSections: patterns });
    compare(programs.freestanding, outputs.vmlinux, onePass(patterns));
  });

  it('a PIE keeps .rela.dyn under !.rel*.dyn and matches objcopy when only static lists go', () => {
    const patterns = ['.rela.text', '.rela.eh_frame'];
    const { outputs } = strip(load(programs.pie), { removeSections: patterns });
    compare(programs.pie, outputs.vmlinux, onePass(patterns));
  });

  it('UTF-8 symbol names: suffix sharing follows BFD\'s unsigned byte order', () => {
    const { outputs } = strip(load(programs.names), { removeSections: ['.rel*', '.comment'] });
    compare(programs.names, outputs.vmlinux, onePass(['.rel*', '.comment']));
  });

  it.each(crossTargets.map((t) => [t.name, t] as const))('%s (ELF32 REL / other machines) matches its objcopy', (_, target) => {
    const exe = buildCross(programs.dir, target);
    for (const patterns of [['.rel*'], ['.rela.text', '.rel.text']]) {
      const { outputs } = strip(load(exe), { removeSections: patterns });
      const ref = join(programs.dir, `ref-${target.name}.out`);
      objcopy(patterns.map((p) => `--remove-section=${p}`), exe, ref, target.objcopy);
      expect(Buffer.compare(outputs.vmlinux, readFileSync(ref)), `${target.name} ${patterns}`).toBe(0);
    }
  });

  it('mutated headers and tables give ElfFormatError or StageError, never another exception', () => {
    const base = load(programs.freestanding);
    const input = readElf(base);
    // Regions strip reads: ELF header, program and section headers, .symtab entries.
    const shoff = Number(input.header.shoff);
    const symtab = input.sections.find((s) => s.name === '.symtab')!;
    const phoff = Number(input.header.phoff);
    const regions: [number, number][] = [[0, 64], [phoff, phoff + input.segments.length * 56], [shoff, shoff + input.sections.length * 64],
      [Number(symtab.offset), Number(symtab.offset + symtab.size)]];
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const outcomes = { ok: 0, elf: 0, stage: 0 };
    for (let trial = 0; trial < 600; trial++) {
      const bytes = base.slice(0, trial % 10 === 0 ? rand(base.length) : base.length);
      for (let k = 0; k < 1 + rand(4); k++) {
        const [from, to] = regions[rand(regions.length)];
        if (to <= bytes.length) bytes[from + rand(to - from)] = rand(256);
      }
      try {
        strip(bytes, { fileName: `mutant-${trial}` });
        outcomes.ok++;
      } catch (e) {
        if (e instanceof ElfFormatError) outcomes.elf++;
        else if (e instanceof StageError) outcomes.stage++;
        else throw new Error(`trial ${trial}: ${(e as Error).stack}`);
      }
    }
    expect(outcomes.elf + outcomes.stage).toBeGreaterThan(0);
  });

  it('refuses to drop an allocated section without the noload pass, naming it and its offset', () => {
    const bytes = load(programs.pie);
    const rela = readElf(bytes).sections.find((s) => s.name === '.rela.plt')!;
    const run = () => strip(bytes, stripRuleSets['6.15']);
    expect(run).toThrow(StageError);
    try {
      run();
    } catch (e) {
      const d = (e as StageError).diagnostics[0];
      expect(d.message).toContain('.rela.plt');
      expect(d.offset).toBe(Number(rela.offset));
    }
  });
});

describe('objcopy section patterns', () => {
  const bashMatches = (pattern: string, name: string) =>
    execFileSync('bash', ['-c', 'case "$1" in $2) echo y;; *) echo n;; esac', '_', name, pattern], { encoding: 'utf8' }).trim() === 'y';

  it('fnmatch agrees with the shell on section-like names', () => {
    const patterns = ['.rel*', '!x', '.rel.*', '.rela__*', '.rel*.dyn', '*', '?text', '.[dr]ata', '.[!d]ata', '[a-c]*', '\\*x', '.te[', '*.*.*'];
    const names = ['.rela.text', '.rel.dyn', '.rela.dyn', '.rela__ex_table', '.text', '.data', '.rata', '.bata', '*x', 'bss', '.te[', '.relaruntime_ptr', ''];
    for (const p of patterns) for (const n of names) expect(fnmatch(p, n), `${p} vs ${n}`).toBe(bashMatches(p, n));
  });

  it('a negated pattern wins over every positive one, in either order, only for real sections', () => {
    const a = new RemovePatterns(['!.rel*.dyn', '.rel*']);
    const b = new RemovePatterns(['.rel*', '!.rel*.dyn']);
    for (const p of [a, b]) {
      expect(p.match('.rela.dyn', 'remove')).toBeUndefined();
      expect(p.match('.rela.plt', 'remove')).toBe('.rel*');
      expect(p.match('.dyn', 'remove-relocs')).toBe('*');
    }
    expect(new RemovePatterns(['.rela']).match('.text', 'remove-relocs')).toBeUndefined();
    expect(new RemovePatterns(['.rela.text']).match('.text', 'remove-relocs')).toBe('.text');
  });
});

describe('strip errors', () => {
  it('rejects a relocatable object with a StageError naming the file', () => {
    const obj = load(tiny('inputs', 'version-timestamp.o'));
    expect(() => strip(obj, { fileName: 'version-timestamp.o' })).toThrow(/version-timestamp\.o: e_type 1 is not ET_EXEC/);
  });

  it('reports a truncated file as an ElfFormatError with its offset', () => {
    const cut = load(tiny('expected', 'vmlinux.unstripped')).subarray(0, 0x1000);
    expect(() => strip(cut)).toThrow(ElfFormatError);
  });
});
