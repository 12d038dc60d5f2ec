// Bench row: `ldplay link` of the x86_64-tiny kernel (vmlinux.o + 3 objects, the kernel's own
// vmlinux.lds, --emit-relocs) against GNU ld and ld.lld with the same arguments, alternating runs,
// median wall time and the ratio. Outputs go to a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { compare, ldplay, requireFile, tinyDir } from './harness.mjs';

const row = 'link x86_64-tiny vmlinux';
const inputs = join(tinyDir, 'inputs');
const args = ['-m', 'elf_x86_64', '-z', 'noexecstack', '--no-warn-rwx-segments', '--emit-relocs', '--discard-none',
  '-z', 'max-page-size=0x200000', '--build-id=sha1', '--orphan-handling=warn', '--script=vmlinux.lds'];
const objects = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o'];
const have = (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;

if (requireFile(join(inputs, 'vmlinux.o'), row)) {
  const out = mkdtempSync(join(tmpdir(), 'ldplay-bench-link-'));
  const natives = [
    have('ld') ? { name: 'GNU ld', argv: ['ld', ...args, '-o', join(out, 'ld.out'), ...objects] } : { name: 'GNU ld', why: 'ld not installed' },
    have('ld.lld') ? { name: 'ld.lld', argv: ['ld.lld', ...args.filter((a) => a !== '--no-warn-rwx-segments'), '-o', join(out, 'lld.out'), ...objects] } : { name: 'ld.lld', why: 'ld.lld not installed' },
  ];
  compare(row, [...ldplay, 'link', ...args, '-o', join(out, 'ldplay.out'), ...objects], natives, { cwd: inputs });
  rmSync(out, { recursive: true, force: true });
}
