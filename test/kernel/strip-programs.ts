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
}

export function buildStripPrograms(): StripPrograms {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-strip-'));
  writeFileSync(join(dir, 'free.c'), freestanding);
  writeFileSync(join(dir, 'hosted.c'), hosted);
  const out = { dir, freestanding: join(dir, 'free.exe'), pie: join(dir, 'hosted.pie') };
  execFileSync('gcc', ['-O1', '-g', '-fno-pie', '-no-pie', '-nostdlib', '-ffreestanding', '-Wl,--emit-relocs',
    '-Wl,--build-id=sha1', '-o', out.freestanding, join(dir, 'free.c')]);
  execFileSync('gcc', ['-O1', '-fpie', '-pie', '-Wl,--emit-relocs', '-o', out.pie, join(dir, 'hosted.c')]);
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
