// strip on Debian's 632 MB 6.1 vmlinux (13.8 M static relocations) against GNU objcopy run here:
// objcopy writes to a temp file, results are compared by SHA-256 without a second copy in memory;
// both the in-process stage and the CLI (which reads the input by range) are checked.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf, SHT_RELA } from '../../src/elf/index.ts';
import { strip } from '../../src/kernel/strip.ts';
import { bigVmlinux, hasBigVmlinux, load, repoRoot } from '../helpers.ts';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 24 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe.runIf(hasBigVmlinux)('strip on the 632 MB Debian vmlinux', () => {
  it("equals objcopy --remove-section='.rel*' (sha256)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-strip-big-'));
    try {
      const reference = join(dir, 'vmlinux');
      execFileSync('objcopy', ['--remove-section=.rel*', bigVmlinux, reference]);
      const input = load(bigVmlinux);
      const relocationLists = readElf(input).sections.filter((s) => s.type === SHT_RELA).length;
      const { outputs, record } = strip(input, { fileName: bigVmlinux });
      const ours = createHash('sha256').update(outputs.vmlinux).digest('hex');
      expect(ours).toBe(await sha256File(reference));
      expect(record.removed.filter((r) => r.kind === 'relocations').length).toBe(relocationLists);
      // The CLI reads the file by range (the 330 MB of static relocations stay unread).
      const viaCli = join(dir, 'vmlinux.cli');
      if (!existsSync(join(repoRoot, 'dist-cli/ldplay.mjs'))) execFileSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')]);
      execFileSync(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'strip', bigVmlinux, '-o', viaCli]);
      expect(await sha256File(viaCli)).toBe(ours);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
