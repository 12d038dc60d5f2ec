// The conformance corpus for readelf and the ELF round trip: real objects, executables, shared
// libraries, kernel modules and fixtures on this machine, plus cross-compiled aarch64/riscv/i386
// objects built into a temp dir. Lists paths only; comparisons live in the tests.

import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir, repoRoot } from '../helpers.ts';

export interface CorpusFile {
  path: string;
  /** Where it came from (for reports). */
  group: string;
}

const CROSS_SOURCE = `
__thread int tls_counter = 3;
static int counter;
int shared_table[4] = { 1, 2, 3, 4 };
extern int external_value;
double scale(double x) { return x * 2.5; }
int bump(void) { return ++counter + tls_counter + external_value; }
int *pick(int i) { return &shared_table[i & 3]; }
int main(int argc, char **argv) { (void)argv; return bump() + (int)scale(argc) + *pick(argc); }
`;

function isElfFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    const head = new Uint8Array(4);
    try {
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    return head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  } catch {
    return false;
  }
}

function list(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
}

/** Every n-th element, so the sample spreads over the whole sorted list. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]);
}

function samplesObjects(): string[] {
  const root = join(repoRoot, 'samples');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.o')) out.push(join(dir, e.name));
    }
  };
  walk(root);
  return out.sort();
}

function tryCompile(dir: string, compiler: string, args: string[], out: string): string | null {
  try {
    execFileSync(compiler, [...args, '-o', join(dir, out)], { cwd: dir, stdio: 'ignore' });
    return join(dir, out);
  } catch {
    return null;
  }
}

/** Objects built here by cross compilers (skipped, not faked, when a compiler is missing). */
export function crossObjects(): { files: CorpusFile[]; missing: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-readelf-'));
  writeFileSync(join(dir, 'x.c'), CROSS_SOURCE);
  const builds: [string, string, string[], string][] = [
    ['aarch64', 'aarch64-linux-gnu-gcc', ['-O2', '-c', 'x.c'], 'x-aarch64.o'],
    ['aarch64', 'aarch64-linux-gnu-gcc', ['-O2', '-fPIC', '-shared', 'x.c', '-Wl,--unresolved-symbols=ignore-all'], 'x-aarch64.so'],
    ['riscv64', 'riscv64-linux-gnu-gcc', ['-O2', '-c', 'x.c'], 'x-riscv64.o'],
    ['riscv64', 'riscv64-linux-gnu-gcc', ['-O2', '-march=rv64imac', '-mabi=lp64', '-c', 'x.c'], 'x-riscv64-soft.o'],
    ['riscv64', 'riscv64-linux-gnu-gcc', ['-O2', '-fPIC', '-shared', 'x.c', '-Wl,--unresolved-symbols=ignore-all'], 'x-riscv64.so'],
    ['riscv32', 'riscv64-linux-gnu-gcc', ['-O2', '-march=rv32imafc', '-mabi=ilp32f', '-c', 'x.c'], 'x-riscv32.o'],
    ['i386', 'gcc', ['-m32', '-O2', '-c', 'x.c'], 'x-i386.o'],
    ['i386', 'gcc', ['-m32', '-O2', '-fno-pic', '-c', 'x.c'], 'x-i386-nopic.o'],
    ['x86_64', 'gcc', ['-O2', '-fPIE', '-pie', 'x.c', '-Wl,-z,pack-relative-relocs', '-Wl,--unresolved-symbols=ignore-all'], 'x-relr'],
  ];
  const files: CorpusFile[] = [];
  const missing: string[] = [];
  for (const [group, compiler, args, out] of builds) {
    const path = tryCompile(dir, compiler, args, out);
    if (path) files.push({ path, group: `cross-${group}` });
    else missing.push(`${compiler} ${args.join(' ')}`);
  }
  const plain = tryCompile(dir, 'gcc', ['-O2', '-c', 'x.c'], 'x-x86_64.o');
  if (plain) files.push({ path: withEscapedNames(plain, join(dir, 'escaped-names.o')), group: 'escaped-names' });
  else missing.push('gcc -c x.c');
  return { files, missing };
}

/** A copy of an object whose symbol "bump" is renamed to control and high bytes (0x01, 0xe9,
 *  0x7f) and whose ".comment" section name gets 0x02 0xff, to check readelf's ^X escapes. */
function withEscapedNames(source: string, out: string): string {
  const bytes = readFileSync(source);
  const symbol = bytes.indexOf(Buffer.from('bump\0', 'latin1'));
  bytes.set([0x62, 0x01, 0xe9, 0x7f], symbol);
  const section = bytes.indexOf(Buffer.from('.comment\0', 'latin1'));
  bytes.set([0x02, 0xff], section + 1);
  writeFileSync(out, bytes);
  return out;
}

/** Extracts a dozen members of libc.a and packs them into a small archive of their own. */
export function libcMembers(): { members: CorpusFile[]; archive: string | null } {
  const libc = '/usr/lib/x86_64-linux-gnu/libc.a';
  if (!existsSync(libc)) return { members: [], archive: null };
  const names = execFileSync('ar', ['t', libc], { encoding: 'latin1' }).split('\n').filter(Boolean);
  const chosen = [...new Set(spread(names, 12))];
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-libc-'));
  execFileSync('ar', ['x', libc, ...chosen], { cwd: dir });
  execFileSync('ar', ['rc', 'small.a', ...chosen], { cwd: dir });
  return { members: chosen.map((n) => ({ path: join(dir, n), group: 'libc.a' })), archive: join(dir, 'small.a') };
}

export function systemCorpus(): CorpusFile[] {
  const tiny = join(fixturesDir, 'x86_64-tiny');
  const files: CorpusFile[] = [];
  const add = (group: string, paths: string[]) => {
    for (const p of paths) if (existsSync(p) && isElfFile(p)) files.push({ path: p, group });
  };
  add('samples', samplesObjects());
  add('fixtures', [...list(join(tiny, 'inputs'), '.o'), ...['vmlinux', 'vmlinux.unsorted', 'vmlinux.unstripped'].map((f) => join(tiny, 'expected', f))]);
  add('crt', list('/usr/lib/x86_64-linux-gnu', '.o'));
  add('shared-libraries', ['libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libz.so.1', 'libgcc_s.so.1', 'libpthread.so.0', 'libelf.so.1', 'libcrypto.so.3',
    // IFUNC relocations (value column "name()"), UNIQUE symbols and SHF_GNU_RETAIN under ELFOSABI_NONE
    'libatomic.so.1', 'libcc1.so.0', 'libsystemd.so.0'].map((f) => join('/usr/lib/x86_64-linux-gnu', f)));
  add('executables', spread(list('/usr/bin', '').filter(isElfFile), 24));
  add('modules', spread(list('/var/cache/ldplay/modules', '.ko'), 24));
  add('cross-crt', [...list('/usr/aarch64-linux-gnu/lib', '.o'), ...list('/usr/riscv64-linux-gnu/lib', '.o')]);
  return files;
}
