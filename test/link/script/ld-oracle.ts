// Test oracle: links a small gcc-built object with GNU ld under a given script and exposes the
// result (symbols, sections) as an EvaluationEnvironment, so evaluator results can be compared
// with the values ld itself assigned. Shared by the linker-script tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElf, SHN_ABS, SHN_UNDEF, SHT_SYMTAB, STT_FILE, STT_SECTION, type ElfFile } from '../../../src/elf/index.ts';
import type { EvaluationEnvironment } from '../../../src/link/script/index.ts';

const SOURCE = `
int a = 1; int b = 2; int c = 3;
long long big[4] __attribute__((aligned(64))) = { 1 };
int zero_init;
void _start(void) { }
`;

export const MAX_PAGE_SIZE = 0x200000n;
export const COMMON_PAGE_SIZE = 0x1000n;

/** A directory holding t.o, compiled once per test file. */
export function buildObject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-script-'));
  writeFileSync(join(dir, 't.c'), SOURCE);
  execFileSync('gcc', ['-c', '-O2', '-fno-pic', '-fno-asynchronous-unwind-tables', '-o', join(dir, 't.o'), join(dir, 't.c')]);
  return dir;
}

/** Runs GNU ld on t.o with `script`; returns the output or ld's stderr. */
export function linkWithLd(dir: string, script: string, name = 's.lds', extraArgs: string[] = []): { elf?: ElfFile; stderr: string } {
  writeFileSync(join(dir, name), script);
  const out = join(dir, `${name}.out`);
  try {
    execFileSync('ld', ['-m', 'elf_x86_64', '-z', `max-page-size=0x${MAX_PAGE_SIZE.toString(16)}`,
      '-z', `common-page-size=0x${COMMON_PAGE_SIZE.toString(16)}`, '--no-warn-rwx-segments',
      ...extraArgs, '-T', name, '-o', out, 't.o'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { stderr: String((error as { stderr?: Buffer }).stderr ?? error) };
  }
  const bytes = readFileSync(out);
  return { elf: readElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), out), stderr: '' };
}

export interface LinkedSymbol {
  value: bigint;
  /** Output section name, or undefined for SHN_ABS. */
  section?: string;
}

/** Defined symbols (not section or file symbols) of a linked file by name. */
export function symbolsOf(elf: ElfFile): Map<string, LinkedSymbol> {
  const out = new Map<string, LinkedSymbol>();
  const index = elf.sections.findIndex((s) => s.type === SHT_SYMTAB);
  const table = elf.symbolTable(index);
  for (let i = 1; i < table.count; i++) {
    const shndx = table.shndx(i);
    const type = table.info(i) & 0xf;
    if (shndx === SHN_UNDEF || type === STT_SECTION || type === STT_FILE) continue;
    out.set(table.name(i), {
      value: table.value(i),
      section: shndx === SHN_ABS ? undefined : elf.sections[shndx].name,
    });
  }
  return out;
}

/** An environment answering from ld's final layout; `dot` and `currentSection` as given. */
export function environmentFrom(
  elf: ElfFile,
  at: { dot?: bigint; currentSection?: string; sectionForDot?: string },
): EvaluationEnvironment {
  const symbols = symbolsOf(elf);
  const section = (name: string) => elf.sections.find((s) => s.name === name && s.index !== 0);
  const loadAddress = (name: string) => {
    const s = section(name);
    if (!s) return undefined;
    const segment = elf.segments.find((p) => p.type === 1 && s.addr >= p.vaddr && s.addr < p.vaddr + p.memsz);
    return segment ? s.addr - segment.vaddr + segment.paddr : s.addr;
  };
  return {
    currentSection: at.currentSection,
    dot: at.dot,
    symbol(name) {
      const symbol = symbols.get(name);
      if (!symbol) return undefined;
      if (symbol.section === undefined) return { value: symbol.value };
      return { value: symbol.value - section(symbol.section)!.addr, section: symbol.section };
    },
    isDefined: (name) => symbols.has(name),
    sectionAddress: (name) => section(name)?.addr,
    sectionLoadAddress: loadAddress,
    sectionSize: (name) => section(name)?.size,
    sectionAlignment: (name) => section(name)?.addralign,
    maxPageSize: MAX_PAGE_SIZE,
    commonPageSize: COMMON_PAGE_SIZE,
    sizeofHeaders: BigInt(elf.header.ehsize + elf.header.phnum * elf.header.phentsize),
    sectionForDot: () => at.sectionForDot,
  };
}
