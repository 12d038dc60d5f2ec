// Conformance of the teaching samples in samples/: every runnable sample is linked from its committed
// objects with GNU ld and with ldplay (`ldplay link`, ld's argument syntax), both programs run, and exit
// status + stdout must equal each other and the values scripts/build-samples.sh recorded in sample.json.
// Also: the broken sample fails like ld, the committed objects equal a fresh rebuild (readelf -S -s -r),
// and the mini kernel is acceptable to sorttable and relocs (kernel-pipeline.md §1-2) and ldplay links it
// to GNU ld's file byte for byte. Runnable samples are also linked with --emit-relocs (no verify warning,
// ld's relocations, and the whole file GNU ld's byte for byte).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, load, tiny } from '../helpers.ts';
import { readElf, SHF_ALLOC, SHN_ABS, SHN_UNDEF, SHT_NOBITS, SHT_NOTE, SHT_RELA, SHT_SYMTAB } from '../../src/elf/index.ts';
import { sorttable } from '../../src/kernel/sorttable/sorttable.ts';
import { parseLinkerScript } from '../../src/link/script/index.ts';
import { relocs } from '../../src/kernel/relocs/relocs.ts';

interface Outcome {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}
interface Sample {
  id: string;
  title: string;
  description: string;
  sources: string[];
  compile: string[][];
  inputs: string[];
  script?: string;
  ld: string[];
  output: string;
  runnable: boolean;
  expected: { link: Outcome; run?: Outcome };
}

const samplesDir = join(repoRoot, 'samples');
const index: { samples: { id: string; runnable: boolean }[] } = JSON.parse(readFileSync(join(samplesDir, 'index.json'), 'utf8'));
const samples: Sample[] = index.samples.map(({ id }) => JSON.parse(readFileSync(join(samplesDir, id, 'sample.json'), 'utf8')));
const ldplayBin = join(repoRoot, 'bin', 'ldplay.mjs');
/** The kernel's own arch/x86/tools/relocs, when built on this machine (see README: bench). */
const kernelRelocsTool = process.env.LDPLAY_KERNEL_RELOCS && existsSync(process.env.LDPLAY_KERNEL_RELOCS) ? process.env.LDPLAY_KERNEL_RELOCS : undefined;

let work = '';
let rebuilt = '';
/** Why the CLI bundle could not be built (only the ldplay links then fail), or null. */
let cliProblem: string | null = null;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ldplay-samples-'));
  rebuilt = join(work, 'rebuilt');
  const cli = spawnSync('node', [join(repoRoot, 'scripts', 'build-cli.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  cliProblem = cli.status === 0 ? null : `scripts/build-cli.mjs failed: ${cli.stderr}`;
  execFileSync('bash', [join(repoRoot, 'scripts', 'build-samples.sh'), '--objects-only', rebuilt], { stdio: 'pipe' });
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The sample's ld arguments with the output redirected to `outPath` (inputs stay relative to the sample). */
function argsWithOutput(sample: Sample, outPath: string): string[] {
  const args = [...sample.ld];
  const o = args.indexOf('-o');
  expect(o, `${sample.id}: ld arguments name an output with -o`).toBeGreaterThanOrEqual(0);
  args[o + 1] = outPath;
  return args;
}

/** A shell-style exit status: the code, or 128 + the signal number for a killed process. */
function exitStatus(r: { status: number | null; signal: NodeJS.Signals | null }): number {
  return r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0);
}

function runCommand(command: string, args: string[], cwd: string): Outcome {
  const r = spawnSync(command, args, { cwd, encoding: 'latin1', timeout: 60_000 });
  if (r.error) throw r.error;
  return { exitCode: exitStatus(r), stdout: r.stdout, stderr: r.stderr };
}

function linkWithLd(sample: Sample, outPath: string): Outcome {
  return runCommand('ld', argsWithOutput(sample, outPath), join(samplesDir, sample.id));
}

function linkWithLdplay(sample: Sample, outPath: string): Outcome {
  if (cliProblem) throw new Error(cliProblem);
  return runCommand('node', [ldplayBin, 'link', ...argsWithOutput(sample, outPath)], join(samplesDir, sample.id));
}

function runProgram(path: string): Outcome {
  chmodSync(path, 0o755);
  const r = spawnSync(path, [], { encoding: 'latin1', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  return { exitCode: exitStatus(r), stdout: r.stdout };
}

/** `readelf -S -s -r` of an object: sections, symbols and relocations, but not the file name. */
function describeObject(path: string): string {
  return execFileSync('readelf', ['-S', '-s', '-r', '-W', path], { encoding: 'latin1' });
}

describe('sample metadata', () => {
  it('index.json lists every sample folder, and each sample names its inputs and output', () => {
    const folders = readdirSync(samplesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(samplesDir, d.name, 'sample.json')))
      .map((d) => d.name)
      .sort();
    expect(index.samples.map((s) => s.id).sort()).toEqual(folders);
    for (const s of samples) {
      expect(s.id, 'sample.json id equals its folder').toBe(index.samples.find((e) => e.id === s.id)?.id);
      for (const f of [...s.inputs, ...s.sources, ...(s.script ? [s.script] : [])]) {
        expect(existsSync(join(samplesDir, s.id, f)), `${s.id}/${f} exists`).toBe(true);
      }
      for (const input of s.inputs) expect(s.ld, `${s.id}: ld links ${input}`).toContain(input);
      expect(s.ld[s.ld.indexOf('-o') + 1]).toBe(s.output);
      expect(s.runnable, `${s.id}: runnable samples have a recorded run`).toBe(s.expected.run !== undefined);
    }
  });
});

describe.each(samples.map((s) => [s.id, s] as const))('sample %s', (id, sample) => {
  it('committed objects equal a rebuild from source (readelf -S -s -r)', () => {
    for (const input of sample.inputs) {
      const fresh = join(rebuilt, id, input);
      expect(existsSync(fresh), `build-samples.sh builds ${id}/${input}`).toBe(true);
      expect(describeObject(join(samplesDir, id, input)), `${id}/${input} drifted from its source`).toBe(describeObject(fresh));
    }
  });

  if (sample.runnable) {
    it('GNU ld and ldplay programs both behave as recorded in sample.json', () => {
      const expected = sample.expected.run!;
      const ldOut = join(work, `${id}.ld`);
      const ld = linkWithLd(sample, ldOut);
      expect(ld.exitCode, ld.stderr).toBe(0);
      const ldRun = runProgram(ldOut);
      expect(ldRun, 'the GNU-ld-linked program').toEqual({ exitCode: expected.exitCode, stdout: expected.stdout });

      const ours = join(work, `${id}.ldplay`);
      const linked = linkWithLdplay(sample, ours);
      expect(linked.exitCode, `ldplay link failed: ${linked.stderr}`).toBe(0);
      const oursRun = runProgram(ours);
      expect(oursRun, 'the ldplay-linked program behaves like the GNU-ld-linked one').toEqual(ldRun);
    });

    it('with --emit-relocs too: verify finds nothing, and the relocations are GNU ld\'s (place, type, symbol, addend)', () => {
      const withRelocs = { ...sample, ld: ['--emit-relocs', ...sample.ld] };
      const ldOut = join(work, `${id}.relocs.ld`);
      expect(linkWithLd(withRelocs, ldOut).exitCode).toBe(0);
      const ours = join(work, `${id}.relocs.ldplay`);
      const linked = linkWithLdplay(withRelocs, ours);
      expect(linked, 'no verify warning').toEqual({ exitCode: 0, stdout: '', stderr: '' });
      // The relocations as symbol + addend first (a readable failure), then the whole file.
      const rows = (path: string) => execFileSync('readelf', ['-rW', path], { encoding: 'latin1' }).split('\n')
        .filter((l) => /^[0-9a-f]{16}\s/.test(l)).map((l) => { const f = l.trim().split(/\s+/); return `${f[2]} ${f.slice(4).join(' ')}`; });
      expect(rows(ours)).toEqual(rows(ldOut));
      expect(Buffer.compare(readFileSync(ours), readFileSync(ldOut)), 'the whole file').toBe(0);
    });
  } else if (sample.expected.link.exitCode !== 0) {
    it('fails to link with GNU ld as recorded, and ldplay fails with an ld-like undefined reference', () => {
      const ld = linkWithLd(sample, join(work, `${id}.ld`));
      expect({ exitCode: ld.exitCode, stderr: ld.stderr }).toEqual(sample.expected.link);
      const wanted = /undefined reference to `([^']+)'/.exec(sample.expected.link.stderr!);
      expect(wanted, 'the recorded ld message names the symbol').not.toBeNull();

      const ours = linkWithLdplay(sample, join(work, `${id}.ldplay`));
      expect(ours.exitCode, 'ldplay link must fail').not.toBe(0);
      expect(ours.stderr).toContain(`undefined reference to \`${wanted![1]}'`);
      expect(existsSync(join(work, `${id}.ldplay`)), 'no output file after a failed link').toBe(false);
    });
  }
});

// ---- the mini kernel: a vmlinux-shaped link that the kernel's post-link tools must accept ----

/** 6.1 relocs S_REL names: SHN_ABS symbols that are really addresses (kernel-pipeline.md §1.3). */
const relocatableAbsolute = new RegExp(
  '^(__init_(begin|end)|__x86_cpu_dev_(start|end)|(__parainstructions|__alt_instructions)(_end)?|' +
    '(__iommu_table|__apicdrivers|__smp_locks)(_end)?|__(start|end)_pci_.*|' +
    '__(start|stop)___ksymtab(_gpl)?|__(start|stop)___kcrctab(_gpl)?|__(start|stop)___param|' +
    '__(start|stop)___modver|__(start|stop)___bug_table|__tracedata_(start|end)|__(start|stop)_notes|' +
    '__end_rodata|__end_rodata_aligned|__initramfs_start|(jiffies|jiffies_64)|__per_cpu_load|' +
    'init_per_cpu__.*|__end_rodata_hpage_align|__vvar_page|_end)$',
);
const absoluteAllowed = /^(xen_irq_disable_direct_reloc$|xen_save_fl_direct_reloc$|VDSO|__kcfi_typeid_|__crc_)/;

function hasSymbol(elf: ReturnType<typeof readElf>, wanted: string): boolean {
  return elf.sections.some((sec, i) => {
    if (sec.type !== SHT_SYMTAB) return false;
    const syms = elf.symbolTable(i);
    for (let k = 0; k < syms.count; k++) if (syms.name(k) === wanted) return true;
    return false;
  });
}

/** Applies the 6.1 x86_64 relocs rules (kernel-pipeline.md §1.4–1.6); returns list sizes and fatal errors. */
function relocsVerdict(bytes: Uint8Array): { relocs64: number; relocs32: number; relocs32neg: number; errors: string[] } {
  const elf = readElf(bytes, 'vmlinux');
  const errors: string[] = [];
  const lists = { relocs64: 0, relocs32: 0, relocs32neg: 0 };
  const percpu = elf.sections.findIndex((s) => s.name === '.data..percpu' && s.addr === 0n);
  for (let i = 0; i < elf.sections.length; i++) {
    const sec = elf.sections[i];
    if (sec.type !== SHT_RELA) continue;
    const target = elf.sections[sec.info];
    if ((target.flags & BigInt(SHF_ALLOC)) === 0n || target.type === SHT_NOTE) continue;
    const rel = elf.relocationTable(i);
    const syms = elf.symbolTable(sec.link);
    for (let r = 0; r < rel.count; r++) {
      const s = rel.sym(r);
      if (syms.shndx(s) === SHN_UNDEF) continue;
      const name = syms.name(s) || elf.sections[syms.shndx(s)]?.name || '';
      const isPercpu = percpu > 0 && syms.shndx(s) === percpu && !/^(__init_begin|__per_cpu_load)$|^init_per_cpu_/.test(name);
      const type = rel.type(r);
      if (type === 2 || type === 4) {
        if (isPercpu) lists.relocs32neg++;
      } else if (type === 1 || type === 10 || type === 11) {
        if (isPercpu) continue;
        const shnAbs = syms.shndx(s) === SHN_ABS && !relocatableAbsolute.test(name);
        if (shnAbs && !absoluteAllowed.test(name)) errors.push(`Invalid absolute relocation (type ${type}): ${name}`);
        else if (!shnAbs) lists[type === 1 ? 'relocs64' : 'relocs32']++;
      } else if (type !== 0) {
        errors.push(`Unsupported relocation type: ${type} against ${name}`);
      }
    }
  }
  if (percpu > 0 && !hasSymbol(elf, '__per_cpu_load')) errors.push("can't find __per_cpu_load");
  return { ...lists, errors };
}

/** Entry counts of the three lists in a 6.1 x86_64 vmlinux.relocs: 0, relocs64…, 0, relocs32neg…, 0, relocs32…. */
function relocsFileCounts(bytes: Uint8Array): number[] {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const stops = [...words.keys()].filter((i) => words[i] === 0);
  return [stops[1] - stops[0] - 1, stops[2] - stops[1] - 1, words.length - stops[2] - 1];
}

describe('mini kernel post-link acceptance', () => {
  const kernel = samples.find((s) => s.id === 'mini-kernel')!;

  it('the relocs rule check reproduces the real tool on the x86_64-tiny fixture', () => {
    const verdict = relocsVerdict(load(tiny('expected', 'vmlinux.unstripped')));
    expect(verdict.errors).toEqual([]);
    expect([verdict.relocs64, verdict.relocs32neg, verdict.relocs32]).toEqual(relocsFileCounts(load(tiny('expected', 'vmlinux.relocs'))));
  });

  it("its linker script parses with ldplay's parser: PHDRS, SECTIONS and the output sections ld made", () => {
    const script = parseLinkerScript(readFileSync(join(samplesDir, kernel.id, kernel.script!), 'utf8'), kernel.script!);
    const kinds = script.commands.map((c) => c.kind);
    expect(kinds).toContain('phdrs');
    const sections = script.commands.find((c) => c.kind === 'sections');
    const declared = sections && sections.kind === 'sections' ? sections.commands.flatMap((c) => (c.kind === 'outputSection' ? [c.name] : [])) : [];
    const out = join(work, 'mini-kernel.script.ld');
    expect(linkWithLd(kernel, out).exitCode).toBe(0);
    const made = readElf(load(out), out).sections.filter((s) => (s.flags & BigInt(SHF_ALLOC)) !== 0n).map((s) => s.name);
    for (const name of made) expect(declared, `ld's output section ${name} comes from the script`).toContain(name);
  });

  it('GNU ld output is accepted by the 6.1 relocs rules with all three lists non-empty', () => {
    const out = join(work, 'mini-kernel.ld');
    const ld = linkWithLd(kernel, out);
    expect({ exitCode: ld.exitCode, stderr: ld.stderr }).toEqual(kernel.expected.link);
    const verdict = relocsVerdict(load(out));
    expect(verdict.errors).toEqual([]);
    expect(verdict.relocs64).toBeGreaterThan(0);
    expect(verdict.relocs32).toBeGreaterThan(0);
    expect(verdict.relocs32neg).toBeGreaterThan(0);
  });

  it("the relocs stage accepts GNU ld's output with the rule check's list sizes (and the real tool's bytes, given LDPLAY_KERNEL_RELOCS)", () => {
    const out = join(work, 'mini-kernel.relocs.ld');
    expect(linkWithLd(kernel, out).exitCode).toBe(0);
    const written = relocs(load(out), { kernel: '6.1', fileName: 'vmlinux' }).outputs['vmlinux.relocs'];
    const verdict = relocsVerdict(load(out));
    expect(relocsFileCounts(written)).toEqual([verdict.relocs64, verdict.relocs32neg, verdict.relocs32]);
    if (kernelRelocsTool) expect(Buffer.from(written).equals(execFileSync(kernelRelocsTool, [out]))).toBe(true);
  });

  it('GNU ld output gives sorttable (6.1, ORC) unsorted __ex_table and ORC entries to move', () => {
    const out = join(work, 'mini-kernel.sorttable.ld');
    expect(linkWithLd(kernel, out).exitCode).toBe(0);
    const result = sorttable(load(out), { kernel: '6.1', orc: true, fileName: 'vmlinux' });
    const moved = Object.fromEntries(result.record.tables.map((t) => [t.table, t.moved]));
    expect(moved['__ex_table']).toBeGreaterThan(0);
    expect(moved['.orc_unwind_ip+.orc_unwind']).toBeGreaterThan(0);
  });

  /** Links the mini kernel with GNU ld and with ldplay; returns both files' bytes. */
  function linkBoth(tag: string): { ld: Uint8Array; ours: Uint8Array } {
    const ldOut = join(work, `mini-kernel.${tag}.ld`);
    expect(linkWithLd(kernel, ldOut).exitCode).toBe(0);
    const ours = join(work, `mini-kernel.${tag}.ldplay`);
    const linked = linkWithLdplay(kernel, ours);
    expect(linked.exitCode, `ldplay link failed: ${linked.stderr}`).toBe(0);
    return { ld: load(ldOut), ours: load(ours) };
  }

  it('ldplay writes GNU ld\'s file byte for byte (symbol order, string tables, --emit-relocs)', () => {
    const { ld, ours } = linkBoth('whole');
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(ld))).toBe(0);
  });

  it('ldplay links it to the same loaded image as GNU ld: segments, allocated sections and their bytes', () => {
    const { ld, ours } = linkBoth('image');
    const image = (bytes: Uint8Array) => {
      const elf = readElf(bytes, 'vmlinux');
      const alloc = elf.sections.filter((s) => (s.flags & BigInt(SHF_ALLOC)) !== 0n);
      return {
        entry: elf.header.entry,
        segments: elf.segments.map((g) => `type=${g.type} flags=${g.flags} vaddr=${g.vaddr.toString(16)} paddr=${g.paddr.toString(16)} filesz=${g.filesz} memsz=${g.memsz} align=${g.align}`),
        sections: alloc.map((s) => `${s.name} type=${s.type} flags=${s.flags} addr=${s.addr.toString(16)} size=${s.size} align=${s.addralign}`),
        bytes: alloc.filter((s) => s.type !== SHT_NOBITS).map((s) => `${s.name}: ${Buffer.from(elf.sectionData(s.index)).toString('hex')}`),
      };
    };
    expect(image(ours)).toEqual(image(ld));
    expect(relocsVerdict(ours)).toEqual(relocsVerdict(ld));
  });

  it('ldplay writes the same symbols and --emit-relocs entries as GNU ld (in any order)', () => {
    const { ld, ours } = linkBoth('tables');
    const tables = (bytes: Uint8Array) => {
      const elf = readElf(bytes, 'vmlinux');
      const sectionName = (i: number) => (i === SHN_ABS ? 'ABS' : i === SHN_UNDEF ? 'UND' : elf.sections[i]?.name ?? String(i));
      const symbols: string[] = [];
      const relocations: string[] = [];
      for (const sec of elf.sections) {
        if (sec.type === SHT_SYMTAB) {
          const t = elf.symbolTable(sec.index);
          for (let i = 1; i < t.count; i++) {
            const name = t.name(i) || `[section ${sectionName(t.shndx(i))}]`;
            symbols.push(`${name} value=${t.value(i).toString(16)} size=${t.size(i)} info=${t.info(i)} other=${t.other(i)} in ${sectionName(t.shndx(i))}`);
          }
        } else if (sec.type === SHT_RELA) {
          const r = elf.relocationTable(sec.index);
          const t = elf.symbolTable(sec.link);
          for (let i = 0; i < r.count; i++) {
            const target = t.name(r.sym(i)) || `[section ${sectionName(t.shndx(r.sym(i)))}]`;
            relocations.push(`${sec.name} ${r.offset(i).toString(16)} type=${r.type(i)} ${target}${r.addend(i) < 0n ? '' : '+'}${r.addend(i)}`);
          }
        }
      }
      return { symbols: symbols.sort(), relocations: relocations.sort() };
    };
    expect(tables(ours)).toEqual(tables(ld));
    expect(relocs(ours, { kernel: '6.1' }).outputs).toEqual(relocs(ld, { kernel: '6.1' }).outputs);
  });
});
