// Shared test paths and file loading: the fixtures beside the project and reference-tool runners.
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
export const fixturesDir = resolve(repoRoot, '../shared/fixtures');
export const tiny = (...p: string[]) => join(fixturesDir, 'x86_64-tiny', ...p);
/** Debian's 632 MB vmlinux, when this machine has it (see README: Large inputs). */
export const bigVmlinux = process.env.LDPLAY_BIG_VMLINUX ?? '/var/cache/ldplay/usr/lib/debug/boot/vmlinux-6.1.0-53-amd64';
export const hasBigVmlinux = existsSync(bigVmlinux);

export function load(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Runs a native tool and returns stdout as Latin-1 text (byte-exact). */
export function runTool(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'latin1', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Links sample `id` with GNU ld and the ld arguments its sample.json records; returns the output's path. */
export function linkSampleWithGnuLd(id: string): string {
  const dir = join(repoRoot, 'samples', id);
  const { ld } = JSON.parse(readFileSync(join(dir, 'sample.json'), 'utf8')) as { ld: string[] };
  const out = join(mkdtempSync(join(tmpdir(), `ldplay-${id}-`)), 'out');
  execFileSync('ld', ld.map((a, i) => (ld[i - 1] === '-o' ? out : a)), { cwd: dir });
  return out;
}
