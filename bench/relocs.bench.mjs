// Bench row: `ldplay relocs` against the kernel's arch/x86/tools/relocs on Debian's 632 MB vmlinux
// (1.1 M walked relocations). The kernel tool is not packaged: build it from linux-source-6.1 (see
// README) and point LDPLAY_KERNEL_RELOCS at it, or leave it at /var/cache/ldplay/tools/relocs.
import { bigVmlinux, compare, kernelToolsDir, ldplay, requireFile, toolFromEnv } from './harness.mjs';

const row = 'relocs vmlinux (632 MB)';
if (requireFile(bigVmlinux, row)) {
  compare(row, [...ldplay, 'relocs', '-o', '/dev/null', bigVmlinux], [toolFromEnv('kernel relocs', 'LDPLAY_KERNEL_RELOCS', [bigVmlinux], `${kernelToolsDir}/relocs`)]);
}
