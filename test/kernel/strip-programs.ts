// Builds the small executables the strip tests compare against GNU objcopy: a freestanding static
// program with --emit-relocs, an allocated .modinfo, a `__mod_device_table__` symbol and DWARF,
// and a glibc PIE (with .rela.dyn/.rela.plt); cross builds for i386, AArch64 and RISC-V when their
// toolchains are installed. Compiled into a temp directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freestanding = `
static const char *msgs[] = { "hello", "world", "strip" };
int counter = 3;
__attribute__((section(".modinfo"), used)) static const char modinfo_license[] = "license=GPL";
__attribute__((section(".modinfo"), used)) const char __UNIQUE_ID_modinfo1[] = "author=me";
__attribute__((used)) const char __mod_device_table__foo[] = "x";
__attribute__((used)) static const char __mod_device_table__bar[] = "y";
const char *pick(int i) { return msgs[i % counter]; }
void _start(void) { for (;;) pick(counter++); }
`;

// UTF-8 identifiers whose shared tails ("a", "u") sort differently with signed and unsigned bytes:
// which longer name a suffix points into shows how BFD orders its string table.
const names = `
int \\u00e9a = 20, \\u00fcu = 21, caf\\u00e9 = 1, th\\u00e9 = 2, \\u00e9 = 3, xa = 4, a = 5, x\\u00e1 = 6, \\u00e1 = 7, za = 8;
int zb = 9, b = 10, \\u00fcber_a = 11, a_\\u00fc = 12, \\u00fc = 13, u = 14, uu = 15;
void _start(void) { for (;;) caf\\u00e9 += \\u00e9a + \\u00fcu + th\\u00e9 + \\u00e9 + xa + a + x\\u00e1 + \\u00e1 + za + zb + b + \\u00fcber_a + a_\\u00fc + \\u00fc + u + uu; }
`;

const hosted = `
#include <stdio.h>
static const char *msgs[] = { "hello", "world", "strip" };
int counter = 3;
int main(int argc, char **argv) { for (int i = 0; i < counter && i < argc + 2; i++) puts(msgs[i]); return 0; }
`;

export interface StripPrograms {
  dir: string;
  /** Static, no libc, -g, --emit-relocs: every relocation list is static (non-ALLOC). */
  freestanding: string;
  /** glibc PIE with --emit-relocs: allocated .rela.dyn and .rela.plt besides the static lists. */
  pie: string;
  /** Freestanding, UTF-8 symbol names sharing tails. */
  names: string;
}

export function buildStripPrograms(): StripPrograms {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-strip-'));
  writeFileSync(join(dir, 'free.c'), freestanding);
  writeFileSync(join(dir, 'hosted.c'), hosted);
  writeFileSync(join(dir, 'names.c'), names);
  const out = { dir, freestanding: join(dir, 'free.exe'), pie: join(dir, 'hosted.pie'), names: join(dir, 'names.exe') };
  execFileSync('gcc', ['-O1', '-g', '-fno-pie', '-no-pie', '-nostdlib', '-ffreestanding', '-Wl,--emit-relocs',
    '-Wl,--build-id=sha1', '-o', out.freestanding, join(dir, 'free.c')]);
  execFileSync('gcc', ['-O1', '-fpie', '-pie', '-Wl,--emit-relocs', '-o', out.pie, join(dir, 'hosted.c')]);
  execFileSync('gcc', ['-O0', '-fno-pie', '-no-pie', '-nostdlib', '-ffreestanding', '-Wl,--emit-relocs', '-o', out.names, join(dir, 'names.c')]);
  return out;
}

/** Cross builds of the freestanding program: i386 (ELF32, SHT_REL), AArch64 and RISC-V, each with
 *  its binutils' objcopy. Only toolchains present on this machine are listed. */
export const crossTargets = [
  { name: 'i386', gcc: 'gcc', flags: ['-m32'], objcopy: 'objcopy' },
  { name: 'aarch64', gcc: 'aarch64-linux-gnu-gcc', flags: [], objcopy: 'aarch64-linux-gnu-objcopy' },
  { name: 'riscv64', gcc: 'riscv64-linux-gnu-gcc', flags: [], objcopy: 'riscv64-linux-gnu-objcopy' },
].filter((t) => ['/usr/bin/', '/usr/local/bin/'].some((d) => existsSync(d + t.gcc) && existsSync(d + t.objcopy)));

export function buildCross(dir: string, target: (typeof crossTargets)[number]): string {
  const out = join(dir, `free-${target.name}.exe`);
  execFileSync(target.gcc, [...target.flags, '-O1', '-g', '-fno-pie', '-no-pie', '-nostdlib', '-ffreestanding',
    '-Wl,--emit-relocs', '-o', out, join(dir, 'free.c')]);
  return out;
}

/** Runs objcopy with `args` on `input`, writing `output`. */
export function objcopy(args: string[], input: string, output: string, tool = 'objcopy'): void {
  execFileSync(tool, [...args, input, output], { stdio: ['ignore', 'ignore', 'pipe'] });
}
