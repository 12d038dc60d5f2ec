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

export interface LdMapSection { file: string; section: string; output: string; address: bigint; size: number }

/** GNU ld's -Map file: the input sections it discarded, and each it placed with its output section
 *  and address. Input lines start with one space (a long section name puts the address, size and
 *  file on the next line); output sections start at column 0; `*fill*` and pattern lines are skipped. */
export function readLdMap(path: string): { discarded: LdMapSection[]; placed: LdMapSection[] } {
  const lines = readFileSync(path, 'latin1').split('\n');
  const discarded: LdMapSection[] = [];
  const placed: LdMapSection[] = [];
  let into: LdMapSection[] | undefined;
  let output = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === 'Discarded input sections') { into = discarded; output = '/DISCARD/'; continue; }
    if (line === 'Memory Configuration') { into = undefined; continue; }
    if (line === 'Linker script and memory map') { into = placed; output = ''; continue; }
    if (!into) continue;
    const top = /^([^\s*]\S*)(\s+0x[0-9a-f]+|\s*$)/.exec(line);
    if (into === placed && top && (top[2].trim() || /^\s+0x/.test(lines[i + 1] ?? ''))) { output = top[1]; continue; }
    const named = /^ (\S+)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?$/.exec(line);
    if (!named || named[1].startsWith('*') || !output) continue;
    let [address, size, file] = [named[2], named[3], named[4]];
    if (!address) {
      const next = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$/.exec(lines[i + 1] ?? '');
      if (!next) continue;
      [address, size, file] = [next[1], next[2], next[3]];
      i++;
    }
    into.push({ file, section: named[1], output, address: BigInt('0x' + address), size: parseInt(size, 16) });
  }
  return { discarded, placed };
}

/** Entries of ld's map that are no input section of the link: the empty sections ld makes for
 *  dynamic linking in its own internal file (listed as the first input's), and input .rela*
 *  sections its script matches into .rela.dyn at size 0 while --emit-relocs writes them anew. */
export function ldMapInternal(p: LdMapSection): boolean {
  return p.size === 0 && (['.got', '.got.plt', '.igot.plt', '.iplt'].includes(p.section) || p.section.startsWith('.rela'));
}

/** readelf -rW's x86-64 relocations of a file: the section each patches (from ".rela<name>"), r_offset, type. */
export function readelfPatches(path: string): { section: string; offset: bigint; type: string }[] {
  const out: { section: string; offset: bigint; type: string }[] = [];
  let section = '';
  for (const line of runTool('readelf', ['-rW', path]).split('\n')) {
    const head = /^Relocation section '\.rela([^']+)'/.exec(line);
    if (head) { section = head[1]; continue; }
    const m = /^([0-9a-f]{16})\s+[0-9a-f]+\s+(R_X86_64_\w+)/.exec(line);
    if (m && section) out.push({ section, offset: BigInt('0x' + m[1]), type: m[2] });
  }
  return out;
}
