// The seed files the fuzz targets mutate, built from committed samples and fixtures with the real tools
// (GNU as/ld/ar) at start-up: small objects, archives, the mini kernel linked by GNU ld (a 13 KB
// vmlinux with __ex_table, ORC, per-CPU data and --emit-relocs), its vmlinux.relocs and linker scripts.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relocs } from '../../src/kernel/relocs/relocs.ts';
import { repoRoot, tiny } from '../helpers.ts';

export type Input =
  | { kind: 'elf'; bytes: Uint8Array; name?: string }
  | { kind: 'archive'; bytes: Uint8Array }
  | { kind: 'blob'; bytes: Uint8Array; name?: string }
  | { kind: 'text'; text: string; name?: string };

const read = (p: string) => new Uint8Array(readFileSync(p));
const miniDir = join(repoRoot, 'samples', 'mini-kernel');

/** Small real ELF files: the fixture's small objects. */
export function elfCorpus(): Input[] {
  return ['inputs/version-timestamp.o', 'inputs/vmlinux.export.o', 'inputs/kallsyms.o']
    .map((p) => ({ kind: 'elf' as const, bytes: read(tiny(p)) }));
}

/** A GNU and a thin archive built with ar from the fixture's small objects. */
export function archiveCorpus(): Input[] {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-fuzz-'));
  const members = ['version-timestamp.o', 'vmlinux.export.o'];
  for (const m of members) copyFileSync(tiny('inputs', m), join(dir, m));
  execFileSync('ar', ['rcs', 'lib.a', ...members], { cwd: dir });
  execFileSync('ar', ['rcsT', 'thin.a', ...members], { cwd: dir });
  return [{ kind: 'archive', bytes: read(join(dir, 'lib.a')) }, { kind: 'archive', bytes: read(join(dir, 'thin.a')) }];
}

/** The mini kernel's objects, in link order (the link target mutates one of them per case). */
export function miniKernelObjects(): Input[] {
  return ['head.o', 'main.o'].map((name) => ({ kind: 'elf' as const, name, bytes: read(join(miniDir, name)) }));
}

/** The tls-static sample's objects, linked with ld's built-in script: TLS, a RELRO region, the data
 *  segment's DATA_SEGMENT_* phases; and an object with a GNU property note of several properties (the
 *  link-default target mutates one of them per case). */
export function defaultScriptObjects(): Input[] {
  const dir = join(repoRoot, 'samples', 'tls-static');
  const names: string[] = JSON.parse(readFileSync(join(dir, 'sample.json'), 'utf8')).inputs;
  return [...names.map((name) => ({ kind: 'elf' as const, name, bytes: read(join(dir, name)) })), { kind: 'elf' as const, name: 'props.o', bytes: propertyNoteObject() }];
}

/** `as` output of a .note.gnu.property note: stack size, no-copy-on-protected, x86 FEATURE_1_AND,
 *  ISA_1_NEEDED and ISA_1_USED. */
function propertyNoteObject(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-fuzz-props-'));
  try {
    writeFileSync(join(dir, 'props.s'), ['\t.section .note.GNU-stack,"",@progbits', '\t.section .note.gnu.property,"a",@note', '\t.p2align 3',
      '\t.long 4', '\t.long 2f-1f', '\t.long 5', '\t.asciz "GNU"', '1:', '\t.long 1, 8', '\t.quad 0x1000', '\t.long 2, 0',
      '\t.long 0xc0000002, 4, 3, 0', '\t.long 0xc0008002, 4, 1, 0', '\t.long 0xc0010002, 4, 1, 0', '2:', ''].join('\n'));
    execFileSync('as', ['--64', '-o', 'props.o', 'props.s'], { cwd: dir });
    return read(join(dir, 'props.o'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The mini kernel's linker script text (kernel-style: PHDRS, AT(), per-CPU, /DISCARD/). */
export const miniKernelScript = (): string => readFileSync(join(miniDir, 'kernel.lds'), 'latin1');

/** GNU ld's arguments for the mini kernel (its sample.json). */
export const miniKernelLd = (): string[] => JSON.parse(readFileSync(join(miniDir, 'sample.json'), 'utf8')).ld;

/** The mini kernel linked by GNU ld: a vmlinux every post-link stage accepts. */
export function miniVmlinux(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-fuzz-mini-'));
  for (const f of ['head.o', 'main.o', 'kernel.lds']) copyFileSync(join(miniDir, f), join(dir, f));
  execFileSync('ld', miniKernelLd(), { cwd: dir });
  return read(join(dir, 'vmlinux'));
}

export const miniVmlinuxCorpus = (): Input[] => [{ kind: 'elf', bytes: miniVmlinux() }];

/** The mini kernel's vmlinux.relocs (6.1 layout), from the pristine vmlinux. */
export function miniRelocs(vmlinux: Uint8Array): Uint8Array {
  return relocs(vmlinux).outputs['vmlinux.relocs'];
}

/** The kernel's own vmlinux.lds (the tiny fixture's), for the script parser. */
export const kernelScriptCorpus = (): Input[] => [{ kind: 'text', text: readFileSync(tiny('inputs', 'vmlinux.lds'), 'latin1') }];

/** Relocatable objects with init/exit references for modpost's check: the mini kernel's and the fixture's. */
export function mismatchCorpus(): Input[] {
  return [...miniKernelObjects(), { kind: 'elf', bytes: read(tiny('inputs', 'kallsyms.o')) }];
}
