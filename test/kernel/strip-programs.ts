// Builds the small executables the strip tests compare against GNU objcopy: a freestanding static
// program with --emit-relocs, an allocated .modinfo, a `__mod_device_table__` symbol and DWARF,
// and a glibc PIE (with .rela.dyn/.rela.plt). Compiled with the system gcc into a temp directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

/** Runs objcopy with `args` on `input`; returns the output file's bytes. */
export function objcopy(args: string[], input: string, output: string): void {
  execFileSync('objcopy', [...args, input, output], { stdio: ['ignore', 'ignore', 'pipe'] });
}
