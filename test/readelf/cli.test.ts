// `ldplay readelf` as a command against GNU readelf 2.40 itself: stdout bytes, stderr messages and
// exit status for combined and long options, several files, archives, missing and non-ELF inputs.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tiny } from '../helpers.ts';

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

function run(command: string, args: string[], cwd: string): Run {
  const r = spawnSync(command, args, { cwd, encoding: 'latin1', maxBuffer: 1 << 28 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

let dir = '';

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs')], { stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'ldplay-readelf-cli-'));
  writeFileSync(join(dir, 'notes.txt'), 'not an ELF file, but long enough to hold an ELF64 header of 64 bytes\n');
  writeFileSync(join(dir, 'short.txt'), 'too short\n');
  copyFileSync(tiny('inputs', 'version-timestamp.o'), join(dir, 'a.o'));
  copyFileSync(tiny('inputs', 'vmlinux.export.o'), join(dir, 'b.o'));
  execFileSync('ar', ['rc', 'lib.a', 'a.o', 'b.o'], { cwd: dir });
});

const CASES: [string, string[]][] = [
  ['combined short flags', ['-WS', '-hl', 'a.o']],
  ['long option names', ['--file-header', '--section-headers', '--segments', '--syms', '--relocs', '--wide', 'a.o']],
  ['aliases', ['--program-headers', '--symbols', '--sections', 'b.o']],
  ['several files get File: lines', ['-W', '-s', '-r', 'a.o', 'b.o']],
  ['archive members', ['-h', '-S', 'lib.a']],
  ['missing file', ['-h', 'missing.o']],
  ['not an ELF file', ['-h', 'notes.txt']],
  ['a directory', ['-h', '.']],
  ['shorter than an ELF header', ['-h', 'short.txt']],
  ['bad files among good ones', ['-W', '-h', 'a.o', 'notes.txt', 'short.txt', 'b.o']],
];

describe('ldplay readelf CLI against GNU readelf', () => {
  for (const [name, args] of CASES) {
    it(name, () => {
      const expected = run('readelf', args, dir);
      const actual = run(process.execPath, [join(repoRoot, 'bin/ldplay.mjs'), 'readelf', ...args], dir);
      expect(actual.stdout).toBe(expected.stdout);
      expect(actual.stderr).toBe(expected.stderr);
      expect(actual.status).toBe(expected.status);
    });
  }
});
