// Bench row: `ldplay sorttable` against the kernel's own scripts/sorttable on Debian's 632 MB vmlinux.
// The kernel tool sorts in place, so both sides start from the input file and end with a sorted
// copy: ldplay reads IN's headers and tables by range, copies IN to OUT with copy_file_range while it
// sorts, then writes the changed ranges; the native row copies IN to OUT (cp) and sorts OUT in place.
// The native binary comes from LDPLAY_KERNEL_SORTTABLE or /var/cache/ldplay/tools/sorttable (built from
// the kernel tree, see README); neither → skipped.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigVmlinux, compare, kernelToolsDir, ldplay, requireFile, toolFromEnv } from './harness.mjs';

const row = 'sorttable: vmlinux 632 MB';
if (requireFile(bigVmlinux, row)) {
  const out = join(tmpdir(), 'ldplay-bench-sorttable.vmlinux');
  const kernelTool = toolFromEnv('kernel sorttable', 'LDPLAY_KERNEL_SORTTABLE', [], `${kernelToolsDir}/sorttable`);
  const native = kernelTool.argv
    ? { name: kernelTool.name, argv: ['sh', '-c', 'cp "$1" "$2" && "$3" "$2"', 'sh', bigVmlinux, `${out}.native`, kernelTool.argv[0]] }
    : kernelTool;
  compare(row, [...ldplay, 'sorttable', bigVmlinux, '-o', out], [native], { reps: 3 });
}
